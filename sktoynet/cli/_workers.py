"""The command's worker processes, ended at once when its run is over.

``compare`` hands the peers' fits to joblib's local worker processes (see
:mod:`sktoynet.comparison._side_by_side`). A library leaves their lifetime
to joblib; the command, which owns its process, ends them itself.
"""

import multiprocessing


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
    import atexit

    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is None:
        return
    executor.terminate(kill_workers=True)
    # terminate() forgets only the folders that exist on disk; the others (a
    # call's folder is made only for an array large enough to share) stay
    # registered with the tracker until joblib's handlers at exit, which an
    # exit cut short skips. Those handlers are run now instead.
    finalizers = executor._temp_folder_manager._finalizers
    for context_id in list(finalizers):
        finalizer = finalizers.pop(context_id)
        atexit.unregister(finalizer)
        finalizer()
