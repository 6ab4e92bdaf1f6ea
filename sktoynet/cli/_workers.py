"""The command's worker processes, ended at once when its run is over.

``compare`` hands the peers' fits to joblib's local worker processes (see
:mod:`sktoynet.comparison._side_by_side`). A library leaves their lifetime
to joblib; the command, which owns its process, ends them itself.
"""

import multiprocessing
import sys

#: A warning filter, in ``python -W`` form, for loky's resource tracker.
TRACKER_LEAK_WARNINGS_IGNORED = "ignore:resource_tracker:UserWarning"


def quiet_resource_tracker():
    """Keep loky's resource tracker from warning about what the command's exit leaves it.

    For ``sktoynet compare``, before any worker process starts. The tracker
    is a process of its own that outlives the command and deletes the
    semaphores and temporary folders that joblib's workers used, when Python's
    handlers at exit did not. The command's exit kills its workers and, after
    an interrupt, may be cut short by the grace period: the tracker then
    cleans up as it should, but first warned about "leaked" objects on the
    terminal, after the command's last line. The tracker starts with the
    interpreter's ``-W`` options (``sys.warnoptions``), so this filter, which
    matches only the tracker's own messages, reaches it (and the workers,
    which never raise such a warning).
    """
    if TRACKER_LEAK_WARNINGS_IGNORED not in sys.warnoptions:
        sys.warnoptions.append(TRACKER_LEAK_WARNINGS_IGNORED)


def kill_worker_processes():
    """Kill this process's worker processes now, their fits in flight with them.

    For ``sktoynet compare``, whose only child processes are joblib's
    workers (a library must not call this), once its run is over:

    - after Ctrl-C, the workers would finish their fits, and at exit joblib's
      executor waits for every fit handed to it, however long, including
      those of a search whose thread did not stop within
      :meth:`Background.stop`'s timeout;
    - after a complete run, the workers are idle, and ending them all at once
      is quicker than the executor's shutdown at exit.
    """
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()  # SIGTERM: loky's processes offer no kill()
    for child in children:
        child.join(timeout=5)
    _release_shared_memory()


def _release_shared_memory():
    """Let joblib's executor delete its memmapping folders now that its workers are gone.

    joblib deletes a Parallel call's folder when the call ends, or at exit.
    A search stopped midway (Ctrl-C, SIGTERM) never ends its call, and an
    exit cut short by the grace period skips the handlers at exit: loky's
    resource tracker then deletes the folder itself, with a warning about
    "leaked folder objects" after the command's last line. The executor's
    ``terminate(kill_workers=True)`` is joblib's own clean-up for killed
    workers. ``loky.reusable_executor._executor`` is the executor joblib
    reuses (None before the first parallel call); joblib has no public way
    to reach it without making one.
    """
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.terminate(kill_workers=True)
