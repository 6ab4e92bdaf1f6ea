"""The corrected paired test, Holm's correction and the verdict (issue 13, item 2)."""

import numpy as np
import pytest
from scipy import stats

from sktoynet.comparison._verdict import (
    confidence_interval,
    corrected_ttest,
    holm,
    judge,
    range_of_scorer,
)


def test_the_statistic_matches_a_hand_computation():
    top = np.array([0.90, 0.85, 0.95, 0.80, 0.90, 0.88, 0.92, 0.86, 0.91, 0.89])
    other = np.array([0.85, 0.86, 0.90, 0.78, 0.84, 0.85, 0.90, 0.80, 0.90, 0.86])
    d = top - other  # mean 0.032, sample variance 0.00476 / 9
    n, ratio = 10, 1 / 4  # 5 folds: 1 row tested for 4 trained on
    by_hand_t = d.mean() / np.sqrt(d.var(ddof=1) * (1 / n + ratio))
    t_stat, p_value = corrected_ttest(d, ratio)
    assert t_stat == pytest.approx(by_hand_t)
    # 0.032 / sqrt(0.00476 / 9 * (1 / 10 + 1 / 4)) = 2.352; one-sided p of t(9) above it.
    assert t_stat == pytest.approx(2.3520, abs=1e-4)
    assert p_value == pytest.approx(stats.t.sf(by_hand_t, df=9))
    assert p_value == pytest.approx(0.0216, abs=1e-4)
    # Much less significant than the uncorrected paired test on the same numbers.
    assert p_value > stats.ttest_rel(top, other, alternative="greater").pvalue * 5
    low, high = confidence_interval(top, ratio)
    half = stats.t.ppf(0.975, 9) * np.sqrt(top.var(ddof=1) * (1 / n + ratio))
    assert (low, high) == pytest.approx((top.mean() - half, top.mean() + half))


def test_holm_multiplies_the_smallest_p_by_m_and_keeps_the_order():
    adjusted = holm([0.01, 0.04, 0.03, np.nan])
    np.testing.assert_allclose(adjusted[:3], [0.03, 0.06, 0.06])
    assert np.isnan(adjusted[3])


def test_equal_scores_everywhere_are_a_tie_and_the_log_loss_names_the_top():
    verdict = judge(
        {"sktoynet": [0.98] * 5, "LogisticRegression": [0.98] * 5, "MLP": [0.98] * 5},
        0.25,
        losses={"sktoynet": -0.08, "LogisticRegression": -0.05, "MLP": -0.3},
    )
    assert verdict.leaders == ["sktoynet", "LogisticRegression", "MLP"]
    assert verdict.top == "LogisticRegression"  # the most confident, not the first listed
    assert verdict.sentence == (
        "sktoynet, LogisticRegression and MLP are tied (no difference is significant at 0.05)."
    )


def test_among_equal_scores_and_log_losses_the_order_decides_never_timing():
    scores = {"sktoynet": [1.0] * 5, "LogisticRegression": [1.0] * 5, "MLP": [1.0] * 5}
    losses = {"sktoynet": -0.002, "LogisticRegression": -0.0001, "MLP": -0.0001}
    assert judge(scores, 0.25, losses=losses).top == "LogisticRegression"
    no_proba = {"sktoynet": np.nan, "LogisticRegression": np.nan, "MLP": np.nan}
    assert judge(scores, 0.25, losses=no_proba).top == "sktoynet"
    assert judge(scores, 0.25).top == "sktoynet"


def test_a_tiny_noisy_difference_is_a_tie():
    rng = np.random.RandomState(0)
    a = 0.743 + rng.normal(0, 0.01, 10)
    b = a - 1e-5 + rng.normal(0, 0.01, 10)
    verdict = judge({"sktoynet": b, "MLPClassifier": a}, 0.25)
    assert sorted(verdict.leaders) == ["MLPClassifier", "sktoynet"]


def test_a_constant_gap_is_significant_and_named_with_its_size():
    verdict = judge(
        {"sktoynet": [1.0] * 5, "LogisticRegression": [2 / 3] * 5, "MLPClassifier": [1.0] * 5},
        0.25,
    )
    assert verdict.leaders == ["sktoynet", "MLPClassifier"]
    assert np.isnan(verdict.p_value["sktoynet"]) and verdict.p_value["LogisticRegression"] == 0
    assert verdict.sentence == (
        "sktoynet and MLPClassifier are tied; LogisticRegression is worse by 0.333 (p < 0.001)."
    )


def test_a_single_split_cannot_tell_models_apart():
    verdict = judge({"a": [1.0], "b": [0.5]}, 0.25)
    assert verdict.leaders == ["a", "b"]
    assert "single split" in verdict.sentence


def test_intervals_are_clipped_to_the_range_of_the_score():
    scores = np.array([1.0, 0.95, 1.0, 0.9, 1.0])  # mean 0.97: the raw interval passes 1
    low, high = confidence_interval(scores, 0.25)
    assert high > 1
    assert confidence_interval(scores, 0.25, score_range=(0.0, 1.0)) == (low, 1.0)
    verdict = judge({"a": scores, "b": scores - 0.5}, 0.25, score_range=(0.0, 1.0))
    assert verdict.ci_high["a"] == 1.0
    assert verdict.ci_low["a"] == pytest.approx(low)
    assert 0.0 <= verdict.ci_low["b"] < verdict.ci_high["b"] < 1.0


@pytest.mark.parametrize(
    "scoring, expected",
    [
        ("accuracy", (0.0, 1.0)),
        ("balanced_accuracy", (0.0, 1.0)),
        ("f1_macro", (0.0, 1.0)),
        ("roc_auc_ovr", (0.0, 1.0)),
        ("neg_log_loss", (-np.inf, 0.0)),
        ("matthews_corrcoef", None),
        (lambda estimator, X, y: 0.0, None),
    ],
)
def test_the_range_of_a_scorer(scoring, expected):
    assert range_of_scorer(scoring) == expected
