"""Ctrl-C that stops the command in every stage, MLPClassifier's training included.

scikit-learn's MLPClassifier catches KeyboardInterrupt and only warns
"Training interrupted by user.", and GridSearchCV turns a fit's ``Exception``
into a score. While :func:`interrupts_stop_the_run` is active, SIGINT raises
:class:`Interrupted`, a ``BaseException`` that is neither, so it passes
through both. The previous handler is restored on leaving.
"""

import signal
import threading
from contextlib import contextmanager


class Interrupted(BaseException):
    """The user pressed Ctrl-C (SIGINT) during a run."""


class _Handler:
    def __init__(self):
        self.deferring = False
        self.pending = False

    def __call__(self, signum, frame):
        if self.deferring:
            self.pending = True
            return
        raise Interrupted


_active = threading.local()


@contextmanager
def interrupts_stop_the_run():
    """Within the block, SIGINT raises :class:`Interrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    handler = _Handler()
    previous = signal.signal(signal.SIGINT, handler)
    _active.handler = handler
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _active.handler = None


@contextmanager
def interrupts_deferred():
    """Within the block, SIGINT is noted instead of raised; it is raised when the block ends.

    For a step that must not be cut in half, such as renaming the report
    into place or writing the progress bar. Blocks may nest: the outermost
    one raises. Yields the handler, whose ``pending`` says whether a SIGINT
    came during the block; the caller that has nothing left to do after the
    block may clear it and finish normally.
    """
    handler = getattr(_active, "handler", None)
    if handler is None:
        yield _Handler()
        return
    outer = handler.deferring  # within another such block: that one raises, at its end
    handler.deferring = True
    try:
        yield handler
    finally:
        handler.deferring = outer
    if handler.pending and not outer:
        handler.pending = False
        raise Interrupted
