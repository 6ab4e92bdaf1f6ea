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

Run: python benchmarks/bench_main_job.py [--rounds 3]
"""

import argparse
import os
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
SCORE_COLUMNS = ["best_params", "mean_test_score", "std_test_score", "p_value", "train_score"]


def run_main_job(extra_args, out_dir):
    """Wall seconds of one ``sktoynet compare`` in a fresh process, and its results table."""
    command = [sys.executable, "-m", "sktoynet", "compare", "--quiet", "--out", str(out_dir)]
    started = time.perf_counter()
    subprocess.run([*command, *extra_args], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    table = pd.read_csv(out_dir / "results.csv", index_col=["dataset", "model"])
    shutil.rmtree(out_dir)
    return seconds, table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    print(f"# sktoynet compare: two toy problems, full grids, report; {machine_description()}")
    print(f"# each run a fresh process; load average before: {os.getloadavg()[0]:.1f}\n")
    times = {name: [] for name in SETTINGS}
    tables = {}
    with tempfile.TemporaryDirectory() as scratch:
        for round_number in range(args.rounds):
            for name, extra_args in SETTINGS.items():
                seconds, tables[name] = run_main_job(extra_args, Path(scratch) / "report")
                times[name].append(seconds)
                print(f"round {round_number + 1}, {name}: {seconds:.1f} s", flush=True)
    first, *others = tables.values()
    for table in others:
        pd.testing.assert_frame_equal(table[SCORE_COLUMNS], first[SCORE_COLUMNS])
    medians = {name: statistics.median(values) for name, values in times.items()}
    serial = medians["--n-jobs 1"]
    print()
    print_table(
        ["setting", "median wall (s)", "slowest (s)", "ratio to --n-jobs 1"],
        [
            [
                name,
                f"{medians[name]:.1f}",
                f"{max(times[name]):.1f}",
                f"{medians[name] / serial:.2f}",
            ]
            for name in SETTINGS
        ],
    )
    default = "default (side by side)"
    met = "met" if max(times[default]) <= BUDGET_SECONDS else "NOT met"
    print(
        f"default / --n-jobs 1 wall-time ratio: {medians[default] / serial:.2f}; "
        f"budget of {BUDGET_SECONDS:.0f} s for every default run: {met} "
        f"(slowest {max(times[default]):.1f} s). Same table in both settings."
    )


if __name__ == "__main__":
    main()
