"""The training program on TensorFlow: the shared epoch loop, XLA-compiled.

Keras' ``Model.fit`` on TensorFlow pays tens of milliseconds per epoch in
Python (data adapters, callbacks) and traces a new graph for every model.
Here the loop of ``_epoch_loop`` over a chunk of epochs and their
mini-batches is one ``tf.function`` compiled with XLA, traced once per
program and reused by every later fit. What is TensorFlow's own is the
training step: a ``GradientTape`` and the optimizer's update of the Keras
variables, which hold the weights and the optimizer state of the running fit.
"""

import tensorflow as tf

from sktoynet._engine._epoch_loop import (
    penalised_losses,
    scaled_update,
    train_epochs,
    training_objective,
    weighted_restart_losses,
)
from sktoynet._engine._program_base import BaseProgram, to_numpy


class TensorFlowProgram(BaseProgram):
    """Stacked network, optimizer and compiled epoch loop, on Keras variables."""

    def __init__(self, key):
        super().__init__(key)
        # No AutoGraph: the loop is written in keras.ops for JAX too, with no
        # Python control flow on tensors to convert. Converting Keras' and our
        # functions anyway took about 0.9 s of every fresh process's first trace.
        self._compiled = tf.function(
            self._epochs, jit_compile=True, reduce_retracing=True, autograph=False
        )
        # Traced functions by input signature: calling one directly skips the
        # tf.function's own dispatch (signature binding, cache lookup), about a
        # millisecond per call, on every chunk of epochs of every fit.
        self._concrete = {}

    def _assign(self, weights, masks, optimizer_state):
        for variable, value in zip(self.model.trainable_variables, weights, strict=True):
            variable.assign(value)
        for variable, value in zip(self.model.non_trainable_variables, masks, strict=True):
            variable.assign(value)
        for variable, value in zip(self.optimizer.variables, optimizer_state, strict=True):
            variable.assign(value)

    def _current_weights(self):
        return [to_numpy(variable.value) for variable in self.model.trainable_variables]

    def _current_optimizer_state(self):
        return [to_numpy(variable.value) for variable in self.optimizer.variables]

    def _bind(self, *arrays):
        self._data = [tf.constant(array) for array in arrays]

    def _run(self, batches, member_scale, penalty):
        values = (batches, member_scale, penalty)
        inputs = (*self._data, *(tf.constant(value) for value in values))
        signature = tuple((tuple(tensor.shape), tensor.dtype) for tensor in inputs)
        function = self._concrete.get(signature)
        if function is None:
            function = self._concrete[signature] = self._compiled.get_concrete_function(*inputs)
        losses, scores = function(*inputs)
        return losses.numpy(), scores.numpy()

    def _train_step(self, state, X, y, w, step_scale, penalty):
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            logits = self.model(X, training=True)
            per_restart, batch_weight = weighted_restart_losses(
                logits, y, w, self.key.spec.n_outputs
            )
            kernels = [variables[index].value for index in self.kernel_indices]
            per_restart = penalised_losses(per_restart, kernels, self.kernel_slices, penalty)
            objective = training_objective(per_restart)
        gradients = tape.gradient(objective, variables)
        if step_scale is None:
            self.optimizer.apply(gradients, variables)
            return state, per_restart, batch_weight
        before = [tf.identity(variable.value) for variable in variables]
        self.optimizer.apply(gradients, variables)
        for variable, old, (start, stop) in zip(variables, before, self.member_slices, strict=True):
            variable.assign(scaled_update(old, variable.value, step_scale[start:stop]))
        return state, per_restart, batch_weight

    def _evaluate(self, state, X):
        return self.model(X, training=False)

    def _epochs(self, X, y, w, X_val, y_val, w_val, batches, member_scale, penalty):
        # No carried state: the weights live in the model's variables.
        _, losses, scores = train_epochs(
            self._train_step,
            self._evaluate,
            (),
            (X, y, w, X_val, y_val, w_val),
            batches,
            member_scale,
            penalty,
            key=self.key,
        )
        return losses, scores
