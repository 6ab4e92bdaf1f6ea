"""Ctrl-C (and SIGTERM) that stops the command in every stage, and is never lost.

scikit-learn's MLPClassifier catches KeyboardInterrupt and only warns
"Training interrupted by user.", and GridSearchCV turns a fit's ``Exception``
into a score. While :func:`interrupts_stop_the_run` is active, SIGINT and
SIGTERM raise :class:`Interrupted`, a ``BaseException`` that is neither, so
it passes through both. The previous handlers are restored on leaving.

Python runs a signal handler between two bytecodes of the main thread,
wherever they are: possibly in a garbage-collector callback, a ``__del__``
or a weakref callback, where an exception is printed ("Exception ignored
in ...") and discarded, and the run went on to write a full report. So the
handler also *latches* the interrupt: :func:`check_interrupt`, called where
work is handed out or collected (each chunk of epochs, each candidate of a
search, each progress-bar update, the wait for the background searches, the
commit of the report), raises it again, and an interrupt that was discarded
is not printed. Leaving :func:`interrupts_stop_the_run` raises it too, so a
latched interrupt always ends the run as an interrupt, whatever else is
raised meanwhile.
"""

import signal
import sys
import threading
from contextlib import contextmanager

#: The signals that stop the run.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The user pressed Ctrl-C (SIGINT), or the run was sent SIGTERM.

    ``signum`` is the signal's number (``signal.SIGINT`` when not given).
    """

    def __init__(self, signum=signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


class _Handler:
    """The signal handler of one run: it latches the first signal and raises it once.

    ``pending`` is the latched signal (0 for none). ``raised`` says whether
    the handler itself has raised since: a second signal then only latches,
    so that a second Ctrl-C (or ``timeout``'s SIGTERM, sent to the command
    and then to its whole process group) cannot cut the cleanup that the
    first one set off. When an :class:`Interrupted` is discarded (see
    :meth:`unraisable`), the next signal raises again.
    """

    def __init__(self):
        self.deferring = False
        self.pending = 0
        self.raised = False
        self.delivered = False

    def __call__(self, signum, frame):
        if self.delivered:
            return
        self.pending = self.pending or signum
        if self.deferring or self.raised:
            return
        self.raised = True
        raise Interrupted(self.pending)

    def check(self):
        if self.pending and not self.deferring and not self.delivered:
            self.raised = True
            raise Interrupted(self.pending)

    def result_delivered(self):
        """The run's result is in place (the report renamed into its folder): finish it.

        An interrupt that came while it was put there, and any later one,
        is ignored: the run ends as the complete run it is, instead of
        saying "no report written" next to a report.
        """
        self.pending = 0
        self.delivered = True

    def unraisable(self, previous, info):
        """``sys.unraisablehook``: an Interrupted discarded by Python stays latched, unprinted."""
        if isinstance(info.exc_value, Interrupted):
            self.raised = False
            return
        previous(info)


_active = threading.local()


def check_interrupt():
    """Raise :class:`Interrupted` if a signal stopped the run; a no-op elsewhere.

    Only the main thread, within :func:`interrupts_stop_the_run`, ever
    raises: other threads (joblib's result threads, the background
    searches) are stopped by the main thread, and a deferred block
    (:func:`interrupts_deferred`) raises at its end instead.
    """
    handler = getattr(_active, "handler", None)
    if handler is not None:
        handler.check()


@contextmanager
def interrupts_stop_the_run():
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only).

    An interrupt latched within the block and not yet raised (see
    :func:`check_interrupt`) is raised on leaving it, in place of whatever
    else ends the block: the run was interrupted.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    handler = _Handler()
    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = lambda info: handler.unraisable(previous_hook, info)
    outer, _active.handler = getattr(_active, "handler", None), handler
    try:
        yield
    except Interrupted:
        raise
    except BaseException as exc:
        if handler.pending:  # e.g. a worker ended by the same SIGTERM, seen first
            raise Interrupted(handler.pending) from exc
        raise
    else:
        handler.check()
    finally:
        _active.handler = outer
        sys.unraisablehook = previous_hook
        for signum, before in previous.items():
            signal.signal(signum, before)


@contextmanager
def interrupts_deferred(*, start_anyway=False):
    """Within the block, a signal is noted instead of raised; it is raised when the block ends.

    For a step that must not be cut in half, such as renaming the report
    into place or writing the progress bar. An interrupt latched before the
    block is raised on entering it, so the step does not start, unless
    ``start_anyway`` (for a cleanup step, such as closing the bar). Blocks may
    nest: the outermost one raises. Yields the handler, whose ``pending``
    says whether a signal came during the block; the caller whose block
    delivered the run's result calls its ``result_delivered()``.
    """
    handler = getattr(_active, "handler", None)
    if handler is None:
        yield _Handler()
        return
    outer = handler.deferring  # within another such block: that one raises, at its end
    if not start_anyway:
        handler.check()
    handler.deferring = True
    try:
        yield handler
    finally:
        handler.deferring = outer
    handler.check()
