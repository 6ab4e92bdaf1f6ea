"""The main job, ``sktoynet compare``, of two source trees, taking turns.

Each round runs the README's main job once from each tree, in a fresh
process (``PYTHONPATH`` set to the tree, without the progress bar, as
``bench_main_job.py`` runs it), alternating which goes first, and
prints every wall time, the medians and their ratio. Use it to see what a
change costs or saves against the previous release: check the release out
in a git worktree and pass both folders.

Run: python benchmarks/bench_main_job_versions.py OLD_TREE NEW_TREE [--rounds 5]
"""

import argparse
import statistics
import tempfile
from pathlib import Path

from bench_main_job import run_main_job


def main_job_seconds(tree):
    """Wall seconds of ``sktoynet compare`` run from the source tree ``tree``."""
    with tempfile.TemporaryDirectory() as scratch:
        seconds, _, _ = run_main_job([], Path(scratch) / "report", tree=tree)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    trees = {"old": args.old, "new": args.new}
    times = {name: [] for name in trees}
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
        for name in order:
            seconds = main_job_seconds(trees[name])
            times[name].append(seconds)
            print(f"round {round_} {name} ({trees[name]}): {seconds:.1f} s", flush=True)
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values):.1f} s, "
            f"range {min(values):.1f}-{max(values):.1f}"
        )
    ratio = statistics.median(times["new"]) / statistics.median(times["old"])
    print(f"new / old: {ratio:.2f}")


if __name__ == "__main__":
    main()
