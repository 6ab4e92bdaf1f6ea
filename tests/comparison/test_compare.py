"""sktoynet.compare(): the fair grid-searched comparison and its result (issue: compare)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import sktoynet
from sktoynet import make_toynet
from sktoynet.comparison import ComparisonResult, compare
from sktoynet.comparison._compare import TABLE_COLUMNS
from sktoynet.datasets import make_three_bands
from tests._helpers import FAST_PARAMS
from tests.comparison._helpers import logistic


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
    result = three_bands_result
    assert isinstance(result.cv, RepeatedStratifiedKFold)
    assert result.cv.random_state == 0 and result.cv.get_n_splits() == 3
    assert len(result.splits) == 3
    assert all(search.cv is result.splits for search in result.searches.values())


def test_n_repeats_draws_the_folds_again_and_shares_them(two_squares):
    X, y = two_squares
    models = {
        "a": (logistic(), {"logisticregression__C": [0.1, 1.0]}),
        "b": make_pipeline(StandardScaler(), MLPClassifier(max_iter=50, random_state=0)),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = compare(X, y, models=models, cv=3, n_repeats=4, random_state=0)
    assert len(result.splits) == 12
    for name in models:
        assert result.searches[name].n_splits_ == 12
        assert "split11_test_score" in result.cv_results_[name]
    # The first three splits are one partition of the rows; the next three another.
    first = np.sort(np.concatenate([test for _, test in result.splits[:3]]))
    np.testing.assert_array_equal(first, np.arange(len(y)))
    assert not np.array_equal(result.splits[0][1], result.splits[3][1])


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


def test_compare_and_the_command_line_import_neither_keras_nor_skrub():
    from tests._helpers import REPO_ROOT, run_in_fresh_process

    loaded = run_in_fresh_process(
        """
        import sys
        import sktoynet.cli._command, sktoynet.comparison._compare, sktoynet.comparison._models
        heavy = ("keras", "tensorflow", "jax", "skrub")
        print(sorted(name for name in heavy if name in sys.modules))
        """,
        cwd=REPO_ROOT,
    )
    assert loaded.strip() == "[]"


def test_which_grids_trained_in_one_program_is_a_field_not_a_guess(three_bands_result):
    # sktoynet's learning rate x width grid went to ToyNetClassifierCV; the report
    # reads this field to show the log-loss instead of fit times shared out evenly.
    assert three_bands_result.trained_in_one_program_ == ["sktoynet"]
    times = three_bands_result.cv_results_["LogisticRegression"]["mean_fit_time"]
    three_bands_result.searches["LogisticRegression"].cv_results_["mean_fit_time"] = np.full_like(
        times, times[0]
    )  # equal times no longer make a grid "one program"
    try:
        assert three_bands_result.trained_in_one_program_ == ["sktoynet"]
    finally:
        three_bands_result.searches["LogisticRegression"].cv_results_["mean_fit_time"] = times
