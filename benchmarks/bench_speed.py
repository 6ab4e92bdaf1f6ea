"""How fast is a sktoynet fit, against its peers measured in the same run?

Sections (each prints a table):

1. fit + predict with defaults on the two toy problems: make_toynet() against
   StandardScaler + MLPClassifier() and plain scikeras KerasClassifier with the
   same network, epochs and batch size;
2. the grid learning_rate {1e-3, 1e-2, 1e-1} x width {2, 4, 8}, cv=5, on
   make_two_squares, against MLPClassifier, LogisticRegression and plain scikeras;
3. the cost of restarts: n_init=8, racing (the default) and all trained,
   against n_init=1, on the toy problems and for one fit of
   make_toynet(width=64, learning_rate=0.001) on digits;
4. growth with data: make_two_squares(n_samples=10_000 ... 1_000_000), fit time
   and peak memory (each size in a fresh process);
5. many fits in one process: 100 consecutive fits, time and resident memory.

Run: python benchmarks/bench_speed.py [--skip-scikeras-grid] [--restarts-only]
(KERAS_BACKEND=jax python benchmarks/bench_speed.py for the JAX backend.)
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _common import (
    interleaved_median_times,
    machine_description,
    median_time,
    print_table,
    quiet,
    rss_mb,
)
from sktoynet import make_toynet
from sktoynet.datasets import make_three_bands, make_two_squares

GROWTH_EPOCHS = 5
GRID = {"learning_rate": [1e-3, 1e-2, 1e-1], "width": [2, 4, 8]}
PROBLEMS = {
    "two squares": lambda: make_two_squares(random_state=0),
    "three bands": make_three_bands,
}


def scikeras_pipeline(epochs, batch_size, width=8, learning_rate=0.1):
    """Plain scikeras with sktoynet's default network: tanh hidden layer, sigmoid head."""
    from scikeras.wrappers import KerasClassifier

    from sktoynet._engine._keras import import_keras

    keras = import_keras()

    def build(meta, width, learning_rate):
        model = keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(width, activation="tanh"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(keras.optimizers.Adam(learning_rate), "binary_crossentropy")
        return model

    return make_pipeline(
        StandardScaler(),
        KerasClassifier(
            build,
            model__width=width,
            model__learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            verbose=0,
        ),
    )


def fit_predict(model, X, y):
    def run():
        fitted = quiet(model.fit, X, y)
        fitted.predict(X)
        return fitted

    return run


def section_default_fit(repeats):
    print(f"## 1. fit + predict, default settings (median of {repeats})\n")
    rows = []
    for name, load in PROBLEMS.items():
        X, y = load()
        quiet(make_toynet(random_state=0).fit, X, y)  # one-off compile, reported separately
        toynet_time, fitted = median_time(fit_predict(make_toynet(random_state=0), X, y), repeats)
        epochs = fitted[-1].n_iter_
        mlp_time, _ = median_time(
            fit_predict(make_pipeline(StandardScaler(), MLPClassifier(random_state=0)), X, y),
            repeats,
        )
        scikeras_time, _ = median_time(fit_predict(scikeras_pipeline(epochs, 200), X, y), 3)
        rows.append(
            [
                name,
                f"{toynet_time:.3f} s",
                f"{mlp_time:.3f} s",
                f"{scikeras_time:.3f} s ({epochs} epochs)",
                f"{toynet_time / mlp_time:.2f}x",
                f"{scikeras_time / toynet_time:.0f}x",
            ]
        )
    print_table(
        [
            "problem",
            "make_toynet()",
            "MLPClassifier()",
            "plain scikeras, same net",
            "sktoynet / MLP",
            "scikeras / sktoynet",
        ],
        rows,
    )


def section_grid(skip_scikeras):
    print("## 2. grid search: learning rate x width, cv=5, make_two_squares\n")
    X, y = make_two_squares(random_state=0)
    searches = {
        "make_toynet()": GridSearchCV(
            make_toynet(random_state=0),
            {f"toynetclassifier__{k}": v for k, v in GRID.items()},
            cv=5,
        ),
        "MLPClassifier(adam, max_iter=200)": GridSearchCV(
            make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
            {
                "mlpclassifier__learning_rate_init": GRID["learning_rate"],
                "mlpclassifier__hidden_layer_sizes": [(w,) for w in GRID["width"]],
            },
            cv=5,
        ),
        "LogisticRegression (9 values of C)": GridSearchCV(
            make_pipeline(StandardScaler(), LogisticRegression()),
            {"logisticregression__C": np.logspace(-3, 3, 9)},
            cv=5,
        ),
    }
    if not skip_scikeras:
        # At equal epochs: both networks train exactly 100 epochs, batch 200.
        searches["make_toynet(epochs=100, tol=0)"] = GridSearchCV(
            make_toynet(epochs=100, tol=0.0, random_state=0),
            {f"toynetclassifier__{k}": v for k, v in GRID.items()},
            cv=5,
        )
        searches["plain scikeras, 100 epochs"] = GridSearchCV(
            scikeras_pipeline(100, 200),
            {f"kerasclassifier__model__{k}": v for k, v in GRID.items()},
            cv=5,
        )
    times = {}
    for label, search in searches.items():
        start = time.perf_counter()
        quiet(search.fit, X, y)
        times[label] = (time.perf_counter() - start, search.best_score_)
    toynet_time = times["make_toynet()"][0]
    mlp_time = times["MLPClassifier(adam, max_iter=200)"][0]
    rows = [
        [label, f"{wall:.1f} s", f"{score:.3f}", f"{wall / toynet_time:.2f}x"]
        for label, (wall, score) in times.items()
    ]
    print_table(["search", "wall", "best CV score", "wall / sktoynet"], rows)
    print(f"sktoynet grid / MLPClassifier grid: {toynet_time / mlp_time:.2f}x")
    if not skip_scikeras:
        equal = times["plain scikeras, 100 epochs"][0] / times["make_toynet(epochs=100, tol=0)"][0]
        print(f"plain scikeras / sktoynet at 100 epochs each: {equal:.0f}x")
    print()


def digits_problem():
    from sklearn.datasets import load_digits

    return load_digits(return_X_y=True)


#: One fit of this model on digits, n_init=8 (racing or not) against n_init=1.
DIGITS_MODEL = {"width": 64, "learning_rate": 0.001}


def section_restarts(repeats):
    rounds = 3 * repeats
    print(
        f"## 3. cost of restarts: n_init=8 (racing, and all trained) against n_init=1 "
        f"(median of {rounds}, the three taking turns)\n"
    )
    variants = {
        "n_init=1": {"n_init": 1},
        'n_init=8, restarts="race"': {"restarts": "race"},
        'n_init=8, restarts="all"': {"restarts": "all"},
    }
    rows = []
    for name, load in PROBLEMS.items():
        X, y = load()
        runs = {}
        for label, params in variants.items():
            # A fixed number of epochs, so that the stopping rule does not blur the cost.
            model = make_toynet(**params, epochs=100, tol=0.0, random_state=0)
            quiet(model.fit, X, y)  # compile
            runs[label] = fit_predict(model, X, y)
        timings = interleaved_median_times(runs, rounds)
        rows.append(restart_row(f"{name} (100 epochs)", timings, None))
    X, y = digits_problem()
    runs, epochs, first_fit = {}, {}, {}
    # First fits in this order: "all" compiles the 8-member program, the race
    # then the 4-, 2- and 1-member ones, and n_init=1 finds its program compiled.
    for label in ('n_init=8, restarts="all"', 'n_init=8, restarts="race"', "n_init=1"):
        model = make_toynet(**DIGITS_MODEL, **variants[label], random_state=0)
        start = time.perf_counter()
        fitted = quiet(model.fit, X, y)
        first_fit[label] = time.perf_counter() - start
        epochs[label] = fitted[-1].n_iter_
        runs[label] = fit_predict(model, X, y)
    timings = interleaved_median_times({label: runs[label] for label in variants}, repeats)
    rows.append(restart_row("digits, make_toynet(width=64, learning_rate=0.001)", timings, epochs))
    print_table(
        [
            "problem",
            "n_init=1",
            "n_init=8, race",
            "n_init=8, all",
            "race / n_init=1",
            "all / n_init=1",
            "race / all",
        ],
        rows,
    )
    print("First fit on digits, compilation included (in this order, one process):\n")
    print_table(
        ["model", "first fit", "epochs"],
        [[label, f"{seconds:.2f} s", epochs[label]] for label, seconds in first_fit.items()],
    )


def restart_row(problem, timings, epochs):
    one, race, every = (timings[label] for label in timings)
    cells = [f"{one:.3f} s", f"{race:.3f} s", f"{every:.3f} s"]
    if epochs is not None:
        cells = [
            f"{cell} ({epochs[label]} ep.)" for cell, label in zip(cells, timings, strict=True)
        ]
    return [problem, *cells, f"{race / one:.2f}x", f"{every / one:.2f}x", f"{race / every:.2f}x"]


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child_growth(n_samples):
    """Run in a fresh process: fit one size twice, report the second fit's time and memory.

    The first fit compiles the training program for this shape (a one-off cost,
    reported separately); the second is the steady state a grid search sees.
    """
    X, y = make_two_squares(n_samples=n_samples, random_state=0)
    start = time.perf_counter()
    quiet(make_toynet(epochs=GROWTH_EPOCHS, tol=0.0, random_state=0).fit, X, y)
    first = time.perf_counter() - start
    baseline = rss_mb()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # reset the peak-RSS counter (VmHWM)
    start = time.perf_counter()
    quiet(make_toynet(epochs=GROWTH_EPOCHS, tol=0.0, random_state=0).fit, X, y)
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "first": first,
                "time": elapsed,
                "baseline": baseline,
                "peak": peak_rss_mb(),
                "x32_mb": X.astype(np.float32).nbytes / 2**20,
            }
        )
    )


def section_growth():
    print("## 4. growth with data: make_two_squares, 5 epochs, defaults otherwise")
    print("(each size in a fresh process; the second fit is timed, its peak RSS measured)\n")
    rows = []
    previous = None
    for n_samples in (10_000, 100_000, 1_000_000):
        output = (
            subprocess.run(
                [sys.executable, __file__, "--child-growth", str(n_samples)],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(output)
        extra = result["peak"] - result["baseline"]
        rows.append(
            [
                f"{n_samples:,}",
                f"{result['first']:.2f} s",
                f"{result['time']:.2f} s",
                "" if previous is None else f"{result['time'] / previous:.1f}x",
                f"{result['time'] / (n_samples * GROWTH_EPOCHS) * 1e6:.2f} µs",
                f"{result['x32_mb']:.1f} MB",
                f"{result['baseline']:.0f} MB",
                f"{extra:.0f} MB ({extra / result['x32_mb']:.1f}x X)",
            ]
        )
        previous = result["time"]
    print_table(
        [
            "rows",
            "first fit (compiles)",
            "fit time",
            "vs previous",
            "per row per epoch",
            "X as float32",
            "RSS before fit",
            "peak growth during fit",
        ],
        rows,
    )


def section_many_fits(n_fits):
    print(f"## 5. {n_fits} consecutive fits in one process (make_two_squares, defaults)\n")
    X, y = make_two_squares(random_state=0)
    times, memory = [], [rss_mb()]
    for seed in range(n_fits):
        start = time.perf_counter()
        quiet(make_toynet(random_state=seed).fit, X, y)
        times.append(time.perf_counter() - start)
        memory.append(rss_mb())
    first, last = statistics.median(times[:10]), statistics.median(times[-10:])
    growth = memory[-1] - memory[1]
    print_table(
        [
            "median of first 10",
            "median of last 10",
            "last / first",
            "RSS after fit 1",
            f"RSS after fit {n_fits}",
            "growth",
        ],
        [
            [
                f"{first:.3f} s",
                f"{last:.3f} s",
                f"{last / first:.2f}x",
                f"{memory[1]:.0f} MB",
                f"{memory[-1]:.0f} MB",
                f"{growth:+.0f} MB",
            ]
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-scikeras-grid",
        action="store_true",
        help="skip the slow plain-scikeras grid (about 5 minutes)",
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--restarts-only", action="store_true", help="run section 3 (the cost of restarts) only"
    )
    parser.add_argument("--child-growth", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_growth:
        child_growth(args.child_growth)
        return
    print(f"Machine: {machine_description()}\n")
    if args.restarts_only:
        section_restarts(args.repeats)
        return
    section_default_fit(args.repeats)
    section_grid(args.skip_scikeras_grid)
    section_restarts(args.repeats)
    section_growth()
    section_many_fits(100)


if __name__ == "__main__":
    main()
