"""sktoynet.compare(): the fair grid-searched comparison and its result (issue: compare)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import sktoynet
from sktoynet import make_toynet
from sktoynet.comparison import (
    TABLE_COLUMNS,
    ComparisonResult,
    check_target,
    compare,
    default_models,
)
from sktoynet.datasets import make_three_bands
from tests.conftest import FAST_PARAMS


def logistic():
    return make_pipeline(StandardScaler(), LogisticRegression())


@pytest.fixture(scope="module")
def three_bands_result():
    X, y = make_three_bands()
    models = {
        "sktoynet": (
            make_toynet(**{**FAST_PARAMS, "epochs": 100, "n_init": 4}),
            {"toynetclassifier__learning_rate": [0.1], "toynetclassifier__width": [2, 8]},
        ),
        "LogisticRegression": (logistic(), {"logisticregression__C": [0.1, 1.0]}),
    }
    return compare(X, y, models=models, cv=3, random_state=0)


def test_sktoynet_beats_logistic_regression_on_three_bands(three_bands_result):
    table = three_bands_result.table
    # One threshold cannot cut out the middle band: 2/3 at best.
    assert table.loc["LogisticRegression", "mean_test_score"] == pytest.approx(2 / 3, abs=0.01)
    assert table.loc["sktoynet", "mean_test_score"] >= 0.95
    assert table.loc["sktoynet", "train_score"] >= 0.95
    assert three_bands_result.best_model_ == "sktoynet"
    assert three_bands_result.leaders_ == ["sktoynet"]


def test_table_has_one_row_per_model_and_the_documented_columns(three_bands_result):
    table = three_bands_result.table
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == ["sktoynet", "LogisticRegression"]
    assert list(table.columns) == TABLE_COLUMNS
    assert table.loc["LogisticRegression", "best_params"].startswith("C=")
    assert "width=" in table.loc["sktoynet", "best_params"]
    assert (table["mean_fit_time"] > 0).all()
    assert (table["std_test_score"] >= 0).all()


def test_result_keeps_each_search_its_cv_results_and_best_estimator(three_bands_result):
    result = three_bands_result
    assert isinstance(result, ComparisonResult)
    assert set(result.searches) == {"sktoynet", "LogisticRegression"}
    assert all(isinstance(search, GridSearchCV) for search in result.searches.values())
    cv_results = result.cv_results_["sktoynet"]
    assert len(cv_results["params"]) == 2
    assert "mean_train_score" in cv_results
    best = result.best_estimators_["sktoynet"]
    assert isinstance(best, Pipeline)
    assert hasattr(best[-1], "loss_curve_")
    assert result.best_params_["sktoynet"]["toynetclassifier__learning_rate"] == 0.1
    X, y = make_three_bands()
    np.testing.assert_array_equal(best.predict(X[:3]), result.searches["sktoynet"].predict(X[:3]))


def test_all_models_are_scored_on_the_same_stratified_folds(three_bands_result):
    cv = three_bands_result.cv
    assert isinstance(cv, StratifiedKFold)
    assert cv.shuffle and cv.random_state == 0 and cv.get_n_splits() == 3
    assert all(search.cv is cv for search in three_bands_result.searches.values())


def test_default_models_are_scaled_pipelines_with_their_grids():
    models = default_models(random_state=3)
    assert list(models) == ["sktoynet", "LogisticRegression", "MLPClassifier"]
    for estimator, grid in models.values():
        assert isinstance(estimator, Pipeline)
        assert isinstance(estimator.steps[0][1], StandardScaler)
        assert grid
    assert set(models["sktoynet"][1]) == {
        "toynetclassifier__learning_rate",
        "toynetclassifier__width",
    }
    assert set(models["LogisticRegression"][1]) == {"logisticregression__C"}
    assert set(models["MLPClassifier"][1]) == {
        "mlpclassifier__learning_rate_init",
        "mlpclassifier__hidden_layer_sizes",
    }
    assert models["sktoynet"][0].get_params()["toynetclassifier__random_state"] == 3
    assert models["MLPClassifier"][0].get_params()["mlpclassifier__random_state"] == 3


def test_compare_is_exported_lazily_from_the_package():
    assert sktoynet.compare is compare


def test_an_estimator_without_a_grid_is_fitted_with_its_defaults(two_squares):
    X, y = two_squares
    result = compare(X, y, models={"logistic": logistic()}, cv=3, random_state=0)
    assert result.table.loc["logistic", "best_params"] == "(defaults)"
    assert result.table.loc["logistic", "mean_test_score"] == 1.0


def test_user_estimators_are_cloned_not_fitted_in_place(two_squares):
    X, y = two_squares
    mine = logistic()
    compare(X, y, models={"logistic": (mine, {"logisticregression__C": [1.0]})}, cv=3)
    assert not hasattr(mine[-1], "coef_")


def test_convergence_warnings_are_silenced_only_during_the_search(two_squares):
    X, y = two_squares
    slow = make_pipeline(StandardScaler(), MLPClassifier(max_iter=2, random_state=0))
    filters_before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare(X, y, models={"mlp": slow}, cv=2, random_state=0)
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert warnings.filters == filters_before
    with pytest.warns(ConvergenceWarning):
        slow.fit(X, y)


def test_progress_bar_counts_every_fit(two_squares, capsys):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.1, 1.0, 10.0]})}
    compare(X, y, models=models, cv=2, random_state=0, progress=True)
    err = capsys.readouterr().err
    assert "6/6" in err
    assert "logistic" in err


def test_parallel_search_gives_the_same_scores(two_squares):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.01, 1.0]})}
    serial = compare(X, y, models=models, cv=3, random_state=0)
    parallel = compare(X, y, models=models, cv=3, random_state=0, n_jobs=2)
    np.testing.assert_allclose(
        serial.cv_results_["logistic"]["mean_test_score"],
        parallel.cv_results_["logistic"]["mean_test_score"],
    )


def test_a_single_class_is_refused():
    X = np.arange(20.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="single class"):
        compare(X, np.ones(20), models={"logistic": logistic()})


def test_a_class_smaller_than_the_folds_is_refused():
    X = np.arange(20.0).reshape(-1, 1)
    y = np.array([0] * 17 + [1] * 3)
    with pytest.raises(ValueError, match=r"class 1 has only 3 row\(s\), fewer than the 5"):
        compare(X, y, models={"logistic": logistic()}, cv=5)
    assert check_target(y, 3).shape == (20,)


@pytest.mark.parametrize(
    "models, message",
    [({}, "non-empty dict"), ({"x": ("not an estimator", {})}, "not an estimator")],
)
def test_bad_models_are_refused(two_squares, models, message):
    X, y = two_squares
    with pytest.raises(ValueError, match=message):
        compare(X, y, models=models)


def test_several_scores_are_refused(two_squares):
    X, y = two_squares
    with pytest.raises(ValueError, match="single score"):
        compare(X, y, models={"logistic": logistic()}, scoring=["accuracy", "f1"])


def test_a_rare_string_class_is_named_not_a_crash():
    # Was AttributeError: 'str' object has no attribute 'item'.
    X = np.arange(20.0).reshape(-1, 1)
    y = np.array(["common"] * 17 + ["rare"] * 3)
    with pytest.raises(ValueError, match=r"class 'rare' has only 3 row\(s\)"):
        compare(X, y, models={"logistic": logistic()}, cv=5)


@pytest.mark.parametrize(
    "labels, message",
    [
        (["a", None] * 10, r"2 missing label\(s\)|10 missing label\(s\) \(such as row 1\)"),
        (["a", 1] * 10, r"mixes label types: str \('a'\) and number \(1\)"),
        (["yes", True] * 10, r"mixes label types: str \('yes'\) and boolean \(True\)"),
    ],
)
def test_labels_that_are_missing_or_of_mixed_types_are_refused(labels, message):
    X = np.arange(20.0).reshape(-1, 1)
    with pytest.raises(ValueError, match=message):
        compare(X, np.array(labels, dtype=object), models={"logistic": logistic()}, cv=2)


def test_object_labels_of_one_type_are_classes():
    y = check_target(np.array([True, False] * 5, dtype=object), 2)
    assert y.dtype == bool
