"""The command's exit ends its worker processes and leaves loky nothing to warn about."""

import textwrap

from tests._helpers import run_python

#: A joblib call in worker processes, then the command's clean-up, then an
#: exit cut short as the grace period cuts it (``os._exit``: no handlers at
#: exit). Loky's resource tracker outlives the process and writes to its stderr.
CALL_THEN_EXIT_CUT_SHORT = """
import os, sys, threading, time
from joblib import Parallel, delayed
from sktoynet.cli._workers import kill_worker_processes

def search():
    try:
        Parallel(n_jobs=2, backend="loky")(delayed(time.sleep)(0.5) for _ in range(40))
    except Exception:  # its workers were killed under it
        pass

threading.Thread(target=search, daemon=True).start()
time.sleep(3)  # the call is in flight
kill_worker_processes()
print("ended", flush=True)
sys.stderr.flush()
os._exit(0)
"""


def test_an_exit_cut_short_leaves_no_leaked_folder_warning():
    # joblib registers a temporary folder with loky's resource tracker for each
    # call, created on disk only when an array is large enough to be shared, and
    # forgets it at exit. Cut short, the exit skips that: the tracker then warns
    # about "leaked folder objects" after the command's last line, unless the
    # command's clean-up forgot the folders first.
    completed = run_python(textwrap.dedent(CALL_THEN_EXIT_CUT_SHORT))
    assert completed.stdout.strip() == "ended"
    assert "leaked" not in completed.stderr, completed.stderr[-2000:]
