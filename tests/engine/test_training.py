"""Training that just works: defaults, restarts, stopping rules, diagnostics."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sktoynet import ToyNetClassifier, make_toynet
from sktoynet._engine._keys import ProgramKey
from sktoynet._engine._network import NetworkSpec, initial_stacked_weights
from sktoynet._engine._programs import get_program
from sktoynet._engine._training import train_restarts
from sktoynet._estimators import _diagnostics
from sktoynet.datasets import make_three_bands, make_two_squares
from sktoynet.exceptions import TrainingDivergedError, UnscaledInputWarning
from tests._helpers import FAST_PARAMS, quiet_fit

#: A fixed subset of the 20 seeds that benchmarks/bench_reliability.py sweeps.
RELIABILITY_SEEDS = [0, 7, 13, 19]


@pytest.mark.parametrize("width", [None, 2], ids=["default width", "width=2"])
@pytest.mark.parametrize("seed", RELIABILITY_SEEDS)
def test_defaults_solve_both_toy_problems(seed, width):
    params = {"random_state": seed} if width is None else {"random_state": seed, "width": width}
    for X, y in (make_two_squares(random_state=seed), make_three_bands()):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)  # defaults converge
            model = make_toynet(**params).fit(X, y)
        assert model.score(X, y) >= 0.99


def test_restarts_keep_the_lowest_final_loss(three_bands):
    X, y = three_bands
    clf = make_toynet(width=2, n_init=6, random_state=1).fit(X, y)[-1]
    assert clf.init_losses_.shape == (6,)
    assert clf.best_init_ == int(np.argmin(clf.init_losses_))
    assert clf.loss_ == pytest.approx(clf.init_losses_[clf.best_init_])
    assert len(clf.loss_curve_) == clf.n_iter_


def test_stacked_restarts_train_like_separate_networks(scaled_two_squares):
    """Summing the restarts' losses leaves each one's gradients and Adam state its own."""
    X, y = scaled_two_squares
    X, y = X.astype(np.float32), (y == 2).astype(np.int32)
    w = np.ones(len(y), dtype=np.float32)
    stacked_spec = NetworkSpec(
        n_features=2, width=3, n_outputs=1, hidden_activation="tanh", n_init=3
    )
    start = initial_stacked_weights(stacked_spec, np.random.RandomState(0))

    def train(spec, weights):
        key = ProgramKey.for_fit(spec, "adam", 64, n_rows=len(y), with_validation=False)
        outcome = train_restarts(
            get_program(key),
            X,
            y,
            w,
            initial_weights=weights,
            learning_rate=0.05,
            epochs=5,
            tol=0.0,
            n_iter_no_change=100,
            rng=np.random.RandomState(1),
        )
        return outcome.stacked_weights

    together = train(stacked_spec, start)
    single_spec = NetworkSpec(n_features=2, width=3, n_outputs=1, hidden_activation="tanh")
    for index in range(3):
        alone = train(single_spec, [weight[index : index + 1] for weight in start])
        for joint, separate in zip(together, alone, strict=True):
            np.testing.assert_allclose(joint[index], separate[0], rtol=1e-4, atol=1e-5)


def test_stops_when_the_loss_stops_improving(scaled_two_squares):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(tol=10.0, n_iter_no_change=2, epochs=200, random_state=0).fit(X, y)
    assert clf.n_iter_ < 200
    assert len(clf.loss_curve_) == clf.n_iter_


def test_convergence_warning_when_epochs_run_out(scaled_two_squares):
    X, y = scaled_two_squares
    with pytest.warns(ConvergenceWarning, match=r"maximum epochs \(3\)"):
        clf = ToyNetClassifier(epochs=3, tol=0.0, random_state=0).fit(X, y)
    assert clf.n_iter_ == 3


def test_early_stopping_on_a_validation_split(scaled_two_squares):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(
        early_stopping=True, validation_fraction=0.2, n_iter_no_change=3, random_state=0
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == len(clf.loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_validation_score_ >= 0.99
    assert clf.n_iter_ < clf.epochs
    assert clf.history_["val_accuracy"] == clf.validation_scores_


def test_collapsed_predictions_are_explained(three_bands):
    X, y = three_bands
    slow = ToyNetClassifier(
        hidden_activation="sigmoid", width=2, learning_rate=1e-3, epochs=5, n_init=1, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="single class . for every training sample") as rec:
        slow.fit(X, y)
    message = next(str(w.message) for w in rec if "single class" in str(w.message))
    assert "learning_rate" in message and "epochs" in message and "width" in message
    assert "scaled" in message
    assert "Try a higher learning_rate (now 0.001)" in message and "lower" not in message
    assert slow.score(X, y) in (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_unscaled_inputs_point_to_make_toynet(three_bands):
    X, y = three_bands
    with pytest.warns(UnscaledInputWarning, match="make_toynet"):
        ToyNetClassifier(epochs=5, n_init=1, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnscaledInputWarning)
        make_toynet(epochs=5, n_init=1, random_state=0).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_diverged_restarts_are_dropped(two_squares):
    X, y = two_squares
    model = make_toynet(
        optimizer="sgd", hidden_activation="linear", learning_rate=1e3, n_init=4, random_state=0
    ).fit(X, y)
    clf = model[-1]
    assert not np.isfinite(clf.init_losses_).all()
    assert np.isfinite(clf.init_losses_[clf.best_init_])
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_all_restarts_diverged_names_the_learning_rate(rng):
    X = rng.normal(size=(100, 2))
    y = rng.randint(0, 2, size=100)
    clf = make_toynet(
        optimizer="sgd", hidden_activation="linear", learning_rate=1e6, n_init=2, random_state=0
    )
    with pytest.raises(TrainingDivergedError, match="learning_rate=1e\\+06"):
        clf.fit(X, y)


def test_n_init_is_validated():
    with pytest.raises(ValueError, match="n_init"):
        ToyNetClassifier(n_init=0).fit([[0.0], [1.0]], [0, 1])


@pytest.mark.parametrize("first", [False, True], ids=["first plain", "first early-stopping"])
@pytest.mark.parametrize("second", [False, True], ids=["then plain", "then early-stopping"])
def test_a_refit_keeps_no_attribute_of_the_previous_fit(scaled_two_squares, first, second):
    X, y = scaled_two_squares
    fresh = quiet_fit(ToyNetClassifier(**FAST_PARAMS, early_stopping=second), X, y)
    refitted = ToyNetClassifier(**{**FAST_PARAMS, "epochs": 12}, early_stopping=first)
    quiet_fit(refitted, X, y)
    quiet_fit(refitted.set_params(early_stopping=second, epochs=FAST_PARAMS["epochs"]), X, y)
    assert set(vars(refitted)) == set(vars(fresh))
    assert refitted.n_iter_ == len(refitted.loss_curve_)
    if second:
        assert len(refitted.validation_scores_) == refitted.n_iter_
    else:
        assert not hasattr(refitted, "validation_scores_")
        assert not hasattr(refitted, "best_validation_score_")
        assert "val_accuracy" not in refitted.history_


def test_a_refit_on_an_array_forgets_the_dataframe_feature_names(scaled_two_squares):
    X, y = scaled_two_squares
    model = quiet_fit(ToyNetClassifier(**FAST_PARAMS), pd.DataFrame(X, columns=["a", "b"]), y)
    assert list(model.feature_names_in_) == ["a", "b"]
    quiet_fit(model, X, y)
    assert not hasattr(model, "feature_names_in_")


def collapse_message(estimator, X, y):
    with pytest.warns(ConvergenceWarning) as record:
        estimator.fit(X, y)
    messages = [str(w.message) for w in record if "single class" in str(w.message)]
    assert len(messages) == 1, [str(w.message) for w in record]
    return messages[0]


def test_a_collapse_with_a_huge_learning_rate_suggests_a_lower_one(two_squares):
    message = collapse_message(make_toynet(learning_rate=1e6, random_state=0), *two_squares)
    assert "too high (now 1e+06): try a lower learning_rate, such as 0.1" in message
    assert "higher" not in message


@pytest.mark.parametrize(
    "curve, learning_rate, too_high",
    [
        ([0.69, 0.7, 0.9], 0.05, True),  # the loss rose: overshooting
        ([0.69, np.nan], 0.05, True),
        ([0.69, 0.69, 0.68], 0.001, False),  # stalled
        ([0.69, 0.6], 2.0, True),  # a very large rate
    ],
)
def test_the_collapse_advice_follows_the_loss_and_the_rate(curve, learning_rate, too_high):
    assert _diagnostics.learning_rate_too_high(curve, learning_rate) is too_high


def test_standardised_data_with_heavy_tails_is_never_called_unscaled(rng):
    heavy = rng.standard_cauchy(size=(500, 3))
    X = StandardScaler().fit_transform(heavy)
    assert np.abs(X).max() > 10  # far beyond the +-10 rule, but standardised
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", UnscaledInputWarning)
        ToyNetClassifier(**FAST_PARAMS).fit(X, y)
        make_toynet(**FAST_PARAMS).fit(heavy, y)


def test_unscaled_warning_names_dataframe_columns_once_per_fit(rng):
    X = pd.DataFrame({"income": rng.normal(5e4, 1e4, 100), "ratio": rng.normal(0, 1, 100)})
    y = (X["ratio"] > 0).astype(int)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ToyNetClassifier(**FAST_PARAMS).fit(X, y)
    unscaled = [str(w.message) for w in record if w.category is UnscaledInputWarning]
    assert len(unscaled) == 1
    assert "(columns 'income':" in unscaled[0] and "'ratio'" not in unscaled[0]
