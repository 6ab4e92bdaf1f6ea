"""Reproducible fits (issue: trustworthy citizen, item 3).

The initial weights, the mini-batch order and the validation split all come
from a NumPy generator made from ``random_state``; no global seed (Python,
NumPy, Keras or TensorFlow) is set or drawn from.
"""

import random

import numpy as np

from sktoynet import ToyNetClassifier
from sktoynet._engine._keras import import_keras
from tests._helpers import FAST_PARAMS, quiet_fit, run_in_fresh_process

#: Mini-batches (batch_size < n_samples) and early stopping, so that every
#: source of randomness is exercised.
SEEDED = {**FAST_PARAMS, "batch_size": 32, "early_stopping": True, "random_state": 7}


def test_same_random_state_gives_identical_fits(scaled_two_squares, three_bands):
    X, y = scaled_two_squares
    first = quiet_fit(ToyNetClassifier(**SEEDED), X, y).predict_proba(X)
    # another fit in between, of another shape, must not leak into the next one
    quiet_fit(ToyNetClassifier(**FAST_PARAMS), *three_bands)
    second = quiet_fit(ToyNetClassifier(**SEEDED), X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


def test_same_random_state_gives_identical_fits_across_processes(scaled_two_squares, tmp_path):
    X, y = scaled_two_squares
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    run_in_fresh_process(
        f"""
        import warnings
        import numpy as np
        from sktoynet import ToyNetClassifier

        warnings.simplefilter("ignore")
        X, y = np.load("X.npy"), np.load("y.npy")
        model = ToyNetClassifier(**{SEEDED!r}).fit(X, y)
        np.save("proba.npy", model.predict_proba(X))
        """,
        cwd=tmp_path,
    )
    here = quiet_fit(ToyNetClassifier(**SEEDED), X, y).predict_proba(X)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), here)


def test_no_random_state_varies_between_fits(scaled_two_squares):
    X, y = scaled_two_squares
    params = {**FAST_PARAMS, "random_state": None}
    first = quiet_fit(ToyNetClassifier(**params), X, y).predict_proba(X)
    second = quiet_fit(ToyNetClassifier(**params), X, y).predict_proba(X)
    assert not np.array_equal(first, second)


def test_a_random_state_instance_is_used_and_advanced(scaled_two_squares):
    X, y = scaled_two_squares
    params = {**FAST_PARAMS, "random_state": np.random.RandomState(3)}
    estimator = ToyNetClassifier(**params)
    first = quiet_fit(estimator, X, y).predict_proba(X)
    second = quiet_fit(estimator, X, y).predict_proba(X)
    assert not np.array_equal(first, second)


def test_seeded_fit_leaves_global_random_state_alone(scaled_two_squares):
    X, y = scaled_two_squares
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    tensorflow_state = _tensorflow_random_state()
    quiet_fit(ToyNetClassifier(**SEEDED), X, y)
    assert random.getstate() == python_state
    after = np.random.get_state()
    np.testing.assert_array_equal(after[1], numpy_state[1])
    assert (after[0], *after[2:]) == (numpy_state[0], *numpy_state[2:])
    assert _tensorflow_random_state() == tensorflow_state


def test_unseeded_fit_draws_from_numpy_only(scaled_two_squares):
    # random_state=None means NumPy's global generator, as everywhere in
    # scikit-learn: np.random.seed makes such fits repeatable, and nothing
    # else global is touched.
    X, y = scaled_two_squares
    params = {**SEEDED, "random_state": None}
    python_state = random.getstate()
    tensorflow_state = _tensorflow_random_state()
    np.random.seed(11)
    first = quiet_fit(ToyNetClassifier(**params), X, y).predict_proba(X)
    np.random.seed(11)
    second = quiet_fit(ToyNetClassifier(**params), X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert random.getstate() == python_state
    assert _tensorflow_random_state() == tensorflow_state


def _tensorflow_random_state():
    """TensorFlow's global seed (set by keras.utils.set_random_seed) and global generator."""
    if import_keras().backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    global_seed = tf.compat.v1.get_seed(None)[0]
    generator_state = tuple(tf.random.get_global_generator().state.numpy())
    return global_seed, generator_state
