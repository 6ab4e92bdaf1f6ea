"""Warnings about a comparison's result that a table of means does not show.

- A best point on the edge of its grid, where the score still rises: the
  best score at the edge value beats the best score at every other value of
  that parameter by more than the standard error of the best point. On a
  plateau (equal scores everywhere) the edge is not news, and not flagged.
- A refit that disagrees with cross-validation: the final estimator, refitted
  on all rows, scores on those rows outside the confidence interval of its
  cross-validated score (and by more than :data:`MIN_GAP`). Below it, the
  refit is worse than the fits cross-validation measured (an unlucky start),
  so its figures mislead; above it, the model overfits.
- Features that carry no information: every column holds a single value,
  so every model can at best predict the largest class, and scores alike.
"""

import numpy as np

from sktoynet._estimators._grid_ties import standard_error
from sktoynet._utils import short_name

#: Smallest gap between the refit's score and the cross-validated one that is flagged,
#: so that one row more or less in an interval of width 0 is not news.
MIN_GAP = 0.01


def _grid_of(param_grid, best_params):
    """The dict of ``param_grid`` (a dict or a list of dicts) that holds ``best_params``."""
    grids = param_grid if isinstance(param_grid, (list, tuple)) else [param_grid]
    for grid in grids:
        if set(grid) == set(best_params) and all(
            any(best_params[key] == value for value in grid[key]) for key in grid
        ):
            return grid
    return {}


def _rises_to(cv_results, key, edge_value, score):
    """Whether the best mean ``score`` at ``key == edge_value`` beats every other value's."""
    values = list(cv_results[f"param_{key}"])
    means = np.asarray(cv_results[f"mean_test_{score}"], dtype=float)
    at_edge = [i for i, value in enumerate(values) if value == edge_value]
    inside = [i for i, value in enumerate(values) if value != edge_value]
    if not inside:
        return False
    best = max(at_edge, key=lambda i: means[i])
    return bool(means[best] > np.nanmax(means[inside]) + standard_error(cv_results, score, best))


def edge_of_grid(model, param_grid, best_params, cv_results, score="score"):
    """Lines naming each parameter whose best value is at the end of a grid of 3 or more values.

    Only where the score still rises toward that end (see the module
    docstring). Values that cannot be ordered (strings, None) are skipped;
    tuples such as ``hidden_layer_sizes`` are ordered as tuples.
    """
    flags = []
    for key, values in _grid_of(param_grid, best_params).items():
        values = list(values)
        unordered = any(isinstance(value, (bool, str)) or value is None for value in values)
        if len(values) < 3 or unordered:
            continue
        try:
            ordered = sorted(values)
        except TypeError:
            continue
        chosen = best_params[key]
        if chosen == ordered[0]:
            side, direction = "smallest", "smaller"
        elif chosen == ordered[-1]:
            side, direction = "largest", "larger"
        else:
            continue
        if not _rises_to(cv_results, key, chosen, score):
            continue
        flags.append(
            f"{model}: the best {short_name(key)}={chosen!r} is the {side} value of the grid and "
            f"the score rises toward it; try {direction} values too"
        )
    return flags


def refit_disagrees(model, cv_score, ci_low, ci_high, train_score):
    """A line when the refit's score on its training rows is outside the CV interval, else None."""
    if not np.isfinite(train_score):
        return None
    low = ci_low if np.isfinite(ci_low) else cv_score
    high = ci_high if np.isfinite(ci_high) else cv_score
    gap = train_score - cv_score
    if train_score < low and -gap > MIN_GAP:
        return (
            f"{model}: refitted on all rows, it scores {train_score:.3f} on them, below its "
            f"cross-validated {cv_score:.3f} (interval {low:.3f} to {high:.3f}); the final fit "
            "is worse than those cross-validation measured, and its figures may mislead"
        )
    if train_score > high and gap > MIN_GAP:
        return (
            f"{model}: refitted on all rows, it scores {train_score:.3f} on them, above its "
            f"cross-validated {cv_score:.3f} (interval {low:.3f} to {high:.3f}); it overfits"
        )
    return None


def no_information(frame):
    """A line when every column of ``frame`` (a DataFrame) holds one value on all rows, else None.

    A missing value counts as a value: a column that is sometimes missing
    tells rows apart.
    """
    if frame.shape[1] == 0 or any(frame[name].nunique(dropna=False) > 1 for name in frame):
        return None
    return (
        f"every feature ({frame.shape[1]} column(s)) has the same value on all rows: they "
        "carry no information, so every model can only predict the largest class"
    )
