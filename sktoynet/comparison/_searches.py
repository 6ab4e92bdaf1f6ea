"""The grid search of one model in compare(): GridSearchCV, or ToyNetCVSearch for the net."""

import time
from functools import partial

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, ParameterGrid
from sklearn.utils import _safe_indexing

from sktoynet._estimators._grid_ties import best_index
from sktoynet._utils import compiles
from sktoynet.comparison._out_of_fold import out_of_fold_predictions
from sktoynet.comparison._progress import counting_batches
from sktoynet.comparison._search_base import LOSS, SCORE, CompareSearch, check_stopping

#: A stoppable parallel search hands its fits to joblib in chunks of this many per worker.
CHUNK_ROUNDS = 5


class _ProgressGridSearchCV(CompareSearch, GridSearchCV):
    """GridSearchCV that reports its fits as they finish, to the listener of :meth:`run`.

    Run with a listener, with ``n_jobs`` other than one process, every
    candidate x fold is handed to joblib at once, as GridSearchCV does (in
    chunks of a few rounds when the listener can stop the search: see
    :meth:`_chunks`), and the listener's ``on_fits_done`` is called from the
    parent as each batch of fits comes back (see
    :func:`sktoynet.comparison._progress.counting_batches`). In one process,
    the candidates are evaluated one after the other and reported each in
    turn: the same fits in the same order. ``cv_results_`` and the best
    estimator are those GridSearchCV computes. ``on_search_done`` is called
    before the refit. A plain :meth:`fit`, without a listener, is
    GridSearchCV's.

    The search is multi-metric (the comparison's score and, with
    ``predict_proba``, the log-loss) and its ``refit`` is a callable, so
    :meth:`score` uses the ``"score"`` metric, as a single-metric search would.
    When the listener asks it to stop, the search raises
    :class:`~sktoynet.comparison._search_base.SearchStopped` before its next
    chunk of candidates, or before its refit.
    """

    def warm_up(self, X, y, split):
        """Fit the first grid point once on ``split`` (see :func:`warm_up_seconds`); its seconds."""
        return warm_up_seconds(self.estimator, self.param_grid, X, y, split)

    def compile_time(self, warm_up_seconds):
        """The warm-up fit's time beyond a steady-state fit of the same (first) grid point."""
        if np.isnan(warm_up_seconds):
            return np.nan
        first_fit = float(self.cv_results_["mean_fit_time"][0])
        return max(warm_up_seconds - first_fit, 0.0)

    def out_of_fold_predictions(self, X, y, splits):
        """The best estimator fitted again on each of ``splits``' first disjoint folds."""
        return out_of_fold_predictions(self.best_estimator_, X, y, splits, n_jobs=self.n_jobs)

    def _in_parallel(self):
        return self._listener is not None and effective_n_jobs(self.n_jobs) != 1

    def fit(self, X, y=None, **params):
        if not self._in_parallel():
            return super().fit(X, y, **params)
        # GridSearchCV picks its joblib backend when fit starts, before _run_search.
        with counting_batches(self._listener.on_fits_done):
            return super().fit(X, y, **params)

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        listener = self._listener
        if listener is None:
            evaluate_candidates(candidates)
            return
        if effective_n_jobs(self.n_jobs) != 1:
            for chunk in self._chunks(candidates):
                check_stopping(listener)
                evaluate_candidates(chunk)
        else:
            for candidate in candidates:
                check_stopping(listener)
                evaluate_candidates([candidate])
                listener.on_fits_done(self.n_splits_)
        check_stopping(listener)  # before the refit
        listener.on_search_done()

    def _chunks(self, candidates):
        """All the candidates at once, or, when it may be stopped, in chunks of a few rounds.

        A chunk holds about ``CHUNK_ROUNDS`` fits per worker, so that the workers
        stay busy and a stop waits for a few fits only.
        """
        if not self._listener.can_stop():
            return [candidates]
        fits = CHUNK_ROUNDS * effective_n_jobs(self.n_jobs)
        size = max(1, round(fits / max(self.n_splits_, 1)))
        return [candidates[start : start + size] for start in range(0, len(candidates), size)]


def forget_memory(search, cache):
    """Point the pipelines back to no cache once the temporary one is gone."""
    for pipeline in (search.estimator, getattr(search, "best_estimator_", None)):
        if getattr(pipeline, "memory", None) == cache:
            pipeline.set_params(memory=None)


def warm_up_seconds(estimator, grid, X, y, split):
    """Fit the first grid point once on the first training fold; return its seconds.

    For estimators that compile (see :func:`compiles`), so that the search
    times steady-state fits; NaN for the others, which are not fitted.
    """
    if not compiles(estimator):
        return np.nan
    params = next(iter(ParameterGrid(grid)), {})
    train = split[0]
    started = time.perf_counter()
    clone(estimator).set_params(**params).fit(_safe_indexing(X, train), y[train])
    return time.perf_counter() - started


def make_search(estimator, grid, splits, scoring, *, n_jobs):
    metrics = {SCORE: scoring}
    if hasattr(estimator, "predict_proba"):
        metrics[LOSS] = "neg_log_loss"
    return _grid_search(
        estimator,
        grid,
        cv=splits,
        scoring=metrics,
        refit=partial(best_index, score=SCORE, loss=LOSS),
        n_jobs=n_jobs,
        return_train_score=True,
        error_score="raise",
    )


def _grid_search(estimator, grid, **options):
    """The search of one model: GridSearchCV, or ToyNetClassifierCV's for make_toynet.

    A grid of exactly learning_rate x width over a pipeline ending in
    ToyNetClassifier is searched by ToyNetClassifierCV, which trains all the
    fits in one program, whatever ``n_jobs``; any other grid goes through
    GridSearchCV. The other models' searches are made without importing
    TensorFlow.
    """
    if compiles(estimator):
        from sktoynet.comparison._cv_search import ToyNetCVSearch

        if ToyNetCVSearch.handles(estimator, grid):
            return ToyNetCVSearch(estimator, grid, **options)
    return _ProgressGridSearchCV(estimator, grid, **options)
