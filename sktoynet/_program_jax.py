"""The training program on JAX: one jitted call per chunk of epochs.

The same loop as on TensorFlow, written the JAX way: Keras' stateless API
(``stateless_call``, ``optimizer.stateless_apply``) inside ``jax.jit``, with
the weights and optimizer state carried through the loop as values.
"""

import jax
import jax.numpy as jnp
import numpy as np

from sktoynet._programs import (
    BaseProgram,
    restart_accuracies,
    training_objective,
    weighted_restart_losses,
)


class JaxProgram(BaseProgram):
    """Stacked network, optimizer and jitted epoch loop, on JAX arrays."""

    def __init__(self, key):
        super().__init__(key)
        self._compiled = jax.jit(self._epochs)

    def _assign(self, weights, mask, optimizer_state):
        self._trainable = [jnp.asarray(value) for value in weights]
        self._non_trainable = [jnp.asarray(mask)]
        self._optimizer_state = [jnp.asarray(value) for value in optimizer_state]

    def _current_weights(self):
        return [np.array(value) for value in self._trainable]

    def _bind(self, *arrays):
        self._data = [jnp.asarray(array) for array in arrays]

    def _run(self, batches):
        self._trainable, self._optimizer_state, losses, scores = self._compiled(
            self._trainable, self._non_trainable, self._optimizer_state, *self._data, batches
        )
        return np.asarray(losses), np.asarray(scores)

    def _epochs(
        self, trainable, non_trainable, optimizer_state, X, y, w, X_val, y_val, w_val, batches
    ):
        spec = self.key.spec
        batch_size = self.key.batch_size
        n_batches = batches.shape[1] // batch_size

        def objective(trainable, x, y_batch, weights):
            logits, _ = self.model.stateless_call(trainable, non_trainable, x, training=True)
            per_restart, batch_weight = weighted_restart_losses(
                logits, y_batch, weights, spec.n_outputs
            )
            return training_objective(per_restart), (per_restart, batch_weight)

        gradient_of = jax.grad(objective, has_aux=True)

        def train_batch(batch, carry, order):
            trainable, optimizer_state, loss_total, weight_total = carry
            index = jax.lax.dynamic_slice_in_dim(order, batch * batch_size, batch_size)
            present = index >= 0
            index = jnp.maximum(index, 0)
            weights = jnp.where(present, w[index], 0.0)
            gradients, (per_restart, batch_weight) = gradient_of(
                trainable, X[index], y[index], weights
            )
            trainable, optimizer_state = self.optimizer.stateless_apply(
                optimizer_state, gradients, trainable
            )
            return (
                trainable,
                optimizer_state,
                loss_total + per_restart * batch_weight,
                weight_total + batch_weight,
            )

        def train_epoch(carry, order):
            trainable, optimizer_state = carry
            start = (trainable, optimizer_state, jnp.zeros(spec.n_init), jnp.float32(0.0))
            trainable, optimizer_state, loss_total, weight_total = jax.lax.fori_loop(
                0, n_batches, lambda batch, c: train_batch(batch, c, order), start
            )
            loss = loss_total / jnp.maximum(weight_total, 1e-12)
            if self.key.with_validation:
                val_logits, _ = self.model.stateless_call(trainable, non_trainable, X_val)
                score = restart_accuracies(val_logits, y_val, w_val, spec.n_outputs)
            else:
                score = jnp.zeros(spec.n_init)
            return (trainable, optimizer_state), (loss, score)

        (trainable, optimizer_state), (losses, scores) = jax.lax.scan(
            train_epoch, (trainable, optimizer_state), batches
        )
        return trainable, optimizer_state, losses, scores
