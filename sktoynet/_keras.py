"""Import Keras (and its backend) quietly, once, on first use.

On import, TensorFlow writes C++ notices straight to the process' stderr
(oneDNN numerics, "could not find cuda drivers" on CPU machines). They reach
the terminal before any logging is configured and tell a user of a toy
classifier nothing they can act on. Unless the user has chosen a
``TF_CPP_MIN_LOG_LEVEL`` themselves (set it to 0 to see everything), those
notices are dropped during the import and TensorFlow's later C++ and Python
logs are silenced (failures still raise Python exceptions). Python warnings
raised during the import are replayed, so nothing actionable is lost.
"""

import logging
import os
import sys
import warnings
from contextlib import contextmanager


@contextmanager
def _native_stderr_dropped():
    """Send file descriptor 2 to the null device for the duration."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def import_keras():
    """Return the ``keras`` module, without TensorFlow's start-up noise."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        import keras  # the user chose TensorFlow's verbosity: respect it

        return keras
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            with _native_stderr_dropped():
                import keras
        except OSError:  # no usable file descriptor 2 (rare embedded setups)
            import keras
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if keras.backend.backend() == "tensorflow":
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return keras


def backend_name():
    """Name of the Keras backend in use ("tensorflow", "jax", ...)."""
    return import_keras().backend.backend()
