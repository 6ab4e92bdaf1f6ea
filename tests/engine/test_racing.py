"""Racing restarts: the worse half stops at each checkpoint and leaves the program.

See ``_training.train_restarts`` (``restarts="race"``) and ``race_losers``.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.utils._param_validation import InvalidParameterError

from sktoynet import ToyNetClassifier, make_toynet
from sktoynet._engine import _training
from sktoynet._engine._keys import ProgramKey
from sktoynet._engine._network import NetworkSpec, initial_stacked_weights
from sktoynet._engine._programs import get_program
from sktoynet._engine._training import (
    RACE_FIRST_CHECKPOINT,
    leader_progress,
    race_losers,
    train_restarts,
)
from sktoynet.datasets import make_three_bands


def test_a_checkpoint_drops_the_worse_half_and_every_diverged_restart():
    losses = [0.3, 0.1, np.nan, 0.2, 0.5, 0.05]
    # 5 finite: the 3 best race on; the NaN and the 2 worst are dropped.
    np.testing.assert_array_equal(race_losers(losses, higher_is_better=False), [0, 2, 4])
    assert race_losers([0.7], higher_is_better=False).size == 0
    assert race_losers([0.7, 0.1], higher_is_better=False).size == 0  # the last two race on
    assert race_losers([np.nan, np.inf], higher_is_better=False).size == 0


def test_equal_validation_scores_are_ranked_by_their_training_loss():
    scores = [0.9, 0.9, 0.8, 0.9]
    losses = [0.2, 0.1, 0.05, 0.3]
    np.testing.assert_array_equal(race_losers(scores, higher_is_better=True, ties=losses), [2, 3])


def test_the_leader_progress_compares_with_half_as_many_epochs():
    curves = np.array([[0.8, 0.9], [0.5, 0.7], [0.45, 0.6], [0.4, np.nan]])
    assert leader_progress(curves, [0, 1]) == pytest.approx(1 - 0.4 / 0.5)
    assert leader_progress(np.full((4, 2), np.nan), [0, 1]) == 0.0


def test_no_restart_is_dropped_on_a_plateau():
    # Moons at learning rate 0.01: every restart sits near 0.35 for 100
    # epochs, then some escape. Halving on the plateau dropped the restart
    # that ended best (0.22 against 0.33).
    X, y = make_moons(300, noise=0.3, random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    params = {"learning_rate": 0.01, "epochs": 300, "n_init": 4, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        race = make_toynet(**params).fit(X[:200], y[:200])[-1]
        full = make_toynet(restarts="all", **params).fit(X[:200], y[:200])[-1]
    assert race.init_epochs_.min() > 100
    assert race.best_init_ == full.best_init_


def _fit(restarts, **params):
    X, y = make_three_bands()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make_toynet(width=2, restarts=restarts, random_state=0, **params).fit(X, y)[-1]


def test_the_race_halves_the_restarts_at_each_checkpoint():
    clf = _fit("race")
    epochs = np.sort(clf.init_epochs_)
    assert clf.n_iter_ > 2 * RACE_FIRST_CHECKPOINT  # long enough for two checkpoints
    np.testing.assert_array_equal(epochs[:6], [25, 25, 25, 25, 50, 50])
    assert epochs[-2] == epochs[-1] == clf.n_iter_  # the best two race to the end
    assert clf.init_epochs_[clf.best_init_] == clf.n_iter_
    # A dropped restart reports the loss of its last epoch; its curve ends there.
    curves = np.array(clf.history_["loss"])
    assert curves.size == clf.n_iter_
    assert np.all(np.isfinite(clf.init_losses_))
    assert clf.loss_ == clf.init_losses_[clf.best_init_]


def test_all_restarts_train_to_the_end_without_the_race():
    clf = _fit("all")
    np.testing.assert_array_equal(clf.init_epochs_, np.full(8, clf.n_iter_))
    assert clf.best_init_ == int(np.argmin(clf.init_losses_))


def test_the_race_keeps_the_restart_that_wins_the_full_training():
    # On three bands with 2 units, the restarts stuck in a local minimum are
    # behind at the first checkpoint: the race keeps the one "all" keeps.
    race, full = _fit("race"), _fit("all")
    assert race.best_init_ == full.best_init_
    assert race.loss_ < 0.05 and full.loss_ < 0.05


def test_the_race_also_runs_on_validation_scores():
    clf = _fit("race", early_stopping=True, n_iter_no_change=60, epochs=200)
    assert clf.init_epochs_.min() == RACE_FIRST_CHECKPOINT
    assert clf.init_epochs_[clf.best_init_] == clf.n_iter_
    assert len(clf.validation_scores_) == clf.n_iter_


def test_restarts_is_validated():
    X, y = make_moons(40, random_state=0)
    with pytest.raises(InvalidParameterError, match="'restarts' parameter"):
        ToyNetClassifier(restarts="some").fit(X, y)


def _race(X, y, program_for, n_init=8, epochs=120):
    spec = NetworkSpec(n_features=2, width=4, n_outputs=1, hidden_activation="tanh", n_init=n_init)
    key = ProgramKey.for_fit(spec, "adam", 32, n_rows=len(y), with_validation=False)
    return train_restarts(
        get_program(key),
        X,
        y,
        np.ones(len(y), dtype=np.float32),
        initial_weights=initial_stacked_weights(spec, np.random.RandomState(0)),
        learning_rate=0.1,
        epochs=epochs,
        tol=0.0,
        n_iter_no_change=1000,
        rng=np.random.RandomState(1),
        restarts="race",
        program_for=program_for,
    )


def test_survivors_move_to_smaller_programs_with_their_weights_and_adam_state(monkeypatch):
    monkeypatch.setattr(_training, "MIN_COMPACTION_WORK", 0)  # compact even toy data
    X, y = make_moons(150, noise=0.05, random_state=0)
    X, y = X.astype(np.float32), y.astype(np.int32)
    moved = _race(X, y, program_for=get_program)
    stayed = _race(X, y, program_for=None)  # every restart stays in the 8-member program
    assert moved.program.key.spec.n_init == 2 and stayed.program.key.spec.n_init == 8
    np.testing.assert_array_equal(moved.trained_epochs, stayed.trained_epochs)
    winner = int(np.flatnonzero(moved.finished)[0])
    # Without Adam's moments carried over, the last 20 epochs alone move the
    # weights by more than this (see the check below).
    for ours, theirs in zip(moved.stacked_weights, stayed.stacked_weights, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        moved.loss_curves[:, winner], stayed.loss_curves[:, winner], rtol=1e-4
    )
    assert moved.member_optimizer_state(winner) is not None


def test_toy_data_stays_in_its_program():
    # Moving costs more than the removed members' work on 150 rows x 4 units.
    X, y = make_moons(150, noise=0.05, random_state=0)
    outcome = _race(X.astype(np.float32), y.astype(np.int32), program_for=get_program)
    assert outcome.program.key.spec.n_init == 8
    assert outcome.finished.sum() == 2


def test_groups_race_among_their_own_members(monkeypatch):
    monkeypatch.setattr(_training, "MIN_COMPACTION_WORK", 0)
    monkeypatch.setattr(_training, "RACE_MIN_PROGRESS", 0.0)  # race on any progress
    X, y = make_moons(80, noise=0.2, random_state=0)
    X, y = X.astype(np.float32), y.astype(np.int32)
    spec = NetworkSpec(2, 4, 1, "tanh", 8)
    key = ProgramKey.for_fit(spec, "adam", 32, 80, False, per_member=True)
    # Group 0 learns fast, group 1 hardly: ranked together, group 1 would lose all.
    rates = np.array([0.05] * 4 + [0.0005] * 4, dtype=np.float32)
    outcome = train_restarts(
        get_program(key),
        X,
        y,
        np.ones((80, 8), dtype=np.float32),
        initial_weights=initial_stacked_weights(spec, np.random.RandomState(0)),
        learning_rate=rates,
        epochs=60,
        tol=0.0,
        n_iter_no_change=1000,
        rng=np.random.RandomState(1),
        groups=np.repeat([0, 1], 4),
        restarts="race",
        program_for=get_program,
    )
    at_first_checkpoint = outcome.loss_curves[RACE_FIRST_CHECKPOINT - 1]
    assert at_first_checkpoint[:4].max() < at_first_checkpoint[4:].min()
    for group in (0, 1):
        np.testing.assert_array_equal(
            np.sort(outcome.trained_epochs[4 * group : 4 * group + 4]), [25, 25, 60, 60]
        )
        alone = outcome.group(group)
        assert alone.finished.sum() == 2
        assert np.isnan(alone.loss_curves[-1][~alone.finished]).all()
    assert outcome.program.key.spec.n_init == 4  # the four survivors, compacted
