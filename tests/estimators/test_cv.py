"""ToyNetClassifierCV: the whole grid, every fold and every restart in one program."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.datasets import make_moons
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet import (
    ToyNetClassifier,
    ToyNetClassifierCV,
    make_toynet,
    make_toynet_cv,
)
from sktoynet._engine import _memory, _program_base, _programs
from sktoynet._engine._keys import PER_MEMBER_OPTIMIZERS, ProgramKey
from sktoynet._engine._network import NetworkSpec, initial_stacked_weights
from sktoynet._engine._programs import forget_program, get_program
from sktoynet._engine._training import train_restarts
from sktoynet._estimators import _classifier_cv

#: Short fits: a few hundredths of a second per grid point.
FAST_CV_PARAMS = {"epochs": 40, "n_init": 2, "cv": 3, "random_state": 0}


@pytest.fixture(autouse=True)
def quiet_short_fits():
    # Test fits are short on purpose: their convergence warnings are noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=Warning)
        yield


@pytest.fixture
def moons():
    X, y = make_moons(300, noise=0.3, random_state=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.mark.parametrize("widths", [[1, 8], [1, 32]])  # one block of width 8; two blocks
def test_matches_grid_search_on_the_same_folds(moons, widths):
    # Each grid point's mean held-out accuracy is that of GridSearchCV(make_toynet)
    # within 0.03, on a grid whose points differ by more than that. Widths 2
    # and 4 are left out: on these moons they land in one of two optima, and
    # GridSearchCV's own score at width 2, rate 0.1, ranged from 0.81 to 0.93
    # over random_state 0-5 (on JAX), so one seed could not tell a fault from luck.
    X, y = moons
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    rates = [0.01, 0.1]
    params = {"epochs": 300, "n_init": 4, "random_state": 0}
    ours = make_toynet_cv(learning_rates=rates, widths=widths, cv=folds, **params).fit(X, y)
    search = GridSearchCV(
        make_toynet(**params),
        {"toynetclassifier__learning_rate": rates, "toynetclassifier__width": widths},
        cv=folds,
    ).fit(X, y)
    theirs = search.cv_results_["mean_test_score"]
    mine = ours[-1].cv_results_["mean_test_score"]
    assert theirs.max() - theirs.min() > 0.06  # the grid points are told apart
    np.testing.assert_allclose(mine, theirs, atol=0.03)
    assert ours[-1].best_params_["width"] == widths[-1]


def _train_members(optimizer, rates, starts, X, y, together):
    common = {"epochs": 20, "tol": 0.0, "n_iter_no_change": 1000}
    n_rows = X.shape[0]
    if together:
        spec = NetworkSpec(2, 4, 1, "tanh", len(rates))
        key = ProgramKey.for_fit(spec, optimizer, 16, n_rows, False, per_member=True)
        outcome = train_restarts(
            get_program(key),
            X,
            y,
            np.ones((n_rows, len(rates)), dtype=np.float32),
            initial_weights=starts,
            learning_rate=np.asarray(rates, dtype=np.float32),
            rng=np.random.RandomState(1),
            groups=np.arange(len(rates)),
            **common,
        )
        return [[weights[m] for weights in outcome.stacked_weights] for m in range(len(rates))]
    alone = []
    key = ProgramKey.for_fit(NetworkSpec(2, 4, 1, "tanh", 1), optimizer, 16, n_rows, False)
    for member, rate in enumerate(rates):
        outcome = train_restarts(
            get_program(key),
            X,
            y,
            np.ones(n_rows, dtype=np.float32),
            initial_weights=[weights[member : member + 1] for weights in starts],
            learning_rate=rate,
            rng=np.random.RandomState(1),
            **common,
        )
        alone.append([weights[0] for weights in outcome.stacked_weights])
    return alone


@pytest.mark.parametrize("optimizer", [*PER_MEMBER_OPTIMIZERS, "sgd_momentum"])
def test_per_member_learning_rates_equal_separate_fits(optimizer, monkeypatch):
    # Unit-rate steps scaled by each member's rate give what each rate gives alone.
    if optimizer == "sgd_momentum":
        keras = _program_base.keras
        monkeypatch.setattr(
            _program_base,
            "make_optimizer",
            lambda name: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
        )
    X, y = make_moons(60, noise=0.3, random_state=0)
    X, y = X.astype(np.float32), y.astype(np.int32)
    # Adadelta's steps are tiny at the others' rates (Keras' default for it is 1.0).
    rates = [0.3, 3.0] if optimizer == "adadelta" else [0.003, 0.05]
    starts = initial_stacked_weights(NetworkSpec(2, 4, 1, "tanh", 2), np.random.RandomState(0))
    try:
        together = _train_members(optimizer, rates, starts, X, y, together=True)
        alone = _train_members(optimizer, rates, starts, X, y, together=False)
    finally:
        if optimizer == "sgd_momentum":
            for per_member, n_init in ((True, 2), (False, 1)):
                spec = NetworkSpec(2, 4, 1, "tanh", n_init)
                forget_program(ProgramKey.for_fit(spec, optimizer, 16, 60, False, per_member))
    for member in range(2):
        moved = max(np.abs(w - s[member]).max() for w, s in zip(alone[member], starts, strict=True))
        assert moved > 1e-3
        for ours, theirs in zip(together[member], alone[member], strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_unsupported_optimizer_is_refused(moons):
    X, y = moons
    with pytest.raises(ValueError, match="'optimizer' parameter of ToyNetClassifierCV"):
        ToyNetClassifierCV(optimizer="ftrl", **FAST_CV_PARAMS).fit(X, y)


def test_a_stopped_group_stops_changing():
    # A group that meets its stopping rule ends with the weights it had when it
    # stopped, as if it had trained alone for that many epochs.
    X, y = make_moons(80, noise=0.2, random_state=0)
    X, y = X.astype(np.float32), y.astype(np.int32)
    spec = NetworkSpec(2, 4, 1, "tanh", 2)
    starts = initial_stacked_weights(spec, np.random.RandomState(0))
    key = ProgramKey.for_fit(spec, "adam", 200, 80, False, per_member=True)
    common = {"tol": 1e-3, "n_iter_no_change": 5, "rng": None}
    grouped = train_restarts(
        get_program(key),
        X,
        y,
        np.ones((80, 2), dtype=np.float32),
        initial_weights=starts,
        learning_rate=np.array([0.3, 0.0005], dtype=np.float32),
        epochs=300,
        groups=np.array([0, 1]),
        **{**common, "rng": np.random.RandomState(1)},
    )
    first = int(np.argmin(grouped.stopped_at))
    stopped = int(grouped.stopped_at[first])
    assert grouped.converged[first] and stopped < int(grouped.stopped_at[1 - first])
    alone = train_restarts(
        get_program(key),
        X,
        y,
        np.ones((80, 2), dtype=np.float32),
        initial_weights=starts,
        learning_rate=np.array([0.3, 0.0005], dtype=np.float32),
        epochs=stopped,
        groups=np.array([0, 1]),
        **{**common, "tol": 0.0, "n_iter_no_change": 1000, "rng": np.random.RandomState(1)},
    )
    ours, theirs = grouped.group(first), alone.group(first)
    for mine, reference in zip(ours.stacked_weights, theirs.stacked_weights, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)
    assert ours.n_iter == stopped
    # The other group trained on: its weights differ from those at that epoch.
    other = grouped.group(1 - first).stacked_weights[0]
    assert not np.allclose(other, alone.group(1 - first).stacked_weights[0])


def test_held_out_rows_do_not_train_a_fold(moons):
    # Changing the labels of a fold's held-out rows changes nothing for that fold.
    X, y = moons
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    params = {**FAST_CV_PARAMS, "cv": folds, "learning_rates": [0.1], "widths": [4]}
    first = ToyNetClassifierCV(**params).fit(X, y)
    y_changed = y.copy()
    y_changed[folds[0][1]] = 1 - y_changed[folds[0][1]]
    second = ToyNetClassifierCV(**params).fit(X, y_changed)
    # Fold 0 is scored on flipped labels: accuracy becomes 1 - accuracy.
    np.testing.assert_allclose(
        second.cv_results_["split0_test_score"], 1 - first.cv_results_["split0_test_score"]
    )
    assert first.cv_results_["split1_test_score"] != second.cv_results_["split1_test_score"]


def test_cv_results_have_grid_search_format(moons):
    X, y = moons
    rates, widths = [0.01, 0.1], [2, 4, 8]
    model = ToyNetClassifierCV(
        learning_rates=rates, widths=widths, return_train_score=True, **FAST_CV_PARAMS
    ).fit(X, y)
    search = GridSearchCV(
        ToyNetClassifier(epochs=40, n_init=2, random_state=0),
        {"learning_rate": rates, "width": widths},
        cv=3,
        scoring={"score": "accuracy", "neg_log_loss": "neg_log_loss"},
        refit="score",
        return_train_score=True,
    ).fit(X, y)
    assert set(model.cv_results_) == set(search.cv_results_)
    assert model.cv_results_["params"] == search.cv_results_["params"]
    for key in ("mean_test_score", "mean_test_neg_log_loss", "rank_test_score"):
        assert model.cv_results_[key].shape == (6,)
    assert model.best_params_ == model.cv_results_["params"][model.best_index_]
    assert model.best_score_ == model.cv_results_["mean_test_score"].max()
    assert model.cv_results_["rank_test_score"][model.best_index_] == 1
    assert model.n_splits_ == 3
    assert (model.learning_rate_, model.width_) == (
        model.best_params_["learning_rate"],
        model.best_params_["width"],
    )
    assert model.coefs_[0].shape == (2, model.width_)
    assert np.all(model.cv_results_["mean_test_neg_log_loss"] < 0)
    assert np.all(
        model.cv_results_["mean_train_score"] >= model.cv_results_["mean_test_score"] - 0.1
    )


def test_ties_are_broken_by_log_loss(moons, monkeypatch):
    X, y = moons
    seen = {}

    def spy(cv_results, *, score="score", loss="neg_log_loss"):
        seen.update(score=score, loss=loss, keys=set(cv_results))
        return 1

    monkeypatch.setattr(_classifier_cv, "best_index", spy)
    model = ToyNetClassifierCV(learning_rates=[0.1], widths=[2, 8], **FAST_CV_PARAMS).fit(X, y)
    assert seen["score"] == "score" and seen["loss"] == "neg_log_loss"
    assert "mean_test_neg_log_loss" in seen["keys"]
    assert model.best_index_ == 1 and model.width_ == 8


def test_refit_predicts_like_the_kept_network(moons):
    X, y = moons
    model = make_toynet_cv(learning_rates=[0.1], widths=[4], **FAST_CV_PARAMS).fit(X, y)
    assert isinstance(model, Pipeline)
    network = model[-1]
    assert network.loss_curve_ and network.n_iter_ == len(network.loss_curve_)
    assert network.init_losses_.shape == (2,)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.score(X, y) > 0.8
    kept = network.model_  # the kept network as a Keras model
    assert kept.layers[0].units == 4


def test_refit_false_keeps_a_fold_network(moons):
    X, y = moons
    model = ToyNetClassifierCV(learning_rates=[0.1], widths=[4], refit=False, **FAST_CV_PARAMS).fit(
        X, y
    )
    assert model.predict(X).shape == y.shape
    assert model.score(X, y) > 0.8


def test_early_stopping_and_class_weight(moons):
    X, y = moons
    model = ToyNetClassifierCV(
        learning_rates=[0.01, 0.1],
        widths=[4],
        early_stopping=True,
        class_weight="balanced",
        **FAST_CV_PARAMS,
    ).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_
    assert 0.5 < model.best_validation_score_ <= 1.0
    assert np.all(model.cv_results_["mean_test_score"] > 0.6)


def test_grid_too_large_for_memory_is_trained_in_chunks(moons, monkeypatch):
    X, y = moons
    params = {**FAST_CV_PARAMS, "learning_rates": [0.01, 0.1], "widths": [2, 8]}
    whole = ToyNetClassifierCV(**params).fit(X, y)
    one_point = _memory.estimate_fit_bytes(
        ProgramKey.for_fit(
            NetworkSpec(2, 8, 1, "tanh", 8), "adam", 300, 300, False, per_member=True
        ),
        300,
    )
    # Room for a little more than one grid point (4 fits x 2 restarts).
    monkeypatch.setattr(_memory, "available_bytes", lambda: int(1.3 * one_point / 0.8))
    calls = []
    real = _programs.train_restarts
    monkeypatch.setattr(
        _programs,
        "train_restarts",
        lambda *args, **kwargs: calls.append(kwargs["groups"].size) or real(*args, **kwargs),
    )
    chunked = ToyNetClassifierCV(**params).fit(X, y)
    assert calls == [8, 8, 8, 8]
    np.testing.assert_allclose(
        chunked.cv_results_["mean_test_score"], whole.cv_results_["mean_test_score"], atol=0.02
    )
    assert chunked.best_params_ == whole.best_params_


def test_grid_point_too_large_for_memory_is_refused(moons, monkeypatch):
    X, y = moons
    monkeypatch.setattr(_memory, "available_bytes", lambda: 10_000)
    model = ToyNetClassifierCV(**FAST_CV_PARAMS)
    with pytest.raises(ValueError, match="for one grid point"):
        model.fit(X, y)
    assert not hasattr(model, "cv_results_")


@pytest.mark.parametrize(
    "params, message",
    [
        ({"learning_rates": []}, "'learning_rates' parameter"),
        ({"learning_rates": [0.1, -1.0]}, "'learning_rates' parameter"),
        ({"widths": [4, 0]}, "'widths' parameter"),
        ({"widths": [2.5]}, "'widths' parameter"),
        ({"scoring": "no-such-score"}, "'scoring' parameter"),
    ],
)
def test_bad_grid_is_refused_with_one_clear_message(moons, params, message):
    X, y = moons
    with pytest.raises(ValueError, match=message):
        ToyNetClassifierCV(**{**FAST_CV_PARAMS, **params}).fit(X, y)


def test_clone_and_params():
    model = ToyNetClassifierCV(learning_rates=[0.1], widths=[3], cv=4)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert "width" not in model.get_params() and "learning_rate" not in model.get_params()
    pipeline = make_toynet_cv(widths=[2])
    pipeline.set_params(toynetclassifiercv__widths=[4, 8])
    assert pipeline[-1].widths == [4, 8]


def test_compare_uses_it_for_a_learning_rate_by_width_grid(three_bands):
    from sktoynet import compare
    from sktoynet.comparison._cv_search import ToyNetCVSearch

    X, y = three_bands
    toynet = make_toynet(epochs=40, n_init=2, random_state=0)
    models = {
        "sktoynet": (
            toynet,
            {"toynetclassifier__learning_rate": [0.01, 0.1], "toynetclassifier__width": [2, 8]},
        ),
        "own grid": (clone(toynet), {"toynetclassifier__width": [2, 8]}),
    }
    result = compare(X, y, models=models, cv=3, random_state=0)
    assert isinstance(result.searches["sktoynet"], ToyNetCVSearch)
    assert type(result.searches["own grid"]) is not ToyNetCVSearch
    search = result.searches["sktoynet"]
    assert set(search.best_params_) == set(models["sktoynet"][1])
    assert len(search.cv_results_["params"]) == 4
    assert "param_toynetclassifier__width" in search.cv_results_
    row = result.table.loc["sktoynet"]
    assert row["mean_test_score"] == search.best_score_
    assert 0.6 < row["train_score"] <= 1.0
    best = result.best_estimators_["sktoynet"]
    assert type(best[-1]) is ToyNetClassifier  # as GridSearchCV's best estimator
    assert best[-1].get_params()["width"] == search.best_params_["toynetclassifier__width"]
    assert best.predict(X).shape == y.shape


def test_kept_network_predicts_as_the_cv_estimator(moons):
    X, y = moons
    model = ToyNetClassifierCV(learning_rates=[0.1], widths=[2, 4], **FAST_CV_PARAMS).fit(X, y)
    network = model.kept_network()
    assert type(network) is ToyNetClassifier
    assert (network.learning_rate, network.width) == (0.1, model.width_)
    assert not hasattr(network, "cv_results_")
    np.testing.assert_array_equal(network.predict_proba(X), model.predict_proba(X))


def test_fits_in_threads_equal_the_same_fits_in_turn():
    # Same-shape fits share the compiled program; its lock keeps them apart.
    from concurrent.futures import ThreadPoolExecutor

    datasets = [make_moons(120, noise=0.25, random_state=seed) for seed in range(4)]
    params = {**FAST_CV_PARAMS, "learning_rates": [0.03, 0.1], "widths": [2, 4]}

    def fit(index):
        X, y = datasets[index]
        model = ToyNetClassifierCV(**params).fit(X, y)
        return model.cv_results_["mean_test_neg_log_loss"], model.predict_proba(X)

    in_turn = [fit(index) for index in range(4)]
    with ThreadPoolExecutor(4) as pool:
        in_threads = list(pool.map(fit, range(4)))
    for (loss, proba), (loss_threads, proba_threads) in zip(in_turn, in_threads, strict=True):
        np.testing.assert_array_equal(loss_threads, loss)
        np.testing.assert_array_equal(proba_threads, proba)


class FitSizeRecorder(TransformerMixin, BaseEstimator):
    """Passes rows through; records how many rows each of its clones was fitted on."""

    fitted_on = []

    def fit(self, X, y=None):
        FitSizeRecorder.fitted_on.append(len(X))
        return self

    def transform(self, X):
        return np.asarray(X)


def test_compare_fits_the_preprocessing_on_each_fold_as_grid_search_does(moons):
    from sktoynet import compare
    from sktoynet.comparison._cv_search import ToyNetCVSearch

    X, y = moons
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    folds = list(cv.split(X, y))
    grid = {"toynetclassifier__learning_rate": [0.01, 0.1], "toynetclassifier__width": [2, 16]}
    params = {"epochs": 300, "n_init": 4, "random_state": 0}
    pipeline = make_pipeline(FitSizeRecorder(), StandardScaler(), ToyNetClassifier(**params))
    FitSizeRecorder.fitted_on = []
    result = compare(X, y, models={"sktoynet": (pipeline, grid)}, cv=cv, random_state=0)
    search = result.searches["sktoynet"]
    assert isinstance(search, ToyNetCVSearch)
    # Each fold's preprocessing saw its 200 training rows only; the refit's all 300.
    assert FitSizeRecorder.fitted_on[-4:] == [200, 200, 200, 300]
    # Each fold's network reads the rows as scaled on that fold's training rows.
    for fit, (train, _) in enumerate(folds):
        scaled = StandardScaler().fit(X[train]).transform(X)
        np.testing.assert_allclose(search._views[fit], scaled, rtol=1e-5, atol=1e-5)
    reference = GridSearchCV(make_toynet(**params), grid, cv=folds).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"], atol=0.03
    )


def test_compare_with_a_category_seen_only_in_one_fold(moons):
    # One-hot columns differ between folds: each fold's network keeps its own features.
    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    from sktoynet import compare

    X, y = moons
    colour = np.where(np.arange(len(y)) % 2 == 0, "red", "blue").astype(object)
    colour[7] = "green"  # in one fold's test rows only, for that fold
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "colour": colour})
    preprocessing = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["colour"]),
        remainder=StandardScaler(),
    )
    pipeline = make_pipeline(preprocessing, ToyNetClassifier(epochs=100, n_init=2, random_state=0))
    grid = {"toynetclassifier__learning_rate": [0.1], "toynetclassifier__width": [2, 4]}
    models = {"sktoynet": (pipeline, grid)}
    result = compare(frame, y, models=models, cv=3, random_state=0, preprocess=False)
    search = result.searches["sktoynet"]
    widths = sorted({view.shape[1] for view in search._views})
    assert widths == [4, 5]  # the folds that never saw "green" have one column fewer
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert result.table.loc["sktoynet", "mean_test_score"] > 0.8
    assert result.best_estimators_["sktoynet"].predict(frame).shape == y.shape


def test_scores_equal_scikit_learns_scorers_on_the_fold_networks(moons):
    from sklearn.metrics import get_scorer

    X, y = moons
    labels = np.where(y == 1, "yes", "no")  # not 0..n-1
    model = ToyNetClassifierCV(**FAST_CV_PARAMS, learning_rates=[0.01, 0.1], widths=[2, 8])
    model.set_params(return_train_score=True).fit(X, labels)
    folds = list(StratifiedKFold(3).split(X, labels))
    for index in range(4):
        for split, (train, test) in enumerate(folds):
            network = model.fold_network(index, split)
            for metric, key in (("accuracy", "score"), ("neg_log_loss", "neg_log_loss")):
                scorer = get_scorer(metric)
                for subset, rows in (("test", test), ("train", train)):
                    expected = scorer(network, X[rows], labels[rows])
                    found = model.cv_results_[f"split{split}_{subset}_{key}"][index]
                    assert found == pytest.approx(expected, rel=1e-7, abs=1e-12)
