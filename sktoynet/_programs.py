"""Compiled training programs, one per network shape, reused across fits.

A grid search fits hundreds of networks that share a handful of shapes.
Building a Keras model and tracing its training step costs far more than
training a toy network, and every new model leaves graphs behind. So a
*program* (stacked network + optimizer + compiled loop over epochs) is built
once per shape and kept in a small cache; a fit only resets its weights,
optimizer state and learning rate, then runs it.

The backend-specific part (how gradients are taken and how the loop is
compiled) lives in ``_program_tensorflow`` and ``_program_jax``; the loss and
the scores, written with ``keras.ops``, are shared here.
"""

from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from sktoynet._keras import import_keras

keras = import_keras()
ops = keras.ops

#: Programs kept alive at once; beyond it the least recently used is dropped.
PROGRAM_CACHE_SIZE = 16

_PROGRAMS = OrderedDict()


#: Widths and row counts are padded up to these buckets, so that a grid over
#: widths 2, 4, 8, the folds of a cross-validation and the final refit share
#: one program. Padded rows are never visited (mini-batches index real rows),
#: so a generous row bucket costs memory only, never time.
MIN_WIDTH_BUCKET = 8
MIN_ROW_BUCKET = 4096


def width_bucket(width):
    """The padded width a program is compiled for: a power of two, at least 8."""
    return max(MIN_WIDTH_BUCKET, 1 << (int(width) - 1).bit_length())


def row_bucket(n_rows):
    """Rows a program is compiled for: 4096, or the next multiple of 4096."""
    return max(1, -(-int(n_rows) // MIN_ROW_BUCKET)) * MIN_ROW_BUCKET


@dataclass(frozen=True)
class ProgramKey:
    """What a compiled program depends on; learning rate and real width are not."""

    spec: object  # NetworkSpec, with the bucketed width
    optimizer: str
    batch_size: int
    with_validation: bool

    @classmethod
    def for_fit(cls, spec, optimizer, batch_size, n_rows, with_validation):
        """The key of the program that trains ``spec`` on ``n_rows`` rows."""
        return cls(
            spec=replace(spec, width=width_bucket(spec.width)),
            optimizer=optimizer,
            batch_size=min(batch_size, row_bucket(n_rows)),
            with_validation=with_validation,
        )


def per_sample_losses(logits, y, n_outputs):
    """Cross-entropy from logits, shape (batch, n_init), for each restart.

    One output unit: binary cross-entropy of a sigmoid. Several: categorical
    cross-entropy of a softmax, with ``y`` holding class indices.
    """
    if n_outputs == 1:
        z = logits[..., 0]
        target = ops.cast(y, z.dtype)[:, None]
        return ops.maximum(z, 0.0) - z * target + ops.log1p(ops.exp(-ops.abs(z)))
    true_logit = ops.sum(logits * ops.one_hot(y, n_outputs)[:, None, :], axis=-1)
    return ops.logsumexp(logits, axis=-1) - true_logit


def weighted_restart_losses(logits, y, weights, n_outputs):
    """Weighted mean loss of each restart on a batch, and the batch's weight."""
    losses = per_sample_losses(logits, y, n_outputs)
    batch_weight = ops.sum(weights)
    per_restart = ops.sum(losses * weights[:, None], axis=0) / ops.maximum(batch_weight, 1e-12)
    return per_restart, batch_weight


def training_objective(per_restart_losses):
    """Sum of the restarts' losses, ignoring restarts that have diverged."""
    finite = ops.isfinite(per_restart_losses)
    return ops.sum(ops.where(finite, per_restart_losses, ops.zeros_like(per_restart_losses)))


def restart_accuracies(logits, y, weights, n_outputs):
    """Weighted accuracy of each restart, shape (n_init,)."""
    if n_outputs == 1:
        predicted = ops.cast(logits[..., 0] > 0, "int32")
    else:
        predicted = ops.cast(ops.argmax(logits, axis=-1), "int32")
    correct = ops.cast(ops.equal(predicted, ops.cast(y, "int32")[:, None]), "float32")
    return ops.sum(correct * weights[:, None], axis=0) / ops.maximum(ops.sum(weights), 1e-12)


def make_optimizer(name):
    """A Keras optimizer from its name, with a learning-rate variable."""
    return keras.optimizers.get({"class_name": name, "config": {"learning_rate": 0.01}})


def is_known_optimizer(name):
    """Whether Keras knows an optimizer called ``name``."""
    try:
        make_optimizer(name)
    except (ValueError, TypeError):
        return False
    return True


def get_program(key):
    """The compiled program for ``key``, built on first use and cached."""
    program = _PROGRAMS.get(key)
    if program is not None:
        _PROGRAMS.move_to_end(key)
        return program
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from sktoynet._program_tensorflow import TensorFlowProgram as program_class
    elif backend == "jax":
        from sktoynet._program_jax import JaxProgram as program_class
    else:
        raise RuntimeError(
            f"sktoynet supports the 'tensorflow' and 'jax' Keras backends; "
            f"KERAS_BACKEND is {backend!r}."
        )
    program = program_class(key)
    _PROGRAMS[key] = program
    while len(_PROGRAMS) > PROGRAM_CACHE_SIZE:
        _PROGRAMS.popitem(last=False)
    return program


def pad_rows(array, n_rows):
    """``array`` with zero rows appended up to ``n_rows`` rows."""
    if array.shape[0] == n_rows:
        return array
    padded = np.zeros((n_rows,) + array.shape[1:], dtype=array.dtype)
    padded[: array.shape[0]] = array
    return padded


def to_numpy(tensor):
    """A NumPy copy of a backend tensor or variable.

    TensorFlow's tensors and variables are read through their ``numpy()``
    method: ``np.array`` on them takes a path that NumPy 2 deprecates, with a
    DeprecationWarning on every call.
    """
    read = getattr(tensor, "numpy", None)
    return np.array(read() if callable(read) else tensor)


class BaseProgram:
    """The part of a program that does not depend on the backend.

    Subclasses implement ``_assign(weights, mask, optimizer_state)``,
    ``_current_weights()``, ``_bind(X, y, w, X_val, y_val, w_val)`` and
    ``_run(batches) -> (losses, scores)``.
    """

    def __init__(self, key):
        from sktoynet._network import build_stacked_network

        self.key = key
        self.model = build_stacked_network(key.spec)
        self.optimizer = make_optimizer(key.optimizer)
        self.optimizer.build(self.model.trainable_variables)
        self._initial_optimizer_state = [
            to_numpy(variable.value) for variable in self.optimizer.variables
        ]
        self._width = key.spec.width

    def reset(self, stacked_weights, learning_rate):
        """Start a fit from ``stacked_weights`` (real width), with fresh optimizer state."""
        self._width = stacked_weights[1].shape[1]
        padding = self.key.spec.width - self._width
        kernel1, bias1, kernel2, bias2 = stacked_weights
        weights = [
            np.pad(kernel1, ((0, 0), (0, 0), (0, padding))),
            np.pad(bias1, ((0, 0), (0, padding))),
            np.pad(kernel2, ((0, 0), (0, padding), (0, 0))),
            bias2,
        ]
        mask = (np.arange(self.key.spec.width) < self._width).astype(np.float32)
        optimizer_state = [value.copy() for value in self._initial_optimizer_state]
        for index, variable in enumerate(self.optimizer.variables):
            if variable.name == "learning_rate":  # a variable: no retracing per value
                optimizer_state[index] = np.asarray(learning_rate, dtype=np.float32)
        self._assign(weights, mask, optimizer_state)

    def stacked_weights(self):
        """Current weights of every restart, trimmed to the real width."""
        kernel1, bias1, kernel2, bias2 = self._current_weights()
        width = self._width
        return [kernel1[:, :, :width], bias1[:, :width], kernel2[:, :width, :], bias2]

    def bind_data(self, X, y, w, X_val, y_val):
        """Hand the training (and validation) data to the program, padded to its bucket."""
        rows = row_bucket(X.shape[0])
        val_rows = row_bucket(max(X_val.shape[0], 1)) if self.key.with_validation else 0
        w_val = np.ones(X_val.shape[0], dtype=np.float32)
        self._bind(
            pad_rows(X, rows),
            pad_rows(y, rows),
            pad_rows(w, rows),
            pad_rows(X_val, val_rows),
            pad_rows(y_val, val_rows),
            pad_rows(w_val, val_rows),
        )

    def run_epochs(self, batches):
        """Train for ``len(batches)`` epochs; per-epoch losses (and validation scores)."""
        losses, scores = self._run(batches)
        losses = np.asarray(losses, dtype=np.float64)
        scores = np.asarray(scores, dtype=np.float64) if self.key.with_validation else None
        return losses, scores
