"""Pickle and joblib round trips, in one process and across processes (issue item 4)."""

import io
import pickle

import joblib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sktoynet import ToyNetClassifier, make_toynet
from tests._helpers import FAST_PARAMS, quiet_fit, run_in_fresh_process


def pickle_round_trip(estimator):
    return pickle.loads(pickle.dumps(estimator))


def joblib_round_trip(estimator):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


ROUND_TRIPS = pytest.mark.parametrize(
    "round_trip", [pickle_round_trip, joblib_round_trip], ids=["pickle", "joblib"]
)
MODELS = pytest.mark.parametrize(
    "make_model",
    [lambda: ToyNetClassifier(**FAST_PARAMS), lambda: make_toynet(**FAST_PARAMS)],
    ids=["estimator", "pipeline"],
)


@ROUND_TRIPS
@MODELS
def test_unfitted_round_trip(round_trip, make_model):
    model = make_model()
    restored = round_trip(model)
    assert repr(restored) == repr(model)
    assert restored.get_params().keys() == model.get_params().keys()
    with pytest.raises(NotFittedError):
        restored.predict(np.zeros((2, 2)))


@ROUND_TRIPS
@MODELS
def test_fitted_round_trip(round_trip, make_model, two_squares):
    X, y = two_squares
    model = quiet_fit(make_model(), X, y)
    restored = round_trip(model)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    # and the restored model can be refitted
    quiet_fit(restored, X, y)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_round_trip_after_model_was_built(scaled_two_squares):
    X, y = scaled_two_squares
    model = quiet_fit(ToyNetClassifier(**FAST_PARAMS), X, y)
    expected = model.model_.predict(X, verbose=0)  # the Keras model is built now
    restored = pickle_round_trip(model)
    np.testing.assert_allclose(restored.model_.predict(X, verbose=0), expected)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_saved_model_predicts_identically_in_a_fresh_process(two_squares, tmp_path):
    X, y = two_squares
    model = quiet_fit(make_toynet(**FAST_PARAMS), X, y)
    joblib.dump(model, tmp_path / "model.joblib")
    with open(tmp_path / "model.pkl", "wb") as file:
        pickle.dump(model, file)
    np.save(tmp_path / "X.npy", X)
    run_in_fresh_process(
        """
        import pickle
        import joblib
        import numpy as np

        X = np.load("X.npy")
        np.save("joblib_proba.npy", joblib.load("model.joblib").predict_proba(X))
        with open("model.pkl", "rb") as file:
            np.save("pickle_proba.npy", pickle.load(file).predict_proba(X))
        """,
        cwd=tmp_path,
    )
    expected = model.predict_proba(X)
    np.testing.assert_array_equal(np.load(tmp_path / "joblib_proba.npy"), expected)
    np.testing.assert_array_equal(np.load(tmp_path / "pickle_proba.npy"), expected)
