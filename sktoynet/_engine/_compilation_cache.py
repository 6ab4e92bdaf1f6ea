"""Compiled training programs kept on disk across processes, on the user's request.

Every new process compiles each network shape it trains again (see
``_programs``). On the JAX backend, JAX's own persistent compilation cache
can keep the compiled programs in a folder, so that a later process loads
them instead of compiling. It is off unless the user names the folder, with
:func:`set_compilation_cache` or the ``SKTOYNET_COMPILATION_CACHE``
environment variable.

Why it cannot give a wrong result. JAX looks an entry up by a hash of the
program itself, the compile options, the device and the versions of JAX and
XLA, so an entry from another program, machine kind or version is never
found, only missed. An entry that cannot be read (truncated by a full disk,
or half written by another process at that moment) fails to decompress:
JAX warns and compiles as if it were absent. Fitted estimators keep their
weights as NumPy arrays: neither they nor their pickles refer to the cache.

Why not on TensorFlow. TensorFlow's XLA persistent cache
(``TF_XLA_FLAGS=--tf_xla_persistent_cache_directory=...``) does store our
``tf.function(jit_compile=True)`` programs, but a truncated entry makes
every later fit of that shape fail (``OutOfRangeError: Read less bytes than
requested``) instead of compiling again, so sktoynet does not turn it on
(see the "Weight" section of ``docs/scope.rst``).
"""

import os
import threading
import warnings

#: The environment variable that names the cache folder when
#: :func:`set_compilation_cache` was not called.
ENVIRONMENT_VARIABLE = "SKTOYNET_COMPILATION_CACHE"

_NOT_SET = object()

_lock = threading.Lock()
_chosen = _NOT_SET  # what set_compilation_cache was given, as an absolute path or None
_backend = None  # the Keras backend once Keras is imported (configure_backend)


def _checked_folder(path):
    """``path`` as an absolute folder, made if missing, or a one-line error."""
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise TypeError(
            f"The compilation cache must be a folder path (str or os.PathLike) or None, "
            f"got {path!r}."
        )
    folder = os.path.abspath(os.fspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise ValueError(
            f"The compilation cache folder {folder!r} cannot be used: {error.strerror}."
        ) from None
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise ValueError(f"The compilation cache folder {folder!r} is not readable and writable.")
    return folder


def _requested_folder():
    """The folder the user asked for, or None: the call wins over the environment."""
    if _chosen is not _NOT_SET:
        return _chosen
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return _checked_folder(from_environment) if from_environment else None


def _use_on_jax(folder):
    """Point JAX's persistent compilation cache at ``folder`` (None: turn it off)."""
    import jax
    from jax.experimental.compilation_cache import compilation_cache

    if folder is not None:
        # JAX's defaults only keep programs that took a second or more to
        # compile; ours take less, and their compilation is what a new
        # process pays for.
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    jax.config.update("jax_compilation_cache_dir", folder)
    # JAX opens its cache folder once, on the first compilation after it is
    # set; forgetting the one it opened makes the next compilation use this one.
    compilation_cache.reset_cache()


def _apply(folder):
    if _backend == "jax":
        _use_on_jax(folder)
    elif _backend is not None and folder is not None:
        warnings.warn(
            f"sktoynet's compilation cache works on the JAX backend only; on {_backend} "
            "every new process compiles its programs again (see 'Weight' in the docs' "
            "Scope and limits page).",
            UserWarning,
            stacklevel=2,
        )


def set_compilation_cache(path):
    """Keep compiled training programs in a folder, for later processes (JAX only).

    A fit compiles a training program for each new network shape, once per
    process. With a cache folder, the compiled program is also written
    there, and a later process that fits a known shape loads it instead of
    compiling. This uses JAX's persistent compilation cache, so it works with
    ``KERAS_BACKEND=jax``; on TensorFlow it only warns (TensorFlow's XLA cache
    fails the fit on a damaged entry instead of compiling again).

    The cache is off unless you turn it on, here or with the environment
    variable ``SKTOYNET_COMPILATION_CACHE=folder`` (read when Keras is first
    imported; a call to this function overrides it). Entries are found by a
    hash of the program, the device and the versions of JAX and XLA, so an
    entry written by another version is never used; a damaged entry is
    ignored with a warning and the program compiles. Fitted estimators and
    their pickles do not depend on the cache: it can be deleted at any time.
    Several processes may use one folder at once. Only point it at a folder
    that no one you do not trust can write to: JAX runs what it finds there.

    Call it before fitting: a program already compiled in this process is
    not written.

    Parameters
    ----------
    path : str, os.PathLike or None
        The folder, made if missing. None turns the cache off (the
        environment variable is then ignored too).

    Returns
    -------
    None

    Examples
    --------
    >>> import sktoynet
    >>> sktoynet.set_compilation_cache(None)  # off, the default
    """
    global _chosen
    folder = None if path is None else _checked_folder(path)
    with _lock:
        _chosen = folder
        _apply(folder)


def configure_backend(backend):
    """Use the requested cache on ``backend``: called once, when Keras is imported."""
    global _backend
    with _lock:
        _backend = backend
        folder = _requested_folder()
        if folder is not None:  # otherwise leave JAX's own settings as the user made them
            _apply(folder)
