"""Which differences between models are real: the corrected repeated k-fold t-test.

Scores from the splits of one cross-validation are not independent: every
two training sets share most of their rows. A plain paired t-test over the
splits then finds differences that are only noise. Nadeau and Bengio (2003)
correct the variance of the mean over ``n`` splits from ``var / n`` to
``var * (1 / n + n_test / n_train)``; scikit-learn's gallery example
"Statistical comparison of models using grid search" works it through, and
this module follows it: the same statistic, ``n - 1`` degrees of freedom and
a one-sided (right-tailed) p-value for "the top model scores higher".

Each model's best grid point is compared with the top model's on the same
splits, and the p-values are adjusted for the several comparisons with
Holm's step-down method. The leaders are the top model and every model whose
adjusted p-value is at least ``alpha``.
"""

from dataclasses import dataclass

import numpy as np

from sktoynet._utils import format_p

#: Significance level of the verdict.
ALPHA = 0.05

#: Coverage of the confidence interval of each model's mean score.
CONFIDENCE = 0.95

#: Per-split differences smaller than this (relative to the scores) are rounding, not a
#: difference: without it, two models equal on every split but for the last bit of a
#: float would have zero variance and an "infinitely significant" difference.
NEGLIGIBLE = 1e-9


def corrected_std(values, test_train_ratio):
    """Standard error of the mean of per-split ``values``, Nadeau-Bengio corrected.

    ``sqrt(var * (1 / n + n_test / n_train))`` with ``var`` the sample variance
    (``ddof=1``) over the ``n`` splits. NaN with fewer than two splits.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    if n < 2:
        return np.nan
    return float(np.sqrt(np.var(values, ddof=1) * (1 / n + test_train_ratio)))


def corrected_ttest(differences, test_train_ratio):
    """Corrected repeated k-fold t-test that the mean of ``differences`` is above 0.

    Parameters
    ----------
    differences : array-like of shape (n_splits,)
        Per-split score of the top model minus that of the other, on the same splits.
    test_train_ratio : float
        Rows tested over rows trained on, per split (``1 / (k - 1)`` for k folds).

    Returns
    -------
    t_stat : float
        ``mean / corrected_std``; +-inf when the difference is the same on every
        split, 0 when it is 0 on every split, NaN with fewer than two splits.
    p_value : float
        One-sided: the probability of a mean difference at least this large if
        the two models were equally good (Student's t with ``n - 1`` degrees of
        freedom). 1 when the scores are equal on every split, 0 when the
        difference is positive and the same on every split.
    """
    from scipy import stats

    d = np.asarray(differences, dtype=float)
    if d.size < 2:
        return np.nan, np.nan
    d = np.where(np.abs(d) <= NEGLIGIBLE, 0.0, d)
    mean = float(d.mean())
    std = corrected_std(d, test_train_ratio)
    if std == 0:
        if mean == 0:
            return 0.0, 1.0
        return (np.inf, 0.0) if mean > 0 else (-np.inf, 1.0)
    t_stat = mean / std
    return float(t_stat), float(stats.t.sf(t_stat, d.size - 1))


def confidence_interval(scores, test_train_ratio, confidence=CONFIDENCE, score_range=None):
    """``(low, high)``: the corrected interval of the mean of per-split ``scores``.

    ``score_range``, ``(lowest, highest)`` possible score, clips the interval:
    the t-interval is symmetric, so a mean accuracy of 0.98 could otherwise
    reach above 1.
    """
    from scipy import stats

    scores = np.asarray(scores, dtype=float)
    std = corrected_std(scores, test_train_ratio)
    if not np.isfinite(std):
        return np.nan, np.nan
    half = std * stats.t.ppf(0.5 + confidence / 2, scores.size - 1)
    low, high = scores.mean() - half, scores.mean() + half
    if score_range is not None:
        low, high = np.clip([low, high], *score_range)
    return float(low), float(high)


#: Scorers of scikit-learn whose scores lie in [0, 1], by name or name prefix.
UNIT_INTERVAL_SCORERS = (
    "accuracy",
    "balanced_accuracy",
    "top_k_accuracy",
    "average_precision",
    "roc_auc",
    "f1",
    "precision",
    "recall",
    "jaccard",
)


def range_of_scorer(scoring):
    """``(lowest, highest)`` possible value of a scikit-learn scorer name; None if unknown.

    [0, 1] for accuracy, F1, ROC AUC and their kind, at most 0 for the
    negated losses (``neg_*``), None for a callable or another name.
    """
    if not isinstance(scoring, str):
        return None
    if scoring.startswith(UNIT_INTERVAL_SCORERS):
        return (0.0, 1.0)
    if scoring.startswith("neg_"):
        return (-np.inf, 0.0)
    return None


def holm(p_values):
    """Holm's step-down adjustment of ``p_values`` (NaN entries are left out and kept NaN)."""
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p_values, np.nan)
    tested = np.flatnonzero(np.isfinite(p_values))
    order = tested[np.argsort(p_values[tested], kind="stable")]
    m = order.size
    steps = (m - np.arange(m)) * p_values[order]
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    return adjusted


@dataclass
class Verdict:
    """The outcome of comparing every model with the top one."""

    top: str
    leaders: list
    ci_low: dict
    ci_high: dict
    p_value: dict  # Holm-adjusted; NaN for the top model
    sentence: str


def judge(split_scores, test_train_ratio, *, losses=None, alpha=ALPHA, score_range=None):
    """Compare each model's per-split scores with the top model's.

    Parameters
    ----------
    split_scores : dict of str to array-like of shape (n_splits,)
        Per-split test scores of each model's best grid point, on the same
        splits, in the order of the table.
    test_train_ratio : float
        Rows tested over rows trained on, per split.
    losses : dict of str to float, default=None
        Mean cross-validated log-loss of each model's best grid point,
        greater is better (``neg_log_loss``), NaN for a model without
        ``predict_proba``. Among models with equal mean scores, the most
        confident is the top model; the order of ``split_scores`` settles the
        rest (fit times do not: they vary from run to run, more so while the
        models' fits share the CPU).
    alpha : float, default=0.05
        Significance level, applied to the Holm-adjusted p-values.
    score_range : tuple of float, default=None
        ``(lowest, highest)`` possible score, which clips the confidence
        intervals (see :func:`range_of_scorer`); None leaves them as they are.

    Returns
    -------
    verdict : Verdict
    """
    names = list(split_scores)
    scores = {name: np.asarray(split_scores[name], dtype=float) for name in names}
    means = {name: float(scores[name].mean()) for name in names}
    best_mean = max(means.values())
    equal_best = [name for name in names if means[name] >= _lowest_equal(best_mean)]
    top = _top_of_equals(equal_best, losses or {})
    others = [name for name in names if name != top]
    raw = [corrected_ttest(scores[top] - scores[name], test_train_ratio)[1] for name in others]
    adjusted = dict(zip(others, holm(raw), strict=True))
    p_value = {name: adjusted.get(name, np.nan) for name in names}
    intervals = {
        name: confidence_interval(scores[name], test_train_ratio, score_range=score_range)
        for name in names
    }
    leaders = [name for name in names if not p_value[name] < alpha]
    return Verdict(
        top=top,
        leaders=leaders,
        ci_low={name: low for name, (low, _) in intervals.items()},
        ci_high={name: high for name, (_, high) in intervals.items()},
        p_value=p_value,
        sentence=_sentence(names, top, leaders, means, p_value, alpha),
    )


def _join(words):
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _format_gap(gap):
    return f"{gap:.3f}" if gap >= 0.001 else f"{gap:.2g}"


def _top_of_equals(names, losses):
    """The top of models with equal mean scores: the most confident, then the first."""
    loss = {name: float(losses.get(name, np.nan)) for name in names}
    finite = [name for name in names if np.isfinite(loss[name])]
    if finite:
        best = max(loss[name] for name in finite)
        names = [name for name in finite if loss[name] >= _lowest_equal(best)]
    return names[0]


def _lowest_equal(best):
    """The lowest value equal to ``best`` up to rounding (:data:`NEGLIGIBLE`, relative)."""
    return best - NEGLIGIBLE * max(1.0, abs(best))


def _sentence(names, top, leaders, means, p_value, alpha):
    """One plain sentence: who leads, who is tied, who is worse and by how much."""
    if len(names) == 1:
        return f"{top} is the only model compared."
    if all(np.isnan(p_value[name]) for name in names if name != top):
        return f"{_join(names)} cannot be told apart: a single split gives no estimate of noise."
    if len(leaders) == len(names):
        return f"{_join(leaders)} are tied (no difference is significant at {alpha:g})."
    head = f"{top} is best" if len(leaders) == 1 else f"{_join(leaders)} are tied"
    worse = [name for name in names if name not in leaders]
    worse.sort(key=lambda name: means[top] - means[name], reverse=True)
    parts = [
        f"{name} {'is worse by' if i == 0 else 'by'} "
        f"{_format_gap(means[top] - means[name])} ({format_p(p_value[name], in_words=True)})"
        for i, name in enumerate(worse)
    ]
    return f"{head}; {_join(parts)}."
