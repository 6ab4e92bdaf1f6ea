"""Import Keras, its backend and scikeras quietly, once, on first use.

On import, TensorFlow writes C++ notices straight to the process' stderr
(oneDNN numerics, "could not find cuda drivers" on CPU machines). They reach
the terminal before any logging is configured, even with
``TF_CPP_MIN_LOG_LEVEL=3`` (they come before absl's logging is set up), and
tell a user of a toy classifier nothing they can act on. So file descriptor 2
is sent to the null device during the import, while Python's ``sys.stderr``
keeps writing to the terminal: Python warnings, and the output of other
threads, still reach the user.

No warnings filter is changed meanwhile: the filters are global, and another
thread may be warning, or handing the filters to worker processes
(scikit-learn's joblib fits), at that moment.

The user's ``TF_CPP_MIN_LOG_LEVEL`` is honoured: 0 shows everything (nothing
is dropped); another value is kept as it is for TensorFlow's later logs.
When it is not set, sktoynet sets it to 3 and silences TensorFlow's Python
logger too (failures still raise Python exceptions).

Worker processes (joblib, dask) inherit the variable from a parent that
sktoynet quieted; a marker variable tells them it was not the user's choice.

Once Keras is imported, and before any program compiles, the compilation
cache the user asked for (``_compilation_cache``) is set up for its backend.
"""

import logging
import os
import sys
import threading
from contextlib import contextmanager

from sktoynet._engine._compilation_cache import configure_backend

_QUIETED_BY_SKTOYNET = "SKTOYNET_QUIETED_TF"

_configured = threading.Event()  # the compilation cache is set up for the backend
_configuring = threading.Lock()


def _user_log_level():
    """The user's own ``TF_CPP_MIN_LOG_LEVEL``, or None when they did not set one."""
    if os.environ.get(_QUIETED_BY_SKTOYNET) == "1":
        return None
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    return level.strip() if level is not None else None


def _writes_to_descriptor_2(stream):
    try:
        return stream.fileno() == 2
    except (AttributeError, OSError, ValueError):  # Jupyter's streams, pytest's capture
        return False


class _ForwardingStream:
    """Stands in for ``sys.stderr`` while descriptor 2 goes to the null device.

    Writes go to ``during`` (a stream on a copy of the original descriptor)
    until :meth:`release`, then to ``after`` (the real ``sys.stderr``), so
    that whoever kept a reference during the import (a logging handler made
    then, such as absl's) still writes to the terminal afterwards.
    """

    def __init__(self, during, after):
        self._target = during
        self._during = during
        self._after = after

    def release(self):
        """Forward to ``after`` from now on, and close ``during``."""
        self._target = self._after
        self._during.close()

    def write(self, text):
        return self._target.write(text)

    def __getattr__(self, name):  # flush, fileno, encoding, isatty...
        return getattr(self._target, name)


@contextmanager
def _native_stderr_dropped():
    """Send file descriptor 2 to the null device for the duration.

    If ``sys.stderr`` writes to descriptor 2, it is pointed meanwhile at a
    copy of the original descriptor (see :class:`_ForwardingStream`), so
    Python's own output still shows.
    """
    python_stderr = sys.stderr
    python_stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no usable file descriptor 2 (rare embedded setups)
        yield
        return
    replacement = None
    if _writes_to_descriptor_2(python_stderr):
        during = open(  # noqa: SIM115 - closed by release()
            saved,
            "w",
            buffering=1,  # line by line, as the terminal's stderr
            encoding=getattr(python_stderr, "encoding", None),
            errors=getattr(python_stderr, "errors", None),
            closefd=False,
        )
        replacement = _ForwardingStream(during, python_stderr)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    if replacement is not None:
        sys.stderr = replacement
    try:
        yield
    finally:
        if replacement is not None:
            if sys.stderr is replacement:
                sys.stderr = python_stderr
            replacement.flush()
        os.dup2(saved, 2)  # descriptor 2 is the terminal again before writes go there
        if replacement is not None:
            replacement.release()
        os.close(saved)
        os.close(null)


@contextmanager
def quiet_framework_import():
    """Context for importing TensorFlow-backed modules without start-up noise."""
    user_level = _user_log_level()
    if user_level == "0":  # the user asked to see everything
        yield
        return
    if user_level is None:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        os.environ[_QUIETED_BY_SKTOYNET] = "1"
    with _native_stderr_dropped():
        yield
        tensorflow = sys.modules.get("tensorflow")
        if tensorflow is not None:
            # Finding the devices logs CUDA errors on machines without a GPU
            # ("failed call to cuInit"): do it now, while they are dropped.
            tensorflow.config.list_physical_devices()
    if user_level is None and "tensorflow" in sys.modules:
        logging.getLogger("tensorflow").setLevel(logging.ERROR)


def import_keras():
    """Return the ``keras`` module, without TensorFlow's start-up noise."""
    if "keras" not in sys.modules:
        with quiet_framework_import():
            import keras  # noqa: F401
    keras = sys.modules["keras"]
    if not _configured.is_set():
        with _configuring:  # once, before any program of this process compiles
            if not _configured.is_set():
                configure_backend(keras.backend.backend())
                _configured.set()
    return keras


def backend_name():
    """Name of the Keras backend in use ("tensorflow", "jax", ...)."""
    return import_keras().backend.backend()
