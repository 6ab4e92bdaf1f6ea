"""What users of MLPClassifier, scikeras and skorch expect: alpha, warm_start, partial_fit."""

import pickle
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning

from sktoynet import ToyNetClassifier, ToyNetClassifierCV
from sktoynet._engine import _programs as programs
from sktoynet._engine._forward import predict_logits
from sktoynet._engine._keras import backend_name
from sktoynet._engine._keys import ProgramKey
from sktoynet._engine._network import NetworkSpec, initial_stacked_weights, unstack_weights
from sktoynet._engine._programs import get_program
from sktoynet._engine._training import epoch_batches, train_restarts


@pytest.fixture(autouse=True)
def quiet_short_fits():
    # Short fits on purpose: their convergence warnings are noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def compilations():
    """Traces of every cached program so far: a new one means the loop was compiled again."""
    total = 0
    for program in list(programs._PROGRAMS.values()):
        if backend_name() == "jax":
            total += program._compiled._cache_size()
        else:
            total += program._compiled.experimental_get_tracing_count()
    return total


def squared_weights(clf):
    return sum(float(np.sum(coef.astype(np.float64) ** 2)) for coef in clf.coefs_)


# --------------------------------------------------------------------------- alpha


def penalised_objective(params, shapes, X, y, w, alpha, n_samples, n_outputs):
    """MLPClassifier's loss in float64: weighted mean log-loss + 0.5 alpha |W|^2 / n_samples."""
    arrays, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        arrays.append(params[start : start + size].reshape(shape))
        start += size
    kernel1, bias1, kernel2, bias2 = arrays
    logits = predict_logits(X, [kernel1, kernel2], [bias1, bias2], "tanh")
    if n_outputs == 1:
        z = logits[:, 0]
        losses = np.logaddexp(0.0, z) - z * y
    else:
        losses = logsumexp(logits, axis=1) - logits[np.arange(len(y)), y]
    squares = np.sum(kernel1**2) + np.sum(kernel2**2)  # biases are not penalised
    return np.sum(w * losses) / np.sum(w) + 0.5 * alpha * squares / n_samples


def numerical_gradient(function, params, eps=1e-6):
    gradient = np.zeros_like(params)
    for index in range(params.size):
        step = np.zeros_like(params)
        step[index] = eps
        gradient[index] = (function(params + step) - function(params - step)) / (2 * eps)
    return gradient


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("per_member", [False, True], ids=["one fit", "per-member (CV)"])
def test_the_training_steps_follow_the_gradient_of_the_penalised_loss(n_classes, per_member):
    # Plain SGD moves the weights by -rate x gradient at each mini-batch: it must be the
    # gradient of MLPClassifier's penalised loss on the batch, with n_samples the total
    # training weight (not the batch's). Three batches of 10 rows; the NumPy replay
    # takes finite-difference gradients in float64.
    rng = np.random.RandomState(0)
    n_rows, batch_size, alpha, rate = 30, 10, 3.0, 0.5
    X = rng.normal(size=(n_rows, 2)).astype(np.float32)
    y = (np.arange(n_rows) % n_classes).astype(np.int32)
    w = rng.uniform(0.5, 2.0, size=n_rows).astype(np.float32)
    n_outputs = 1 if n_classes == 2 else n_classes
    spec = NetworkSpec(2, 3, n_outputs, "tanh", n_init=2 if per_member else 1)
    start = initial_stacked_weights(spec, rng)
    start = [value + rng.normal(scale=0.3, size=value.shape).astype(np.float32) for value in start]
    if per_member:  # member 1 trains on the first 20 rows only: its own total weight
        weights = np.column_stack([w, np.where(np.arange(n_rows) < 20, w, 0)]).astype(np.float32)
        extra = {"groups": np.arange(2), "learning_rate": np.full(2, rate, dtype=np.float32)}
    else:
        weights, extra = w, {"learning_rate": rate}
    key = ProgramKey.for_fit(spec, "sgd", batch_size, n_rows, False, per_member=per_member)
    outcome = train_restarts(
        get_program(key),
        X,
        y,
        weights,
        initial_weights=start,
        epochs=1,
        tol=0.0,
        n_iter_no_change=10,
        rng=np.random.RandomState(1),
        alpha=alpha,
        **extra,
    )
    order = epoch_batches(np.random.RandomState(1), n_rows, 1, batch_size)[0]
    for member in range(spec.n_init):
        member_w = (weights if weights.ndim == 1 else weights[:, member]).astype(np.float64)
        coefs, intercepts = unstack_weights(start, member)
        before = [coefs[0], intercepts[0], coefs[1], intercepts[1]]
        shapes = [value.shape for value in before]
        params = np.concatenate([value.ravel() for value in before]).astype(np.float64)

        def replay(alpha, member_w=member_w, shapes=shapes, params=params):
            """The epoch in NumPy: final weights, and the mean loss over the batches."""
            values, loss_total = params.copy(), 0.0
            for batch in order.reshape(-1, batch_size):
                batch_w = np.zeros(n_rows)
                batch_w[batch] = member_w[batch]
                if batch_w.sum() == 0:
                    continue  # a member without rows in a batch takes no step

                def objective(v, batch_w=batch_w):
                    return penalised_objective(
                        v, shapes, X, y, batch_w, alpha, member_w.sum(), n_outputs
                    )

                loss_total += objective(values) * batch_w.sum()
                values = values - rate * numerical_gradient(objective, values)
            return values, loss_total / member_w.sum()

        expected, expected_loss = replay(alpha)
        coefs, intercepts = unstack_weights(outcome.stacked_weights, member)
        trained = [coefs[0], intercepts[0], coefs[1], intercepts[1]]
        trained = np.concatenate([value.ravel() for value in trained])
        np.testing.assert_allclose(trained, expected, rtol=1e-3, atol=1e-5)
        # The reported loss is the penalised loss, as MLPClassifier's loss_curve_.
        assert outcome.loss_curves[0, member] == pytest.approx(expected_loss, rel=1e-4)
        # The check bites: no penalty, or MLPClassifier's per-batch one, ends elsewhere.
        assert np.abs(replay(0.0)[0] - expected).max() > 1e-2
        assert np.abs(replay(alpha * n_rows / batch_size)[0] - expected).max() > 1e-2


def test_a_larger_alpha_shrinks_the_weights(scaled_two_squares):
    X, y = scaled_two_squares
    norms = [
        squared_weights(ToyNetClassifier(alpha=alpha, random_state=0).fit(X, y))
        for alpha in (0.0, 0.1, 1.0, 10.0)
    ]
    assert all(later < earlier for earlier, later in zip(norms, norms[1:], strict=False)), norms


def test_a_new_alpha_reuses_the_compiled_program(scaled_two_squares):
    X, y = scaled_two_squares
    ToyNetClassifier(alpha=0.1, epochs=30, random_state=0).fit(X, y)
    programs_before, traced_before = len(programs._PROGRAMS), compilations()
    for alpha in (0.0, 1.0, 3.5):
        ToyNetClassifier(alpha=alpha, epochs=30, random_state=0).fit(X, y)
    assert len(programs._PROGRAMS) == programs_before
    assert compilations() == traced_before


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "adagrad", "adamw"])
def test_alpha_shrinks_the_weights_for_every_optimizer(scaled_two_squares, optimizer):
    X, y = scaled_two_squares
    params = {"optimizer": optimizer, "epochs": 60, "n_init": 2, "random_state": 0}
    plain = ToyNetClassifier(**params).fit(X, y)
    penalised = ToyNetClassifier(alpha=5.0, **params).fit(X, y)
    assert squared_weights(penalised) < 0.8 * squared_weights(plain)


def test_the_cv_estimator_applies_alpha_to_every_network(scaled_two_squares):
    X, y = scaled_two_squares
    params = {"learning_rates": [0.1], "widths": [4], "cv": 3, "n_init": 2, "epochs": 60}
    plain = ToyNetClassifierCV(random_state=0, **params).fit(X, y)
    penalised = ToyNetClassifierCV(alpha=5.0, random_state=0, **params).fit(X, y)
    assert squared_weights(penalised) < 0.8 * squared_weights(plain)
    fold = penalised.fold_network(0, 0)
    assert squared_weights(fold) < 0.8 * squared_weights(plain.fold_network(0, 0))
    assert penalised.kept_network().alpha == 5.0
    assert "warm_start" not in penalised.get_params()


def test_a_negative_alpha_is_refused(scaled_two_squares):
    with pytest.raises(ValueError, match="'alpha' parameter of ToyNetClassifier must be"):
        ToyNetClassifier(alpha=-1.0).fit(*scaled_two_squares)


# ---------------------------------------------------------------------- warm_start


def test_a_warm_start_continues_from_the_previous_loss(scaled_two_squares):
    X, y = scaled_two_squares
    params = {"epochs": 15, "n_init": 4, "tol": 0.0, "random_state": 0}
    first = ToyNetClassifier(**params).fit(X, y)
    start, end = first.loss_curve_[0], first.loss_
    assert end < 0.5 * start  # the first fit did learn: the two are far apart
    first.set_params(warm_start=True, epochs=5).fit(X, y)
    # The first epoch of the continued fit starts from the kept network's weights.
    assert abs(first.loss_curve_[0] - end) < 0.2 * (start - end)
    # One network continues (n_init applies to fresh starts) ...
    assert first.init_losses_.shape == (1,)
    # ... with a fresh optimizer state, as in MLPClassifier: its step count is this fit's.
    steps = 5 * -(-len(y) // 200)
    assert int(first._optimizer_state[1][0]) == steps
    # A cold second fit starts over: its first loss is the initial loss again.
    cold = ToyNetClassifier(**{**params, "epochs": 5}).fit(X, y)
    assert abs(cold.loss_curve_[0] - start) < 0.2 * (start - end)


def test_warm_start_without_a_previous_fit_is_a_normal_fit(scaled_two_squares):
    X, y = scaled_two_squares
    warm = ToyNetClassifier(warm_start=True, epochs=30, n_init=3, random_state=0).fit(X, y)
    cold = ToyNetClassifier(epochs=30, n_init=3, random_state=0).fit(X, y)
    assert warm.init_losses_.shape == (3,)
    np.testing.assert_array_equal(warm.coefs_[0], cold.coefs_[0])


@pytest.mark.parametrize(
    "change, message",
    [
        ("classes", r"warm_start=True continues the kept network, but y has the classes \[0, 1"),
        ("features", "network, but X has 3 features where it was trained on 2; fit with"),
        ("width", "network, but width=16 where it has 8 hidden units; fit with warm_start=False"),
    ],
)
def test_a_warm_start_on_another_shape_is_refused(scaled_two_squares, change, message):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(warm_start=True, epochs=20, n_init=2, random_state=0).fit(X, y)
    coefs = [coef.copy() for coef in clf.coefs_]
    if change == "classes":
        y = np.arange(len(y)) % 3
    elif change == "features":
        X = np.column_stack([X, X[:, 0]])
    else:
        clf.set_params(width=16)
    with pytest.raises(ValueError, match=message) as caught:
        clf.fit(X, y)
    assert "\n" not in str(caught.value)
    np.testing.assert_array_equal(clf.coefs_[0], coefs[0])  # the kept network is untouched


# ---------------------------------------------------------------------- partial_fit


def test_partial_fit_needs_the_classes_first(scaled_two_squares):
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        ToyNetClassifier().partial_fit(*scaled_two_squares)


def test_twenty_partial_fits_reach_the_accuracy_of_fit_without_recompiling(scaled_two_squares):
    X, y = scaled_two_squares
    fitted = ToyNetClassifier(n_init=1, random_state=0).fit(X, y)
    n_programs = len(programs._PROGRAMS)
    clf = ToyNetClassifier(random_state=1)
    rows = np.random.RandomState(0).permutation(len(y))
    for call in range(20):
        chunk = rows[(call % 2) :: 2]  # alternate halves of the data, as a stream would
        clf.partial_fit(X[chunk], y[chunk], classes=[1, 2] if call == 0 else None)
        assert clf.n_iter_ == call + 1
        if call == 0:
            # fit's program for one network (the first call may trace it for its
            # one-epoch shape); no later call compiles anything.
            assert len(programs._PROGRAMS) == n_programs
            traced = compilations()
    assert compilations() == traced
    assert clf.score(X, y) == fitted.score(X, y) == 1.0
    assert len(clf.loss_curve_) == 20
    assert clf.loss_curve_[-1] < 0.1 * clf.loss_curve_[0]


def test_pickling_between_partial_fits_keeps_the_optimizer_state(scaled_two_squares):
    X, y = scaled_two_squares

    def first_calls():
        clf = ToyNetClassifier(optimizer="adam", learning_rate=0.05, random_state=0)
        for _ in range(4):
            clf.partial_fit(X, y, classes=[1, 2])
        return clf

    straight = first_calls()
    restored = pickle.loads(pickle.dumps(first_calls()))
    forgetful = first_calls()
    del forgetful._optimizer_state  # what a pickle without the optimizer state would give
    for clf in (straight, restored, forgetful):
        for _ in range(4):
            clf.partial_fit(X, y)
    np.testing.assert_array_equal(restored.coefs_[0], straight.coefs_[0])
    assert restored.loss_curve_ == straight.loss_curve_
    assert not np.allclose(forgetful.coefs_[0], straight.coefs_[0], atol=1e-4)


def test_another_optimizer_between_partial_fits_starts_its_own_state(scaled_two_squares):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(random_state=0).partial_fit(X, y, classes=[1, 2])
    clf.set_params(optimizer="rmsprop").partial_fit(X, y)  # Adam's moments are not RMSprop's
    assert clf._optimizer_state[0] == "rmsprop"
    assert int(clf._optimizer_state[1][0]) == -(-len(y) // 200)  # this call's steps only


def test_partial_fit_after_fit_continues_the_kept_network(scaled_two_squares):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(epochs=15, tol=0.0, n_init=3, random_state=0).fit(X, y)
    start, end = clf.loss_curve_[0], clf.loss_
    clf.partial_fit(X, y)  # the classes are known from fit
    assert clf.n_iter_ == 16
    assert abs(clf.loss_ - end) < 0.2 * (start - end)


def test_partial_fit_refuses_what_it_cannot_continue(scaled_two_squares):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(random_state=0).partial_fit(X, y, classes=[1, 2])
    with pytest.raises(ValueError, match=r"`classes=array\(\[1, 2, 3\]\)` is not the same"):
        clf.partial_fit(X, y, classes=[1, 2, 3])
    with pytest.raises(ValueError, match=r"y has labels that are not in classes: \[3\]"):
        clf.partial_fit(X, np.where(y == 2, 3, y))
    with pytest.raises(ValueError, match="X has 3 features, but ToyNetClassifier is expecting 2"):
        clf.partial_fit(np.column_stack([X, X[:, 0]]), y)
    with pytest.raises(ValueError, match="width=4 where it has 8 hidden units; call fit to start"):
        clf.set_params(width=4).partial_fit(X, y)
    with pytest.raises(ValueError, match="class_weight='balanced' is not supported for partial"):
        ToyNetClassifier(class_weight="balanced").partial_fit(X, y, classes=[1, 2])
    assert clf.n_iter_ == 1  # every refusal left the estimator as it was


def test_partial_fit_takes_a_chunk_with_one_class_and_string_labels(scaled_two_squares):
    X, y = scaled_two_squares
    labels = np.where(y == 1, "red", "blue")
    clf = ToyNetClassifier(random_state=0)
    clf.partial_fit(X[y == 1], labels[y == 1], classes=["red", "blue"])
    for _ in range(10):
        clf.partial_fit(X, labels)
    assert list(clf.classes_) == ["blue", "red"]
    assert clf.score(X, labels) == 1.0


def test_scikeras_incremental_api_is_not_reachable():
    assert ToyNetClassifier.partial_fit.__qualname__ == "ToyNetClassifier.partial_fit"
    assert not hasattr(ToyNetClassifier(), "initialize")
    assert not hasattr(ToyNetClassifierCV(), "partial_fit")
