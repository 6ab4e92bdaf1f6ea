"""Checks of compare()'s target and scoring, made before any fit: one clear line each."""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from sktoynet._utils import plain_value


def check_target(y, n_splits):
    """Check that ``y`` has two classes or more, each with a row per fold.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    n_splits : int
        Number of stratified cross-validation folds.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels as a 1-D array.

    Raises
    ------
    ValueError
        With a message that names the offending class and the fix.
    """
    y = _check_label_values(column_or_1d(y, warn=True))
    check_classification_targets(y)
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        shown = repr(plain_value(classes[0]) if classes.size else None)
        raise ValueError(
            f"the target has a single class ({shown}): a classifier needs at least two"
        )
    smallest = int(np.argmin(counts))
    if counts[smallest] < n_splits:
        raise ValueError(
            f"class {plain_value(classes[smallest])!r} has only {counts[smallest]} row(s), fewer "
            f"than the {n_splits} cross-validation folds; use fewer folds (at most "
            f"{max(int(counts[smallest]), 2)}) or add rows of that class"
        )
    return y


#: Fewer rows per class than this in a training fold, on average, and classes are guesswork.
MIN_TRAINING_ROWS_PER_CLASS = 5


#: More classes than this make every fit slow (one output per class), whatever the rows.
MANY_CLASSES = 100


def target_warnings(y, n_splits):
    """Lines about a target that can be compared on, but not sensibly.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels, as :func:`check_target` returns them.
    n_splits : int
        Number of stratified cross-validation folds.

    Returns
    -------
    lines : list of str
        One line per problem found: so many classes that a training fold
        holds few rows of each (each model then learns little but labels),
        and every fit gets slow.
    """
    n_classes = np.unique(y).size
    per_class = len(y) * (n_splits - 1) / n_splits / n_classes
    if per_class >= MIN_TRAINING_ROWS_PER_CLASS and n_classes <= MANY_CLASSES:
        return []
    return [
        f"{n_classes:,} classes for {len(y):,} rows: a training fold holds {per_class:.1f} "
        f"rows of each class on average, and every fit learns {n_classes:,} outputs, so the "
        "run is long and its scores near chance; merge rare classes or predict a coarser label"
    ]


#: Scorers that need an ``average`` with more than two classes, and the name to use instead.
MULTICLASS_SCORERS = {
    "roc_auc": "roc_auc_ovr",
    "average_precision": "roc_auc_ovr",
    "f1": "f1_macro",
    "precision": "precision_macro",
    "recall": "recall_macro",
    "jaccard": "jaccard_macro",
}


def check_scoring(scoring, y):
    """Refuse a scorer name that cannot score these classes, before any fit.

    The scorer is tried on a stand-in classifier that predicts every class of
    ``y``: a binary-only scorer with three classes, or ``f1`` with labels
    that have no positive class 1, fails here in one line rather than after
    the whole search. Callables are left to the search.

    Parameters
    ----------
    scoring : str or callable
        The scorer, as :func:`compare` takes it.
    y : ndarray of shape (n_samples,)
        Class labels.

    Raises
    ------
    ValueError
        Naming the scorer and the name to use instead.
    """
    if not isinstance(scoring, str):
        return
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import get_scorer

    scorer = get_scorer(scoring)  # an unknown name fails here
    classes = np.unique(y)
    labels = np.concatenate([classes, classes])
    stand_in = DummyClassifier(strategy="stratified", random_state=0)
    stand_in.fit(np.zeros((labels.size, 1)), labels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ill-defined scores of the stand-in do not matter
            scorer(stand_in, np.zeros((labels.size, 1)), labels)
    except (ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split()).split(". ")[0].rstrip(".")
        instead = MULTICLASS_SCORERS.get(scoring, "accuracy")
        raise ValueError(
            f"scoring={scoring!r} cannot score the {classes.size} classes of this target "
            f"({reason}); use scoring={instead!r}"
        ) from None


def _check_label_values(y):
    """Refuse missing labels and labels of mixed types, naming an example of each.

    Object labels that are all booleans or all numbers come back with that
    dtype, which scikit-learn recognises as classes.
    """
    missing = pd.isna(y)
    if missing.any():
        raise ValueError(
            f"the target has {int(missing.sum())} missing label(s) (such as row "
            f"{int(np.flatnonzero(missing)[0])}); drop those rows or give them a class"
        )
    if y.dtype != object:
        return y
    kinds = {}
    for value in y:
        if isinstance(value, (bool, np.bool_)):
            kind = "boolean"
        elif isinstance(value, (int, float, np.number)):
            kind = "number"
        else:
            kind = type(value).__name__
        kinds.setdefault(kind, value)
    if len(kinds) > 1:
        examples = " and ".join(f"{kind} ({plain_value(value)!r})" for kind, value in kinds.items())
        raise ValueError(
            f"the target mixes label types: {examples}; make every label the same type "
            "(all strings or all numbers)"
        )
    if set(kinds) <= {"boolean", "number"}:
        return np.asarray(y.tolist())
    return y
