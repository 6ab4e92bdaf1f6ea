"""The training loop: restarts, mini-batches, racing, convergence and early stopping.

Backend-neutral: it prepares the mini-batch order with NumPy, hands chunks
of epochs to a compiled program (see ``_programs``) and decides when to stop,
in MLPClassifier's terms (``tol``, ``n_iter_no_change``, ``early_stopping``).

Racing (``restarts="race"``): at checkpoints between chunks (epochs 25, 50,
100, ...), the restarts that are clearly behind (see :func:`race_losers`)
stop training. The members that stop, dropped or in a group that has
converged, then leave the program: the survivors move, weights and
optimizer state exactly, to a program with fewer members (a power of two,
see ``ProgramKey.with_members``), so that they cost nothing any more.
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
    #: Epochs each restart trained: fewer than ``n_iter`` for a restart that
    #: the race dropped, whose curves are NaN after it (None: all ``n_iter``).
    trained_epochs: np.ndarray | None = None
    #: The restarts whose state ``optimizer_state`` holds, in its member order.
    seated: np.ndarray | None = None
    #: The program that trained them last (a smaller one after compaction).
    program: object = None

    @property
    def n_iter(self):
        return len(self.loss_curves)

    @property
    def finished(self):
        """Whether each restart trained to the end (was not dropped by the race)."""
        if self.trained_epochs is None:
            return np.ones(self.loss_curves.shape[1], dtype=bool)
        return self.trained_epochs == self.n_iter

    @property
    def last_losses(self):
        """Each restart's training loss at its last epoch (when it was dropped, or the end)."""
        if self.trained_epochs is None:
            return self.loss_curves[-1].copy()
        columns = np.arange(self.loss_curves.shape[1])
        return self.loss_curves[self.trained_epochs - 1, columns]

    def member_optimizer_state(self, member):
        """The optimizer state of restart ``member`` alone, or None (see ``BaseProgram``)."""
        if self.optimizer_state is None or self.program is None:
            return None
        (position,) = np.flatnonzero(self.seated == member)
        return self.program.members_optimizer_state(self.optimizer_state, [position])


@dataclass
class GroupedOutcome:
    """What one run of several stopping groups produced (see ``train_restarts``)."""

    stacked_weights: list
    loss_curves: np.ndarray  # (n_epochs, n_members)
    validation_curves: np.ndarray | None
    groups: np.ndarray  # (n_members,): the group of each member
    stopped_at: np.ndarray  # (n_groups,): epochs each group trained
    converged: np.ndarray  # (n_groups,)
    trained_epochs: np.ndarray | None = None  # (n_members,): see TrainingOutcome
    program: object = None  # the program that trained them last

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
            trained_epochs=None
            if self.trained_epochs is None
            else np.minimum(self.trained_epochs[members], n_epochs),
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


#: Racing (``restarts="race"``): the first checkpoint, in epochs; each later
#: checkpoint is twice as far (25, 50, 100, 200, ...). A checkpoint falls at
#: the end of the first chunk of epochs that reaches it.
RACE_FIRST_CHECKPOINT = 25


#: The race drops restarts only while its leader makes clear progress: its
#: loss at a checkpoint at least this share lower than at half as many epochs.
#: On a plateau (moons at learning rate 0.01: every restart near 0.35 for 100
#: epochs, then some escape to 0.15-0.25) the restarts are close and which
#: one escapes first is chance, so none is dropped there.
RACE_MIN_PROGRESS = 0.2


#: Moving members to a smaller program (reading and assigning weights and
#: optimizer state, binding the data again) costs more than it saves on toy
#: data (``benchmarks/bench_speed.py``, section 3). It is done only when the
#: members it removes would have done at least this many multiply-adds in
#: the next chunk of epochs (rows x width x (features + outputs) each).
MIN_COMPACTION_WORK = 2**26


#: The race stops halving at this many restarts: the best two train to the
#: end. On spirals (bench_reliability.py) a single survivor was often not
#: the restart that ended best, and its stopping rule, watching one noisy
#: curve instead of a mean, stopped it 100 epochs earlier than "all" did.
RACE_MIN_SURVIVORS = 2


RESTART_MODES = ("race", "all")


def leader_progress(curves, racers):
    """``1 - best loss now / best loss at half as many epochs`` among ``racers``.

    ``curves`` holds the losses of every epoch so far, ``(epochs, members)``;
    0 when there is no finite loss to compare.
    """
    then = curves[max(len(curves) // 2 - 1, 0), racers]
    now = curves[-1, racers]
    if not (np.isfinite(then).any() and np.isfinite(now).any()):
        return 0.0
    best_then = float(np.min(then[np.isfinite(then)]))
    best_now = float(np.min(now[np.isfinite(now)]))
    return 1.0 - best_now / best_then if best_then > 0 else 0.0


def race_losers(values, *, higher_is_better, ties=None):
    """Positions in ``values`` of the restarts that a checkpoint of the race drops.

    ``values`` holds one number per restart still racing: its training loss,
    or with ``higher_is_better`` its best validation score (then ``ties``,
    the training losses, orders equal scores). The restarts are ranked and
    the worse half is dropped (the better ``ceil(n / 2)`` race on, and at
    least :data:`RACE_MIN_SURVIVORS`), as in successive halving; a restart
    that diverged (a non-finite value) is always dropped. So 8 restarts
    become 4 and then 2 at two checkpoints.
    """
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros(0, dtype=np.intp)  # all diverged: the stopping rule ends the fit
    signed = np.where(finite, values if higher_is_better else -values, -np.inf)
    ties = np.zeros(values.size) if ties is None else np.nan_to_num(ties, nan=np.inf)
    order = np.lexsort((ties, -signed))  # the best first, the diverged last
    n_finite = int(finite.sum())
    n_kept = max(-(-n_finite // 2), min(RACE_MIN_SURVIVORS, n_finite))
    dropped = np.zeros(values.size, dtype=bool)
    dropped[order[n_kept:]] = True
    return np.flatnonzero(dropped)


def member_bucket(n_members):
    """The members of a compacted program: the smallest power of two that holds them."""
    return 1 << (int(n_members) - 1).bit_length()


def _pick_members(value, members, n_slots, axis=0):
    """``value``'s entries of ``members`` on ``axis``, zero-padded to ``n_slots``; scalars stay."""
    if value is None or np.ndim(value) == 0:
        return value
    picked = np.take(np.asarray(value), members, axis=axis)
    widths = [(0, 0)] * picked.ndim
    widths[axis] = (0, n_slots - len(members))
    return np.pad(picked, widths)


class _Seats:
    """Which program trains a fit's members now, and which member sits in which slot.

    Holds the lock of that program from :meth:`take` until :meth:`release`
    (see ``_programs``): a fit that moves to a smaller program copies its
    members' weights and optimizer state out, releases the old program, then
    takes the new one; it never holds two locks, so fits cannot deadlock.
    """

    def __init__(self, data, learning_rate, member_widths, penalty):
        self.data = data  # (X, y, w, X_val, y_val, w_val): as train_restarts got them
        self.learning_rate = learning_rate
        self.member_widths = member_widths
        self.penalty = penalty
        self.program = None
        self.seated = None  # the members in the program's first slots, in order

    def take(self, program, members, weights, optimizer_state):
        """Train ``members`` (indices) on ``program``, from their ``weights`` (in that order)."""
        program.lock.acquire()
        try:
            n_slots = program.key.spec.n_init
            per_member = program.key.per_member
            X, y, w, X_val, y_val, w_val = self.data
            if per_member:
                w = _pick_members(w, members, n_slots, axis=1)
                w_val = _pick_members(w_val, members, n_slots, axis=1)
            program.reset(
                [_pick_members(value, np.arange(len(members)), n_slots) for value in weights],
                _pick_members(self.learning_rate, members, n_slots),
                _pick_members(self.member_widths, members, n_slots),
                _pick_members(self.penalty, members, n_slots),
                optimizer_state,
            )
            program.bind_data(X, y, w, X_val, y_val, w_val)
        except BaseException:
            program.lock.release()
            raise
        self.program, self.seated = program, np.asarray(members)

    def release(self):
        if self.program is not None:
            self.program.lock.release()
            self.program = None

    def positions(self, members):
        """The slots of ``members`` (a boolean mask over all members) in the program."""
        return np.flatnonzero(members[self.seated])

    def read_weights(self, target, members):
        """Copy the current weights of ``members`` (a mask, all seated) into ``target``."""
        positions = self.positions(members)
        if positions.size == 0:
            return
        for full, current in zip(target, self.program.stacked_weights(), strict=True):
            full[self.seated[positions]] = current[positions]

    def run(self, batches, training):
        """Train a chunk of epochs: losses and scores ``(n_epochs, n_members)``, NaN if idle."""
        n_slots = self.program.key.spec.n_init
        active = np.zeros(n_slots, dtype=bool)
        active[: self.seated.size] = training[self.seated]
        losses, scores = self.program.run_epochs(
            batches, active if self.program.key.per_member else None
        )

        def spread(values):
            full = np.full((len(batches), training.size), np.nan)
            full[:, self.seated] = values[:, : self.seated.size]
            full[:, ~training] = np.nan  # dropped or stopped: no longer recorded
            return full

        return spread(losses), None if scores is None else spread(scores)

    def compact(self, training, program_for, epochs_per_call):
        """Move the ``training`` members to a smaller program if it pays; whether it did.

        Their weights and optimizer state are carried exactly: Adam's moments
        (and every state of ``PER_MEMBER_OPTIMIZERS``) are per weight, so
        cutting the member axis changes nothing. It pays when the members it
        removes would do :data:`MIN_COMPACTION_WORK` in the next chunk.
        """
        current = self.program
        size = member_bucket(max(int(training.sum()), 1))
        spec = current.key.spec
        member_work = spec.member_multiply_adds(self.data[0].shape[0])
        saved = (spec.n_init - size) * member_work * epochs_per_call
        if program_for is None or size >= spec.n_init or saved < MIN_COMPACTION_WORK:
            return False
        key = current.key.with_members(size)
        if key is None:
            return False  # a program with blocks: its members stay, frozen
        positions = self.positions(training)
        state = current.members_optimizer_state(current.optimizer_state(), positions)
        if state is None:
            return False
        weights = [value[positions] for value in current.stacked_weights()]
        members = self.seated[positions]
        self.release()
        self.take(program_for(key), members, weights, state)
        return True


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
    restarts="all",
    program_for=None,
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

    ``restarts="race"`` races the restarts of each group: at each checkpoint
    (:data:`RACE_FIRST_CHECKPOINT`, then twice as far each time) where the
    group's leader makes clear progress (:data:`RACE_MIN_PROGRESS`), the
    worse half (see :func:`race_losers`), by their last epoch's training
    loss or with validation by their best validation score, stop training
    and keep the weights they had (their best ones with validation); their
    curves are NaN from then on and ``trained_epochs`` says when they
    stopped. The stopping rule of a group watches its restarts still racing.
    ``restarts="all"`` trains every restart until its group stops.

    With ``program_for`` (``_programs.get_program``), the members that stop
    leave the program after a chunk when that saves enough work (see
    :data:`MIN_COMPACTION_WORK`): the others move to the program of
    ``program.key.with_members(member_bucket(n))``, weights and optimizer
    state exactly. Programs with blocks cannot be cut; there the members that
    stop stay, frozen (a per-member program) or training unrecorded.

    Each program is shared by every fit of its shape bucket, and holds this
    fit's weights while it runs: its lock is held while this fit trains on
    it, so fits in other threads wait instead of interleaving (see ``_programs``).

    ``alpha`` is the L2 penalty of MLPClassifier: each restart's loss gets
    ``0.5 * alpha * sum(kernel ** 2) / n``, where ``n`` is its total training
    weight (the number of rows, without sample weights). One ``n`` for the
    whole data, not one per mini-batch: each mini-batch's gradient is then an
    unbiased estimate of the gradient of one objective, whatever the batch
    size. ``alpha`` may also be one value per member.
    ``optimizer_state`` continues an earlier run's state (see
    ``BaseProgram.reset``); the outcome carries the final state.
    """
    if restarts not in RESTART_MODES:
        raise ValueError(f"restarts must be one of {RESTART_MODES}, got {restarts!r}.")
    n_members = initial_weights[0].shape[0]
    grouped = groups is not None
    groups = np.zeros(n_members, dtype=np.intp) if groups is None else np.asarray(groups)
    n_groups = int(groups.max()) + 1
    members_of = [groups == index for index in range(n_groups)]
    total_weight = np.sum(sample_weight, axis=0)  # one per member with per-member weights
    penalty = np.asarray(alpha, dtype=np.float64) / np.maximum(total_weight, 1e-12)
    higher_is_better = validation is not None
    batch_size = program.key.batch_size
    padded_rows = -(-X.shape[0] // batch_size) * batch_size
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
    data = (X, y, sample_weight, X_val, y_val, w_val)
    seats = _Seats(data, learning_rate, member_widths, penalty)
    seats.take(program, np.arange(n_members), initial_weights, optimizer_state)
    try:
        final_weights = [np.array(value) for value in seats.program.stacked_weights()]
        best_weights = None if validation is None else [w.copy() for w in final_weights]
        rules = [StoppingRule(tol, n_iter_no_change, higher_is_better) for _ in range(n_groups)]

        loss_chunks, score_chunks = [], []
        converged = np.zeros(n_groups, dtype=bool)
        stopped_at = np.full(n_groups, epochs)
        training = np.ones(n_members, dtype=bool)
        trained_epochs = np.zeros(n_members, dtype=np.intp)
        next_checkpoint = RACE_FIRST_CHECKPOINT
        done = 0
        while done < epochs and not converged.all():
            check_interrupt()  # an interrupt Python discarded stops the fit here
            n_epochs = min(epochs_per_call, epochs - done)
            batches = epoch_batches(rng, X.shape[0], n_epochs, batch_size)
            losses, scores = seats.run(batches, training)
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
                improved = (epoch_scores > best_scores) & training
                if improved.any():
                    seats.read_weights(best_weights, improved)
                    best_scores = np.where(improved, epoch_scores, best_scores)
                for index in watched:
                    group_best = float(epoch_scores[members_of[index]].max())
                    converged[index] = rules[index].update(group_best)
            done += n_epochs
            stopped_at[converged & ~was_converged] = done

            leaving = training & converged[groups]
            if restarts == "race" and done >= next_checkpoint:
                curves = np.concatenate(loss_chunks)
                for index in np.flatnonzero(~converged):
                    racers = np.flatnonzero(members_of[index] & training)
                    if leader_progress(curves, racers) < RACE_MIN_PROGRESS:
                        lost = np.flatnonzero(~np.isfinite(losses[-1, racers]))  # diverged
                    elif validation is None:
                        lost = race_losers(losses[-1, racers], higher_is_better=False)
                    else:
                        lost = race_losers(
                            best_scores[racers], higher_is_better=True, ties=losses[-1, racers]
                        )
                    leaving[racers[lost]] = True
                while next_checkpoint <= done:
                    next_checkpoint *= 2
            if leaving.any():
                seats.read_weights(final_weights, leaving)
                trained_epochs[leaving] = done
                training &= ~leaving
                if done < epochs and not converged.all():
                    seats.compact(training, program_for, epochs_per_call)

        seats.read_weights(final_weights, training)
        trained_epochs[training] = done
        loss_curves = np.concatenate(loss_chunks)
        weights = final_weights if validation is None else best_weights
        validation_curves = None if validation is None else np.concatenate(score_chunks)
        if grouped:
            stopped_at = np.minimum(stopped_at, done)
            return GroupedOutcome(
                weights,
                loss_curves,
                validation_curves,
                groups,
                stopped_at,
                converged,
                trained_epochs,
                seats.program,
            )
        return TrainingOutcome(
            weights,
            loss_curves,
            validation_curves,
            bool(converged[0]),
            seats.program.optimizer_state(),
            trained_epochs,
            seats.seated.copy(),
            seats.program,
        )
    finally:
        seats.release()
