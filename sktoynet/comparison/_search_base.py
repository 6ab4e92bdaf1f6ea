"""What compare's two kinds of grid search share.

:func:`sktoynet.compare` searches each model with a GridSearchCV subclass:
``_ProgressGridSearchCV`` (one fit per grid point and fold) or, for a
learning rate x width grid of the network, ``ToyNetCVSearch`` (one program
for the whole grid). Both score two metrics under fixed names, report to the
progress bar through callbacks, and may be told to stop from another thread.
"""

from sklearn.utils.validation import check_is_fitted

from sktoynet._interrupt import check_interrupt

#: The names of compare's two metrics: its ``scoring``, which ranks the grid
#: points, and the cross-validated log-loss, which breaks their ties.
SCORE, LOSS = "score", "neg_log_loss"


class SearchStopped(Exception):
    """A search was stopped from another thread (see :attr:`ProgressCallbacks.stopping`)."""


class ProgressCallbacks:
    """Mixin for a GridSearchCV: progress callbacks, a stop event and the ranking score.

    ``on_fits_done(n_fits)`` and ``on_search_done()`` are called as fits
    finish and before the refit; ``stopping`` is a :class:`threading.Event`
    or None. They belong to this process (the progress bar, the thread that
    may stop the search), so they are left out when the search is pickled
    for a worker process.
    """

    on_fits_done = None
    on_search_done = None
    stopping = None

    #: Whether the whole grid trains in one compiled program, so that its fits
    #: have no times of their own (``mean_fit_time`` is the program's, shared out).
    trains_in_one_program = False

    def check_stopping(self):
        """Raise :class:`SearchStopped` if the search has been told to stop.

        Called between the steps of a stoppable search (each chunk of
        candidates, the refit, the out-of-fold predictions), so that a stop
        waits for the fits in flight only. In the main thread, it also raises
        an interrupt of ``sktoynet compare`` (see
        :func:`~sktoynet._interrupt.check_interrupt`).
        """
        check_interrupt()
        if self.stopping is not None and self.stopping.is_set():
            raise SearchStopped("the search was stopped")

    def __getstate__(self):
        # A copy: the state may be the live __dict__ of this search.
        state = dict(super().__getstate__())
        for name in ("on_fits_done", "on_search_done", "stopping"):
            state.pop(name, None)
        return state

    def score(self, X, y=None, **params):
        """Score of the best estimator on ``X``, ``y`` with the ranking scorer.

        With several metrics (as compare searches), the ``"score"`` metric,
        as a single-metric search would score.
        """
        check_is_fitted(self)
        scorer = self.scorer_[SCORE] if isinstance(self.scorer_, dict) else self.scorer_
        return scorer(self.best_estimator_, X, y, **params)
