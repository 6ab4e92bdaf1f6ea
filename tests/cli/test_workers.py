"""The command's exit leaves loky's resource tracker nothing to warn about."""

import textwrap

import pytest

from tests._helpers import run_python

#: A joblib call in flight in worker processes, the workers killed, and the
#: exit cut short as the grace period cuts it (``os._exit``: no handlers at
#: exit). Loky's resource tracker outlives the process and writes to its stderr.
KILLED_THEN_EXIT_CUT_SHORT = """
import multiprocessing, os, sys, threading, time
from joblib import Parallel, delayed
from sktoynet.cli._workers import quiet_resource_tracker

if {quiet}:
    quiet_resource_tracker()

def search():
    try:
        Parallel(n_jobs=2, backend="loky")(delayed(time.sleep)(0.5) for _ in range(40))
    except Exception:  # its workers were killed under it
        pass

threading.Thread(target=search, daemon=True).start()
time.sleep(3)  # the call is in flight
for child in multiprocessing.active_children():
    child.terminate()
    child.join()
print("ended", flush=True)
sys.stderr.flush()
os._exit(0)
"""


@pytest.mark.parametrize("quiet", [False, True], ids=["library", "command"])
def test_an_exit_cut_short_warns_of_leaks_only_outside_the_command(quiet):
    # Outside the command (a library's process), the tracker's warning is left
    # alone: it shows that the exit was cut short, which here it was.
    code = textwrap.dedent(KILLED_THEN_EXIT_CUT_SHORT).format(quiet=quiet)
    completed = run_python(code)
    assert completed.stdout.strip() == "ended"
    assert ("leaked" in completed.stderr) is not quiet, completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
