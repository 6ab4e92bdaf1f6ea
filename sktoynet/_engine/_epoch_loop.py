"""The training loop over epochs and mini-batches, written once in ``keras.ops``.

Both backends compile this same function; they differ only in the
``train_step`` they hand it (how gradients are taken and applied: a
``tf.GradientTape`` on Keras variables, or ``jax.grad`` with Keras' stateless
API) and in how they compile it (``tf.function(jit_compile=True)`` or
``jax.jit``). Everything else is here: gathering each epoch's shuffled rows,
the zero weight of padding rows, the weighted loss of every restart, and the
validation score after each epoch.

``state`` is whatever the backend's ``train_step`` carries from one batch to
the next: the weights and optimizer state as values on JAX, nothing on
TensorFlow (whose weights live in variables).
"""

from sktoynet._engine._keras import import_keras

keras = import_keras()
ops = keras.ops


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


def weight_columns(weights):
    """Row weights as columns: ``(rows, 1)`` shared by every restart, or one per member.

    A program with per-member weights (``ProgramKey.per_member``) gets them
    as ``(rows, n_init)``, where a member's held-out rows weigh zero.
    """
    return weights if len(ops.shape(weights)) == 2 else weights[:, None]


def weighted_restart_losses(logits, y, weights, n_outputs):
    """Weighted mean loss of each restart on a batch, and the batch's weight per column.

    The batch's weight has shape ``(1,)``, or ``(n_init,)`` with per-member weights.
    """
    losses = per_sample_losses(logits, y, n_outputs)
    weights = weight_columns(weights)
    batch_weight = ops.sum(weights, axis=0)
    per_restart = ops.sum(losses * weights, axis=0) / ops.maximum(batch_weight, 1e-12)
    return per_restart, batch_weight


def kernel_square_sums(kernels, member_slices, n_members):
    """Sum of the squared kernel weights of each member, shape ``(n_members,)``.

    ``kernels`` are the stacked kernels (members on the first axis) and
    ``member_slices`` the ``(start, stop)`` members each one holds (all of
    them, or one block's). Biases are not penalised, as in MLPClassifier.
    """
    total = ops.zeros((n_members,))
    for kernel, (start, stop) in zip(kernels, member_slices, strict=True):
        squares = ops.sum(ops.reshape(ops.square(kernel), (stop - start, -1)), axis=1)
        total = total + ops.pad(squares, [(start, n_members - stop)])
    return total


def penalised_losses(per_restart, kernels, member_slices, penalty):
    """Each restart's loss plus its L2 penalty ``0.5 * penalty * sum(kernel ** 2)``.

    ``penalty`` has one value per member: ``alpha`` divided by the member's
    total training weight (see ``_training.train_restarts``). It is an input
    of the compiled program, so that a new ``alpha`` compiles nothing.
    """
    n_members = ops.shape(per_restart)[0]
    return per_restart + 0.5 * penalty * kernel_square_sums(kernels, member_slices, n_members)


def scaled_update(old, new, member_scale):
    """``old + member_scale * (new - old)``, with one scale per member (the first axis).

    A per-member program runs the optimizer at unit learning rate; scaling
    each member's step by its own learning rate is exact at a constant rate
    for optimizers whose step is proportional to the rate (Adam, SGD with or
    without momentum, RMSprop, ...: see ``PER_MEMBER_OPTIMIZERS``), and a
    scale of zero freezes a member that has stopped.
    """
    shape = (-1,) + (1,) * (len(ops.shape(old)) - 1)
    return old + ops.reshape(member_scale, shape) * (new - old)


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
    weights = weight_columns(weights)
    return ops.sum(correct * weights, axis=0) / ops.maximum(ops.sum(weights, axis=0), 1e-12)


def train_epochs(train_step, evaluate, state, data, batches, member_scale, penalty, *, key):
    """Run one epoch per row of ``batches``; return ``(state, losses, scores)``.

    Parameters
    ----------
    train_step : callable
        ``train_step(state, X_batch, y_batch, w_batch, step_scale, penalty)``
        takes one optimizer step on the penalised loss (see
        :func:`penalised_losses`) and returns ``(state, per_restart_losses,
        batch_weight)``, the losses penalty included. ``step_scale`` is None,
        or with per-member weights the scale of each member's step (see
        :func:`scaled_update`).
    evaluate : callable
        ``evaluate(state, X)`` returns the logits of every restart; used for
        the validation score only.
    state : pytree
        Carried through every batch (see the module docstring).
    data : tuple
        ``(X, y, w, X_val, y_val, w_val)``, padded to the program's buckets;
        ``w`` and ``w_val`` are ``(rows, n_init)`` with per-member weights.
    batches : tensor of shape (n_epochs, n_batches * batch_size)
        Each epoch's row order; -1 marks padding (weight zero).
    member_scale : tensor of shape (n_init,)
        With per-member weights, each member's learning rate, or 0 for a
        member that has stopped; ignored otherwise.
    penalty : tensor of shape (n_init,)
        Each member's L2 penalty factor, handed to ``train_step``.
    key : ProgramKey
        The program's shape: batch size, restarts, outputs, validation.

    Returns
    -------
    state, losses, scores
        ``losses`` and ``scores`` have shape (n_epochs, n_init): the weighted
        mean training loss of each restart (L2 penalty included, as
        MLPClassifier's ``loss_curve_``), and its validation accuracy
        (zeros without validation).
    """
    X, y, w, X_val, y_val, w_val = data
    batch_size, spec = key.batch_size, key.spec
    n_epochs, padded_rows = ops.shape(batches)
    n_batches = padded_rows // batch_size
    n_weight_columns = spec.n_init if key.per_member else 1

    def train_epoch(epoch, carry):
        state, losses, scores = carry
        # Gather the epoch's shuffled rows once; batches are then contiguous slices.
        order = batches[epoch]
        present = order >= 0
        index = ops.maximum(order, 0)
        row_shape = tuple(ops.shape(X)[1:])  # (features,), or (views, features)
        X_epoch = ops.reshape(ops.take(X, index, axis=0), (n_batches, batch_size) + row_shape)
        y_epoch = ops.reshape(ops.take(y, index, axis=0), (n_batches, batch_size))
        w_rows = weight_columns(ops.take(w, index, axis=0))
        w_epoch = ops.reshape(
            ops.where(present[:, None], w_rows, 0.0), (n_batches, batch_size, n_weight_columns)
        )
        if not key.per_member:
            w_epoch = w_epoch[..., 0]

        def train_batch(batch, carry):
            state, loss_total, weight_total = carry
            step_scale = None
            if key.per_member:
                # A member with no row in this batch takes no step.
                has_rows = ops.sum(w_epoch[batch], axis=0) > 0
                step_scale = ops.where(has_rows, member_scale, 0.0)
            state, per_restart, batch_weight = train_step(
                state, X_epoch[batch], y_epoch[batch], w_epoch[batch], step_scale, penalty
            )
            return state, loss_total + per_restart * batch_weight, weight_total + batch_weight

        start = (state, ops.zeros((spec.n_init,)), ops.zeros((n_weight_columns,)))
        state, loss_total, weight_total = ops.fori_loop(0, n_batches, train_batch, start)
        loss = loss_total / ops.maximum(weight_total, 1e-12)
        losses = ops.slice_update(losses, (epoch, 0), loss[None, :])
        if key.with_validation:
            score = restart_accuracies(evaluate(state, X_val), y_val, w_val, spec.n_outputs)
            scores = ops.slice_update(scores, (epoch, 0), score[None, :])
        return state, losses, scores

    records = ops.zeros((n_epochs, spec.n_init))
    return ops.fori_loop(0, n_epochs, train_epoch, (state, records, records))
