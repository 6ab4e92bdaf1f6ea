"""Import Keras, its backend and scikeras quietly, once, on first use.

On import, TensorFlow writes C++ notices straight to the process' stderr
(oneDNN numerics, "could not find cuda drivers" on CPU machines). They reach
the terminal before any logging is configured and tell a user of a toy
classifier nothing they can act on. Unless the user has chosen a
``TF_CPP_MIN_LOG_LEVEL`` themselves (set it to 0 to see everything), those
notices are dropped during the import and TensorFlow's later C++ and Python
logs are silenced (failures still raise Python exceptions). Python warnings
raised during the import are replayed, so nothing actionable is lost.

Worker processes (joblib, dask) inherit the variable from a parent that
sktoynet quieted; a marker variable tells them it was not the user's choice.
"""

import logging
import os
import sys
import warnings
from contextlib import contextmanager

_QUIETED_BY_SKTOYNET = "SKTOYNET_QUIETED_TF"


def _user_chose_verbosity():
    return "TF_CPP_MIN_LOG_LEVEL" in os.environ and os.environ.get(_QUIETED_BY_SKTOYNET) != "1"


@contextmanager
def _native_stderr_dropped():
    """Send file descriptor 2 to the null device for the duration."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no usable file descriptor 2 (rare embedded setups)
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


@contextmanager
def quiet_framework_import():
    """Context for importing TensorFlow-backed modules without start-up noise."""
    if _user_chose_verbosity():
        yield
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ[_QUIETED_BY_SKTOYNET] = "1"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        with _native_stderr_dropped():
            yield
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if "tensorflow" in sys.modules:
        logging.getLogger("tensorflow").setLevel(logging.ERROR)


def import_keras():
    """Return the ``keras`` module, without TensorFlow's start-up noise."""
    if "keras" not in sys.modules:
        with quiet_framework_import():
            import keras  # noqa: F401
    return sys.modules["keras"]


def backend_name():
    """Name of the Keras backend in use ("tensorflow", "jax", ...)."""
    return import_keras().backend.backend()
