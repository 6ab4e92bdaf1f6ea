"""The NumPy forward pass that predictions use, against the Keras network that trained."""

import numpy as np
import pytest

from sktoynet import ToyNetClassifier
from sktoynet._engine._forward import HIDDEN_ACTIVATIONS
from sktoynet._engine._keras import import_keras
from sktoynet._engine._network import keras_activation_name

keras = import_keras()


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_each_activation_matches_the_keras_function_that_trained(name):
    x = np.linspace(-8, 8, 401)
    keras_values = keras.ops.convert_to_numpy(
        keras.activations.get(keras_activation_name(name))(
            keras.ops.convert_to_tensor(x, dtype="float32")
        )
    )
    np.testing.assert_allclose(HIDDEN_ACTIVATIONS[name](x), keras_values, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("hidden_activation", ["tanh", "gelu", "leaky_relu"])
def test_predictions_match_the_keras_model_of_the_fitted_weights(
    scaled_two_squares, hidden_activation
):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(
        hidden_activation=hidden_activation, epochs=30, n_init=2, random_state=0
    ).fit(X, y)
    keras_positive = clf.model_.predict(X, verbose=0)[:, 0]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], keras_positive, atol=1e-5)


def test_a_row_gets_the_same_probabilities_wherever_it_sits(scaled_two_squares):
    X, y = scaled_two_squares
    clf = ToyNetClassifier(epochs=30, n_init=2, random_state=0).fit(X, y)
    order = np.random.RandomState(0).permutation(len(X))
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(clf.predict_proba(X[order]), proba[order], rtol=1e-10)
    np.testing.assert_allclose(clf.predict_proba(X[:7]), proba[:7], rtol=1e-10)
