"""Compiled training programs, one per network shape, reused across fits.

A grid search fits hundreds of networks that share a handful of shapes.
Building a Keras model and compiling its training loop costs far more than
training a toy network, and every compilation keeps memory that is never
returned. So a *program* (stacked network + optimizer + compiled loop over
epochs, see ``_epoch_loop``) is built once per shape *bucket* and kept in a
small cache; a fit only resets its weights, optimizer state and learning
rate, then runs it. Feature counts, widths and row counts are padded up to
buckets, so that 50 different feature counts share 5 programs.

Thread safety. The compiled code is shared by every fit of a bucket, but a
program also holds one fit's state while it runs: its weights and optimizer
state (Keras variables on TensorFlow, whose optimizers offer no stateless
update), the real width and the bound data. So a fit takes the program's
``lock`` for the whole of its training on it (``_training.train_restarts``): two
threads that fit the same bucket at once run one after the other, exactly
as if they had been called in turn, and fits of different buckets run in
parallel. A fit whose racing restarts move to a smaller program copies
their state out and releases the larger program before it takes the
smaller one: it never holds two locks, so two fits cannot wait for each
other. The cache itself is guarded by a module lock. Worker processes
(joblib, dask) each have their own cache.

What a program depends on is its key (``_keys``); the part of a program
that does not depend on the backend is ``_program_base.BaseProgram``, and
the backend-specific part (how gradients are taken and how the loop is
compiled) lives in ``_tensorflow`` and ``_jax``.
"""

import threading
from collections import OrderedDict

from sktoynet._engine._keras import import_keras
from sktoynet._engine._memory import is_out_of_memory, out_of_memory_error
from sktoynet._engine._training import train_restarts

keras = import_keras()


#: Programs kept alive at once; beyond it the least recently used is dropped.
#: A racing fit of 8 restarts uses up to 3 (8, 4 and 2 members).
PROGRAM_CACHE_SIZE = 32


_PROGRAMS = OrderedDict()


_PROGRAMS_LOCK = threading.Lock()


def get_program(key):
    """The compiled program for ``key``, built on first use and cached."""
    with _PROGRAMS_LOCK:
        program = _PROGRAMS.get(key)
        if program is not None:
            _PROGRAMS.move_to_end(key)
            return program
        program = _program_class()(key)
        _PROGRAMS[key] = program
        while len(_PROGRAMS) > PROGRAM_CACHE_SIZE:
            _PROGRAMS.popitem(last=False)
        return program


def train_on_program(key, X, y, w, *, estimator, **options):
    """``(outcome, program)``: :func:`train_restarts` on the compiled program of ``key``.

    The engine's one out-of-memory handler: a backend's out-of-memory error
    (TensorFlow's, JAX's or NumPy's) drops the program from the cache, so that
    its memory can be released, and becomes the MemoryError of
    :func:`~sktoynet._engine._memory.out_of_memory_error`, which names
    ``estimator``'s parameters; any other error passes as it is. ``options``
    go to :func:`train_restarts`, which may move the members that still train
    to smaller programs of this cache (``program`` is the last one).
    """
    program = get_program(key)
    try:
        outcome = train_restarts(program, X, y, w, program_for=get_program, **options)
    except Exception as error:
        if not is_out_of_memory(error):
            raise
        forget_program(key)
        raise out_of_memory_error(estimator, X.shape[0], X.shape[1]) from None
    return outcome, outcome.program


def forget_program(key):
    """Drop the program of ``key`` from the cache (after it ran out of memory)."""
    with _PROGRAMS_LOCK:
        _PROGRAMS.pop(key, None)


def _program_class():
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from sktoynet._engine._tensorflow import TensorFlowProgram

        return TensorFlowProgram
    if backend == "jax":
        from sktoynet._engine._jax import JaxProgram

        return JaxProgram
    raise RuntimeError(
        f"sktoynet supports the 'tensorflow' and 'jax' Keras backends; "
        f"KERAS_BACKEND is {backend!r}."
    )
