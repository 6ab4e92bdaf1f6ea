"""The verdict and the flags of whole comparisons (issue 13)."""

import numpy as np
import pytest

from sktoynet.comparison import compare, default_models
from sktoynet.comparison._compare import TABLE_COLUMNS
from sktoynet.datasets import make_three_bands
from tests.comparison._helpers import logistic


@pytest.fixture(scope="module")
def quick_toy_results():
    from sktoynet.datasets import make_two_squares

    problems = {"two_squares": make_two_squares(random_state=0), "three_bands": make_three_bands()}
    return {
        name: compare(X, y, models=default_models(0, quick=True), random_state=0)
        for name, (X, y) in problems.items()
    }


def test_on_three_bands_logistic_regression_is_significantly_worse(quick_toy_results):
    result = quick_toy_results["three_bands"]
    assert "sktoynet" in result.leaders_
    assert "LogisticRegression" not in result.leaders_
    assert result.table.loc["LogisticRegression", "p_value"] < 0.05
    assert "LogisticRegression is worse by 0.333" in result.verdict
    assert np.isnan(result.table.loc[result.best_model_, "p_value"])


def test_on_two_squares_all_three_models_lead(quick_toy_results):
    result = quick_toy_results["two_squares"]
    assert result.leaders_ == ["sktoynet", "LogisticRegression", "MLPClassifier"]
    assert result.verdict.endswith("are tied (no difference is significant at 0.05).")
    table = result.table
    assert (table["ci_low"] <= table["mean_test_score"]).all()
    assert (table["mean_test_score"] <= table["ci_high"]).all()


def test_the_table_has_the_new_columns_and_compile_time_apart(quick_toy_results):
    table = quick_toy_results["two_squares"].table
    assert list(table.columns) == TABLE_COLUMNS
    assert table.loc["sktoynet", "compile_time"] >= 0  # one warm-up fit before the search
    assert np.isnan(table.loc["LogisticRegression", "compile_time"])  # nothing to compile
    assert (table["total_time"] >= table["mean_fit_time"]).all()


def test_equal_models_tie_and_confusion_tables_use_string_labels_on_a_dataframe():
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True)
    X, y = iris.data, iris.target_names[iris.target]
    models = {"first": logistic(), "second": logistic()}  # the same model twice
    result = compare(X, y, models=models, cv=5, n_repeats=2, random_state=0)
    assert (
        result.table.loc["first", "mean_test_score"]
        == result.table.loc["second", "mean_test_score"]
    )
    assert result.leaders_ == ["first", "second"]
    assert "tied" in result.verdict
    confusion = result.confusion_matrices["first"]
    assert list(confusion.index) == ["setosa", "versicolor", "virginica"]
    assert confusion.to_numpy().sum() == 150  # each row predicted once, out of fold
    assert confusion.loc["setosa", "setosa"] == 50
    metrics = result.class_metrics["first"]
    assert list(metrics.columns) == ["precision", "recall", "support"]
    assert metrics["support"].tolist() == [50, 50, 50]
    assert (metrics[["precision", "recall"]] > 0.8).all().all()
    assert {"Python", "scikit-learn", "Keras"} <= set(result.versions)


def test_a_refit_that_disagrees_with_cv_is_flagged():
    from sktoynet.comparison._flags import refit_disagrees

    failed = refit_disagrees("MLPClassifier", 1.0, 1.0, 1.0, 0.667)
    assert failed.startswith("MLPClassifier: refitted on all rows, it scores 0.667")
    assert "overfits" in refit_disagrees("net", 0.80, 0.76, 0.84, 1.0)
    assert refit_disagrees("net", 0.98, 0.96, 1.0, 1.0) is None  # within the interval
    assert refit_disagrees("net", 1.0, 1.0, 1.0, 0.995) is None  # one row is not news


def test_a_best_point_on_the_edge_is_flagged_only_where_the_score_still_rises():
    from sktoynet.comparison._flags import edge_of_grid

    grid = {"clf__C": [0.1, 1.0, 10.0]}
    rising = {
        "param_clf__C": [0.1, 1.0, 10.0],
        "mean_test_score": [0.6, 0.7, 0.9],
        "std_test_score": [0.01, 0.01, 0.01],
        "split0_test_score": [0.6, 0.7, 0.9],
        "split1_test_score": [0.6, 0.7, 0.9],
    }
    (flag,) = edge_of_grid("logistic", grid, {"clf__C": 10.0}, rising)
    assert flag.startswith("logistic: the best C=10.0 is the largest value of the grid")
    plateau = {**rising, "mean_test_score": [1.0, 1.0, 1.0]}
    assert edge_of_grid("logistic", grid, {"clf__C": 10.0}, plateau) == []
    assert edge_of_grid("logistic", grid, {"clf__C": 1.0}, rising) == []


def test_the_interval_of_an_accuracy_stops_at_1():
    from sklearn.datasets import make_moons
    from sklearn.neighbors import KNeighborsClassifier

    from sktoynet.comparison._compare import _best_split_scores
    from sktoynet.comparison._verdict import confidence_interval

    X, y = make_moons(n_samples=100, noise=0.15, random_state=0)
    result = compare(X, y, models={"knn": KNeighborsClassifier()}, random_state=0)
    splits = _best_split_scores(result.searches["knn"])
    ratio = float(np.mean([len(test) / len(train) for train, test in result.splits]))
    assert confidence_interval(splits, ratio)[1] > 1  # the raw t-interval passes 1
    row = result.table.loc["knn"]
    assert row["ci_high"] == 1.0
    assert 0 < row["ci_low"] < row["mean_test_score"] < 1
