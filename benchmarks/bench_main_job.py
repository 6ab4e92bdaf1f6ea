"""How long does the main job, ``sktoynet compare``, take, report included?

Runs the README's main job (``sktoynet compare --out DIR``: both toy
problems, full grids, the HTML report) in a fresh process each time, as a
user does, so Python's start, TensorFlow's import and the compilation are
all counted. It takes turns between the default (the net trains in this
process while LogisticRegression's and MLPClassifier's fits run in worker
processes, ``--n-jobs -1``) and everything in one process (``--n-jobs 1``),
prints every wall time, the medians, their ratio and whether the default
meets the 30 s budget, and checks that both runs wrote the same table
(scores and chosen parameters; not times).

It also prints the CPU seconds of each run, workers included: spread over
all the cores, they are the least wall time any scheduling of the same work
could take, so they say how much a budget can gain from more parallelism
and how much only from less work.

With ``--mechanisms``, it takes turns instead between the command as it is
and the command with one of its process-lifetime mechanisms switched off
(see ``_main_job_without.py``): the killing of the workers at exit, the exit
watchdog. It prints each one's median and its ratio to the command as it is.

Run: python benchmarks/bench_main_job.py [--rounds 3] [--mechanisms [SWITCH ...]]
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from _common import machine_description, print_table

BUDGET_SECONDS = 30.0
SETTINGS = {"default (side by side)": [], "--n-jobs 1": ["--n-jobs", "1"]}
#: ``--mechanisms``: the setting's name, and the switch of ``_main_job_without.py``.
MECHANISMS = {
    "as it is": "none",
    "without the deferred net": "deferred_net",
    "without worker killing": "worker_killing",
    "without exit watchdog": "exit_watchdog",
}
WITHOUT = Path(__file__).with_name("_main_job_without.py")
SCORE_COLUMNS = ["best_params", "mean_test_score", "std_test_score", "p_value", "train_score"]


def children_cpu_seconds():
    """User + system CPU seconds of this process' finished children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_main_job(extra_args, out_dir, prefix=("-m", "sktoynet"), tree=None):
    """Wall and CPU seconds of one ``sktoynet compare`` in a fresh process, and its table.

    The CPU seconds are those of the process and of its worker processes
    (which it waits for before exiting), over all cores. ``tree``, a source
    folder, runs sktoynet from there instead of the installed package.
    """
    command = [sys.executable, *prefix, "compare", "--quiet", "--out", str(out_dir)]
    env = None if tree is None else dict(os.environ, PYTHONPATH=str(tree))
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    subprocess.run(
        [*command, *extra_args], check=True, stdout=subprocess.DEVNULL, env=env, cwd=tree
    )
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    table = pd.read_csv(out_dir / "results.csv", index_col=["dataset", "model"])
    shutil.rmtree(out_dir)
    return seconds, cpu, table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--mechanisms",
        nargs="*",
        choices=[switch for switch in MECHANISMS.values() if switch != "none"],
        help="time the command without each side-by-side mechanism instead (all, or those named)",
    )
    args = parser.parse_args()
    if args.mechanisms is not None:
        return time_mechanisms(args.rounds, args.mechanisms)

    print(f"# sktoynet compare: two toy problems, full grids, report; {machine_description()}")
    print(f"# each run a fresh process; load average before: {os.getloadavg()[0]:.1f}\n")
    times = {name: [] for name in SETTINGS}
    cpu_times = {name: [] for name in SETTINGS}
    tables = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(args.rounds):
            for name, extra_args in SETTINGS.items():
                seconds, cpu, tables[name] = run_main_job(extra_args, Path(scratch) / "report")
                times[name].append(seconds)
                cpu_times[name].append(cpu)
                print(
                    f"round {round_number + 1}, {name}: {seconds:.1f} s wall, {cpu:.1f} s CPU",
                    flush=True,
                )
    first, *others = tables.values()
    for table in others:
        pd.testing.assert_frame_equal(table[SCORE_COLUMNS], first[SCORE_COLUMNS])
    medians = {name: statistics.median(values) for name, values in times.items()}
    serial = medians["--n-jobs 1"]
    print()
    print_table(
        [
            "setting",
            "median wall (s)",
            "slowest (s)",
            "ratio to --n-jobs 1",
            "median CPU (s)",
            "CPU / cores (s)",
        ],
        [
            [
                name,
                f"{medians[name]:.1f}",
                f"{max(times[name]):.1f}",
                f"{medians[name] / serial:.2f}",
                f"{statistics.median(cpu_times[name]):.1f}",
                f"{statistics.median(cpu_times[name]) / os.cpu_count():.1f}",
            ]
            for name in SETTINGS
        ],
    )
    default = "default (side by side)"
    met = "met" if max(times[default]) <= BUDGET_SECONDS else "NOT met"
    met_median = "met" if medians[default] <= BUDGET_SECONDS else "NOT met"
    print(
        f"default / --n-jobs 1 wall-time ratio: {medians[default] / serial:.2f}; "
        f"budget of {BUDGET_SECONDS:.0f} s at the median: {met_median} "
        f"({medians[default]:.1f} s); for every default run: {met} "
        f"(slowest {max(times[default]):.1f} s). Same table in both settings."
    )
    # The same work takes more or fewer CPU-seconds as the machine's speed varies
    # (a shared virtual machine): the spread says how much of the wall times' is its.
    print(
        f"CPU seconds of the default runs: {min(cpu_times[default]):.1f} to "
        f"{max(cpu_times[default]):.1f} for the same work."
    )


def time_mechanisms(rounds, switches):
    """Take turns between the command as it is and without each mechanism; print ratios.

    ``switches`` name the mechanisms to time; none means all.
    """
    settings = {
        name: switch
        for name, switch in MECHANISMS.items()
        if switch == "none" or not switches or switch in switches
    }
    print(f"# sktoynet compare without each side-by-side mechanism; {machine_description()}")
    print(f"# each run a fresh process; load average before: {os.getloadavg()[0]:.1f}\n")
    times = {name: [] for name in settings}
    tables = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(rounds):
            for name, switch in settings.items():
                seconds, cpu, tables[name] = run_main_job(
                    [], Path(scratch) / "report", prefix=(str(WITHOUT), switch)
                )
                times[name].append(seconds)
                print(
                    f"round {round_number + 1}, {name}: {seconds:.1f} s wall, {cpu:.1f} s CPU; "
                    f"load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    first, *others = tables.values()
    for table in others:
        pd.testing.assert_frame_equal(table[SCORE_COLUMNS], first[SCORE_COLUMNS])
    medians = {name: statistics.median(values) for name, values in times.items()}
    reference = medians["as it is"]
    print()
    print_table(
        ["setting", "median wall (s)", "fastest (s)", "slowest (s)", "ratio to as it is"],
        [
            [
                name,
                f"{medians[name]:.1f}",
                f"{min(times[name]):.1f}",
                f"{max(times[name]):.1f}",
                f"{medians[name] / reference:.2f}",
            ]
            for name in settings
        ],
    )
    print(
        "A mechanism saves (ratio - 1) of the median wall time; one is kept for speed only "
        "if it saves at least 10 % (ratio >= 1.10). Same table in every setting."
    )


if __name__ == "__main__":
    main()
