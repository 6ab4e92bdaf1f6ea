"""How fast is ToyNetClassifierCV, against the grid searches it replaces and its peers?

Every search uses the same grid, learning_rate {1e-3, 1e-2, 1e-1} x width
{4, 16, 64} (the toy problems: widths {2, 4, 8}), and the same
StratifiedKFold(5, shuffle=True, random_state=0). Sections (each prints a table):

1. warm (each search's first call, with its compilation, is shown apart; the
   warm time is the median of the later calls, taken in turns): on two
   squares, three bands, wine, breast cancer and digits,
   make_toynet_cv() with the default restarts, make_toynet_cv(restarts="all")
   when ToyNetClassifierCV has that parameter (n/a otherwise),
   GridSearchCV(make_toynet()), MLPClassifier's GridSearchCV over the same
   learning rates x hidden sizes, and on the toy problems
   LogisticRegression's GridSearchCV over 9 values of C.
   Targets: make_toynet_cv() at most 0.6x GridSearchCV(make_toynet()) on
   every problem and at most 0.6x MLPClassifier's grid on the real data; a
   best CV score within 0.01 of GridSearchCV(make_toynet())'s and at least
   MLPClassifier's minus 0.02 on every problem.
2. wine, breast cancer and digits, each search in a fresh process,
   compilation included (importing Keras and TensorFlow is shown apart, as
   the MLPClassifier worker imports scikit-learn before its timer):
   make_toynet_cv() against MLPClassifier's grid. Target: at most 1.0x.
3. the arithmetic rate of the warm digits search: useful multiply-adds per
   second, from the shapes and the epochs each network actually trained on
   its own fit's rows, beside the rate of a large float32 matrix product in
   this process.

The last lines list every target, met or not.

Run: python benchmarks/bench_cv.py [--n-init N] [--rounds R] [--datasets wine cancer digits]
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


def has_restarts_parameter():
    """Whether ToyNetClassifierCV has a ``restarts`` parameter (racing restarts)."""
    from sktoynet import ToyNetClassifierCV

    return "restarts" in ToyNetClassifierCV().get_params()


#: Each target: (description, measured value as text, met).
TARGETS = []


def target(description, value, met):
    TARGETS.append((description, value, met))
    return "met" if met else "NOT met"


def warm_searches(problem, n_init):
    """The searches of section 1 on ``problem``, by name (builders)."""
    widths = TOY_WIDTHS if problem in TOY_PROBLEMS else REAL_WIDTHS
    searches = {"make_toynet_cv()": lambda: toynet_cv(widths, n_init)}
    if has_restarts_parameter():
        searches['make_toynet_cv(restarts="all")'] = lambda: toynet_cv(widths, n_init).set_params(
            toynetclassifiercv__restarts="all"
        )
    searches["GridSearchCV(make_toynet())"] = lambda: toynet_grid_search(widths, n_init)
    searches["MLPClassifier grid"] = lambda: mlp_grid_search(widths)
    if problem in TOY_PROBLEMS:
        searches["LogisticRegression, 9 C"] = logistic_grid_search
    return searches


def section_warm(problems, n_init, rounds):
    print(f"## 1. warm: learning rate x width 3 x 3, cv=5, median of {rounds} turns\n")
    rows, fitted_digits = [], None
    for problem in problems:
        X, y = {**TOY_PROBLEMS, **REAL_DATASETS}[problem]()
        searches = warm_searches(problem, n_init)
        first, scores, last = {}, {}, {}
        for name, build in searches.items():
            start = time.perf_counter()
            scores[name] = best_score(quiet(build().fit, X, y))
            first[name] = time.perf_counter() - start

        warm = interleaved_median_times(
            {name: _fit_into(last, name, build, X, y) for name, build in searches.items()}, rounds
        )
        if problem == "digits":
            fitted_digits = (last["make_toynet_cv()"], warm["make_toynet_cv()"], X, y)
        ours, grid, mlp = (
            warm["make_toynet_cv()"],
            warm["GridSearchCV(make_toynet())"],
            warm["MLPClassifier grid"],
        )
        for name in searches:
            rows.append(
                [
                    problem,
                    name,
                    f"{first[name]:.2f} s",
                    f"{warm[name]:.2f} s",
                    f"{scores[name]:.3f}",
                    f"{warm[name] / grid:.2f}x",
                    f"{warm[name] / mlp:.2f}x",
                ]
            )
        verdicts = [
            f"/ GridSearchCV(make_toynet()) = {ours / grid:.2f}x (<= 0.6x: "
            + target(
                f"{problem}: warm / GridSearchCV(make_toynet()) <= 0.6x",
                f"{ours / grid:.2f}x",
                ours / grid <= 0.6,
            )
            + ")"
        ]
        all_name = 'make_toynet_cv(restarts="all")'
        verdicts.append(
            f'restarts="all": {warm[all_name] / grid:.2f}x'
            if all_name in warm
            else 'restarts="all": n/a'
        )
        if problem in REAL_DATASETS:
            verdicts.append(
                f"/ MLPClassifier grid = {ours / mlp:.2f}x (<= 0.6x: "
                + target(
                    f"{problem}: warm / MLPClassifier grid <= 0.6x",
                    f"{ours / mlp:.2f}x",
                    ours / mlp <= 0.6,
                )
                + ")"
            )
        gap_grid = scores["make_toynet_cv()"] - scores["GridSearchCV(make_toynet())"]
        gap_mlp = scores["make_toynet_cv()"] - scores["MLPClassifier grid"]
        verdicts.append(
            f"best_score_ - GridSearchCV's = {gap_grid:+.3f} (within 0.01: "
            + target(
                f"{problem}: best_score_ within 0.01 of GridSearchCV(make_toynet())'s",
                f"{gap_grid:+.3f}",
                abs(gap_grid) <= 0.01,
            )
            + ")"
        )
        verdicts.append(
            f"- MLPClassifier's = {gap_mlp:+.3f} (>= -0.02: "
            + target(
                f"{problem}: best_score_ >= MLPClassifier's - 0.02",
                f"{gap_mlp:+.3f}",
                gap_mlp >= -0.02,
            )
            + ")"
        )
        print(f"{problem}: make_toynet_cv() " + "; ".join(verdicts))
    print()
    print_table(
        [
            "problem",
            "search",
            "first call",
            f"warm (median of {rounds})",
            "best CV score",
            "warm / GridSearchCV(make_toynet())",
            "warm / MLPClassifier grid",
        ],
        rows,
    )
    return fitted_digits


def _fit_into(results, name, build, X, y):
    """A call that fits a new search from ``build`` and keeps it as ``results[name]``."""

    def call():
        results[name] = quiet(build().fit, X, y)

    return call


def training_multiply_adds(search, X, y):
    """Useful multiply-adds of a fitted ToyNetClassifierCV's training.

    Each network (grid point x fit x restart) costs, per row of its own fit
    and per epoch it trained, ``3 * (features * width + width * outputs)``
    multiply-adds: the forward pass once and the backward pass, which takes
    about twice as many (the gradients of both kernels and of the hidden
    activations). Its rows are its fit's training rows (validation rows
    excluded); an epoch counts when its training loss is finite.
    """
    model = search[-1]
    # The rows of each fit: each fold's training rows, then the refit's (all).
    fit_rows = [train.size for train, _ in folds().split(X, y)] + [len(y)]
    n_features = search[:-1].transform(np.zeros((1, model.n_features_in_))).shape[1]
    n_outputs = 1 if model.classes_.size == 2 else model.classes_.size
    total = 0.0
    for (point, fit), (outcome, _) in model._outcomes_.items():
        width = model.cv_results_["params"][point]["width"]
        rows = fit_rows[fit]
        epochs = np.isfinite(outcome.loss_curves).sum(axis=0)
        total += 3.0 * (n_features * width + width * n_outputs) * rows * float(epochs.sum())
    return total


def matrix_product_rate(size=2048, repeats=5):
    """Multiply-adds per second of a ``size`` x ``size`` float32 matrix product (NumPy)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b  # warm up the BLAS threads
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return size**3 / best


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def section_rate(fitted_digits):
    print("## 3. arithmetic rate of the warm digits search\n")
    search, seconds, X, y = fitted_digits
    useful = training_multiply_adds(search, X, y)
    machine = matrix_product_rate()
    print_table(
        ["what", "multiply-adds", "seconds", "rate (multiply-adds / s)", "share of the product's"],
        [
            [
                "digits search, warm",
                f"{useful:.3g}",
                f"{seconds:.2f}",
                f"{useful / seconds:.3g}",
                f"{useful / seconds / machine:.1%}",
            ],
            [
                "float32 matrix product 2048^3 (NumPy)",
                f"{2048**3:.3g}",
                "",
                f"{machine:.3g}",
                "100%",
            ],
        ],
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
        met = target(
            f"{dataset}: fresh process / MLPClassifier grid <= 1.0x", f"{ratio:.2f}x", ratio <= 1.0
        )
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
            "target (<= 1.0x)",
            "our best point",
        ],
        rows,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-init", type=int, default=8, help="restarts per grid point and fold")
    parser.add_argument("--rounds", type=int, default=3, help="warm turns in section 1")
    parser.add_argument("--datasets", nargs="*", default=list(REAL_DATASETS))
    parser.add_argument("--skip-toy", action="store_true")
    parser.add_argument("--skip-fresh", action="store_true", help="skip section 2")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.n_init)
        return
    print(f"Machine: {machine_description()}")
    print(f"n_init={args.n_init} for sktoynet (MLPClassifier has one initialisation)\n")
    problems = ([] if args.skip_toy else list(TOY_PROBLEMS)) + list(args.datasets)
    fitted_digits = section_warm(problems, args.n_init, args.rounds)
    if args.datasets and not args.skip_fresh:
        section_real(args.datasets, args.n_init)
    if fitted_digits is not None:
        section_rate(fitted_digits)
    print("## targets\n")
    for description, value, met in TARGETS:
        print(f"- {description}: {value} -> {'met' if met else 'NOT met'}")
    print(f"\n{sum(met for *_, met in TARGETS)} of {len(TARGETS)} targets met.")


if __name__ == "__main__":
    main()
