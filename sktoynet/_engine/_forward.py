"""The kept network's forward pass, in NumPy float64, as MLPClassifier computes it.

Training runs in Keras (float32, compiled). Predictions do not need Keras:
the fitted network is two small matrix products and an activation, and in
float32 the compiled kernels round a row differently depending on where it
sits in the batch, so ``predict_proba`` of a row could change in the seventh
digit when the other rows are reordered or dropped. Computed here in float64,
each row's output depends on that row alone, to round-off far below what
scikit-learn's invariance checks (``rtol=1e-7``) look at.

Each hidden activation is written out to match the Keras function that
trained the network (``tests/engine/test_forward.py`` checks every one against
Keras).
"""

import numpy as np
from scipy.special import erf, expit

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _softplus(x):
    return np.logaddexp(0.0, x)


#: Keras activation name -> the same function in NumPy. MLPClassifier's
#: names "logistic" and "identity" are accepted as aliases.
HIDDEN_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": expit,
    "logistic": expit,
    "linear": lambda x: x,
    "identity": lambda x: x,
    "elu": _elu,
    "selu": lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "gelu": lambda x: 0.5 * x * (1.0 + erf(x / np.sqrt(2.0))),
    "softplus": _softplus,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "silu": lambda x: x * expit(x),
    "swish": lambda x: x * expit(x),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "relu6": lambda x: np.clip(x, 0.0, 6.0),
    "hard_sigmoid": lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
}


#: Rows computed at once, and hidden-layer values computed at once (128 MB in
#: float64): rows are taken in chunks within both, so that a long X or a wide
#: network predicts in bounded memory.
MAX_CHUNK_ROWS = 65536
MAX_HIDDEN_ELEMENTS = 2**24


def predict_logits(X, coefs, intercepts, hidden_activation):
    """Output logits of one network for ``X``, in float64, in chunks of rows."""
    activation = HIDDEN_ACTIVATIONS[hidden_activation]
    kernel1, kernel2 = (np.asarray(coef, dtype=np.float64) for coef in coefs)
    chunk_rows = max(1, min(MAX_CHUNK_ROWS, MAX_HIDDEN_ELEMENTS // kernel1.shape[1]))
    bias1, bias2 = (np.asarray(intercept, dtype=np.float64) for intercept in intercepts)
    logits = np.empty((X.shape[0], kernel2.shape[1]), dtype=np.float64)
    for start in range(0, X.shape[0], chunk_rows):
        block = np.asarray(X[start : start + chunk_rows], dtype=np.float64)
        logits[start : start + chunk_rows] = activation(block @ kernel1 + bias1) @ kernel2 + bias2
    return logits
