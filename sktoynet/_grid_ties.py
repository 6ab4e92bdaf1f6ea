"""Which grid point wins a cross-validated search, ties included.

Provisional: a simple rule with the agreed signature, to be replaced by the
shared implementation used by ``compare``. Callers rely on the signature only.
"""

import numpy as np


def best_index(cv_results, *, score="score", loss="neg_log_loss") -> int:
    """Index of the best grid point of a GridSearchCV-format ``cv_results``.

    The highest ``mean_test_<score>`` wins; among ties, the highest
    ``mean_test_<loss>`` (a negated loss) when the results have it; then the
    lowest ``mean_fit_time``; then the first.

    Parameters
    ----------
    cv_results : dict
        Multi-metric results in GridSearchCV's format.
    score : str, default="score"
        Name of the metric that ranks the grid points.
    loss : str, default="neg_log_loss"
        Name of the metric that breaks ties (higher is better).

    Returns
    -------
    index : int
        Position of the best grid point in ``cv_results["params"]``.
    """
    n_points = len(cv_results["params"])
    keys = [np.asarray(cv_results[f"mean_test_{score}"], dtype=float)]
    if f"mean_test_{loss}" in cv_results:
        keys.append(np.asarray(cv_results[f"mean_test_{loss}"], dtype=float))
    if "mean_fit_time" in cv_results:
        keys.append(-np.asarray(cv_results["mean_fit_time"], dtype=float))
    # lexsort sorts ascending by the last key first: negate for "highest first",
    # NaN last, and the original order settles what is still tied.
    columns = [np.arange(n_points)] + [
        np.where(np.isnan(key), np.inf, -key) for key in reversed(keys)
    ]
    return int(np.lexsort(columns)[0])
