"""Does ``compare(..., n_jobs=2)`` finish sooner than ``n_jobs=1``, with the same table?

With ``n_jobs=2``, compare() searches the network in this process while two
worker processes share LogisticRegression's and MLPClassifier's grids (see
docs/comparing.rst, "In parallel"). This script times the default
comparison (quick grids unless --full) on breast_cancer with ``n_jobs=1`` and
``n_jobs=2``, taking turns for ``--rounds`` rounds, prints the median wall
times and their ratio, and checks that both tables agree (scores, not times).

The worker processes are started once (joblib's loky pool is reused across
calls), and a first untimed round warms both settings up, so the ratio
compares steady-state searches rather than Keras start-up.

Run: python benchmarks/bench_compare_jobs.py [--rounds 3] [--full]
"""

import argparse
import os
import time

import pandas as pd
from sklearn.datasets import load_breast_cancer

from _common import interleaved_median_times, machine_description, print_table, quiet
from sktoynet import compare
from sktoynet.comparison import default_models

SCORE_COLUMNS = ["best_params", "mean_test_score", "std_test_score", "train_score"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="the full grids, not --quick's")
    args = parser.parse_args()

    X, y = load_breast_cancer(return_X_y=True)
    tables = {}

    def run(n_jobs):
        models = default_models(random_state=0, quick=not args.full)
        result = quiet(compare, X, y, models=models, cv=5, random_state=0, n_jobs=n_jobs)
        tables[n_jobs] = result.table
        return result

    print(f"# compare() on breast_cancer (569 x 30), cv=5, {machine_description()}")
    print(f"# grids: {'full' if args.full else 'quick'}; load average {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    run(1), run(2)  # warm-up: Keras compilation here and in the worker processes
    print(f"# warm-up round: {time.perf_counter() - started:.1f} s\n")
    times = interleaved_median_times({1: lambda: run(1), 2: lambda: run(2)}, args.rounds)
    pd.testing.assert_frame_equal(tables[1][SCORE_COLUMNS], tables[2][SCORE_COLUMNS])
    print_table(
        ["n_jobs", "median wall time (s)", "ratio to n_jobs=1"],
        [[n, f"{seconds:.2f}", f"{seconds / times[1]:.2f}"] for n, seconds in times.items()],
    )
    print(
        f"n_jobs=2 / n_jobs=1 wall-time ratio: {times[2] / times[1]:.2f} "
        "(same table: scores and best parameters agree)"
    )


if __name__ == "__main__":
    main()
