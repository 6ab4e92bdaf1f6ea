"""Bad input, failed fits and interrupted fits (issue: trustworthy citizen, items 5-6).

Every mistake gets scikit-learn's kind of error, naming the problem, raised
before TensorFlow sees the data; a fit that fails or is interrupted leaves
the estimator as it was.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

import sktoynet._engine._training
from sktoynet import ToyNetClassifier
from tests._helpers import FAST_PARAMS, quiet_fit

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 2))
Y = (X[:, 0] > 0).astype(int)


def with_nan():
    bad = X.copy()
    bad[3, 1] = np.nan
    return bad


def with_inf():
    bad = X.copy()
    bad[5, 0] = np.inf
    return bad


#: (case, estimator parameters, fit arguments, error type, words the message must contain)
FIT_ERRORS = [
    ("NaN in X", {}, lambda: (with_nan(), Y), ValueError, "NaN"),
    ("inf in X", {}, lambda: (with_inf(), Y), ValueError, "infinity"),
    ("1-D X", {}, lambda: (X[:, 0], Y), ValueError, "reshape(-1, 1)"),
    ("empty X", {}, lambda: (X[:0], Y[:0]), ValueError, "0 sample(s)"),
    ("single sample", {}, lambda: (X[:1], Y[:1]), ValueError, "at least 2 classes"),
    ("X and y lengths differ", {}, lambda: (X, Y[:-1]), ValueError, "inconsistent numbers"),
    ("single class", {}, lambda: (X, np.zeros(40)), ValueError, "only one class"),
    ("continuous y", {}, lambda: (X, X[:, 0]), ValueError, "Unknown label type: continuous"),
    ("multi-output y", {}, lambda: (X, np.c_[Y, Y]), ValueError, "y should be a 1d array"),
    (
        "non-numeric features",
        {},
        lambda: (np.array([[1.0, "b"]] * 40, dtype=object), Y),
        ValueError,
        "column 1 holds text or categories such as 'b'",
    ),
    (
        "string DataFrame column",
        {},
        lambda: (pd.DataFrame({"age": X[:, 0], "sex": ["female", "male"] * 20}), Y),
        ValueError,
        "column 'sex' holds text or categories such as 'female'. Encode it first",
    ),
    (
        "categorical DataFrame column",
        {},
        lambda: (pd.DataFrame({"colour": pd.Categorical(["red", "blue"] * 20)}), Y),
        ValueError,
        "column 'colour' holds text or categories",
    ),
    (
        "labels mixing strings and None",
        {},
        lambda: (X, np.array(["a", None] * 20, dtype=object)),
        ValueError,
        "y mixes labels of types NoneType, str",
    ),
    (
        "class_weight naming a label that is not a class",
        {"class_weight": {0: 1, 99: 5}},
        lambda: (X, Y),
        ValueError,
        "class_weight gives weights for [99], which is not a class of y; the classes are [0, 1]",
    ),
    (
        "class_weight with a NaN weight",
        {"class_weight": {0: np.nan, 1: 1}},
        lambda: (X, Y),
        ValueError,
        "class_weight must map each class to a finite weight of at least 0, but class 0 has "
        "weight nan",
    ),
    (
        "class_weight with an infinite weight",
        {"class_weight": {0: 1, 1: np.inf}},
        lambda: (X, Y),
        ValueError,
        "but class 1 has weight inf",
    ),
    (
        "class_weight with a negative weight",
        {"class_weight": {0: -1, 1: 1}},
        lambda: (X, Y),
        ValueError,
        "but class 0 has weight -1",
    ),
    (
        "early stopping with a class of one row",
        {"early_stopping": True},
        lambda: (X, np.r_[Y[:-1], 2]),
        ValueError,
        "early_stopping=True holds out validation_fraction=0.1 of the 40 training rows, "
        "stratified by class, but class 2 has only 1 row",
    ),
    (
        "early stopping with a hold-out too small for the classes",
        {"early_stopping": True, "validation_fraction": 0.05},
        lambda: (X, np.arange(40) % 4),
        ValueError,
        "its 2 held-out row(s) cannot include each of the 4 classes",
    ),
    (
        "sparse X (unsupported)",
        {},
        lambda: (sp.csr_matrix(X), Y),
        TypeError,
        "dense data is required",
    ),
    ("width 0", {"width": 0}, lambda: (X, Y), InvalidParameterError, "'width' parameter"),
    ("width < 0", {"width": -3}, lambda: (X, Y), InvalidParameterError, "'width' parameter"),
    (
        "learning_rate 0",
        {"learning_rate": 0.0},
        lambda: (X, Y),
        InvalidParameterError,
        "'learning_rate' parameter",
    ),
    (
        "learning_rate < 0",
        {"learning_rate": -0.1},
        lambda: (X, Y),
        InvalidParameterError,
        "'learning_rate' parameter",
    ),
    ("epochs 0", {"epochs": 0}, lambda: (X, Y), InvalidParameterError, "'epochs' parameter"),
    (
        "unknown optimizer",
        {"optimizer": "adamm"},
        lambda: (X, Y),
        ValueError,
        "'optimizer' parameter",
    ),
    (
        "unknown activation",
        {"hidden_activation": "rleu"},
        lambda: (X, Y),
        ValueError,
        "'hidden_activation' parameter",
    ),
]


def assert_no_framework_frames(excinfo):
    """The error is raised by sktoynet or scikit-learn, not inside TensorFlow or Keras."""
    paths = [str(entry.path) for entry in excinfo.traceback]
    assert not [p for p in paths if "tensorflow" in p or "keras" in p], paths


@pytest.mark.parametrize(
    "params, make_data, error, words",
    [case[1:] for case in FIT_ERRORS],
    ids=[case[0] for case in FIT_ERRORS],
)
def test_bad_fit_input_gets_a_clear_error(params, make_data, error, words):
    X_bad, y_bad = make_data()
    estimator = ToyNetClassifier(**{**FAST_PARAMS, **params})
    with pytest.raises(error) as excinfo:
        estimator.fit(X_bad, y_bad)
    assert words in str(excinfo.value)
    assert_no_framework_frames(excinfo)
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)


@pytest.mark.parametrize(
    "sample_weight, words",
    [
        (np.ones(3), "sample_weight.shape == (3,), expected (40,)"),
        (np.zeros(40), "at least one non-zero"),
        (-np.ones(40), "Negative values"),
    ],
    ids=["wrong length", "all zero", "negative"],
)
def test_bad_sample_weight_gets_a_clear_error(sample_weight, words):
    with pytest.raises(ValueError) as excinfo:
        ToyNetClassifier(**FAST_PARAMS).fit(X, Y, sample_weight=sample_weight)
    assert words in str(excinfo.value)
    assert_no_framework_frames(excinfo)


def test_class_weight_that_zeroes_everything_is_an_error():
    with pytest.raises(ValueError, match="All sample weights are zero"):
        ToyNetClassifier(class_weight={0: 0, 1: 0}, **FAST_PARAMS).fit(X, Y)


@pytest.fixture(scope="module")
def fitted():
    return quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, Y)


def test_predict_before_fit_says_not_fitted():
    for method in ("predict", "predict_proba", "predict_log_proba", "score"):
        args = (X, Y) if method == "score" else (X,)
        with pytest.raises(NotFittedError, match="not fitted"):
            getattr(ToyNetClassifier(), method)(*args)


@pytest.mark.parametrize(
    "X_predict, error, words",
    [
        (np.ones((5, 3)), ValueError, "X has 3 features, but ToyNetClassifier is expecting 2"),
        (np.ones(5), ValueError, "reshape(-1, 1)"),
        (np.full((5, 2), np.nan), ValueError, "NaN"),
        (sp.csr_matrix(np.ones((5, 2))), TypeError, "dense data is required"),
    ],
    ids=["other number of features", "1-D X", "NaN", "sparse"],
)
def test_bad_predict_input_gets_a_clear_error(fitted, X_predict, error, words):
    for method in (fitted.predict, fitted.predict_proba):
        with pytest.raises(error) as excinfo:
            method(X_predict)
        assert words in str(excinfo.value)
        assert_no_framework_frames(excinfo)


def test_failed_fit_leaves_a_fitted_estimator_as_it_was_and_refittable():
    estimator = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, Y)
    before = estimator.predict_proba(X)
    coefs = [c.copy() for c in estimator.coefs_]
    with pytest.raises(ValueError, match="NaN"):
        estimator.fit(with_nan(), Y)
    with pytest.raises(InvalidParameterError):
        estimator.set_params(width=0).fit(X, Y)
    estimator.set_params(width=FAST_PARAMS.get("width", 8))
    np.testing.assert_array_equal(estimator.predict_proba(X), before)
    for kept, original in zip(estimator.coefs_, coefs, strict=True):
        np.testing.assert_array_equal(kept, original)
    # and it can be fitted again, to the same result
    quiet_fit(estimator, X, Y)
    np.testing.assert_array_equal(estimator.predict_proba(X), before)


def interrupt_on_call(monkeypatch, call_number):
    """Make the training loop raise KeyboardInterrupt at its ``call_number``-th chunk."""
    original = sktoynet._engine._training.epoch_batches
    calls = []

    def epoch_batches(*args, **kwargs):
        calls.append(1)
        if len(calls) == call_number:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(sktoynet._engine._training, "epoch_batches", epoch_batches)
    return calls


#: Long enough for several compiled chunks, so that the interrupt comes mid-training.
LONG_FIT = {**FAST_PARAMS, "epochs": 80, "tol": 0.0, "n_iter_no_change": 1000}


def test_interrupted_first_fit_leaves_the_estimator_unfitted(monkeypatch):
    estimator = ToyNetClassifier(**LONG_FIT)
    params = estimator.get_params()
    interrupt_on_call(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, Y)
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)
    assert estimator.get_params() == params
    assert not [name for name in vars(estimator) if name.endswith("_")]


def test_interrupted_refit_leaves_the_previous_fit_and_can_refit(monkeypatch):
    reference = quiet_fit(ToyNetClassifier(**LONG_FIT), X, Y).predict_proba(X)
    estimator = quiet_fit(ToyNetClassifier(**LONG_FIT), X, Y)
    state = set(vars(estimator))
    X_other = X[::-1] * 2.0  # a different problem, so a half-built fit would show
    calls = interrupt_on_call(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X_other, 1 - Y)
    assert len(calls) == 2
    assert set(vars(estimator)) == state
    np.testing.assert_array_equal(estimator.predict_proba(X), reference)
    # the compiled program was stopped mid-training; a new fit starts afresh
    monkeypatch.undo()
    quiet_fit(estimator, X, Y)
    np.testing.assert_array_equal(estimator.predict_proba(X), reference)
