"""The training program on TensorFlow: one XLA-compiled call per chunk of epochs.

Keras' ``Model.fit`` on TensorFlow pays tens of milliseconds per epoch in
Python (data adapters, callbacks) and traces a new graph for every model.
Here the whole loop over a chunk of epochs and their mini-batches is one
``tf.function`` compiled with XLA, traced once per program and reused by
every later fit.
"""

import tensorflow as tf

from sktoynet._programs import (
    BaseProgram,
    restart_accuracies,
    to_numpy,
    training_objective,
    weighted_restart_losses,
)


class TensorFlowProgram(BaseProgram):
    """Stacked network, optimizer and compiled epoch loop, on Keras variables."""

    def __init__(self, key):
        super().__init__(key)
        self._mask = self.model.layers[1].mask
        self._compiled = tf.function(self._epochs, jit_compile=True, reduce_retracing=True)

    def _assign(self, weights, mask, optimizer_state):
        for variable, value in zip(self.model.trainable_variables, weights, strict=True):
            variable.assign(value)
        self._mask.assign(mask)
        for variable, value in zip(self.optimizer.variables, optimizer_state, strict=True):
            variable.assign(value)

    def _current_weights(self):
        return [to_numpy(variable.value) for variable in self.model.trainable_variables]

    def _bind(self, *arrays):
        self._data = [tf.constant(array) for array in arrays]

    def _run(self, batches):
        losses, scores = self._compiled(*self._data, tf.constant(batches))
        return losses.numpy(), scores.numpy()

    def _epochs(self, X, y, w, X_val, y_val, w_val, batches):
        spec = self.key.spec
        batch_size = self.key.batch_size
        variables = self.model.trainable_variables
        n_epochs = tf.shape(batches)[0]
        n_batches = tf.shape(batches)[1] // batch_size

        def train_epoch(epoch, records):
            losses, scores = records
            # Gather the epoch's shuffled rows once; batches are then contiguous slices.
            order = batches[epoch]
            present = order >= 0
            order = tf.maximum(order, 0)
            X_epoch = tf.reshape(tf.gather(X, order), [n_batches, batch_size, -1])
            y_epoch = tf.reshape(tf.gather(y, order), [n_batches, batch_size])
            w_epoch = tf.reshape(
                tf.where(present, tf.gather(w, order), 0.0), [n_batches, batch_size]
            )

            def train_batch(batch, totals):
                loss_total, weight_total = totals
                with tf.GradientTape() as tape:
                    logits = self.model(X_epoch[batch], training=True)
                    per_restart, batch_weight = weighted_restart_losses(
                        logits, y_epoch[batch], w_epoch[batch], spec.n_outputs
                    )
                    objective = training_objective(per_restart)
                gradients = tape.gradient(objective, variables)
                self.optimizer.apply(gradients, variables)
                return loss_total + per_restart * batch_weight, weight_total + batch_weight

            totals = (tf.zeros([spec.n_init]), tf.constant(0.0))
            loss_total, weight_total = tf.while_loop(
                lambda batch, _: batch < n_batches,
                lambda batch, totals: (batch + 1, train_batch(batch, totals)),
                (0, totals),
            )[1]
            losses = losses.write(epoch, loss_total / tf.maximum(weight_total, 1e-12))
            if self.key.with_validation:
                val_logits = self.model(X_val, training=False)
                scores = scores.write(
                    epoch, restart_accuracies(val_logits, y_val, w_val, spec.n_outputs)
                )
            return losses, scores

        records = (
            tf.TensorArray(tf.float32, size=n_epochs, element_shape=[spec.n_init]),
            tf.TensorArray(
                tf.float32,
                size=n_epochs if self.key.with_validation else 0,
                element_shape=[spec.n_init],
            ),
        )
        losses, scores = tf.while_loop(
            lambda epoch, _: epoch < n_epochs,
            lambda epoch, records: (epoch + 1, train_epoch(epoch, records)),
            (0, records),
        )[1]
        if not self.key.with_validation:
            return losses.stack(), tf.zeros([0, spec.n_init])
        return losses.stack(), scores.stack()
