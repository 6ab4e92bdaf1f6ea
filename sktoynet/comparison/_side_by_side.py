"""The net searched in this process while the other models' fits run in worker processes.

When ``n_jobs`` asks for several of joblib's local worker processes (its
default loky backend), :func:`sktoynet.compare` splits the work in two:

- the models that compile a training program (sktoynet) are searched here,
  one fit after the other. Once compiled, their fits take milliseconds, while
  a worker process would first import TensorFlow and compile again;
- meanwhile a :class:`Background` thread searches the other models, handing
  their fits to the worker processes. It starts first, so that a model
  built on its turn (:class:`~sktoynet.comparison._models.DeferredModel`,
  the command's net) imports TensorFlow while those fits already run.

Every fit is seeded and gets the same rows either way, so the results are
those of one process. If this thread fails or is interrupted (Ctrl-C),
:meth:`Background.stop` tells the background searches to stop after the fits
in flight, instead of running on unseen.

Other joblib backends (dask, threads) get every model's fits, as they did.
"""

import os
import signal
import threading
from contextlib import contextmanager

from joblib import effective_n_jobs, parallel_config
from joblib.parallel import LokyBackend, get_active_backend

from sktoynet._interrupt import check_interrupt

#: How much lower the scheduling priority of the worker processes is (see ``nice``).
WORKER_NICENESS = 10


def local_worker_processes(n_jobs):
    """How many worker processes ``n_jobs`` means for the other models; 0 for none.

    Nonzero only for joblib's default loky backend and ``n_jobs`` of 2 or
    more (``-1``: one per core). Must be called from the thread that set any
    :func:`joblib.parallel_config`.
    """
    backend, _ = get_active_backend()
    n_workers = effective_n_jobs(n_jobs)
    return n_workers if isinstance(backend, LokyBackend) and n_workers > 1 else 0


def _yield_to_the_parent():
    """Worker initializer: a lower priority than the process that trains the net, and no Ctrl-C.

    A terminal's Ctrl-C reaches the workers too. The parent handles it: it
    stops its searches and ends the workers (the ``sktoynet`` command) or
    leaves them to joblib. In a worker, it would only interrupt a fit, and
    MLPClassifier's would print "Training interrupted by user." over the
    command's last line.
    """
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_processes():
    """Within the block (in this thread), joblib's local workers yield the CPU to this process.

    The net trains in this process, one fit after the other, and the others
    wait for it, while the workers' fits can soak up whatever CPU is left:
    so the workers run at a lower priority (``nice``, on Unix). Nothing
    changes for other processes of the machine, nor for joblib calls made
    elsewhere.
    """
    with parallel_config(backend="loky", initializer=_yield_to_the_parent):
        yield


class Background:
    """Run ``work(stopping)`` in a daemon thread; :meth:`result` waits for it.

    ``work`` gets a :class:`threading.Event` that is set when the run is
    stopped, to check between its steps.
    """

    def __init__(self, work):
        self.stopping = threading.Event()
        self._done = threading.Event()
        self._value = self._error = None
        self._thread = threading.Thread(
            target=self._run, args=(work,), name="sktoynet-background-searches", daemon=True
        )
        self._thread.start()

    def _run(self, work):
        try:
            self._value = work(self.stopping)
        except BaseException as exc:  # handed to the waiting thread by result()
            self._error = exc
        finally:
            self._done.set()

    def result(self):
        """The value of ``work``, once it is done; its exception if it raised one.

        Waits in short steps, so that Ctrl-C reaches the waiting thread, and
        checks for an interrupt that Python discarded after each (see
        :func:`~sktoynet._interrupt.check_interrupt`).
        """
        while not self._done.is_set():
            check_interrupt()
            self._done.wait(0.1)
        check_interrupt()  # the work may have failed because of it (a worker sent SIGTERM too)
        if self._error is not None:
            raise self._error
        return self._value

    def stop(self, timeout=10.0):
        """Ask the background work to stop, and wait for it up to ``timeout`` seconds.

        The work sees :attr:`stopping` between its steps (a grid search of
        :func:`sktoynet.compare` checks it between chunks of candidates, so
        only the fits in flight finish); the thread is a daemon, so it never
        holds up the interpreter's exit.
        """
        self.stopping.set()
        self._thread.join(timeout)
