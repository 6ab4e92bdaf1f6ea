"""Count the fits of a parallel grid search as they finish, whatever joblib backend runs them.

joblib calls its backend's ``batch_completed(batch_size, duration)`` in the
parent process each time a batch of tasks comes back, for every backend that
runs tasks asynchronously (loky, threads, dask). :func:`counting_batches`
hands the search a copy of the active backend whose ``batch_completed`` also
reports the batch's size. The copy is activated with
:func:`joblib.parallel_config`, whose setting is local to the calling thread,
so nothing global changes and searches in other threads are unaffected.
"""

import copy
import threading
from contextlib import contextmanager

import joblib
from joblib.parallel import get_active_backend

from sktoynet._interrupt import interrupts_deferred


@contextmanager
def counting_batches(on_batch_done):
    """Within the block, call ``on_batch_done(n_tasks)`` as each parallel batch finishes.

    ``on_batch_done`` runs in one of joblib's result threads of this process;
    it must be quick and thread-safe (``tqdm.update`` is).
    """
    backend, _ = get_active_backend()
    backend = copy.copy(backend)  # the user's backend instance stays as it was
    record_duration = backend.batch_completed

    def batch_completed(batch_size, duration):
        record_duration(batch_size, duration)  # keeps joblib's auto-batching informed
        on_batch_done(batch_size)

    backend.batch_completed = batch_completed
    with joblib.parallel_config(backend=backend):
        yield


class FitCounter:
    """Counts one search's finished fits into ``advance(n)``, never past ``total``.

    joblib may report a search's last batch a moment after the search has
    returned; :meth:`finish` then brings the count to ``total`` and a late
    report adds nothing. Calls may come from any thread.
    """

    def __init__(self, total, advance):
        self.total = total
        self.advance = advance
        self.done = 0
        self._lock = threading.Lock()

    def __call__(self, n_fits):
        with self._lock:
            n_fits = max(0, min(n_fits, self.total - self.done))
            self.done += n_fits
        if n_fits:
            self.advance(n_fits)

    def finish(self):
        self(self.total)


class InterruptSafeBar:
    """A tqdm bar whose updates Ctrl-C cannot cut in half.

    tqdm takes its write lock in ``refresh`` without a ``with``, so an
    interrupt raised in the main thread while it writes the bar (which is
    when a user sees the bar move, and presses Ctrl-C) left the lock held:
    the next update from another thread, joblib's result thread among them,
    waited forever, and so did the command's exit. Each call here holds the
    interrupt back until tqdm is done (see
    :func:`~sktoynet._interrupt.interrupts_deferred`); calls from other
    threads are not affected by signals and run as they are. An update is
    also where an interrupt that Python discarded is raised again (see
    :func:`~sktoynet._interrupt.check_interrupt`); closing the bar is
    cleanup, done even then.
    """

    def __init__(self, bar):
        self._bar = bar

    def _call(self, method, *args, start_anyway=False):
        with interrupts_deferred(start_anyway=start_anyway):
            return getattr(self._bar, method)(*args)

    def update(self, n=1):
        return self._call("update", n)

    def set_description(self, text):
        return self._call("set_description", text)

    def set_postfix_str(self, text):
        return self._call("set_postfix_str", text)

    def close(self):
        return self._call("close", start_anyway=True)
