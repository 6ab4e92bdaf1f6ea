"""Packing networks into program calls: each network trains as it would alone."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

from sktoynet._engine import _members
from sktoynet._engine._members import Fits, NetworkSet, Training, train_network_sets
from sktoynet._engine._network import NetworkSpec, initial_stacked_weights


def _data():
    # Standardised, as the estimators train: on raw blobs (features near 10,
    # times 3 in the views case) a learning rate of 0.1 turns float rounding
    # (the packed call sums in another order) into weights 0.2 apart.
    X, y = make_blobs(90, n_features=3, centers=3, cluster_std=2.0, random_state=0)
    return StandardScaler().fit_transform(X).astype(np.float32), y.astype(np.int32)


def _training(n_init, batch_size=16):
    return Training(
        n_init=n_init,
        n_outputs=3,
        hidden_activation="tanh",
        optimizer="adam",
        batch_size=batch_size,
        epochs=15,
        tol=0.0,
        n_iter_no_change=1000,
        alpha=0.0,
        batch_seed=7,
    )


def _sets(widths_and_rates, n_fits, n_init, rng):
    return [
        NetworkSet(
            width,
            rate,
            initial_stacked_weights(NetworkSpec(3, width, 3, "tanh", n_fits * n_init), rng),
        )
        for width, rate in widths_and_rates
    ]


def _alone(network_set, fit, n_fits, n_init, fits):
    """The network of ``network_set`` on ``fit``, trained in a call of its own."""
    members = slice(fit * n_init, (fit + 1) * n_init)
    alone = NetworkSet(
        network_set.width,
        network_set.learning_rate,
        [weights[members] for weights in network_set.initial_weights],
    )
    X = fits.X[:, fit] if fits.views else fits.X
    one_fit = Fits(X, fits.y, fits.weights[:, fit : fit + 1])
    outcomes, _ = train_network_sets([alone], one_fit, _training(n_init), estimator=None)
    return outcomes[0, 0][0]


@pytest.mark.parametrize("views", [False, True])
def test_each_network_trains_as_it_would_alone(views):
    # Two width buckets (two blocks), two learning rates (two calls), three fits
    # with different rows (and, with views, different features): every
    # network's weights and loss curve are those of the same network alone.
    X, y = _data()
    n_fits, n_init = 3, 2
    weights = np.zeros((X.shape[0], n_fits), dtype=np.float32)
    for fit in range(n_fits):
        weights[np.arange(X.shape[0]) % n_fits != fit, fit] = 1.0
    if views:
        X = np.stack([X * (fit + 1) for fit in range(n_fits)], axis=1)
    fits = Fits(X, y, weights)
    rng = np.random.RandomState(0)
    sets = _sets([(4, 0.01), (16, 0.01), (4, 0.1)], n_fits, n_init, rng)
    outcomes, seconds = train_network_sets(sets, fits, _training(n_init), estimator=None)
    assert seconds > 0
    assert set(outcomes) == {(s, f) for s in range(3) for f in range(n_fits)}
    for (index, fit), (outcome, spec) in outcomes.items():
        assert spec.width == sets[index].width and spec.n_init == n_init
        alone = _alone(sets[index], fit, n_fits, n_init, fits)
        assert outcome.stacked_weights[0].shape == (n_init, 3, sets[index].width)
        start = sets[index].initial_weights[0][fit * n_init : (fit + 1) * n_init]
        assert np.abs(outcome.stacked_weights[0] - start).max() > 1e-3  # it trained
        for ours, theirs in zip(outcome.stacked_weights, alone.stacked_weights, strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(outcome.loss_curves, alone.loss_curves, rtol=1e-4)


def test_how_the_sets_are_cut_into_calls_changes_no_network(monkeypatch):
    # Memory for one set per call: the same outcomes as all sets in one call.
    X, y = _data()
    fits = Fits(X, y, np.ones((X.shape[0], 2), dtype=np.float32))
    sets = _sets([(4, 0.01), (8, 0.01)], 2, 2, np.random.RandomState(0))
    together, _ = train_network_sets(sets, fits, _training(2), estimator=None)
    monkeypatch.setattr(_members, "members_per_chunk", lambda n_sets, per_set, size: 1)
    apart, _ = train_network_sets(sets, fits, _training(2), estimator=None)
    for key, (outcome, _) in together.items():
        for ours, theirs in zip(
            outcome.stacked_weights, apart[key][0].stacked_weights, strict=True
        ):
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_each_call_holds_one_learning_rate_and_one_width_bucket():
    # Widths 2 and 8 share a bucket (one block, padded as a ToyNetClassifier
    # pads them); 16 and 64 do not. A narrow network that trains long must
    # not keep a wide block computing, nor a small rate a large one.
    sets = _sets(
        [(2, 0.01), (8, 0.01), (16, 0.01), (64, 0.01), (2, 0.1), (8, 0.1)],
        1,
        1,
        np.random.RandomState(0),
    )
    calls = _members._calls(sets, 8, by_bucket=True)
    assert [list(call) for call in calls] == [[0, 1], [2], [3], [4, 5]]
    calls = _members._calls(sets, 8, by_bucket=False)  # small networks: fewer programs
    assert [list(call) for call in calls] == [[0, 1, 2, 3], [4, 5]]
    calls = _members._calls(sets, 1, by_bucket=True)
    assert [list(call) for call in calls] == [[i] for i in range(6)]


@pytest.mark.parametrize("n_rows, split", [(60, False), (600, True)])
def test_large_networks_of_each_width_bucket_get_calls_of_their_own(n_rows, split, monkeypatch):
    seen = []
    real = _members._train_call

    def recording(call_sets, key, *args, **kwargs):
        seen.append(sorted(s.width for s in call_sets))
        return real(call_sets, key, *args, **kwargs)

    monkeypatch.setattr(_members, "_train_call", recording)
    # 600 rows x width 64 x (3 features + 3 outputs) x 2 x 2 members: just over the line.
    monkeypatch.setattr(_members, "MIN_SPLIT_WORK", 600 * 64 * 6 * 4)
    X, y = _data()
    X, y = np.resize(X, (n_rows, X.shape[1])), np.resize(y, n_rows)
    fits = Fits(X, y, np.ones((n_rows, 2), dtype=np.float32))
    sets = _sets([(4, 0.01), (64, 0.01)], 2, 2, np.random.RandomState(0))
    outcomes, _ = train_network_sets(sets, fits, _training(2), estimator=None)
    assert seen == ([[4], [64]] if split else [[4, 64]])
    assert len(outcomes) == 4
