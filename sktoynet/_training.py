"""The training loop: restarts, mini-batches, convergence and early stopping.

Backend-neutral: it prepares the mini-batch order with NumPy, hands chunks
of epochs to a compiled program (see ``_programs``) and decides when to stop,
in MLPClassifier's terms (``tol``, ``n_iter_no_change``, ``early_stopping``).
"""

from dataclasses import dataclass

import numpy as np

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

    @property
    def n_iter(self):
        return len(self.loss_curves)


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


def aggregate_loss(epoch_losses):
    """The loss the stopping rule watches: mean over restarts that have not diverged."""
    finite = epoch_losses[np.isfinite(epoch_losses)]
    return float(finite.mean()) if finite.size else np.nan


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
):
    """Train every restart of ``program`` together and return the outcome.

    With ``validation=(X_val, y_val)`` the rule watches the best restart's
    validation accuracy and each restart's weights are rolled back to its
    best validation epoch; otherwise it watches the training loss.

    The program is shared by every fit of its shape bucket, and holds this
    fit's weights while it runs: its lock is held throughout, so fits in
    other threads wait instead of interleaving (see ``_programs``).
    """
    with program.lock:
        program.reset(initial_weights, learning_rate)
        batch_size = program.key.batch_size
        padded_rows = -(-X.shape[0] // batch_size) * batch_size
        if validation is None:
            X_val = np.zeros((0, X.shape[1]), dtype=np.float32)
            y_val = np.zeros(0, dtype=np.int32)
            epochs_per_call = max(1, min(EPOCHS_PER_CALL, MAX_BATCH_ENTRIES // padded_rows))
            rule = StoppingRule(tol, n_iter_no_change, higher_is_better=False)
        else:
            X_val, y_val = validation
            epochs_per_call = 1  # the best weights are kept after each epoch
            rule = StoppingRule(tol, n_iter_no_change, higher_is_better=True)
            best_scores = np.full(program.key.spec.n_init, -np.inf)
            best_weights = program.stacked_weights()
        program.bind_data(X, y, sample_weight, X_val, y_val)

        loss_chunks, score_chunks = [], []
        converged = False
        done = 0
        while done < epochs and not converged:
            n_epochs = min(epochs_per_call, epochs - done)
            batches = epoch_batches(rng, X.shape[0], n_epochs, batch_size)
            losses, scores = program.run_epochs(batches)
            loss_chunks.append(losses)
            for offset in range(n_epochs):
                if report_epoch is not None:
                    report_epoch(done + offset + 1, aggregate_loss(losses[offset]))
                if validation is None:
                    converged = rule.update(aggregate_loss(losses[offset])) or converged
            if validation is not None:
                score_chunks.append(scores)
                epoch_scores = np.where(np.isfinite(losses[-1]), scores[-1], -np.inf)
                improved = epoch_scores > best_scores
                if improved.any():
                    current = program.stacked_weights()
                    for best, now in zip(best_weights, current, strict=True):
                        best[improved] = now[improved]
                    best_scores = np.maximum(best_scores, epoch_scores)
                converged = rule.update(float(epoch_scores.max()))
            done += n_epochs

        loss_curves = np.concatenate(loss_chunks)
        if validation is None:
            return TrainingOutcome(program.stacked_weights(), loss_curves, None, converged)
        return TrainingOutcome(best_weights, loss_curves, np.concatenate(score_chunks), converged)
