"""Out-of-fold predictions on the shared folds: confusion matrices and per-class metrics.

A mean score hides which classes a model gets wrong. Each model's best grid
point is refitted on the training rows of the first complete set of folds
(the first repeat of a repeated k-fold) and predicts the held-out rows, so
every row is predicted once, by a model that did not see it.
"""

import contextlib
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.utils import _safe_indexing
from sklearn.utils.parallel import Parallel, delayed


@contextlib.contextmanager
def expected_fit_warnings_hidden():
    """Hide the warnings that grid points are expected to raise while they are searched.

    Convergence warnings from points meant to fail (a tiny learning rate),
    skrub's notice that a category seen only in a test fold is encoded as
    zeros, as intended, and MLPClassifier's "Training interrupted by user."
    from worker processes that got the terminal's Ctrl-C too (the run stops
    anyway). scikit-learn hands these filters to its worker processes.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Found unknown categories")
        warnings.filterwarnings("ignore", message="Training interrupted by user")
        yield


def first_disjoint_splits(splits):
    """The leading splits whose test sets do not overlap (one repeat of a repeated k-fold)."""
    seen = set()
    chosen = []
    for train, test in splits:
        rows = set(np.asarray(test).tolist())
        if rows & seen:
            break
        seen |= rows
        chosen.append((train, test))
    return chosen


def _fit_predict(estimator, X, y, train, test):
    estimator.fit(_safe_indexing(X, train), y[train])
    return estimator.predict(_safe_indexing(X, test))


def out_of_fold_predictions(estimator, X, y, splits, *, n_jobs=None):
    """``(y_true, y_pred)`` over the rows of :func:`first_disjoint_splits` of ``splits``.

    Call it within :func:`expected_fit_warnings_hidden`, as :func:`sktoynet.compare`
    does once for all its searches (its filters reach the worker processes).
    """
    chosen = first_disjoint_splits(splits)
    predicted = Parallel(n_jobs=n_jobs)(
        delayed(_fit_predict)(clone(estimator), X, y, train, test) for train, test in chosen
    )
    tested = np.concatenate([test for _, test in chosen])
    return np.asarray(y)[tested], np.concatenate(predicted)


def class_tables(y_true, y_pred, classes):
    """``(confusion, per_class)`` DataFrames, both indexed by the true class.

    ``confusion`` counts rows by true class (index) and predicted class
    (columns); ``per_class`` has the columns ``precision``, ``recall`` and
    ``support`` (rows of that class). A class never predicted has a
    precision of 0.
    """
    labels = pd.Index(list(classes), name="true class")
    counts = confusion_matrix(y_true, y_pred, labels=classes)
    predicted = pd.Index(list(classes), name="predicted")
    confusion = pd.DataFrame(counts, index=labels, columns=predicted)
    precision, recall, _, support = precision_recall_fscore_support(
        y_true, y_pred, labels=classes, zero_division=0
    )
    per_class = pd.DataFrame(
        {"precision": precision, "recall": recall, "support": support}, index=labels
    )
    return confusion, per_class
