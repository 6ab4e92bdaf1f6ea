"""The Keras network: one hidden layer and a head, stacked for restarts.

Training uses a *stacked* network that holds ``n_init`` independent weight
sets side by side: the hidden layer maps ``(batch, n_features)`` to
``(batch, n_init, width)`` and the head maps that to
``(batch, n_init, n_outputs)``. The per-restart losses are summed, so each
restart gets exactly the gradients (and optimizer state) it would get alone,
but all of them train in one compiled program.

The network kept after training is the plain one, ``Input -> Dense(width) ->
Dense(n_outputs)``, with the weights of the best restart.
"""

from dataclasses import dataclass

import numpy as np

from sktoynet._engine._keras import import_keras

keras = import_keras()
ops = keras.ops

#: What a padded class's logit becomes: exp() of it is exactly 0 in float32.
MASKED_LOGIT = -1e9

#: Activation names that scikit-learn's MLPClassifier uses, mapped to Keras.
ACTIVATION_ALIASES = {"logistic": "sigmoid", "identity": "linear"}


def keras_activation_name(name):
    """The Keras name of a hidden activation, accepting MLPClassifier's names."""
    return ACTIVATION_ALIASES.get(name, name)


@dataclass(frozen=True)
class NetworkSpec:
    """Everything that fixes the shape of a (stacked) network."""

    n_features: int
    width: int
    n_outputs: int
    hidden_activation: str
    n_init: int = 1
    #: Empty, or ``((n_members, width), ...)``: the stacked network is cut into
    #: *blocks* of members, each block as wide as its widest member (the grid
    #: points of :class:`~sktoynet.ToyNetClassifierCV` by width bucket), so
    #: that narrow members do not compute the padding up to the widest.
    #: ``n_init`` is then the sum of the members and ``width`` the widest block.
    blocks: tuple = ()
    #: 0, or the number of *views* of the input: the data is then
    #: ``(rows, input_views, n_features)``, each view the rows as one fit sees
    #: them (preprocessing fitted on that fit's training rows), and each block's
    #: members are ordered view by view, an equal number per view.
    input_views: int = 0

    def member_multiply_adds(self, n_rows):
        """Multiply-adds of one member's forward pass over ``n_rows`` rows."""
        return n_rows * self.width * (self.n_features + self.n_outputs)


@keras.saving.register_keras_serializable(package="sktoynet")
class StackedDense(keras.layers.Layer):
    """``n_stack`` independent dense layers evaluated side by side.

    Parameters
    ----------
    n_stack : int
        Number of independent weight sets.
    units : int
        Output units of each dense layer.
    activation : str or None
        Keras activation applied to each output.
    stacked_input : bool
        False when the input is shared, ``(batch, features)``; True when each
        weight set has its own input slice, ``(batch, n_stack, features)``.
    unit_mask : {None, "zero", "logit"}
        A non-trainable mask of shape ``(n_stack, units)``, 1 for the units
        in use and 0 for padding, that
        lets one compiled program serve every size up to ``units``. "zero"
        multiplies padded outputs by 0 (hidden units); "logit" pushes padded
        logits to ``MASKED_LOGIT``, so that a softmax gives them probability
        0 and their weights get no gradient (padded classes).
    """

    def __init__(
        self,
        n_stack,
        units,
        activation=None,
        stacked_input=False,
        unit_mask=None,
        input_views=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.n_stack = n_stack
        self.units = units
        self.activation = keras.activations.get(activation)
        self.stacked_input = stacked_input
        self.unit_mask = unit_mask
        self.input_views = input_views

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(self.n_stack, input_shape[-1], self.units), initializer="zeros", name="kernel"
        )
        self.bias = self.add_weight(
            shape=(self.n_stack, self.units), initializer="zeros", name="bias"
        )
        if self.unit_mask:
            # One row per weight set: members of one program may differ in width.
            self.mask = self.add_weight(
                shape=(self.n_stack, self.units),
                initializer="ones",
                trainable=False,
                name="unit_mask",
            )

    def call(self, inputs):
        if self.input_views:
            # (batch, views, features): the weight sets, view by view, each meet
            # their own view, as one matrix product per view.
            views, n_in = self.input_views, self.kernel.shape[1]
            per_view = self.n_stack // views
            kernel = ops.reshape(self.kernel, (views, per_view, n_in, self.units))
            kernel = ops.reshape(
                ops.transpose(kernel, (0, 2, 1, 3)), (views, n_in, per_view * self.units)
            )
            outputs = ops.einsum("bvi,viu->bvu", inputs, kernel)
            outputs = ops.reshape(outputs, (-1, self.n_stack, self.units))
        elif self.stacked_input:
            outputs = ops.einsum("bsi,sio->bso", inputs, self.kernel)
        else:
            # A shared input meets all weight sets in one matrix product, with the
            # sets laid side by side: (in, n_stack * units). XLA runs this faster
            # than the equivalent einsum, which it lowers to a batched product.
            n_stack, n_in, units = self.kernel.shape
            side_by_side = ops.reshape(
                ops.transpose(self.kernel, (1, 0, 2)), (n_in, n_stack * units)
            )
            outputs = ops.reshape(ops.matmul(inputs, side_by_side), (-1, n_stack, units))
        outputs = self.activation(outputs + self.bias)
        if self.unit_mask == "zero":
            outputs = outputs * self.mask
        elif self.unit_mask == "logit":
            outputs = outputs + (1.0 - self.mask) * MASKED_LOGIT
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update(
            n_stack=self.n_stack,
            units=self.units,
            activation=keras.activations.serialize(self.activation),
            stacked_input=self.stacked_input,
            unit_mask=self.unit_mask,
            input_views=self.input_views,
        )
        return config


def build_stacked_network(spec):
    """The training network: outputs logits of shape (batch, n_init, n_outputs).

    Its trainable weights are ``[kernel1, bias1, kernel2, bias2]``, each with
    the restarts on the first axis. Its non-trainable weights are the hidden
    layer's unit mask and, for a softmax head, the head's class mask.

    With ``spec.blocks``, each block is such a network, named ``hidden_<i>``
    and ``head_<i>``, and their logits are joined on the member axis (see
    :func:`block_layout`).
    """
    views = (spec.input_views,) if spec.input_views else ()
    inputs = keras.Input(shape=views + (spec.n_features,))
    if spec.blocks:
        logits = [
            StackedDense(
                n_members,
                spec.n_outputs,
                None,
                stacked_input=True,
                unit_mask="logit" if spec.n_outputs > 1 else None,
                name=f"head_{index}",
            )(
                StackedDense(
                    n_members,
                    width,
                    keras_activation_name(spec.hidden_activation),
                    unit_mask="zero",
                    input_views=spec.input_views,
                    name=f"hidden_{index}",
                )(inputs)
            )
            for index, (n_members, width) in enumerate(spec.blocks)
        ]
        joined = keras.layers.Concatenate(axis=1)(logits) if len(logits) > 1 else logits[0]
        return keras.Model(inputs, joined)
    hidden = StackedDense(
        spec.n_init, spec.width, keras_activation_name(spec.hidden_activation), unit_mask="zero"
    )(inputs)
    logits = StackedDense(
        spec.n_init,
        spec.n_outputs,
        None,
        stacked_input=True,
        unit_mask="logit" if spec.n_outputs > 1 else None,
    )(hidden)
    return keras.Model(inputs, logits)


def block_layout(spec):
    """``[(first_member, n_members, width), ...]`` of the blocks of ``spec``, in order."""
    layout, first = [], 0
    for n_members, width in spec.blocks:
        layout.append((first, n_members, width))
        first += n_members
    return layout


def build_network(spec, coefs, intercepts):
    """The plain Keras model of one trained network, head activation included."""
    out_activation = "sigmoid" if spec.n_outputs == 1 else "softmax"
    model = keras.Sequential(
        [
            keras.Input(shape=(spec.n_features,)),
            keras.layers.Dense(
                spec.width, activation=keras_activation_name(spec.hidden_activation)
            ),
            keras.layers.Dense(spec.n_outputs, activation=out_activation),
        ]
    )
    model.set_weights([coefs[0], intercepts[0], coefs[1], intercepts[1]])
    return model


def initial_stacked_weights(spec, rng):
    """Glorot-uniform kernels and zero biases for every restart, from ``rng``.

    Drawn with NumPy so that a ``random_state`` gives the same start on every
    Keras backend, without touching any global random state.
    """

    def glorot(fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        shape = (spec.n_init, fan_in, fan_out)
        return rng.uniform(-limit, limit, size=shape).astype(np.float32)

    return [
        glorot(spec.n_features, spec.width),
        np.zeros((spec.n_init, spec.width), dtype=np.float32),
        glorot(spec.width, spec.n_outputs),
        np.zeros((spec.n_init, spec.n_outputs), dtype=np.float32),
    ]


def unstack_weights(stacked_weights, index):
    """``(coefs, intercepts)`` of restart ``index``, as MLPClassifier stores them."""
    kernel1, bias1, kernel2, bias2 = stacked_weights
    coefs = [np.array(kernel1[index]), np.array(kernel2[index])]
    intercepts = [np.array(bias1[index]), np.array(bias2[index])]
    return coefs, intercepts
