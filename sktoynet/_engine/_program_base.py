"""The part of a compiled training program that does not depend on the backend.

Its subclasses, ``_tensorflow.TensorFlowProgram`` and ``_jax.JaxProgram``,
say how gradients are taken and how the loop over epochs is compiled; the
cache in ``_programs`` builds one per :class:`~sktoynet._engine._keys.ProgramKey`.
"""

import threading

import numpy as np

from sktoynet._engine._keras import import_keras
from sktoynet._engine._keys import make_optimizer

keras = import_keras()
ops = keras.ops


def pad_to(array, shape):
    """``array`` padded with zeros at the end of each axis up to ``shape``."""
    if array.shape == tuple(shape):
        return array
    widths = [(0, target - size) for size, target in zip(array.shape, shape, strict=True)]
    return np.pad(array, widths)


def _continued(initial, saved):
    """``saved`` optimizer state in the shape of ``initial``, the fresh state of a program.

    Programs pad sizes to buckets, and padded units never get a gradient, so
    their state keeps its initial value: the overlap of the two shapes is
    copied and the rest stays as ``initial`` has it.
    """
    value = initial.copy()
    if value.ndim != saved.ndim:
        return value
    overlap = tuple(slice(0, min(a, b)) for a, b in zip(value.shape, saved.shape, strict=True))
    value[overlap] = saved[overlap]
    return value


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

    Subclasses implement ``_assign(weights, masks, optimizer_state)``,
    ``_current_weights()``, ``_current_optimizer_state()``, ``_bind(X, y, w,
    X_val, y_val, w_val)`` and ``_run(batches, member_scale, penalty) ->
    (losses, scores)``. A fit holds :attr:`lock` from :meth:`reset` until it
    has read the trained weights.
    """

    def __init__(self, key):
        from sktoynet._engine._network import build_stacked_network

        self.key = key
        self.lock = threading.Lock()
        self.model = build_stacked_network(key.spec)
        self.optimizer = make_optimizer(key.optimizer)
        self.optimizer.build(self.model.trainable_variables)
        self._initial_optimizer_state = [
            to_numpy(variable.value) for variable in self.optimizer.variables
        ]
        self._n_features = key.spec.n_features
        self._width = key.spec.width
        self._n_outputs = key.spec.n_outputs
        #: The members each trainable variable holds, ``(start, stop)`` on the
        #: member axis: all of them, or one block's (see ``NetworkSpec.blocks``).
        self.member_slices = [
            self._members_of(variable.path) for variable in self.model.trainable_variables
        ]
        #: The positions of the kernels among the trainable variables: the
        #: weights that the L2 penalty ``alpha`` applies to (not the biases).
        self.kernel_indices = [
            index
            for index, variable in enumerate(self.model.trainable_variables)
            if variable.path.endswith("kernel")
        ]
        self.kernel_slices = [self.member_slices[index] for index in self.kernel_indices]

    def _members_of(self, path):
        if not self.key.spec.blocks:
            return (0, self.key.spec.n_init)
        from sktoynet._engine._network import block_layout

        first, n_members, _ = block_layout(self.key.spec)[int(path.split("/")[0].split("_")[-1])]
        return (first, first + n_members)

    def reset(
        self, stacked_weights, learning_rate, member_widths=None, penalty=0.0, optimizer_state=None
    ):
        """Start a fit from ``stacked_weights`` (real sizes), with fresh optimizer state.

        A per-member program takes one ``learning_rate`` per member (an
        array) and may take ``member_widths``: the hidden units each member
        uses, at most the width of ``stacked_weights``. ``penalty`` is the
        L2 factor of each member (or one for all): see
        ``_epoch_loop.penalised_losses``. ``optimizer_state``, as
        :meth:`optimizer_state` returned it (from a program of the same
        optimizer, possibly other buckets), continues that state instead of
        starting afresh; the learning rate is always ``learning_rate``.
        """
        kernel1, bias1, kernel2, bias2 = stacked_weights
        n_init, self._n_features, self._width = kernel1.shape
        self._n_outputs = bias2.shape[1]
        if member_widths is None:
            member_widths = np.full(n_init, self._width)
        self._member_rates = np.broadcast_to(
            np.asarray(learning_rate, dtype=np.float32), (n_init,)
        ).copy()
        # A value, like the learning rate: a new alpha compiles nothing.
        self._penalty = np.broadcast_to(np.asarray(penalty, dtype=np.float32), (n_init,)).copy()
        spec = self.key.spec
        class_mask = (np.arange(spec.n_outputs) < self._n_outputs).astype(np.float32)
        if spec.blocks:
            weights, masks = self._block_values(stacked_weights, member_widths, class_mask)
        else:
            weights = [
                pad_to(kernel1, (n_init, spec.n_features, spec.width)),
                pad_to(bias1, (n_init, spec.width)),
                pad_to(kernel2, (n_init, spec.width, spec.n_outputs)),
                pad_to(bias2, (n_init, spec.n_outputs)),
            ]
            # In the order of model.non_trainable_variables: hidden units, then classes.
            member_widths = np.asarray(member_widths)[:, None]
            masks = [(np.arange(spec.width) < member_widths).astype(np.float32)]
            if spec.n_outputs > 1:
                masks.append(np.tile(class_mask, (n_init, 1)))
        # A per-member program steps at unit rate and scales each member's step.
        rate = 1.0 if self.key.per_member else learning_rate
        if optimizer_state is None:
            optimizer_state = [value.copy() for value in self._initial_optimizer_state]
        else:
            initial_state = self._initial_optimizer_state
            optimizer_state = [
                _continued(initial, saved)
                for initial, saved in zip(initial_state, optimizer_state, strict=True)
            ]
        for index, variable in enumerate(self.optimizer.variables):
            if variable.name == "learning_rate":  # a variable: no retracing per value
                optimizer_state[index] = np.asarray(rate, dtype=np.float32)
        self._assign(weights, masks, optimizer_state)

    def _block_values(self, stacked_weights, member_widths, class_mask):
        """The values of the variables of a program with blocks: ``(weights, masks)``.

        ``stacked_weights`` hold every member, padded to the widest block;
        each block gets its members, cut to its width, and masks the units
        beyond each member's own width.
        """
        from sktoynet._engine._network import block_layout

        kernel1, bias1, kernel2, bias2 = stacked_weights
        spec, values = self.key.spec, {}
        for index, (first, n_members, width) in enumerate(block_layout(spec)):
            members = slice(first, first + n_members)
            values[f"hidden_{index}/kernel"] = pad_to(
                kernel1[members, :, :width], (n_members, spec.n_features, width)
            )
            values[f"hidden_{index}/bias"] = pad_to(bias1[members, :width], (n_members, width))
            values[f"hidden_{index}/unit_mask"] = (
                np.arange(width) < np.asarray(member_widths)[members, None]
            ).astype(np.float32)
            values[f"head_{index}/kernel"] = pad_to(
                kernel2[members, :width], (n_members, width, spec.n_outputs)
            )
            values[f"head_{index}/bias"] = pad_to(bias2[members], (n_members, spec.n_outputs))
            values[f"head_{index}/unit_mask"] = np.tile(class_mask, (n_members, 1))
        weights = [values[variable.path] for variable in self.model.trainable_variables]
        masks = [values[variable.path] for variable in self.model.non_trainable_variables]
        return weights, masks

    def _joined_blocks(self, current):
        """The stacked weights of every member from a program with blocks, padded to the widest."""
        from sktoynet._engine._network import block_layout

        spec, values = self.key.spec, {}
        for variable, value in zip(self.model.trainable_variables, current, strict=True):
            values[variable.path] = value
        joined = []
        n_features, width, n_outputs = spec.n_features, spec.width, spec.n_outputs
        for index, (_, n_members, _) in enumerate(block_layout(spec)):
            joined.append(
                [
                    pad_to(values[f"hidden_{index}/kernel"], (n_members, n_features, width)),
                    pad_to(values[f"hidden_{index}/bias"], (n_members, width)),
                    pad_to(values[f"head_{index}/kernel"], (n_members, width, n_outputs)),
                    values[f"head_{index}/bias"],
                ]
            )
        return [np.concatenate(parts) for parts in zip(*joined, strict=True)]

    def stacked_weights(self):
        """Current weights of every restart, trimmed to the real sizes."""
        current = self._current_weights()
        if self.key.spec.blocks:
            current = self._joined_blocks(current)
        kernel1, bias1, kernel2, bias2 = current
        n_features, width, n_outputs = self._n_features, self._width, self._n_outputs
        return [
            kernel1[:, :n_features, :width],
            bias1[:, :width],
            kernel2[:, :width, :n_outputs],
            bias2[:, :n_outputs],
        ]

    def optimizer_state(self):
        """The optimizer's current state, NumPy arrays in the order of its variables."""
        return self._current_optimizer_state()

    def members_optimizer_state(self, state, members):
        """``state``, from :meth:`optimizer_state`, of ``members`` (slot positions); or None.

        Every state variable that mirrors a trainable variable (the same
        shape, members on the first axis) is cut to ``members``, in that
        order; scalars (the step count, the learning rate) are kept. Adam's
        moments, as the state of every optimizer in ``PER_MEMBER_OPTIMIZERS``,
        are per weight, so the cut state continues each member exactly. A
        program with blocks, or an optimizer with other state (Adafactor's
        factored moments), gives None: its state cannot be cut.
        """
        if self.key.spec.blocks:
            return None
        members = np.asarray(members, dtype=np.intp)
        shapes = {tuple(variable.shape) for variable in self.model.trainable_variables}
        kept = []
        for value in state:
            if value.ndim == 0:
                kept.append(value)
            elif value.shape in shapes:
                kept.append(value[members])
            else:
                return None
        return kept

    def bind_data(self, X, y, w, X_val, y_val, w_val=None):
        """Hand the training (and validation) data to the program, padded to its buckets.

        ``w`` and ``w_val`` are ``(rows, n_init)`` in a per-member program,
        and ``X`` and ``X_val`` may be ``(rows, input_views, features)``.
        """
        rows = self.key.rows(X.shape[0])
        val_rows = self.key.rows(max(X_val.shape[0], 1)) if self.key.with_validation else 0
        n_features = self.key.spec.n_features
        if w_val is None:
            w_val = np.ones(X_val.shape[0], dtype=np.float32)
        views = X.shape[1:-1]  # (input_views,) when each fit has its own view of the rows
        self._bind(
            pad_to(X, (rows,) + views + (n_features,)),
            pad_to(y, (rows,)),
            pad_to(w, (rows,) + w.shape[1:]),
            pad_to(X_val, (val_rows,) + views + (n_features,)),
            pad_to(y_val, (val_rows,)),
            pad_to(w_val, (val_rows,) + w_val.shape[1:]),
        )

    def run_epochs(self, batches, active=None):
        """Train for ``len(batches)`` epochs; per-epoch losses (and validation scores).

        In a per-member program, ``active`` (booleans, one per member) says
        which members still train: the others do not change.
        """
        member_scale = self._member_rates
        if active is not None:
            member_scale = np.where(active, member_scale, 0.0).astype(np.float32)
        losses, scores = self._run(batches, member_scale, self._penalty)
        losses = np.asarray(losses, dtype=np.float64)
        scores = np.asarray(scores, dtype=np.float64) if self.key.with_validation else None
        return losses, scores
