"""Memory: impossible sizes are refused before allocating, and running out is explained.

Also the shape buckets that keep memory bounded over many shapes: padded
features change no result, and many feature counts share few programs.
"""

import numpy as np
import pytest

import sktoynet._engine._keys
import sktoynet._engine._memory
import sktoynet._engine._programs
import sktoynet._estimators._classifier
from sktoynet import ToyNetClassifier
from tests._helpers import FAST_PARAMS, quiet_fit


def test_a_fit_too_large_for_memory_is_refused_before_anything_is_built(
    scaled_two_squares, monkeypatch
):
    X, y = scaled_two_squares

    def no_program(key):
        raise AssertionError("the size guard must refuse the fit before building a program")

    monkeypatch.setattr(sktoynet._engine._programs, "get_program", no_program)
    estimator = ToyNetClassifier(width=10**7, random_state=0)
    with pytest.raises(ValueError) as excinfo:
        estimator.fit(X, y)
    message = str(excinfo.value)
    assert "ToyNetClassifier(width=10000000, n_init=8, batch_size='auto')" in message
    assert "on 400 rows x 2 features needs about" in message and "GB of memory" in message
    assert "Lower width, n_init or batch_size" in message
    assert not hasattr(estimator, "coefs_")


def test_the_guard_compares_the_estimate_with_the_memory_available(scaled_two_squares, monkeypatch):
    X, y = scaled_two_squares
    needed = sktoynet._engine._memory.estimate_fit_bytes(
        sktoynet._engine._keys.ProgramKey.for_fit(
            sktoynet._estimators._classifier.NetworkSpec(2, 8, 1, "tanh", 8),
            "adam",
            200,
            400,
            False,
        ),
        400,
    )
    share = sktoynet._engine._memory.USABLE_SHARE
    monkeypatch.setattr(sktoynet._engine._memory, "available_bytes", lambda: needed / share - 1)
    with pytest.raises(ValueError, match="more than 80% of the"):
        ToyNetClassifier(random_state=0).fit(X, y)
    monkeypatch.setattr(sktoynet._engine._memory, "available_bytes", lambda: needed / share + 1)
    quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)


def test_the_estimate_grows_with_width_n_init_and_batch_size():
    def estimate(width=8, n_init=8, batch_size=200):
        spec = sktoynet._estimators._classifier.NetworkSpec(2, width, 1, "tanh", n_init)
        key = sktoynet._engine._keys.ProgramKey.for_fit(spec, "adam", batch_size, 10_000, False)
        return sktoynet._engine._memory.estimate_fit_bytes(key, 10_000)

    base = estimate()
    assert estimate(width=4096) > base
    assert estimate(n_init=100) > base
    assert estimate(batch_size=2000) > base
    # A million units on the toy problem: measured at 21.4 GB peak; the estimate errs
    # high, so the fit is refused on a 24 GB machine (80 % of it is 19.2 GB).
    assert estimate(width=10**6) > 21.4e9


class ResourceExhaustedError(Exception):
    """Named like TensorFlow's out-of-memory error, which is recognised by its name."""


@pytest.mark.parametrize(
    "error",
    [
        ResourceExhaustedError("OOM when allocating tensor with shape[200,8,1048576]"),
        RuntimeError("RESOURCE_EXHAUSTED: Out of memory while trying to allocate 6.7 GiB"),
        MemoryError(),
    ],
    ids=["tensorflow", "jax", "numpy"],
)
def test_running_out_of_memory_is_a_clear_memory_error_and_changes_nothing(
    scaled_two_squares, monkeypatch, error
):
    X, y = scaled_two_squares
    estimator = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    before = estimator.predict_proba(X)
    forgotten = []
    monkeypatch.setattr(sktoynet._engine._programs, "forget_program", forgotten.append)

    def out_of_memory(*args, **kwargs):
        raise error

    monkeypatch.setattr(sktoynet._engine._programs, "train_restarts", out_of_memory)
    estimator.set_params(width=64)
    with pytest.raises(MemoryError) as excinfo:
        estimator.fit(X, y)
    message = str(excinfo.value)
    assert message.startswith("ToyNetClassifier ran out of memory while training (width=64,")
    assert "the estimator was left as it was before fit" in message
    assert excinfo.value.__cause__ is None and excinfo.value.__suppress_context__
    assert len(forgotten) == 1  # the program's memory can be released
    np.testing.assert_array_equal(estimator.predict_proba(X), before)


def test_other_errors_during_training_are_not_called_memory_errors(scaled_two_squares, monkeypatch):
    X, y = scaled_two_squares

    def broken(*args, **kwargs):
        raise RuntimeError("something else")

    monkeypatch.setattr(sktoynet._engine._programs, "train_restarts", broken)
    with pytest.raises(RuntimeError, match="something else"):
        ToyNetClassifier(**FAST_PARAMS).fit(X, y)


def test_padding_features_to_a_larger_bucket_changes_no_result(monkeypatch, rng):
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
    usual = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    monkeypatch.setattr(sktoynet._engine._keys, "MIN_FEATURE_BUCKET", 64)
    padded = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    np.testing.assert_allclose(padded.predict_proba(X), usual.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(padded.loss_curve_, usual.loss_curve_, rtol=1e-5)
    assert padded.coefs_[0].shape == (3, 8)


def test_padding_classes_to_a_larger_bucket_changes_no_result(monkeypatch, rng):
    X = rng.normal(size=(150, 2))
    y = np.argmax(np.c_[X, -X.sum(axis=1)], axis=1)  # three classes
    usual = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    monkeypatch.setattr(sktoynet._engine._keys, "MIN_CLASS_BUCKET", 32)
    padded = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    np.testing.assert_allclose(padded.predict_proba(X), usual.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(padded.loss_curve_, usual.loss_curve_, rtol=1e-5)
    assert padded.coefs_[1].shape == (8, 3) and padded.intercepts_[1].shape == (3,)
    assert usual.score(X, y) > 0.8


def test_fifty_feature_counts_share_five_programs_on_small_data():
    buckets = {sktoynet._engine._keys.feature_bucket(n, n_rows=500) for n in range(1, 51)}
    assert buckets == {2, 8, 16, 32, 64}  # 1 and 2 features (the toy problems) share one


def test_three_to_eight_classes_share_one_program():
    buckets = {sktoynet._engine._keys.output_bucket(n) for n in range(3, 9)}
    assert buckets == {8}
    assert sktoynet._engine._keys.output_bucket(1) == 1  # two classes: one sigmoid unit


def test_large_data_keeps_its_feature_count():
    assert sktoynet._engine._keys.feature_bucket(5, n_rows=1_000_000) == 5
    assert sktoynet._engine._keys.feature_bucket(50, n_rows=100_000) == 50


def test_wide_rows_are_padded_to_a_small_bucket_and_narrow_ones_share_4096():
    """60 rows of 5,000 features were padded to 4,096 rows, for every fold: 3 GB."""
    from sktoynet._engine._keys import MAX_PADDED_CELLS, MIN_ROW_BUCKET, ProgramKey, row_bucket
    from sktoynet._engine._network import NetworkSpec

    wide = ProgramKey.for_fit(NetworkSpec(5000, 8, 1, "tanh", 8), "adam", 60, 60, False)
    assert wide.rows(60) == 128 and wide.rows(129) == 256
    assert wide.rows(60) * wide.spec.n_features <= MAX_PADDED_CELLS
    # ToyNetClassifierCV's input views count as values of a row too.
    views = NetworkSpec(300, 8, 1, "tanh", 8, input_views=6)
    assert row_bucket(60, views.input_views * views.n_features) * 1800 <= MAX_PADDED_CELLS
    narrow = ProgramKey.for_fit(NetworkSpec(256, 8, 1, "tanh", 8), "adam", 200, 60, False)
    assert narrow.rows(60) == narrow.rows(4000) == MIN_ROW_BUCKET


def test_the_small_bucket_of_wide_rows_changes_no_result(rng, monkeypatch):
    X = rng.normal(size=(60, 1000)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    small = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    # Every row step allowed: the 4,096 rows of before.
    monkeypatch.setattr(sktoynet._engine._keys, "MAX_PADDED_CELLS", 2**40)
    assert sktoynet._engine._keys.row_bucket(60, 1000) == 4096
    padded = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    np.testing.assert_array_equal(small.loss_curve_, padded.loss_curve_)
    for a, b in zip(small.coefs_, padded.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
