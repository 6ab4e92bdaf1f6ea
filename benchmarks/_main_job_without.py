"""``sktoynet`` with one side-by-side mechanism switched off, for ``bench_main_job.py``.

Run: python benchmarks/_main_job_without.py MECHANISM compare [ARGS...]

MECHANISM is ``none`` (the command as it is) or one of :data:`SWITCHES`. Each
switch replaces a function of the command by what the command would do
without the mechanism; the package itself has no such option. (The early
start of the workers and the figures drawn while waiting were measured with
it too, at commit af6c8f7, and have since been removed: see
docs/performance.rst.)
"""

import sys


def _no_deferred_net():
    from sktoynet.comparison import _models

    # sktoynet's model built with the others, before any search starts, as a library call does.
    _models.command_models = _models.default_models


def _no_worker_killing():
    from sktoynet.cli import _command

    _command.kill_worker_processes = lambda: None


def _no_exit_watchdog():
    from sktoynet.cli import _command

    _command._end_anyway_after = lambda seconds, status: None


SWITCHES = {
    "deferred_net": _no_deferred_net,
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
