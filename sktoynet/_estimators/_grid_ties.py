"""Which grid point to keep when several score as well as the best.

A grid search ranks its points by mean cross-validated score alone, and
GridSearchCV keeps the first of equal means: the first point of the grid,
whatever it is. On the toy problems that was a learning rate of 0.001 and
two hidden units, a net that ran all its epochs without converging and whose
predicted probability of the true class averaged 0.69. :func:`best_index`
keeps instead, among the points that score as well as the best, the most
confident one (best cross-validated log-loss), then the first in the grid.

It reads a GridSearchCV ``cv_results_`` dict and returns an index, so it can
be GridSearchCV's ``refit`` callable::

    GridSearchCV(
        estimator,
        grid,
        scoring={"score": "accuracy", "neg_log_loss": "neg_log_loss"},
        refit=functools.partial(best_index, score="score", loss="neg_log_loss"),
    )
"""

import re

import numpy as np

__all__ = ["best_index"]


def standard_error(cv_results, name, index):
    """Standard error of the mean over the splits of ``mean_test_<name>[index]``.

    scikit-learn's ``std_test_<name>`` is the population standard deviation
    over the ``n`` splits (``ddof=0``), so the standard error of the mean is
    ``std / sqrt(n - 1)`` (the same as ``std(ddof=1) / sqrt(n)``). It is 0 with
    one split, and when the ``split{k}_test_<name>`` keys are missing (the
    number of splits is unknown), the standard deviation itself is used.
    """
    std = float(np.asarray(cv_results[f"std_test_{name}"], dtype=float)[index])
    pattern = re.compile(rf"split\d+_test_{re.escape(name)}")
    n_splits = sum(1 for key in cv_results if pattern.fullmatch(key))
    if n_splits == 0:
        return std
    if n_splits == 1:
        return 0.0
    return std / np.sqrt(n_splits - 1)


def _as_good_as_the_best(cv_results, name, candidates):
    """The ``candidates`` whose mean ``name`` is within one standard error of their best.

    Means that are not finite (a failed fit scored as NaN) are never kept. A
    tiny absolute margin keeps means that only differ by floating-point
    rounding together, even when the standard error is 0.
    """
    means = np.asarray(cv_results[f"mean_test_{name}"], dtype=float)
    finite = [i for i in candidates if np.isfinite(means[i])]
    if not finite:
        return []
    best = max(finite, key=lambda i: means[i])
    margin = standard_error(cv_results, name, best)
    margin = margin if np.isfinite(margin) else 0.0
    threshold = means[best] - margin - 1e-9 * max(1.0, abs(means[best]))
    return [i for i in finite if means[i] >= threshold]


def best_index(cv_results, *, score="score", loss="neg_log_loss") -> int:
    """The grid point to keep: as good as the best, then most confident, then first.

    1. **As good as the best**: the points whose mean cross-validated
       ``score`` is at least the best mean minus the best point's standard
       error (its standard deviation over the splits divided by
       ``sqrt(n_splits - 1)``, i.e. the sample standard error of the mean).
       A difference smaller than that is noise of the folds, not a better
       model: this is Breiman's one-standard-error rule. Equal means are
       always as good (a ``1e-9`` relative margin absorbs rounding).
    2. Among those, when ``mean_test_<loss>`` is in ``cv_results``: the
       points whose mean ``loss`` (greater is better, as scikit-learn's
       ``"neg_log_loss"``) is within one standard error of the best of them,
       by the same rule. A better cross-validated log-loss means a net whose
       predicted probabilities are confidently right on held-out rows, not
       one that only gets the sign of its output right.
    3. Among those, the first in the grid. Fit times do not decide: those of
       a few milliseconds vary from run to run by more than they differ
       between tied points, and more so while other fits share the CPU, so
       they changed the choice between identical runs.

    Parameters
    ----------
    cv_results : dict
        ``cv_results_`` of a GridSearchCV or RandomizedSearchCV (possibly
        multi-metric), or a dict of the same form with the keys
        ``mean_test_<score>``, ``std_test_<score>`` and
        ``split{k}_test_<score>``, optionally ``mean_test_<loss>``,
        ``std_test_<loss>`` and ``split{k}_test_<loss>``.
    score : str, default="score"
        Name of the metric that ranks the points, greater is better (the key
        of ``scoring`` in a multi-metric search; ``"score"`` for a search with
        a single scorer).
    loss : str or None, default="neg_log_loss"
        Name of the metric that breaks ties, greater is better; ignored when
        ``mean_test_<loss>`` is not in ``cv_results`` (an estimator without
        ``predict_proba``) or when None.

    Returns
    -------
    index : int
        Index of the chosen point in ``cv_results["params"]``.

    Raises
    ------
    ValueError
        When ``mean_test_<score>`` is missing or no point has a finite mean.

    See Also
    --------
    sklearn.model_selection.GridSearchCV : Takes this function as ``refit``.

    Notes
    -----
    The standard error over cross-validation splits underestimates the true
    uncertainty (the training sets overlap), so the rule is, if anything,
    strict about what counts as a tie.

    Examples
    --------
    >>> from sktoynet._estimators._grid_ties import best_index
    >>> cv_results = {
    ...     "mean_test_score": [1.0, 1.0, 0.9],
    ...     "std_test_score": [0.0, 0.0, 0.05],
    ...     "split0_test_score": [1.0, 1.0, 0.85],
    ...     "split1_test_score": [1.0, 1.0, 0.95],
    ...     "mean_test_neg_log_loss": [-0.40, -0.02, -0.30],
    ...     "std_test_neg_log_loss": [0.01, 0.01, 0.02],
    ...     "split0_test_neg_log_loss": [-0.39, -0.01, -0.28],
    ...     "split1_test_neg_log_loss": [-0.41, -0.03, -0.32],
    ... }
    >>> best_index(cv_results)
    1
    """
    key = f"mean_test_{score}"
    if key not in cv_results:
        shown = ", ".join(sorted(k for k in cv_results if k.startswith("mean_test_"))) or "none"
        raise ValueError(f"cv_results has no {key!r}; its mean test scores are: {shown}")
    n_points = len(cv_results[key])
    tied = _as_good_as_the_best(cv_results, score, range(n_points))
    if not tied:
        raise ValueError(f"no grid point has a finite {key!r}: every fit failed")
    if loss is not None and f"mean_test_{loss}" in cv_results:
        confident = _as_good_as_the_best(cv_results, loss, tied)
        tied = confident or tied  # a loss that is NaN everywhere decides nothing
    return int(tied[0])
