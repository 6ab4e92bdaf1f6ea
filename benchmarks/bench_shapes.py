"""Many network shapes in one process: compile time and memory stay bounded.

A user who fits data sets of many feature counts (or a grid over several
class counts) in one process makes sktoynet build a program per shape
bucket. This script fits, in one fresh process, binary problems with 1 to 50
features and then problems with 3, 4 and 5 classes, and prints the wall time
and the growth of resident memory against MLPClassifier doing the same fits
in the same run. The first sktoynet fit (TensorFlow or JAX start-up and the
first compilation) is timed apart, before the loop.

Run: python benchmarks/bench_shapes.py
(KERAS_BACKEND=jax python benchmarks/bench_shapes.py for the JAX backend.)
"""

import gc
import time

import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _common import machine_description, print_table, quiet, rss_mb
from sktoynet import make_toynet

N_ROWS = 300
FEATURE_COUNTS = range(1, 51)
CLASS_COUNTS = (3, 4, 5)


def problems():
    """(name, X, y): 50 binary problems of 1..50 features, then 3 multi-class ones."""
    rng = np.random.RandomState(0)
    for n_features in FEATURE_COUNTS:
        X = rng.normal(size=(N_ROWS, n_features))
        yield f"{n_features} features", X, (X.sum(axis=1) > 0).astype(int)
    for n_classes in CLASS_COUNTS:
        X = rng.normal(size=(N_ROWS, 10))
        yield f"{n_classes} classes", X, np.argmax(X[:, :n_classes], axis=1)


def fit_all(make_model):
    """Wall time and resident-memory growth of fitting every problem once."""
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    for _, X, y in problems():
        quiet(make_model().fit, X, y)
    seconds = time.perf_counter() - start
    gc.collect()
    return seconds, rss_mb() - before


def main():
    print(f"# Many shapes in one process ({machine_description()})\n")
    n_problems = len(FEATURE_COUNTS) + len(CLASS_COUNTS)
    rng = np.random.RandomState(1)
    X = rng.normal(size=(N_ROWS, 2))
    start = time.perf_counter()
    quiet(make_toynet(random_state=0).fit, X, (X[:, 0] > 0).astype(int))
    first_fit = time.perf_counter() - start
    print(f"first sktoynet fit in this process (start-up + first compilation): {first_fit:.2f} s\n")

    toynet_seconds, toynet_mb = fit_all(lambda: make_toynet(random_state=0))
    mlp_seconds, mlp_mb = fit_all(
        lambda: make_pipeline(StandardScaler(), MLPClassifier(max_iter=500, random_state=0))
    )
    print(f"{n_problems} fits: 1..50 features (2 classes), then 3, 4 and 5 classes (10 features)\n")
    print_table(
        ["model", "wall (s)", "resident memory growth (MB)"],
        [
            ["make_toynet()", f"{toynet_seconds:.1f}", f"{toynet_mb:+.0f}"],
            ["MLPClassifier()", f"{mlp_seconds:.1f}", f"{mlp_mb:+.0f}"],
            ["ratio sktoynet / MLP (time)", f"{toynet_seconds / mlp_seconds:.2f}x", ""],
        ],
    )
    print("targets: sktoynet wall <= 15 s, memory growth <= +250 MB")


if __name__ == "__main__":
    main()
