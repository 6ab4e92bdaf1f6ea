"""Running compare()'s searches: in this process, or side by side with the worker processes."""

import threading
import time
from functools import partial

from sklearn.model_selection import ParameterGrid

from sktoynet._interrupt import interrupts_deferred
from sktoynet._utils import compiles
from sktoynet.comparison._models import DeferredModel
from sktoynet.comparison._out_of_fold import class_tables, expected_fit_warnings_hidden
from sktoynet.comparison._progress import FitCounter, InterruptSafeBar
from sktoynet.comparison._search_base import SearchListener, check_stopping
from sktoynet.comparison._searches import make_search
from sktoynet.comparison._side_by_side import Background, local_worker_processes, worker_processes


def search_all(models, X, y, splits, scoring, n_jobs, progress):
    """Fit one grid search per model on the same splits.

    Returns the searches by name, and for each model its warm-up time, total
    time and out-of-fold confusion matrix and per-class metrics. With local
    worker processes, the models that compile are searched in this thread
    while the others run in the workers (see :mod:`sktoynet.comparison._side_by_side`).
    A :class:`~sktoynet.comparison._models.DeferredModel` is built on its turn,
    in this thread, once the workers' searches have started.
    """
    n_workers = local_worker_processes(n_jobs)
    here_n_jobs = None if n_workers else n_jobs  # one fit after the other, in this process
    here = [name for name, spec in models.items() if not n_workers or _searched_here(spec)]
    elsewhere = [name for name in models if name not in here]
    n_candidates = sum(_n_candidates(spec) for spec in models.values())
    searches = {}  # each made just before it runs
    bar = None
    try:
        # A signal while tqdm draws the bar is raised once the bar exists, so the bar is
        # always cleared below, before the command's last line (not later, by the
        # garbage collector).
        with interrupts_deferred():
            bar = _progress_bar(n_candidates, len(splits)) if progress else None
        labels = _BarLabels(bar, order=list(models))
        run = partial(_search_one, X=X, y=y, splits=splits, labels=labels)
        background = None
        extras = {}
        # One warning context, opened here for both threads: catch_warnings is not
        # thread-safe, so none of ours opens inside the searches. The filters are
        # restored when this block ends (tested).
        with expected_fit_warnings_hidden():
            try:
                if elsewhere:
                    # In the background thread, n_workers as a number: that thread has no
                    # joblib context. It gets its own dict: this thread adds to `searches`.
                    theirs = {
                        name: make_search(*models[name], splits, scoring, n_jobs=n_workers)
                        for name in elsewhere
                    }
                    searches.update(theirs)
                    background = Background(partial(_search_in_workers, theirs, run))
                for name in here:
                    searches[name] = make_search(
                        *_built(models[name]), splits, scoring, n_jobs=here_n_jobs
                    )
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
    return {name: searches[name] for name in models}, {name: extras[name] for name in models}


def _searched_here(spec):
    """Whether the model ``spec`` is searched in this process: it compiles, or is deferred."""
    return isinstance(spec, DeferredModel) or compiles(spec[0])


def _n_candidates(spec):
    return spec.n_candidates if isinstance(spec, DeferredModel) else len(ParameterGrid(spec[1]))


def _built(spec):
    """``(estimator, grid)`` of the model ``spec``, built now if it is deferred."""
    return spec.build() if isinstance(spec, DeferredModel) else spec


def _search_in_workers(searches, run, stopping):
    """``{name: extras}`` of the ``searches`` by name, their fits in worker processes."""
    extras = {}
    with worker_processes():
        for name, search in searches.items():
            extras[name] = run(name, search, stopping=stopping)
    return extras


def _search_one(name, search, *, X, y, splits, labels, stopping=None):
    """Warm up, search, refit and predict out of fold one model; its extras.

    When ``stopping`` (a :class:`threading.Event`, set from another thread)
    is set, the search raises
    :class:`~sktoynet.comparison._search_base.SearchStopped` before its next step.
    """
    listener = _ModelListener(name, labels, stopping)
    check_stopping(listener)
    started = time.perf_counter()
    listener.counter = labels.start(name, search, len(splits))
    compile_time = search.run(X, y, splits, listener=listener)
    check_stopping(listener)
    labels.note(name, "out-of-fold predictions")
    y_true, y_pred = search.out_of_fold_predictions(X, y, splits)
    confusion, per_class = class_tables(y_true, y_pred, search.best_estimator_.classes_)
    if listener.counter is not None:
        listener.counter.finish()
    labels.finish(name)
    return {
        "compile_time": compile_time,
        "total_time": time.perf_counter() - started,
        "confusion": confusion,
        "per_class": per_class,
    }


class _ModelListener(SearchListener):
    """One model's search, heard by the progress bar, stopped when ``stopping`` is set."""

    def __init__(self, name, labels, stopping):
        self.name = name
        self.labels = labels
        self.stopping = stopping
        self.counter = None  # the FitCounter of the bar, once the search starts

    def on_fits_done(self, n_fits):
        if self.counter is not None:
            self.counter(n_fits)

    def on_search_done(self):
        self.labels.note(self.name, "refitting the best")

    def stop_requested(self):
        return self.stopping is not None and self.stopping.is_set()

    def can_stop(self):
        return self.stopping is not None


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
        """Show ``name`` as searched; return the FitCounter of its fits (None without a bar)."""
        if self.bar is None:
            return None
        total = len(ParameterGrid(search.param_grid)) * n_splits
        self.note(name, "")
        return FitCounter(total, self.bar.update)

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
