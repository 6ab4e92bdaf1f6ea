"""Ties inside a grid: sktoynet._estimators._grid_ties.best_index (issue 13, item 3)."""

from functools import partial

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sktoynet._estimators._grid_ties import best_index


def results(scores, losses=None, times=None):
    """A cv_results_ dict from per-split scores (and losses), one row per grid point."""
    scores = np.asarray(scores, dtype=float)
    out = {
        "mean_test_score": scores.mean(axis=1),
        "std_test_score": scores.std(axis=1),
        **{f"split{k}_test_score": scores[:, k] for k in range(scores.shape[1])},
    }
    if losses is not None:
        losses = np.asarray(losses, dtype=float)
        out["mean_test_neg_log_loss"] = losses.mean(axis=1)
        out["std_test_neg_log_loss"] = losses.std(axis=1)
        out.update({f"split{k}_test_neg_log_loss": losses[:, k] for k in range(losses.shape[1])})
    if times is not None:
        out["mean_fit_time"] = np.asarray(times, dtype=float)
    return out


def test_equal_scores_go_to_the_better_log_loss_not_the_first_point():
    cv_results = results(
        [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
        losses=[[-0.4, -0.4, -0.4], [-0.02, -0.03, -0.02], [-0.1, -0.1, -0.1]],
        times=[0.5, 0.2, 0.01],
    )
    assert best_index(cv_results) == 1


def test_a_score_within_one_standard_error_of_the_best_is_as_good():
    # Best mean 0.9 with per-split std 0.1 over 5 splits: standard error 0.05.
    cv_results = results(
        [[0.8, 1.0, 0.8, 1.0, 0.9], [0.86] * 5, [0.84] * 5],
        losses=[[-0.5] * 5, [-0.1] * 5, [-0.05] * 5],
    )
    assert best_index(cv_results) == 1  # 0.86 is within 0.9 - 0.0707; 0.84 is not


def test_a_score_beyond_the_standard_error_is_not_a_tie():
    cv_results = results([[1.0] * 4, [0.99] * 4], losses=[[-0.5] * 4, [-0.01] * 4])
    assert best_index(cv_results) == 0


def test_among_equal_log_losses_the_first_in_the_grid_wins_whatever_the_times():
    # 0.049, 0.045 and 0.047 s: the three-bands nets at learning rate 0.1, whose order
    # by time changed from run to run (and so did the chosen width).
    for times in ([0.049, 0.045, 0.047], [0.045, 0.049, 0.047], [0.3, 0.1, 0.01]):
        cv_results = results([[1.0] * 3] * 3, losses=[[-0.003] * 3] * 3, times=times)
        assert best_index(cv_results) == 0


def test_without_a_log_loss_the_first_tied_point_wins():
    cv_results = results([[0.5] * 3, [1.0] * 3, [1.0] * 3], times=[0.001, 0.3, 0.1])
    assert best_index(cv_results) == 1
    assert best_index(cv_results, loss=None) == 1


def test_nan_scores_are_never_chosen_and_all_nan_is_an_error():
    cv_results = results([[np.nan] * 3, [0.7] * 3], times=[0.0, 1.0])
    assert best_index(cv_results) == 1
    with pytest.raises(ValueError, match="no grid point has a finite 'mean_test_score'"):
        best_index(results([[np.nan] * 3]))
    with pytest.raises(ValueError, match="no 'mean_test_accuracy'"):
        best_index(cv_results, score="accuracy")


def test_it_is_a_refit_callable_for_a_multi_metric_grid_search(two_squares):
    X, y = two_squares
    search = GridSearchCV(
        LogisticRegression(),
        {"C": [0.01, 1.0, 100.0]},
        scoring={"score": "accuracy", "neg_log_loss": "neg_log_loss"},
        refit=partial(best_index, score="score", loss="neg_log_loss"),
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    # All three C values separate the squares; the largest is the most confident.
    assert list(search.cv_results_["mean_test_score"]) == [1.0, 1.0, 1.0]
    assert search.best_index_ == 2
    assert search.best_params_ == {"C": 100.0}
