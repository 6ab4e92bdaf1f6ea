"""How fast is ToyNetClassifierCV, against the grid searches it replaces and its peers?

Sections (each prints a table):

1. the toy problems, learning_rate {1e-3, 1e-2, 1e-1} x width {2, 4, 8}, 5 folds,
   warm (the compiled programs already built): make_toynet_cv() against
   GridSearchCV(make_toynet()) and LogisticRegression's GridSearchCV over 9
   values of C. The first call of each, with its compilation, is reported
   apart. Target: make_toynet_cv() at most 3x LogisticRegression.
2. wine, breast cancer and digits, learning_rate {1e-3, 1e-2, 1e-1} x width
   {4, 16, 64}, 5 folds, each search in a fresh process, compilation
   included (importing Keras and TensorFlow is shown apart, as the
   MLPClassifier worker imports scikit-learn before its timer):
   make_toynet_cv() against MLPClassifier's GridSearchCV over the same
   learning rates x hidden sizes. Targets: at most 0.5x MLPClassifier's
   wall time, and a best CV accuracy no more than 0.02 below it.

Every search uses the same StratifiedKFold(5, shuffle=True, random_state=0).

Run: python benchmarks/bench_cv.py [--n-init N] [--datasets wine cancer digits]
(KERAS_BACKEND=jax python benchmarks/bench_cv.py for the JAX backend.)
"""

import argparse
import json
import subprocess
import sys
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _common import interleaved_median_times, machine_description, print_table, quiet
from sktoynet import make_toynet, make_toynet_cv
from sktoynet.datasets import make_three_bands, make_two_squares

LEARNING_RATES = [1e-3, 1e-2, 1e-1]
TOY_WIDTHS = [2, 4, 8]
REAL_WIDTHS = [4, 16, 64]
C_VALUES = list(np.logspace(-3, 3, 9))
TOY_PROBLEMS = {
    "two squares": lambda: make_two_squares(random_state=0),
    "three bands": make_three_bands,
}
REAL_DATASETS = {
    "wine": lambda: load_wine(return_X_y=True),
    "cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits": lambda: load_digits(return_X_y=True),
}


def folds():
    return StratifiedKFold(5, shuffle=True, random_state=0)


def toynet_cv(widths, n_init):
    return make_toynet_cv(
        learning_rates=LEARNING_RATES, widths=widths, cv=folds(), n_init=n_init, random_state=0
    )


def toynet_grid_search(widths, n_init):
    grid = {"toynetclassifier__learning_rate": LEARNING_RATES, "toynetclassifier__width": widths}
    return GridSearchCV(make_toynet(n_init=n_init, random_state=0), grid, cv=folds())


def logistic_grid_search():
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return GridSearchCV(pipeline, {"logisticregression__C": C_VALUES}, cv=folds())


def mlp_grid_search(widths):
    grid = {
        "mlpclassifier__learning_rate_init": LEARNING_RATES,
        "mlpclassifier__hidden_layer_sizes": [(width,) for width in widths],
    }
    pipeline = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
    return GridSearchCV(pipeline, grid, cv=folds())


def best_score(fitted):
    """Best mean CV accuracy of a GridSearchCV or of a make_toynet_cv pipeline."""
    return float(getattr(fitted, "best_score_", None) or fitted[-1].best_score_)


def section_toy(n_init, rounds):
    print("## 1. toy problems: learning rate x width 3 x 3, cv=5, warm\n")
    rows = []
    for problem, load in TOY_PROBLEMS.items():
        X, y = load()
        searches = {
            "make_toynet_cv()": lambda: toynet_cv(TOY_WIDTHS, n_init),
            "GridSearchCV(make_toynet())": lambda: toynet_grid_search(TOY_WIDTHS, n_init),
            "LogisticRegression, 9 C": logistic_grid_search,
        }
        first, scores = {}, {}
        for name, build in searches.items():
            start = time.perf_counter()
            scores[name] = best_score(quiet(build().fit, X, y))
            first[name] = time.perf_counter() - start
        warm = interleaved_median_times(
            {
                name: lambda build=build, X=X, y=y: quiet(build().fit, X, y)
                for name, build in searches.items()
            },
            rounds,
        )
        baseline = warm["LogisticRegression, 9 C"]
        for name in searches:
            rows.append(
                [
                    problem,
                    name,
                    f"{first[name]:.2f} s",
                    f"{warm[name]:.2f} s",
                    f"{scores[name]:.3f}",
                    f"{warm[name] / baseline:.2f}x",
                ]
            )
        ratio = warm["make_toynet_cv()"] / baseline
        verdict = "met" if ratio <= 3 else "NOT met"
        print(
            f"{problem}: make_toynet_cv() / LogisticRegression, warm = {ratio:.2f}x "
            f"(target <= 3x: {verdict})"
        )
    print()
    print_table(
        [
            "problem",
            "search",
            "first call",
            f"warm (median of {rounds})",
            "best CV score",
            "warm / LogisticRegression",
        ],
        rows,
    )


def worker(dataset, which, n_init):
    """One search on ``dataset`` in this (fresh) process; print a JSON line."""
    X, y = REAL_DATASETS[dataset]()
    framework_import = None
    if which == "toynet_cv":
        # Reported apart: importing Keras and TensorFlow is a cost of the
        # process, as importing scikit-learn is for MLPClassifier's worker,
        # which pays it before its timer. The search's own first-call costs
        # (building and compiling the program) stay inside its time.
        from sktoynet._engine._keras import import_keras

        start = time.perf_counter()
        import_keras()
        framework_import = time.perf_counter() - start
        search = toynet_cv(REAL_WIDTHS, n_init)
    else:
        search = mlp_grid_search(REAL_WIDTHS)
    start = time.perf_counter()
    fitted = quiet(search.fit, X, y)
    seconds = time.perf_counter() - start
    # A second fit of the same search, warm: the steady-state cost, without compilation.
    warm = None
    if which == "toynet_cv":
        start = time.perf_counter()
        quiet(search.fit, X, y)
        warm = time.perf_counter() - start
    params = fitted.best_params_ if hasattr(fitted, "best_params_") else fitted[-1].best_params_
    print(
        json.dumps(
            {
                "seconds": seconds,
                "warm": warm,
                "import": framework_import,
                "score": best_score(fitted),
                "params": str(params),
            }
        )
    )


def run_worker(dataset, which, n_init):
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", dataset, which, "--n-init", str(n_init)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def section_real(datasets, n_init):
    print(
        "## 2. real data: learning rate x width {4, 16, 64}, cv=5, "
        "each search in a fresh process, compilation included\n\n"
        "(Keras and TensorFlow are imported before the timer, as scikit-learn "
        "is for MLPClassifier; the import is shown apart)\n"
    )
    rows = []
    for dataset in datasets:
        ours = run_worker(dataset, "toynet_cv", n_init)
        mlp = run_worker(dataset, "mlp", n_init)
        ratio = ours["seconds"] / mlp["seconds"]
        gap = ours["score"] - mlp["score"]
        met = "met" if ratio <= 0.5 and gap >= -0.02 else "NOT met"
        rows.append(
            [
                dataset,
                f"{ours['import']:.1f} s",
                f"{ours['seconds']:.1f} s",
                f"{ours['warm']:.1f} s",
                f"{mlp['seconds']:.1f} s",
                f"{ratio:.2f}x",
                f"{ours['score']:.3f}",
                f"{mlp['score']:.3f}",
                f"{gap:+.3f}",
                met,
                ours["params"],
            ]
        )
    print_table(
        [
            "dataset",
            "Keras import (apart)",
            "make_toynet_cv(), first fit",
            "same, warm (2nd fit)",
            "MLPClassifier grid",
            "wall ratio",
            "our CV acc",
            "MLP CV acc",
            "acc gap",
            "targets (<= 0.5x, >= -0.02)",
            "our best point",
        ],
        rows,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-init", type=int, default=8, help="restarts per grid point and fold")
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds in section 1")
    parser.add_argument("--datasets", nargs="*", default=list(REAL_DATASETS))
    parser.add_argument("--skip-toy", action="store_true")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.n_init)
        return
    print(f"Machine: {machine_description()}")
    print(f"n_init={args.n_init} for sktoynet (MLPClassifier has one initialisation)\n")
    if not args.skip_toy:
        section_toy(args.n_init, args.rounds)
    if args.datasets:
        section_real(args.datasets, args.n_init)


if __name__ == "__main__":
    main()
