"""The one interface of compare's grid searches, and the listener they report to.

:func:`sktoynet.compare` searches each model with a GridSearchCV subclass:
``_ProgressGridSearchCV`` (one fit per grid point and fold, in
:mod:`~sktoynet.comparison._searches`) or, for a learning rate x width grid of
the network, ``ToyNetCVSearch`` (one program for the whole grid, in
:mod:`~sktoynet.comparison._cv_search`, apart because it imports the engine,
which the worker processes and the other models' searches must not). Both are
:class:`CompareSearch`: the code that runs them (:mod:`~sktoynet.comparison._run`)
calls :meth:`CompareSearch.run`, :meth:`CompareSearch.out_of_fold_predictions`
and reads :attr:`CompareSearch.trains_in_one_program`, and nothing else tells
the two kinds apart. A search reports its progress, and learns that it must
stop, through the :class:`SearchListener` passed to :meth:`CompareSearch.run`.
"""

from sklearn.utils.validation import check_is_fitted

from sktoynet._interrupt import check_interrupt

#: The names of compare's two metrics: its ``scoring``, which ranks the grid
#: points, and the cross-validated log-loss, which breaks their ties.
SCORE, LOSS = "score", "neg_log_loss"


class SearchStopped(Exception):
    """A search was stopped from another thread (see :meth:`SearchListener.stop_requested`)."""


class SearchListener:
    """What a search tells, and asks, the code that runs it: named hooks, no-ops here.

    As skorch's ``Callback``: subclass it and override the hooks you need.
    :meth:`on_fits_done` may be called from one of joblib's result threads,
    so it must be quick and thread-safe.
    """

    def on_fits_done(self, n_fits):
        """``n_fits`` more fits of the grid have finished."""

    def on_search_done(self):
        """The grid is cross-validated; the refit of the best point comes next."""

    def stop_requested(self):
        """Whether the search must stop before its next step (checked between steps)."""
        return False

    def can_stop(self):
        """Whether :meth:`stop_requested` may ever say yes.

        A parallel search that cannot be stopped hands all its fits to joblib
        at once; one that can, in chunks of a few fits per worker.
        """
        return False


def check_stopping(listener):
    """Raise :class:`SearchStopped` if ``listener`` (or None) asks the search to stop.

    Called between the steps of a search (each chunk of candidates, the
    refit, the out-of-fold predictions), so that a stop waits for the fits
    in flight only. In the main thread, it also raises an interrupt of
    ``sktoynet compare`` (see :func:`~sktoynet._interrupt.check_interrupt`).
    """
    check_interrupt()
    if listener is not None and listener.stop_requested():
        raise SearchStopped("the search was stopped")


class CompareSearch:
    """Mixin for a GridSearchCV that :func:`sktoynet.compare` runs: its one interface.

    A subclass implements :meth:`warm_up`, :meth:`compile_time` and
    :meth:`out_of_fold_predictions`; :meth:`run` chains the warm-up and the
    fit. ``n_jobs`` is the constructor's, as GridSearchCV's.
    """

    #: Whether the whole grid trains in one compiled program, so that its fits
    #: have no times of their own (``mean_fit_time`` is the program's, shared out).
    trains_in_one_program = False

    #: The listener of the :meth:`run` under way; None outside one (a plain ``fit``).
    _listener = None

    def run(self, X, y, splits, *, listener=None):
        """Warm up, then fit, telling ``listener``; return the compilation's seconds.

        ``splits`` are the search's own ``cv``, as a list. Raises
        :class:`SearchStopped` when ``listener`` asks the search to stop.
        """
        self._listener = listener
        try:
            check_stopping(listener)
            warm_up = self.warm_up(X, y, splits[0])
            self.fit(X, y)
        finally:
            self._listener = None
        return self.compile_time(warm_up)

    def warm_up(self, X, y, split):
        """Compile ahead of the search, so that it times steady-state fits; its seconds."""
        raise NotImplementedError

    def compile_time(self, warm_up_seconds):
        """The compilation's seconds, from the fitted search and :meth:`warm_up`'s seconds."""
        raise NotImplementedError

    def out_of_fold_predictions(self, X, y, splits):
        """``(y_true, y_pred)`` of the best point on rows of ``splits`` it did not train on."""
        raise NotImplementedError

    def __getstate__(self):
        # A copy: the state may be the live __dict__ of this search. The listener
        # belongs to this process (the progress bar, the thread that may stop it).
        state = dict(super().__getstate__())
        state.pop("_listener", None)
        return state

    def score(self, X, y=None, **params):
        """Score of the best estimator on ``X``, ``y`` with the ranking scorer.

        With several metrics (as compare searches), the ``"score"`` metric,
        as a single-metric search would score.
        """
        check_is_fitted(self)
        scorer = self.scorer_[SCORE] if isinstance(self.scorer_, dict) else self.scorer_
        return scorer(self.best_estimator_, X, y, **params)
