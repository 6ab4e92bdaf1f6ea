"""Packing many networks into stacked programs: which member trains where, and what it got.

A caller (:class:`~sktoynet.ToyNetClassifierCV`) says *what* to train: sets
of networks, each of one width and learning rate with one network per
*fit* (a column of row weights), every network with ``n_init`` restarts. This
module decides *how*: the networks of one learning rate (and, when they are
large, of one width bucket) train in program calls of their own, as many
sets per call as fit in memory; within a call the members are cut into
blocks by width bucket (see ``NetworkSpec.blocks``) and ordered as
``StackedDense`` expects them (by block, then fit, then set, then restart);
each network is one stopping group. The outcome of each network comes back
as if it had trained alone.
"""

import time
from dataclasses import dataclass

import numpy as np

from sktoynet._engine._keys import ProgramKey, width_bucket
from sktoynet._engine._memory import estimate_fit_bytes, grid_too_large_error, members_per_chunk
from sktoynet._engine._network import NetworkSpec
from sktoynet._engine._program_base import pad_to
from sktoynet._engine._programs import train_on_program

#: Multiply-adds per epoch of one set's networks (rows x width x (features +
#: outputs), times the fits and restarts) from which each width bucket gets
#: program calls of its own. A call runs until its last network stops, and
#: narrow networks often train longer than wide ones, keeping the costly wide
#: block computing; but each bucket is then a program of its own to compile.
#: Measured with ``benchmarks/bench_cv.py`` (widths 4, 16, 64): on digits
#: (4e8 at width 64) a warm search took 32 s instead of 80 s; on wine (9e6)
#: nothing was saved warm, and a fresh process's first fit took 2 s more.
MIN_SPLIT_WORK = 2**26


@dataclass(frozen=True)
class NetworkSet:
    """Networks of one width and learning rate: one per fit, each with its restarts.

    ``initial_weights`` are stacked weights (see
    :func:`~sktoynet._engine._network.initial_stacked_weights`) of
    ``n_fits * n_init`` members at ``width``: fit by fit, then restart.
    """

    width: int
    learning_rate: float
    initial_weights: list


@dataclass(frozen=True)
class Fits:
    """The data every set's networks train on: one fit per column of ``weights``.

    ``X`` is ``(rows, features)``, the same rows for every fit, or
    ``(rows, n_fits, features)``, each fit's own view of the rows.
    ``weights`` is ``(rows, n_fits)``: a row that weighs zero for a fit is
    not one of its training rows. ``validation`` is None or ``(X_val,
    y_val, w_val)`` of the same layout, for early stopping.
    """

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    validation: tuple | None = None

    @property
    def n_fits(self):
        return self.weights.shape[1]

    @property
    def views(self):
        """0, or the number of views of the rows in ``X``."""
        return self.X.shape[1] if self.X.ndim == 3 else 0


@dataclass(frozen=True)
class Training:
    """How every network trains: its shape besides the width, and the stopping rule.

    ``batch_seed`` seeds the mini-batch order, the same in every program
    call, so that how the sets are cut into calls changes no network.
    """

    n_init: int
    n_outputs: int
    hidden_activation: str
    optimizer: str
    batch_size: int
    epochs: int
    tol: float
    n_iter_no_change: int
    alpha: float
    batch_seed: int
    restarts: str = "all"
    report_epoch: object = None


def train_network_sets(sets, fits, training, *, estimator):
    """Train every network of ``sets`` on ``fits``; ``({(set, fit): (outcome, spec)}, seconds)``.

    ``outcome`` is the network's :class:`~sktoynet._engine._training.TrainingOutcome`,
    its weights cut to its width, and ``spec`` its :class:`NetworkSpec`
    (``n_init`` restarts). ``seconds`` is the time spent training.
    ``estimator`` names the parameters in a memory error.
    """
    members_per_set = fits.n_fits * training.n_init
    n_rows = fits.X.shape[0]
    widest = max(s.width for s in sets)

    def key_of(n_members, widths=None):
        # A block per width bucket of the call's sets; for the memory
        # estimate (no widths given), every member at the widest.
        blocks = _blocks(widths, members_per_set) if widths is not None else ()
        width = max(w for _, w in blocks) if blocks else widest
        return ProgramKey.for_fit(
            _spec(fits, training, width, n_members, blocks),
            training.optimizer,
            training.batch_size,
            n_rows=n_rows,
            with_validation=fits.validation is not None,
            per_member=True,
        )

    chunk = members_per_chunk(
        len(sets), members_per_set, lambda n: estimate_fit_bytes(key_of(n), n_rows)
    )
    if chunk == 0:
        needed = estimate_fit_bytes(key_of(members_per_set), n_rows)
        raise grid_too_large_error(estimator, members_per_set, needed, n_rows, fits.X.shape[-1])

    outcomes, seconds = {}, 0.0
    work = _spec(fits, training, widest, 1).member_multiply_adds(n_rows) * members_per_set
    for call in _calls(sets, chunk, by_bucket=work >= MIN_SPLIT_WORK):
        key = key_of(len(call) * members_per_set, [sets[s].width for s in call])
        started = time.perf_counter()
        grouped = _train_call([sets[s] for s in call], key, fits, training, estimator)
        seconds += time.perf_counter() - started
        for offset, index in enumerate(call):
            width = sets[index].width
            for fit in range(fits.n_fits):
                outcome = grouped.group(offset * fits.n_fits + fit)
                outcome.stacked_weights = _trimmed(outcome.stacked_weights, width)
                outcomes[index, fit] = (outcome, _spec(fits, training, width, training.n_init))
    return outcomes, seconds


def _spec(fits, training, width, n_init, blocks=()):
    return NetworkSpec(
        fits.X.shape[-1],
        width,
        training.n_outputs,
        training.hidden_activation,
        n_init,
        blocks,
        fits.views,
    )


def _train_call(call_sets, key, fits, training, estimator):
    """One program call for ``call_sets``: a GroupedOutcome whose group ``s * n_fits + f``
    is set ``s``'s network on fit ``f``."""
    n_fits, n_init = fits.n_fits, training.n_init
    members_per_set = n_fits * n_init
    # Members by block, then fit, then set, then restart: a block with input
    # views takes its members view by view (see StackedDense). A set's
    # initial weights are fit by fit, then restart.
    set_of_member, fit_of_member, restart_of_member = (
        index.ravel()
        for index in np.meshgrid(
            np.arange(len(call_sets)), np.arange(n_fits), np.arange(n_init), indexing="ij"
        )
    )
    block_of_set = np.repeat(
        np.arange(len(key.spec.blocks)),
        [n_members // members_per_set for n_members, _ in key.spec.blocks],
    )
    order = np.lexsort(
        (restart_of_member, set_of_member, fit_of_member, block_of_set[set_of_member])
    )
    set_of_member, fit_of_member = set_of_member[order], fit_of_member[order]
    starts = _padded_concatenation([s.initial_weights for s in call_sets], key.spec.width)
    validation = None
    if fits.validation is not None:
        X_val, y_val, w_val = fits.validation
        validation = (X_val, y_val, w_val[:, fit_of_member])
    grouped, _ = train_on_program(
        key,
        fits.X,
        fits.y,
        fits.weights[:, fit_of_member],
        estimator=estimator,
        initial_weights=[weights[order] for weights in starts],
        learning_rate=np.array([call_sets[s].learning_rate for s in set_of_member]),
        epochs=training.epochs,
        tol=training.tol,
        n_iter_no_change=training.n_iter_no_change,
        rng=np.random.RandomState(training.batch_seed),
        validation=validation,
        report_epoch=training.report_epoch,
        groups=set_of_member * n_fits + fit_of_member,
        member_widths=np.array([call_sets[s].width for s in set_of_member]),
        alpha=float(training.alpha),
        restarts=training.restarts,
    )
    return grouped


def _blocks(widths, members_per_set):
    """``((n_members, width), ...)``: consecutive sets of one width bucket share a block.

    Each block is as wide as its widest set, so widths 2, 4 and 8 (one
    bucket) train as one block, as a ToyNetClassifier would pad them, and
    widths 4, 16 and 64 as three, so that the narrow ones do not compute 64
    units. Fewer blocks make a smaller program, quicker to compile.
    """
    blocks = []
    for width in widths:
        if blocks and width_bucket(width) == width_bucket(blocks[-1][1]):
            n_members, widest = blocks[-1]
            blocks[-1] = (n_members + members_per_set, max(widest, width))
        else:
            blocks.append((members_per_set, width))
    return tuple(blocks)


def _calls(sets, size, *, by_bucket):
    """The sets in program calls: one learning rate per call, at most ``size`` sets.

    A call runs until its last network stops, and a network that has stopped
    is still computed until then. Networks with a large learning rate stop
    after a few dozen epochs and those with a small one may train for all
    their epochs; so each learning rate gets calls of its own. With
    ``by_bucket`` (large networks, see :data:`MIN_SPLIT_WORK`), so does each
    width bucket of a rate. The calls of the different rates have the same
    shapes when the widths are the same for every rate (a grid), so one
    compiled program serves them all. Consecutive sets of one kind share calls.
    """

    def kind(network_set):
        bucket = width_bucket(network_set.width) if by_bucket else None
        return network_set.learning_rate, bucket

    calls, start = [], 0
    while start < len(sets):
        end = start
        while end < len(sets) and kind(sets[end]) == kind(sets[start]):
            end += 1
        calls += [range(first, min(first + size, end)) for first in range(start, end, size)]
        start = end
    return calls


#: For each stacked weight (hidden kernel, hidden bias, head kernel, head
#: bias), the axis of the hidden units; None for none.
_UNITS_AXIS = (-1, -1, 1, None)


def _padded_concatenation(stacked_weights_list, width):
    """Stacked weights of several sets, zero-padded to ``width`` and joined."""
    joined = []
    for index, axis in enumerate(_UNITS_AXIS):
        parts = []
        for weights in stacked_weights_list:
            shape = list(weights[index].shape)
            if axis is not None:
                shape[axis] = width
            parts.append(pad_to(weights[index], shape))
        joined.append(np.concatenate(parts))
    return joined


def _trimmed(stacked_weights, width):
    """Stacked weights cut to the first ``width`` hidden units."""
    kernel1, bias1, kernel2, bias2 = stacked_weights
    return [kernel1[..., :width], bias1[..., :width], kernel2[:, :width], bias2]
