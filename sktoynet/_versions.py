"""sktoynet's own version, and the software a comparison ran on, recorded with its results."""

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version


def _installed(distribution):
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


#: The installed version; "0.0.0" in a source tree that is not installed.
__version__ = _installed("sktoynet") or "0.0.0"


def keras_backend():
    """The Keras backend in use, without importing Keras when it is not loaded yet."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")  # Keras' own default


def software_versions():
    """``{name: version}`` of Python, sktoynet, scikit-learn, NumPy, Keras and its backend."""
    backend = keras_backend()
    versions = {
        "Python": platform.python_version(),
        "sktoynet": __version__,
        "scikit-learn": _installed("scikit-learn"),
        "NumPy": _installed("numpy"),
        "Keras": _installed("keras"),
        f"Keras backend ({backend})": _installed(backend),
    }
    return {name: value for name, value in versions.items() if value is not None}
