"""The training program on JAX: the shared epoch loop, jitted.

The loop of ``_epoch_loop`` runs inside ``jax.jit``. What is JAX's own is
the training step: Keras' stateless API (``stateless_call``,
``optimizer.stateless_apply``) under ``jax.grad``, with the weights and the
optimizer state carried through the loop as values.
"""

import jax
import jax.numpy as jnp
import numpy as np

from sktoynet._engine._epoch_loop import (
    penalised_losses,
    scaled_update,
    train_epochs,
    training_objective,
    weighted_restart_losses,
)
from sktoynet._engine._program_base import BaseProgram


class JaxProgram(BaseProgram):
    """Stacked network, optimizer and jitted epoch loop, on JAX arrays."""

    def __init__(self, key):
        super().__init__(key)
        self._compiled = jax.jit(self._epochs)

    def _assign(self, weights, masks, optimizer_state):
        self._trainable = [jnp.asarray(value) for value in weights]
        self._non_trainable = [jnp.asarray(mask) for mask in masks]
        self._optimizer_state = [jnp.asarray(value) for value in optimizer_state]

    def _current_weights(self):
        return [np.array(value) for value in self._trainable]

    def _current_optimizer_state(self):
        return [np.array(value) for value in self._optimizer_state]

    def _bind(self, *arrays):
        self._data = [jnp.asarray(array) for array in arrays]

    def _run(self, batches, member_scale, penalty):
        (self._trainable, self._optimizer_state), losses, scores = self._compiled(
            self._trainable,
            self._non_trainable,
            self._optimizer_state,
            *self._data,
            batches,
            member_scale,
            penalty,
        )
        return np.asarray(losses), np.asarray(scores)

    def _epochs(self, trainable, non_trainable, optimizer_state, *data_and_batches):
        *data, batches, member_scale, penalty = data_and_batches
        n_outputs = self.key.spec.n_outputs

        def objective(trainable, X, y, w, penalty):
            logits, _ = self.model.stateless_call(trainable, non_trainable, X, training=True)
            per_restart, batch_weight = weighted_restart_losses(logits, y, w, n_outputs)
            kernels = [trainable[index] for index in self.kernel_indices]
            per_restart = penalised_losses(per_restart, kernels, self.kernel_slices, penalty)
            return training_objective(per_restart), (per_restart, batch_weight)

        gradient_of = jax.grad(objective, has_aux=True)

        def train_step(state, X, y, w, step_scale, penalty):
            old, optimizer_state = state
            gradients, (per_restart, batch_weight) = gradient_of(old, X, y, w, penalty)
            trainable, optimizer_state = self.optimizer.stateless_apply(
                optimizer_state, gradients, old
            )
            if step_scale is not None:
                trainable = [
                    scaled_update(before, after, step_scale[start:stop])
                    for before, after, (start, stop) in zip(
                        old, trainable, self.member_slices, strict=True
                    )
                ]
            return (trainable, optimizer_state), per_restart, batch_weight

        def evaluate(state, X):
            logits, _ = self.model.stateless_call(state[0], non_trainable, X)
            return logits

        return train_epochs(
            train_step,
            evaluate,
            (trainable, optimizer_state),
            tuple(data),
            batches,
            member_scale,
            penalty,
            key=self.key,
        )
