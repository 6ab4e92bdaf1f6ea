"""Running the searches: in one process or beside worker processes, and stopped on request."""

import threading
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet import make_toynet
from sktoynet.comparison import compare
from tests._helpers import FAST_PARAMS, local_dask_backend
from tests.comparison._helpers import logistic


def test_parallel_search_gives_the_same_scores(two_squares):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.01, 1.0]})}
    serial = compare(X, y, models=models, cv=3, random_state=0)
    parallel = compare(X, y, models=models, cv=3, random_state=0, n_jobs=2)
    np.testing.assert_allclose(
        serial.cv_results_["logistic"]["mean_test_score"],
        parallel.cv_results_["logistic"]["mean_test_score"],
    )


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


def deferred(models, name, built_while):
    """``models`` with ``name`` a DeferredModel; ``built_while`` records what ran at its build."""
    from sktoynet.comparison._models import DeferredModel

    def build():
        built_while.append(
            any(t.name == "sktoynet-background-searches" for t in threading.enumerate())
        )
        return small_models()[name]

    return {**models, name: DeferredModel(build, n_candidates=4)}


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_deferred_model_is_built_once_the_workers_search_and_scores_the_same(two_squares, n_jobs):
    X, y = two_squares
    eager = compare(X, y, models=small_models(), cv=3, random_state=0)
    built_while = []
    models = deferred(small_models(), "sktoynet", built_while)
    late = compare(X, y, models=models, cv=3, random_state=0, n_jobs=n_jobs)
    # Built once, after the other models' searches started in the workers (if any).
    assert built_while == [n_jobs == 2]
    assert list(late.table.index) == list(eager.table.index)
    columns = ["best_params", "mean_test_score", "std_test_score", "train_score"]  # not times
    pd.testing.assert_frame_equal(late.table[columns], eager.table[columns])


def test_a_deferred_model_gets_the_preprocessing_of_a_mixed_table(two_squares):
    X, y = two_squares
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(c=np.where(y == y[0], "u", "v"))
    built_while = []
    models = {"sktoynet": small_models()["sktoynet"]}
    eager = compare(frame, y, models=models, cv=3, random_state=0)
    late = compare(frame, y, models=deferred({}, "sktoynet", built_while), cv=3, random_state=0)
    assert late.preprocessed and built_while == [False]
    assert list(late.best_estimators_["sktoynet"].named_steps)[0] == "preprocessing"
    pd.testing.assert_frame_equal(
        late.table[["best_params", "mean_test_score"]],
        eager.table[["best_params", "mean_test_score"]],
    )


def test_side_by_side_leaves_the_warning_filters_as_they_were(two_squares):
    import warnings

    X, y = two_squares
    before = list(warnings.filters)
    compare(X, y, models=small_models(), cv=3, random_state=0, n_jobs=2)
    assert warnings.filters == before


def test_an_interrupt_in_this_process_stops_the_searches_in_the_workers(two_squares, monkeypatch):
    import time

    import sktoynet.comparison._run as comparison

    X, y = two_squares
    real_search_one = comparison._search_one
    fits_done = []

    def search_one(name, search, **kwargs):
        if name == "sktoynet":
            time.sleep(2)  # the workers are busy with MLPClassifier's first chunk of fits
            raise KeyboardInterrupt  # as if Ctrl-C came while the net trains
        return real_search_one(name, search, **kwargs)

    def count_fits(listener, n_fits):
        fits_done.append(n_fits)

    monkeypatch.setattr(comparison, "_search_one", search_one)
    monkeypatch.setattr(comparison._ModelListener, "on_fits_done", count_fits)
    # 100 fits of 500 epochs (tol=0: no early stop) take 30 s or more if not stopped.
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
    # stop() waits 10 s at most; on a loaded machine the chunk in flight may take
    # longer, so the thread is waited for here, with time for every fit to finish.
    for thread in threading.enumerate():
        if thread.name == "sktoynet-background-searches":
            thread.join(timeout=300)
            assert not thread.is_alive()
    assert sum(fits_done) < 100  # it stopped after a chunk of fits, not after all of them


def test_a_search_told_to_stop_during_its_last_fits_refits_nothing(two_squares):
    from sktoynet.comparison._search_base import SearchListener, SearchStopped
    from sktoynet.comparison._searches import _ProgressGridSearchCV

    X, y = two_squares
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    search = _ProgressGridSearchCV(logistic(), {"logisticregression__C": [0.1, 1.0]}, cv=splits)

    class StopAfterTheLastFits(SearchListener):
        fits = []

        def on_fits_done(self, n_fits):
            self.fits.append(n_fits)

        def stop_requested(self):
            return len(self.fits) == 2  # the last candidate's fits are done

        def can_stop(self):
            return True

    listener = StopAfterTheLastFits()
    with pytest.raises(SearchStopped):
        search.run(X, y, splits, listener=listener)
    assert listener.fits == [3, 3]
    assert not hasattr(search, "best_estimator_")  # no refit after the stop


def test_a_model_told_to_stop_skips_its_next_steps(two_squares, monkeypatch):
    """Stopped before its search, or after it: no fit, no out-of-fold predictions."""

    import sktoynet.comparison._run as comparison
    from sktoynet.comparison._search_base import SearchStopped

    X, y = two_squares
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    predicted = []
    monkeypatch.setattr(
        "sktoynet.comparison._searches.out_of_fold_predictions",
        lambda *args, **kwargs: predicted.append(1),
    )

    def search_one(search, stopping):
        labels = comparison._BarLabels(None, order=["LogisticRegression"])
        comparison._search_one(
            "LogisticRegression", search, X=X, y=y, splits=splits, labels=labels, stopping=stopping
        )

    def new_search():
        return comparison.make_search(
            logistic(), {"logisticregression__C": [1.0]}, splits, "accuracy", n_jobs=None
        )

    before, stopping = new_search(), threading.Event()
    stopping.set()
    with pytest.raises(SearchStopped):
        search_one(before, stopping)
    assert not hasattr(before, "cv_results_")

    after, stopping = new_search(), threading.Event()
    fit = after.fit

    def fit_then_stop(*args, **kwargs):  # the stop comes while the refit runs
        fitted = fit(*args, **kwargs)
        stopping.set()
        return fitted

    after.fit = fit_then_stop
    with pytest.raises(SearchStopped):
        search_one(after, stopping)
    assert hasattr(after, "best_estimator_") and predicted == []


def test_with_jobs_every_candidate_and_fold_is_handed_over_at_once(two_squares):
    from sktoynet.comparison._search_base import SearchListener
    from sktoynet.comparison._searches import _ProgressGridSearchCV

    grid = {"logisticregression__C": [0.01, 0.1, 1.0, 10.0]}
    batches = []
    for n_jobs in [None, 2]:
        search = _ProgressGridSearchCV(logistic(), grid, cv=3, n_jobs=n_jobs)
        search._listener = SearchListener()  # as during run(): it reports, it cannot stop
        search.n_splits_ = 3
        calls = []
        search._run_search(lambda candidates, calls=calls: calls.append(len(candidates)))
        batches.append(calls)
    assert batches == [[1, 1, 1, 1], [4]]  # one process: in turn; two jobs: all at once


def test_counting_batches_counts_each_threads_own_tasks():
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


def test_progress_bar_counts_every_fit(two_squares, capsys):
    X, y = two_squares
    models = {"logistic": (logistic(), {"logisticregression__C": [0.1, 1.0, 10.0]})}
    compare(X, y, models=models, cv=2, random_state=0, progress=True)
    err = capsys.readouterr().err
    assert "6/6" in err
    assert "logistic" in err


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


def test_only_the_exact_network_class_is_searched_in_one_program():
    """A subclass of ToyNetClassifier may train differently: GridSearchCV fits it itself."""
    from sktoynet import ToyNetClassifier
    from sktoynet.comparison._cv_search import ToyNetCVSearch
    from sktoynet.comparison._searches import make_search

    class OwnNetwork(ToyNetClassifier):
        pass

    grid = {"net__learning_rate": [0.01, 0.1], "net__width": [2, 4]}
    splits = [(np.arange(10), np.arange(10, 20))]
    for network, one_program in [(ToyNetClassifier(), True), (OwnNetwork(), False)]:
        pipeline = Pipeline([("scale", StandardScaler()), ("net", network)])
        assert ToyNetCVSearch.handles(pipeline, grid) is one_program
        search = make_search(pipeline, grid, splits, "accuracy", n_jobs=None)
        assert isinstance(search, ToyNetCVSearch) is one_program
        assert search.trains_in_one_program is one_program
