"""``sktoynet`` with one side-by-side mechanism switched off, for ``bench_main_job.py``.

Run: python benchmarks/_main_job_without.py MECHANISM compare [ARGS...]

MECHANISM is ``none`` (the command as it is) or one of :data:`SWITCHES`. Each
switch replaces a function of the command by what the command would do
without the mechanism; the package itself has no such option.
"""

import sys
from collections import deque
from contextlib import contextmanager


def _no_early_start():
    from sktoynet.cli import _command
    from sktoynet.comparison import _models

    _command.start_workers = lambda n_workers: None
    # The net's model built with the others, before the first search, TensorFlow imported.
    _models.default_models_built_later = _models.default_models


def _no_figures_while_waiting():
    from sktoynet.cli import _command

    @contextmanager
    def nothing_runs_them():
        yield deque()  # the figures are drawn with the report, at the end

    _command.tasks_while_waiting = nothing_runs_them


def _no_worker_killing():
    from sktoynet.cli import _command

    _command.kill_worker_processes = lambda: None


def _no_exit_watchdog():
    from sktoynet.cli import _command

    _command._end_anyway_after = lambda seconds, status: None


SWITCHES = {
    "early_start": _no_early_start,
    "figures_while_waiting": _no_figures_while_waiting,
    "worker_killing": _no_worker_killing,
    "exit_watchdog": _no_exit_watchdog,
}


if __name__ == "__main__":
    mechanism, *arguments = sys.argv[1:]
    if mechanism != "none":
        SWITCHES[mechanism]()
    from sktoynet.cli import run

    sys.argv = ["sktoynet", *arguments]
    run()
