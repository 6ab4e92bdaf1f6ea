"""sktoynet: a scikit-learn classifier built on a tiny Keras network.

Importing the package is light: Keras and its backend are imported the first
time :class:`ToyNetClassifier` is used.
"""

from importlib import import_module

__all__ = [
    "ToyNetClassifier",
    "ToyNetClassifierCV",
    "make_toynet",
    "make_toynet_cv",
    "compare",
    "to_keras",
    "save_keras",
    "set_compilation_cache",
    "__version__",
]

_LAZY = {
    "ToyNetClassifier": "sktoynet._estimators._classifier",
    "ToyNetClassifierCV": "sktoynet._estimators._classifier_cv",
    "make_toynet": "sktoynet._estimators._pipeline",
    "make_toynet_cv": "sktoynet._estimators._pipeline",
    "compare": "sktoynet.comparison",
    "to_keras": "sktoynet._estimators._export",
    "save_keras": "sktoynet._estimators._export",
    "set_compilation_cache": "sktoynet._engine._compilation_cache",
    # Reading the installed version imports importlib.metadata, most of the
    # package's own import time: only when asked.
    "__version__": "sktoynet._versions",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sktoynet' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
