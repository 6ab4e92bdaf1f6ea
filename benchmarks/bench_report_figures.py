"""How long does drawing one problem's report figures take: the most "figures while waiting" saves.

The ``sktoynet`` command used to draw a problem's figures while it waited
for the next problem's searches in the worker processes. Only the figures of
a problem followed by another can be drawn that way, so the mechanism saves
at most the time to draw one problem's figures (the last problem's are drawn
at the end either way). This prints that time, wall and CPU, for each toy
problem (matplotlib's import, the first time, included), with the default
models' quick grids (the figures show the same three models).

Run: python benchmarks/bench_report_figures.py [--rounds 3]
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import machine_description, print_table, quiet
from sktoynet._report._render import Section, write_figures
from sktoynet.cli._datasets import load_named
from sktoynet.comparison import compare, default_models


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"# one problem's report figures; {machine_description()}")
    print(f"# load average before: {os.getloadavg()[0]:.1f}\n")
    rows = []
    for name in ("two_squares", "three_bands"):
        problem = load_named(name, random_state=0)
        result = quiet(
            compare, problem.X, problem.y, models=default_models(0, quick=True), random_state=0
        )
        walls, cpus = [], []
        for round_number in range(args.rounds):
            with tempfile.TemporaryDirectory() as scratch:
                section = Section(problem, result)
                wall, cpu = time.perf_counter(), time.process_time()
                write_figures(Path(scratch), section)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            print(
                f"{name}, round {round_number + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU; "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        rows.append(
            [
                name,
                f"{walls[0]:.2f}",
                f"{statistics.median(walls[1:] or walls):.2f}",
                f"{statistics.median(cpus):.2f}",
            ]
        )
    print()
    print_table(
        ["problem", "first call, wall (s)", "median of the others, wall (s)", "median CPU (s)"],
        rows,
    )


if __name__ == "__main__":
    main()
