"""Running compare()'s searches: in this process, or side by side with the worker processes."""

import threading
import time
from functools import partial

import numpy as np
from sklearn.model_selection import ParameterGrid

from sktoynet._interrupt import interrupts_deferred
from sktoynet._utils import compiles
from sktoynet.comparison._out_of_fold import (
    class_tables,
    expected_fit_warnings_hidden,
    out_of_fold_predictions,
)
from sktoynet.comparison._progress import FitCounter, InterruptSafeBar
from sktoynet.comparison._searches import make_search, warm_up_seconds
from sktoynet.comparison._side_by_side import (
    Background,
    Deferred,
    local_worker_processes,
    worker_processes,
)


def search_all(models, X, y, splits, scoring, n_jobs, progress):
    """Fit one grid search per model on the same splits.

    Returns the searches by name, and for each model its warm-up time, total
    time and out-of-fold confusion matrix and per-class metrics. With local
    worker processes, the models that compile are searched in this thread
    while the others run in the workers (see :mod:`sktoynet.comparison._side_by_side`).
    A :class:`~sktoynet.comparison._side_by_side.Deferred` model is built on its turn,
    in this thread, once the workers' searches have started.
    """
    n_workers = local_worker_processes(n_jobs)
    here_n_jobs = None if n_workers else n_jobs  # one fit after the other, in this process
    searches = {
        name: None if isinstance(spec, Deferred) else make_search(*spec, splits, scoring, n_jobs)
        for name, spec in models.items()
    }  # a deferred model's search is made on its turn
    here, elsewhere = list(searches), []
    if n_workers:
        here = [
            name
            for name, search in searches.items()
            if search is None or compiles(search.estimator)
        ]
        elsewhere = [name for name in searches if name not in here]
        for name in here:
            if searches[name] is not None:
                searches[name].n_jobs = here_n_jobs
        for name in elsewhere:
            searches[name].n_jobs = n_workers  # a number: the thread has no joblib context
    n_candidates = sum(
        spec.n_candidates if isinstance(spec, Deferred) else len(ParameterGrid(spec[1]))
        for spec in models.values()
    )
    bar = None
    try:
        # A signal while tqdm draws the bar is raised once the bar exists, so the bar is
        # always cleared below, before the command's last line (not later, by the
        # garbage collector).
        with interrupts_deferred():
            bar = _progress_bar(n_candidates, len(splits)) if progress else None
        labels = _BarLabels(bar, order=list(searches))
        run = partial(_search_one, X=X, y=y, splits=splits, labels=labels)
        background = None
        extras = {}
        # One warning context, opened here for both threads: catch_warnings is not
        # thread-safe, so none of ours opens inside the searches. The filters are
        # restored when this block ends (tested).
        with expected_fit_warnings_hidden():
            try:
                if elsewhere:
                    background = Background(
                        partial(_search_in_workers, elsewhere, searches, run)
                    )
                for name in here:
                    if searches[name] is None:
                        model = models[name].build()
                        searches[name] = make_search(*model, splits, scoring, here_n_jobs)
                    extras[name] = run(name, searches[name])
                if background is not None:
                    extras.update(background.result())
            except BaseException:
                if background is not None:
                    background.stop()
                raise
    finally:
        if bar is not None:
            bar.close()
    return searches, {name: extras[name] for name in searches}


def _search_in_workers(names, searches, run, stopping):
    """``{name: extras}`` of the models ``names``, their fits in worker processes."""
    extras = {}
    with worker_processes():
        for name in names:
            searches[name].stopping = stopping
            extras[name] = run(name, searches[name])
            searches[name].stopping = None
    return extras


def _search_one(name, search, *, X, y, splits, labels):
    """Warm up, search, refit and predict out of fold one model; its extras.

    A search told to stop (its ``stopping`` set, from another thread) raises
    :class:`~sktoynet.comparison._search_base.SearchStopped` before each of these steps.
    """
    search.check_stopping()
    started = time.perf_counter()
    counter = labels.start(name, search, len(splits))
    if hasattr(search, "warm_up"):  # a search that compiles one program for its whole grid
        compile_time = search.warm_up(X, y)
    else:
        warm_up = warm_up_seconds(search.estimator, search.param_grid, X, y, splits[0])
    search.fit(X, y)
    search.on_fits_done = search.on_search_done = None
    if not hasattr(search, "warm_up"):
        # The warm-up fit's time beyond a steady-state fit of the same (first) grid point.
        first_fit = float(search.cv_results_["mean_fit_time"][0])
        compile_time = np.nan if np.isnan(warm_up) else max(warm_up - first_fit, 0.0)
    search.check_stopping()
    labels.note(name, "out-of-fold predictions")
    if hasattr(search, "out_of_fold_predictions"):  # its fold networks are at hand
        y_true, y_pred = search.out_of_fold_predictions(X, y, splits)
    else:
        y_true, y_pred = out_of_fold_predictions(
            search.best_estimator_, X, y, splits, n_jobs=search.n_jobs
        )
    confusion, per_class = class_tables(y_true, y_pred, search.best_estimator_.classes_)
    if counter is not None:
        counter.finish()
    labels.finish(name)
    return {
        "compile_time": compile_time,
        "total_time": time.perf_counter() - started,
        "confusion": confusion,
        "per_class": per_class,
    }


class _BarLabels:
    """The progress bar's description (the models being searched) and postfix (their stage).

    Several models may be searched at once, from two threads; ``None`` for no bar.
    """

    def __init__(self, bar, order):
        self.bar = bar
        self.order = order  # the models, in the order they are shown
        self.stages = {}
        self._lock = threading.Lock()

    def start(self, name, search, n_splits):
        """Show ``name`` as searched; return the FitCounter the search reports to."""
        if self.bar is None:
            return None
        total = len(ParameterGrid(search.param_grid)) * n_splits
        counter = FitCounter(total, self.bar.update)
        search.on_fits_done = counter
        search.on_search_done = partial(self.note, name, "refitting the best")
        self.note(name, "")
        return counter

    def note(self, name, stage):
        if self.bar is None:
            return
        with self._lock:
            self.stages[name] = stage
            self._show()

    def finish(self, name):
        if self.bar is None:
            return
        with self._lock:
            self.stages.pop(name, None)
            self._show()

    def _show(self):
        running = [name for name in self.order if name in self.stages]
        if not running:
            return
        self.bar.set_description(" + ".join(running))
        self.bar.set_postfix_str(
            "; ".join(
                (f"{name}: {self.stages[name]}" if len(running) > 1 else self.stages[name])
                for name in running
                if self.stages[name]
            )
        )


def _progress_bar(n_candidates, n_splits):
    from tqdm.auto import tqdm

    total = None if n_splits is None else n_candidates * n_splits
    return InterruptSafeBar(tqdm(total=total, unit="fit", leave=False, dynamic_ncols=True))
