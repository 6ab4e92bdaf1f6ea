"""sktoynet.compare(): the fair grid-searched comparison and its result (issue: compare)."""

import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import sktoynet
from sktoynet import make_toynet
from sktoynet.comparison import ComparisonResult, check_target, compare, default_models
from sktoynet.comparison._compare import TABLE_COLUMNS
from sktoynet.datasets import make_three_bands
from tests._helpers import FAST_PARAMS, local_dask_backend


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


@pytest.mark.parametrize(
    "cv, n_repeats, message",
    [
        (3, 0, "n_repeats must be a positive integer, got 0"),
        (3, 1.5, "n_repeats must be a positive integer, got 1.5"),
        (StratifiedKFold(3), 2, "n_repeats=2 needs cv to be a number of folds"),
    ],
)
def test_bad_repeats_are_refused(two_squares, cv, n_repeats, message):
    X, y = two_squares
    with pytest.raises(ValueError, match=message):
        compare(X, y, models={"logistic": logistic()}, cv=cv, n_repeats=n_repeats)


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


# --- parallel search (issue 11, item 8) -------------------------------------------


def small_models():
    return {
        "sktoynet": (
            make_toynet(**FAST_PARAMS),
            {"toynetclassifier__learning_rate": [0.01, 0.1], "toynetclassifier__width": [2, 4]},
        ),
        "LogisticRegression": (logistic(), {"logisticregression__C": [0.1, 1.0]}),
        "MLPClassifier": (
            make_pipeline(StandardScaler(), MLPClassifier(max_iter=50, random_state=0)),
            {"mlpclassifier__hidden_layer_sizes": [(2,), (4,)]},
        ),
    }


class RecordingBar:
    """Stands in for the tqdm bar: records what the search reports."""

    def __init__(self):
        self.updates = []

    def update(self, n):
        self.updates.append(n)

    def set_description(self, text):
        self.updates.append(text)

    def set_postfix_str(self, text):
        pass

    def close(self):
        pass


def test_two_jobs_give_the_same_table_as_one(two_squares, monkeypatch):
    X, y = two_squares
    serial = compare(X, y, models=small_models(), cv=3, random_state=0)
    bar = RecordingBar()
    monkeypatch.setattr("sktoynet.comparison._run._progress_bar", lambda *args: bar)
    parallel = compare(X, y, models=small_models(), cv=3, random_state=0, n_jobs=2, progress=True)
    columns = ["best_params", "mean_test_score", "std_test_score", "train_score"]  # not times
    pd.testing.assert_frame_equal(parallel.table[columns], serial.table[columns])
    for name in serial.searches:
        np.testing.assert_array_equal(
            parallel.cv_results_[name]["split0_test_score"],
            serial.cv_results_[name]["split0_test_score"],
        )
    # The bar advanced as the fits came back, not once per model; the sktoynet
    # grid trains in one program (ToyNetClassifierCV), so its 12 fits at once.
    fits_reported = [n for n in bar.updates if isinstance(n, int)]
    assert sum(fits_reported) == 24 and 12 in fits_reported and len(fits_reported) > 3
    # Side by side: the net in this process, the others in two worker processes.
    assert parallel.searches["sktoynet"].n_jobs is None
    assert parallel.searches["MLPClassifier"].n_jobs == 2
    assert "sktoynet + LogisticRegression" in bar.updates  # searched at the same time
    assert np.isfinite(parallel.table.loc["sktoynet", "compile_time"])


def test_side_by_side_leaves_the_warning_filters_as_they_were(two_squares):
    import warnings

    X, y = two_squares
    before = list(warnings.filters)
    compare(X, y, models=small_models(), cv=3, random_state=0, n_jobs=2)
    assert warnings.filters == before


def built_on_its_turn(models, name, record):
    """``models`` with ``models[name]`` handed over as a Deferred model.

    ``record`` gets, when it is built, whether the other models' background
    searches were under way.
    """
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    from sktoynet.comparison._side_by_side import Deferred

    estimator, grid = models[name]
    earlier = set(threading.enumerate())  # an earlier test's threads may still be ending

    def build():
        started = {thread.name for thread in threading.enumerate() if thread not in earlier}
        record.append("sktoynet-background-searches" in started)
        return clone(estimator), grid

    return {**models, name: Deferred(build, len(ParameterGrid(grid)))}


@pytest.mark.parametrize("n_jobs", [None, 2], ids=["one process", "side by side"])
def test_a_model_built_on_its_turn_gives_the_same_table(two_squares, monkeypatch, n_jobs):
    X, y = two_squares
    eager = compare(X, y, models=small_models(), cv=3, random_state=0, n_jobs=n_jobs)
    record, totals = [], []
    bar = RecordingBar()

    def progress_bar(n_candidates, n_splits):
        totals.append(n_candidates * n_splits)
        return bar

    monkeypatch.setattr("sktoynet.comparison._run._progress_bar", progress_bar)
    models = built_on_its_turn(small_models(), "sktoynet", record)
    deferred = compare(X, y, models=models, cv=3, random_state=0, n_jobs=n_jobs, progress=True)
    # Side by side, it is built once the others' searches are under way.
    assert record == [n_jobs == 2]
    columns = ["best_params", "mean_test_score", "std_test_score", "train_score"]  # not times
    pd.testing.assert_frame_equal(deferred.table[columns], eager.table[columns])
    assert list(deferred.table.index) == list(small_models())
    assert totals == [24] and sum(n for n in bar.updates if isinstance(n, int)) == 24
    assert np.isfinite(deferred.table.loc["sktoynet", "compile_time"])


def test_a_model_built_on_its_turn_gets_the_preprocessing_of_a_mixed_table():
    X, y = people()
    models = {"logistic": (logistic(), {"logisticregression__C": [0.1, 1.0]})}
    record = []
    result = compare(X, y, models=built_on_its_turn(models, "logistic", record), cv=3)
    assert record == [False]
    best = result.best_estimators_["logistic"]
    assert list(best.named_steps) == ["preprocessing", "standardscaler", "logisticregression"]
    assert result.table.loc["logistic", "mean_test_score"] >= 0.9  # the city was encoded


def test_the_commands_models_build_sktoynets_on_its_turn_as_default_models_do():
    from sklearn.model_selection import ParameterGrid

    from sktoynet.comparison._models import default_models_built_later
    from sktoynet.comparison._side_by_side import Deferred

    for quick in (False, True):
        later = default_models_built_later(0, quick=quick)
        now = default_models(0, quick=quick)
        assert list(later) == list(now)
        assert isinstance(later["sktoynet"], Deferred)
        estimator, grid = later["sktoynet"].build()
        assert grid == now["sktoynet"][1]
        assert later["sktoynet"].n_candidates == len(ParameterGrid(grid))
        assert repr(estimator) == repr(now["sktoynet"][0])
        for name in ("LogisticRegression", "MLPClassifier"):
            assert repr(later[name]) == repr(now[name])


def test_a_waiting_thread_runs_its_own_queued_tasks_meanwhile():
    from sktoynet.comparison._side_by_side import Background, tasks_while_waiting

    ran = []
    release = threading.Event()
    with tasks_while_waiting() as waiting:
        waiting.append(lambda: ran.append(threading.current_thread().name))
        waiting.append(lambda: (ran.append("second"), release.set()))
        # The work ends only once the second task has run, in this thread.
        assert Background(lambda stopping: release.wait(30) and "done").result() == "done"
        assert ran == ["MainThread", "second"]
        waiting.append(lambda: ran.append("other thread's"))
        other = []
        thread = threading.Thread(target=lambda: other.append(Background(bool).result()))
        thread.start()
        thread.join()
        assert other == [True]  # that thread waited without running this thread's task
        assert ran == ["MainThread", "second"] and len(waiting) == 1
    assert Background(lambda stopping: "after").result() == "after"
    assert ran == ["MainThread", "second"]  # a task still queued at the end is dropped


def test_an_interrupt_in_a_task_ends_the_wait():
    from sktoynet.comparison._side_by_side import Background, tasks_while_waiting

    def interrupt():
        raise KeyboardInterrupt

    background = Background(lambda stopping: stopping.wait(30))
    with tasks_while_waiting() as waiting, pytest.raises(KeyboardInterrupt):
        waiting.append(interrupt)
        background.result()
    background.stop()
    assert background.stopping.is_set()


def test_an_interrupt_in_this_process_stops_the_searches_in_the_workers(two_squares, monkeypatch):
    import threading
    import time

    import sktoynet.comparison._run as comparison

    X, y = two_squares
    real_search_one = comparison._search_one

    def search_one(name, search, **kwargs):
        if name == "sktoynet":
            time.sleep(2)  # the workers are busy with MLPClassifier's first chunk of fits
            raise KeyboardInterrupt  # as if Ctrl-C came while the net trains
        return real_search_one(name, search, **kwargs)

    monkeypatch.setattr(comparison, "_search_one", search_one)
    # 100 fits of 500 epochs (tol=0: no early stop) take 30 s or more if not stopped;
    # stop() waits 10 s at most for the background thread.
    endless = MLPClassifier(max_iter=500, tol=0, n_iter_no_change=500, random_state=0)
    models = {
        "MLPClassifier": (
            make_pipeline(StandardScaler(), endless),
            {"mlpclassifier__alpha": list(np.logspace(-5, 0, 20))},
        ),
        "sktoynet": (make_toynet(**FAST_PARAMS), {}),
    }
    with pytest.raises(KeyboardInterrupt):
        compare(X, y, models=models, cv=5, random_state=0, n_jobs=2)
    names = [thread.name for thread in threading.enumerate()]
    assert "sktoynet-background-searches" not in names  # it stopped after a chunk of fits


def test_a_search_told_to_stop_during_its_last_fits_refits_nothing(two_squares):
    import threading

    from sktoynet.comparison._search_base import SearchStopped
    from sktoynet.comparison._searches import _ProgressGridSearchCV

    X, y = two_squares
    search = _ProgressGridSearchCV(logistic(), {"logisticregression__C": [0.1, 1.0]}, cv=3)
    search.stopping = threading.Event()
    fits = []

    def fits_done(n_fits):
        fits.append(n_fits)
        if len(fits) == 2:  # the last candidate's fits are done
            search.stopping.set()

    search.on_fits_done = fits_done
    with pytest.raises(SearchStopped):
        search.fit(X, y)
    assert fits == [3, 3]
    assert not hasattr(search, "best_estimator_")  # no refit after the stop


def test_a_model_told_to_stop_skips_its_next_steps(two_squares, monkeypatch):
    """Stopped before its search, or after it: no fit, no out-of-fold predictions."""
    import threading

    import sktoynet.comparison._run as comparison
    from sktoynet.comparison._search_base import SearchStopped

    X, y = two_squares
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    predicted = []
    monkeypatch.setattr(
        comparison, "out_of_fold_predictions", lambda *args, **kwargs: predicted.append(1)
    )

    def search_one(search):
        labels = comparison._BarLabels(None, order=["LogisticRegression"])
        comparison._search_one("LogisticRegression", search, X=X, y=y, splits=splits, labels=labels)

    def new_search():
        search = comparison.make_search(
            logistic(), {"logisticregression__C": [1.0]}, splits, "accuracy", None
        )
        search.stopping = threading.Event()
        return search

    before = new_search()
    before.stopping.set()
    with pytest.raises(SearchStopped):
        search_one(before)
    assert not hasattr(before, "cv_results_")

    after = new_search()
    fit = after.fit

    def fit_then_stop(*args, **kwargs):  # the stop comes while the refit runs
        fitted = fit(*args, **kwargs)
        after.stopping.set()
        return fitted

    after.fit = fit_then_stop
    with pytest.raises(SearchStopped):
        search_one(after)
    assert hasattr(after, "best_estimator_") and predicted == []


def test_with_jobs_every_candidate_and_fold_is_handed_over_at_once(two_squares):
    from sktoynet.comparison._searches import _ProgressGridSearchCV

    grid = {"logisticregression__C": [0.01, 0.1, 1.0, 10.0]}
    batches = []
    for n_jobs in [None, 2]:
        search = _ProgressGridSearchCV(logistic(), grid, cv=3, n_jobs=n_jobs)
        search.on_fits_done = lambda n: None
        search.n_splits_ = 3
        calls = []
        search._run_search(lambda candidates, calls=calls: calls.append(len(candidates)))
        batches.append(calls)
    assert batches == [[1, 1, 1, 1], [4]]  # one process: in turn; two jobs: all at once


def test_counting_batches_counts_each_threads_own_tasks():
    import threading
    import time

    import joblib
    from sklearn.utils.parallel import Parallel, delayed

    from sktoynet.comparison._progress import counting_batches

    counts = {}

    def run(name, n_tasks):
        counts[name] = 0

        def done(n, name=name):
            counts[name] += n

        with joblib.parallel_config(backend="threading"), counting_batches(done):
            Parallel(n_jobs=2)(delayed(time.sleep)(0.01) for _ in range(n_tasks))

    threads = [threading.Thread(target=run, args=(name, n)) for name, n in [("a", 7), ("b", 13)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in range(100):  # the last batch may be reported just after Parallel returns
        if counts == {"a": 7, "b": 13}:
            break
        time.sleep(0.05)
    assert counts == {"a": 7, "b": 13}


# --- mixed-type tables (issue 11, item 2) -----------------------------------------


def people(n_rows=120, seed=0):
    rng = np.random.RandomState(seed)
    city = rng.choice(["Paris", "Lyon", "Nice"], n_rows)
    frame = pd.DataFrame(
        {
            "city": city,
            "member": rng.rand(n_rows) < 0.5,
            "joined": pd.date_range("2020-01-01", periods=n_rows).strftime("%Y-%m-%d"),
            "age": np.where(rng.rand(n_rows) < 0.1, np.nan, rng.uniform(18, 80, n_rows)),
        }
    )
    frame.loc[::17, "city"] = None
    return frame, np.where(frame["city"] == "Paris", "yes", "no")


def test_a_mixed_table_gets_the_same_preprocessing_in_every_pipeline(rng):
    X, y = people()
    models = {
        "logistic": (logistic(), {"logisticregression__C": [1.0]}),
        "alone": LogisticRegression(),
    }
    result = compare(X, y, models=models, cv=3, random_state=0)
    assert result.preprocessed
    for name in models:
        best = result.best_estimators_[name]
        assert best.steps[0][0] == "preprocessing"
        assert type(best[0][0]).__name__ == "TableVectorizer"
        assert best.memory is None  # the temporary cache is gone and forgotten
    assert list(result.best_estimators_["logistic"].named_steps) == [
        "preprocessing",
        "standardscaler",
        "logisticregression",
    ]
    assert result.table["mean_test_score"].min() >= 0.9  # the city decides; it was encoded
    summary = result.summary
    assert summary.kinds == {
        "numeric": ["age"],
        "boolean": ["member"],
        "categorical": ["city"],
        "date": ["joined"],
    }
    assert set(summary.missing) == {"city", "age"}
    assert summary.n_model_inputs > 4


def test_numeric_data_keeps_its_pipelines_and_results(two_squares):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.1, 1.0]})}
    result = compare(X, y, models=models, cv=3, random_state=0)
    assert not result.preprocessed
    assert list(result.best_estimators_["logistic"].named_steps) == [
        "standardscaler",
        "logisticregression",
    ]
    by_hand = GridSearchCV(
        logistic(),
        models["logistic"][1],
        cv=RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=0),
    ).fit(X, y)
    np.testing.assert_array_equal(
        result.cv_results_["logistic"]["mean_test_score"], by_hand.cv_results_["mean_test_score"]
    )
    assert result.summary.n_model_inputs == 2


def test_preprocess_can_be_forced_or_refused(two_squares):
    X, y = two_squares
    forced = compare(X, y, models={"logistic": logistic()}, cv=3, preprocess=True)
    assert forced.best_estimators_["logistic"].steps[0][0] == "preprocessing"
    frame, labels = people()
    with pytest.raises(ValueError, match="could not convert string to float"):
        compare(frame, labels, models={"logistic": logistic()}, cv=3, preprocess=False)
    with pytest.raises(ValueError, match="preprocess must be 'auto', True or False"):
        compare(X, y, models={"logistic": logistic()}, preprocess="yes")


def test_an_id_column_is_named_in_a_warning():
    X, y = people()
    X.insert(0, "customer", [f"C{i:04d}" for i in range(len(X))])
    with pytest.warns(UserWarning, match="column 'customer' has a different value on every row"):
        compare(X, y, models={"logistic": logistic()}, cv=3)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e300])
def test_infinite_or_overflowing_values_are_named_before_fitting(two_squares, bad):
    X, y = two_squares
    frame = pd.DataFrame(X, columns=["width", "height"])
    frame.loc[5, "height"] = bad
    with pytest.raises(ValueError, match=r"column 'height' has an infinite or overflowing value"):
        compare(frame, y, models={"logistic": logistic()}, cv=3)


def test_on_a_dask_cluster_the_grid_is_spread_and_counted(two_squares, monkeypatch):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.01, 0.1, 1.0, 10.0]})}
    serial = compare(X, y, models=models, cv=3, random_state=0)
    bar = RecordingBar()
    monkeypatch.setattr("sktoynet.comparison._run._progress_bar", lambda *args: bar)
    with local_dask_backend():
        spread = compare(X, y, models=models, cv=3, random_state=0, n_jobs=-1, progress=True)
    columns = ["best_params", "mean_test_score", "std_test_score", "train_score"]
    pd.testing.assert_frame_equal(spread.table[columns], serial.table[columns])
    fits_reported = [n for n in bar.updates if isinstance(n, int)]
    assert sum(fits_reported) == 12
    assert len(fits_reported) > 1  # as the workers' fits came back, not all at the end


def test_compare_and_the_command_line_import_neither_keras_nor_skrub():
    from tests._helpers import REPO_ROOT, run_in_fresh_process

    loaded = run_in_fresh_process(
        """
        import sys
        import sktoynet.cli._command, sktoynet.comparison._models
        sktoynet.comparison._models.default_models_built_later()  # the command's models, unbuilt
        heavy = ("keras", "tensorflow", "jax", "skrub")
        print(sorted(name for name in heavy if name in sys.modules))
        """,
        cwd=REPO_ROOT,
    )
    assert loaded.strip() == "[]"


# --- an honest verdict (issue 13) -------------------------------------------------


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


@pytest.mark.parametrize("problem", ["two_squares", "three_bands"])
def test_sktoynet_chosen_net_is_confidently_right_on_the_toy_problems(problem):
    from sktoynet.cli._datasets import load_named

    data = load_named(problem, random_state=0)
    models = {"sktoynet": default_models(0)["sktoynet"]}  # the full grid of the main job
    result = compare(data.X, data.y, models=models, random_state=0)
    net = result.best_estimators_["sktoynet"]
    proba = net.predict_proba(data.X)
    true_class = np.searchsorted(net.classes_, data.y)
    assert proba[np.arange(len(data.y)), true_class].mean() >= 0.9
    assert result.table.loc["sktoynet", "mean_test_score"] >= 0.99


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


def test_which_grids_trained_in_one_program_is_a_field_not_a_guess(three_bands_result):
    # sktoynet's learning rate x width grid went to ToyNetClassifierCV; the report
    # reads this field to show the log-loss instead of fit times shared out evenly.
    assert three_bands_result.trained_in_one_program_ == ["sktoynet"]
    times = three_bands_result.cv_results_["LogisticRegression"]["mean_fit_time"]
    three_bands_result.searches["LogisticRegression"].cv_results_["mean_fit_time"] = (
        np.full_like(times, times[0])  # equal times no longer make a grid "one program"
    )
    try:
        assert three_bands_result.trained_in_one_program_ == ["sktoynet"]
    finally:
        three_bands_result.searches["LogisticRegression"].cv_results_["mean_fit_time"] = times
