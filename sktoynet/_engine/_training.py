"""The training loop: restarts, mini-batches, convergence and early stopping.

Backend-neutral: it prepares the mini-batch order with NumPy, hands chunks
of epochs to a compiled program (see ``_programs``) and decides when to stop,
in MLPClassifier's terms (``tol``, ``n_iter_no_change``, ``early_stopping``).
"""

from dataclasses import dataclass

import numpy as np

from sktoynet._interrupt import check_interrupt

#: Mini-batch indices materialised at once (epochs x padded rows), about 8 MB.
MAX_BATCH_ENTRIES = 2**21

#: Epochs per compiled call on small data; the stopping rule is checked between calls.
EPOCHS_PER_CALL = 25


@dataclass
class TrainingOutcome:
    """What one run of all restarts produced."""

    stacked_weights: list
    loss_curves: np.ndarray  # (n_epochs, n_init)
    validation_curves: np.ndarray | None  # (n_epochs, n_init), early stopping only
    converged: bool
    #: The program's optimizer state at the end (see ``BaseProgram.optimizer_state``).
    optimizer_state: list | None = None

    @property
    def n_iter(self):
        return len(self.loss_curves)


@dataclass
class GroupedOutcome:
    """What one run of several stopping groups produced (see ``train_restarts``)."""

    stacked_weights: list
    loss_curves: np.ndarray  # (n_epochs, n_members)
    validation_curves: np.ndarray | None
    groups: np.ndarray  # (n_members,): the group of each member
    stopped_at: np.ndarray  # (n_groups,): epochs each group trained
    converged: np.ndarray  # (n_groups,)

    def group(self, index):
        """The :class:`TrainingOutcome` of group ``index``, as if it had trained alone."""
        members = self.groups == index
        n_epochs = int(self.stopped_at[index])
        validation = self.validation_curves
        return TrainingOutcome(
            [weights[members] for weights in self.stacked_weights],
            self.loss_curves[:n_epochs, members],
            None if validation is None else validation[:n_epochs, members],
            bool(self.converged[index]),
        )


def epoch_batches(rng, n_rows, n_epochs, batch_size):
    """Row order of ``n_epochs`` shuffled epochs, cut into equal mini-batches.

    Each epoch is a permutation of the rows, padded with -1 (rows of weight
    zero) to a whole number of batches, so that every batch has the same
    shape and the compiled program is not traced again for the last one.
    """
    n_batches = -(-n_rows // batch_size)
    order = np.full((n_epochs, n_batches * batch_size), -1, dtype=np.int32)
    for epoch in range(n_epochs):
        order[epoch, :n_rows] = rng.permutation(n_rows)
    return order


def group_losses(epoch_losses, groups, n_groups):
    """The loss each group's stopping rule watches, for every epoch at once.

    That is the mean over the group's restarts (members) that have not
    diverged. ``epoch_losses`` is ``(n_epochs, n_members)``; returns
    ``(n_epochs, n_groups)``, NaN where every member of a group has diverged.
    """
    finite = np.isfinite(epoch_losses)
    indicator = np.zeros((groups.size, n_groups))
    indicator[np.arange(groups.size), groups] = 1.0
    totals = np.where(finite, epoch_losses, 0.0) @ indicator
    counts = finite @ indicator
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)


class StoppingRule:
    """MLPClassifier's rule: stop after ``n_iter_no_change`` epochs without a gain of ``tol``."""

    def __init__(self, tol, n_iter_no_change, higher_is_better):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = -np.inf
        self.no_improvement_count = 0

    def update(self, value):
        """Record one epoch; return True when training should stop."""
        if not np.isfinite(value):
            return True  # every restart diverged: nothing left to train
        signed = self.sign * value
        if signed < self.best + self.tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        self.best = max(self.best, signed)
        return self.no_improvement_count > self.n_iter_no_change


def train_restarts(
    program,
    X,
    y,
    sample_weight,
    *,
    initial_weights,
    learning_rate,
    epochs,
    tol,
    n_iter_no_change,
    rng,
    validation=None,
    report_epoch=None,
    groups=None,
    member_widths=None,
    alpha=0.0,
    optimizer_state=None,
):
    """Train every restart of ``program`` together and return the outcome.

    With ``validation=(X_val, y_val)`` the rule watches the best restart's
    validation accuracy and each restart's weights are rolled back to its
    best validation epoch; otherwise it watches the training loss.

    A per-member program (see ``ProgramKey.per_member``) also takes
    ``groups``, the stopping group of each member (a grid point on one
    fold: its restarts), ``sample_weight`` and the validation weights
    (``validation=(X_val, y_val, w_val)``) as ``(rows, n_members)``, and one
    ``learning_rate`` and width (``member_widths``) per member. Each group
    has its own stopping rule, and a group that has stopped stops changing
    while the others train on. It then returns a :class:`GroupedOutcome`.

    The program is shared by every fit of its shape bucket, and holds this
    fit's weights while it runs: its lock is held throughout, so fits in
    other threads wait instead of interleaving (see ``_programs``).

    ``alpha`` is the L2 penalty of MLPClassifier: each restart's loss gets
    ``0.5 * alpha * sum(kernel ** 2) / n``, where ``n`` is its total training
    weight (the number of rows, without sample weights). One ``n`` for the
    whole data, not one per mini-batch: each mini-batch's gradient is then an
    unbiased estimate of the gradient of one objective, whatever the batch
    size. ``alpha`` may also be one value per member.
    ``optimizer_state`` continues an earlier run's state (see
    ``BaseProgram.reset``); the outcome carries the final state.
    """
    n_members = initial_weights[0].shape[0]
    grouped = groups is not None
    groups = np.zeros(n_members, dtype=np.intp) if groups is None else np.asarray(groups)
    n_groups = int(groups.max()) + 1
    members_of = [groups == index for index in range(n_groups)]
    total_weight = np.sum(sample_weight, axis=0)  # one per member with per-member weights
    penalty = np.asarray(alpha, dtype=np.float64) / np.maximum(total_weight, 1e-12)
    with program.lock:
        program.reset(initial_weights, learning_rate, member_widths, penalty, optimizer_state)
        batch_size = program.key.batch_size
        padded_rows = -(-X.shape[0] // batch_size) * batch_size
        higher_is_better = validation is not None
        if validation is None:
            X_val = np.zeros((0,) + X.shape[1:], dtype=np.float32)
            y_val = np.zeros(0, dtype=np.int32)
            w_val = None
            epochs_per_call = max(1, min(EPOCHS_PER_CALL, MAX_BATCH_ENTRIES // padded_rows))
        else:
            X_val, y_val, *w_val = validation
            w_val = w_val[0] if w_val else None
            epochs_per_call = 1  # the best weights are kept after each epoch
            best_scores = np.full(n_members, -np.inf)
            best_weights = program.stacked_weights()
        rules = [StoppingRule(tol, n_iter_no_change, higher_is_better) for _ in range(n_groups)]
        program.bind_data(X, y, sample_weight, X_val, y_val, w_val)

        loss_chunks, score_chunks = [], []
        converged = np.zeros(n_groups, dtype=bool)
        stopped_at = np.full(n_groups, epochs)
        done = 0
        while done < epochs and not converged.all():
            check_interrupt()  # an interrupt Python discarded stops the fit here
            n_epochs = min(epochs_per_call, epochs - done)
            batches = epoch_batches(rng, X.shape[0], n_epochs, batch_size)
            active = ~converged[groups]
            losses, scores = program.run_epochs(batches, active if grouped else None)
            loss_chunks.append(losses)
            was_converged = converged.copy()
            watched = np.flatnonzero(~was_converged)
            if validation is None:
                per_group = group_losses(losses, groups, n_groups)
            if report_epoch is not None:  # one group of every member
                overall = group_losses(losses, np.zeros_like(groups), 1)[:, 0]
            for offset in range(n_epochs):
                if report_epoch is not None:
                    report_epoch(done + offset + 1, float(overall[offset]))
                if validation is None:
                    for index in watched:
                        if rules[index].update(float(per_group[offset, index])):
                            converged[index] = True
            if validation is not None:
                score_chunks.append(scores)
                epoch_scores = np.where(np.isfinite(losses[-1]), scores[-1], -np.inf)
                improved = (epoch_scores > best_scores) & active
                if improved.any():
                    current = program.stacked_weights()
                    for best, now in zip(best_weights, current, strict=True):
                        best[improved] = now[improved]
                    best_scores = np.where(improved, epoch_scores, best_scores)
                for index in np.flatnonzero(~was_converged):
                    group_best = float(epoch_scores[members_of[index]].max())
                    converged[index] = rules[index].update(group_best)
            done += n_epochs
            stopped_at[converged & ~was_converged] = done

        loss_curves = np.concatenate(loss_chunks)
        weights = program.stacked_weights() if validation is None else best_weights
        validation_curves = None if validation is None else np.concatenate(score_chunks)
        if grouped:
            stopped_at = np.minimum(stopped_at, done)
            return GroupedOutcome(
                weights, loss_curves, validation_curves, groups, stopped_at, converged
            )
        return TrainingOutcome(
            weights,
            loss_curves,
            validation_curves,
            bool(converged[0]),
            program.optimizer_state(),
        )
