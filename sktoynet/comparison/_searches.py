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
from sktoynet.comparison._progress import counting_batches
from sktoynet.comparison._search_base import LOSS, SCORE, ProgressCallbacks

#: A stoppable parallel search hands its fits to joblib in chunks of this many per worker.
CHUNK_ROUNDS = 5


class _ProgressGridSearchCV(ProgressCallbacks, GridSearchCV):
    """GridSearchCV that reports its fits as they finish.

    With ``n_jobs`` other than one process, every candidate x fold is handed
    to joblib at once (as GridSearchCV does) and ``on_fits_done`` is called
    from the parent as each batch of fits comes back (see
    :func:`sktoynet.comparison._progress.counting_batches`). In one process, the
    candidates are evaluated one after the other and reported each in turn:
    the same fits in the same order. ``cv_results_`` and the best estimator
    are those GridSearchCV computes. ``on_search_done`` is called before the
    refit.

    The search is multi-metric (the comparison's score and, with
    ``predict_proba``, the log-loss) and its ``refit`` is a callable, so
    :meth:`score` uses the ``"score"`` metric, as a single-metric search would.
    When ``stopping`` is set (see :class:`~sktoynet.comparison._search_base.ProgressCallbacks`),
    the search raises :class:`~sktoynet.comparison._search_base.SearchStopped` before its
    next chunk of candidates, or before its refit.
    """

    def _in_parallel(self):
        return self.on_fits_done is not None and effective_n_jobs(self.n_jobs) != 1

    def fit(self, X, y=None, **params):
        if not self._in_parallel():
            return super().fit(X, y, **params)
        # GridSearchCV picks its joblib backend when fit starts, before _run_search.
        with counting_batches(self.on_fits_done):
            return super().fit(X, y, **params)

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        if self.on_fits_done is None and self.stopping is None:
            evaluate_candidates(candidates)
        elif effective_n_jobs(self.n_jobs) != 1:
            for chunk in self._chunks(candidates):
                self.check_stopping()
                evaluate_candidates(chunk)
        else:
            for candidate in candidates:
                self.check_stopping()
                evaluate_candidates([candidate])
                if self.on_fits_done is not None:
                    self.on_fits_done(self.n_splits_)
        self.check_stopping()  # before the refit
        if self.on_search_done is not None:
            self.on_search_done()

    def _chunks(self, candidates):
        """All the candidates at once, or, when it may be stopped, in chunks of a few rounds.

        A chunk holds about ``CHUNK_ROUNDS`` fits per worker, so that the workers
        stay busy and a stop waits for a few fits only.
        """
        if self.stopping is None:
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


def make_search(estimator, grid, splits, scoring, n_jobs):
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
