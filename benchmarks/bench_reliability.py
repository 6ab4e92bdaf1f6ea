"""Do sktoynet's defaults just work? Training accuracy over many seeds.

Part 1: ``make_toynet(random_state=r)`` and ``make_toynet(width=2, random_state=r)``
on ``make_two_squares(random_state=r)`` and ``make_three_bands()`` for r in 0..19
(80 fits), beside the peers of SCENARIOS.md.

Part 2: the same defaults on other simple problems (moons, circles, XOR, iris):
5-fold cross-validated accuracy against a grid-searched MLPClassifier and
LogisticRegression.

Part 3: evidence across 9 problems x 20 seeds against MLPClassifier: how often
each model's fit succeeds, and its median fit time. The models are
make_toynet() and make_toynet(width=2) against MLPClassifier() and
MLPClassifier((8,), activation="tanh") (the net's default width and
activation), each behind a StandardScaler. Seed r draws the data of the
generated problems, a stratified 70/30 train/test split, and initialises
every model. A fit *succeeds* when its training accuracy is within 0.01 of
the best training accuracy that any of the four models reached on the same
training data: the optimiser found what the data allows. The held-out
accuracy is reported beside it, so that a model that merely fits the
training rows better is not mistaken for a better model. BLAS runs on one
thread for every fit: with two, MLPClassifier's matrix products (OpenBLAS)
ran up to 12 times slower whenever another process shared the 2 cores, and
one thread gave it its best time. The table is also written to
docs/benchmark_results/reliability.csv.

With ``--alpha A`` the two sktoynet models of part 3 get the L2 penalty
``alpha=A`` and the table goes to docs/benchmark_results/reliability-alpha-A.csv
instead (the evidence for the default ``alpha``; run it with 0 for the
matching baseline).

With ``--restarts both``, parts 1 and 3 fit each sktoynet model twice in the
same run, racing its restarts (``restarts="race"``) and training them all
(``restarts="all"``, the default), and part 3's
table goes to docs/benchmark_results/reliability-restarts.csv. A success is
then measured against the best of all six models.

Run: python benchmarks/bench_reliability.py [--part 3] [--alpha A] [--restarts both]
"""

import argparse
import csv
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    load_wine,
    make_circles,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from _common import machine_description, print_table, quiet
from sktoynet import make_toynet
from sktoynet.datasets import make_three_bands, make_two_squares

SEEDS = range(20)


def toy_problem(name, seed):
    return make_two_squares(random_state=seed) if name == "two squares" else make_three_bands()


def seed_sweep(name, make_model):
    """Training accuracies over SEEDS, and how many fits warned about convergence."""
    scores, warned = [], 0
    for seed in SEEDS:
        X, y = toy_problem(name, seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = make_model(seed).fit(X, y)
        warned += any(issubclass(w.category, ConvergenceWarning) for w in caught)
        scores.append(model.score(X, y))
    return np.array(scores), warned


def restart_modes(restarts):
    """``{label suffix: extra parameters}`` of the sktoynet models for ``--restarts``."""
    if restarts == "both":
        return {', restarts="race"': {"restarts": "race"}, ', restarts="all"': {"restarts": "all"}}
    return {"": {} if restarts is None else {"restarts": restarts}}


def part_one(restarts=None):
    models = {}
    for suffix, extra in restart_modes(restarts).items():
        models[f"make_toynet({suffix.lstrip(', ')}) defaults"] = lambda r, extra=extra: make_toynet(
            random_state=r, **extra
        )
        models[f"make_toynet(width=2{suffix})"] = lambda r, extra=extra: make_toynet(
            width=2, random_state=r, **extra
        )
    models = {
        **models,
        "LogisticRegression": lambda r: make_pipeline(StandardScaler(), LogisticRegression()),
        "MLPClassifier((2,), logistic, lbfgs)": lambda r: make_pipeline(
            StandardScaler(),
            MLPClassifier((2,), activation="logistic", solver="lbfgs", random_state=r),
        ),
    }
    rows = []
    for problem in ("two squares", "three bands"):
        for label, make_model in models.items():
            scores, warned = seed_sweep(problem, make_model)
            rows.append(
                [
                    problem,
                    label,
                    f"{scores.mean():.3f}",
                    f"{(scores >= 0.99).sum()}/{len(scores)}",
                    warned,
                ]
            )
    print("## Training accuracy over 20 seeds\n")
    print_table(["problem", "model", "mean train acc", "runs >= 0.99", "ConvergenceWarnings"], rows)


def xor(seed):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(400, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def part_two():
    problems = {
        "moons": make_moons(400, noise=0.2, random_state=0),
        "circles": make_circles(400, noise=0.1, factor=0.5, random_state=0),
        "xor": xor(0),
        "iris": load_iris(return_X_y=True),
    }
    mlp_grid = GridSearchCV(
        make_pipeline(StandardScaler(), MLPClassifier(max_iter=1000, random_state=0)),
        {
            "mlpclassifier__hidden_layer_sizes": [(2,), (8,), (32,)],
            "mlpclassifier__learning_rate_init": [1e-3, 1e-2, 1e-1],
        },
        cv=3,
    )
    models = {
        "make_toynet() defaults": make_toynet(random_state=0),
        "MLPClassifier, grid-searched": mlp_grid,
        "MLPClassifier() defaults": make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
        "LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression()),
    }
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    rows = []
    for name, (X, y) in problems.items():
        row = [name]
        for model in models.values():
            scores = quiet(cross_val_score, model, X, y, cv=cv)
            row.append(f"{scores.mean():.3f} ± {scores.std():.3f}")
        rows.append(row)
    print("## 5-fold CV accuracy on other simple problems\n")
    print_table(["problem", *models], rows)


def spirals(seed, n_samples=400):
    """Two interleaved spiral arms, one per class, with Gaussian noise."""
    rng = np.random.RandomState(seed)
    radius = np.sqrt(rng.uniform(0, 1, n_samples)) * 3 * np.pi
    arm = rng.randint(0, 2, n_samples)
    angle = radius + arm * np.pi
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    return X + rng.normal(scale=0.3, size=X.shape), arm


#: name -> data for seed r (the fixed data sets ignore the seed).
EVIDENCE_PROBLEMS = {
    "two squares": lambda r: make_two_squares(random_state=r),
    "three bands": lambda r: make_three_bands(),
    "moons": lambda r: make_moons(400, noise=0.2, random_state=r),
    "circles": lambda r: make_circles(400, noise=0.1, factor=0.5, random_state=r),
    "xor": xor,
    "spirals": spirals,
    "iris": lambda r: load_iris(return_X_y=True),
    "wine": lambda r: load_wine(return_X_y=True),
    "breast cancer": lambda r: load_breast_cancer(return_X_y=True),
}


def evidence_models(alpha=None, restarts=None):
    """The models of part 3, the sktoynet ones with ``alpha`` when it is given.

    With ``restarts="both"`` each sktoynet model comes twice: racing and "all".
    """
    models = {}
    for suffix, mode in restart_modes(restarts).items():
        extra, label = ({}, "") if alpha is None else ({"alpha": alpha}, f"alpha={alpha:g}")
        extra = {**extra, **mode}
        label = f"{label}{suffix}".lstrip(", ")
        models[f"make_toynet({label})"] = lambda r, extra=extra: make_toynet(
            random_state=r, **extra
        )
        models[f"make_toynet(width=2{', ' * bool(label)}{label})"] = lambda r, extra=extra: (
            make_toynet(width=2, random_state=r, **extra)
        )
    return {**models, **PEER_MODELS}


PEER_MODELS = {
    "MLPClassifier()": lambda r: make_pipeline(StandardScaler(), MLPClassifier(random_state=r)),
    "MLPClassifier((8,), tanh)": lambda r: make_pipeline(
        StandardScaler(), MLPClassifier((8,), activation="tanh", random_state=r)
    ),
}

#: A fit succeeds within this much training accuracy of the best fit on its data.
SUCCESS_MARGIN = 0.01

RELIABILITY_CSV = Path(__file__).resolve().parents[1] / "docs/benchmark_results/reliability.csv"


def part_three(alpha=None, restarts=None):
    models = evidence_models(alpha, restarts)
    output = RELIABILITY_CSV
    if alpha is not None:
        output = RELIABILITY_CSV.with_name(f"reliability-alpha-{alpha:g}.csv")
    elif restarts == "both":
        output = RELIABILITY_CSV.with_name("reliability-restarts.csv")
    rows = []
    for problem, make_data in EVIDENCE_PROBLEMS.items():
        accuracies = {model: [] for model in models}
        times = {model: [] for model in models}
        test_accuracies = {model: [] for model in models}
        for seed in SEEDS:
            X, y = make_data(seed)
            X, X_test, y, y_test = train_test_split(
                X, y, test_size=0.3, stratify=y, random_state=seed
            )
            for model, make_model in models.items():
                start = time.perf_counter()
                with threadpool_limits(limits=1, user_api="blas"):
                    fitted = quiet(make_model(seed).fit, X, y)
                times[model].append(time.perf_counter() - start)
                accuracies[model].append(fitted.score(X, y))
                test_accuracies[model].append(fitted.score(X_test, y_test))
        best = np.max([accuracies[model] for model in models], axis=0)
        for model in models:
            reached = np.asarray(accuracies[model])
            rows.append(
                {
                    "problem": problem,
                    "model": model,
                    "seeds": len(SEEDS),
                    "successes": int((reached >= best - SUCCESS_MARGIN).sum()),
                    "train_accuracy": round(float(reached.mean()), 4),
                    "test_accuracy": round(float(np.mean(test_accuracies[model])), 4),
                    "median_fit_seconds": round(statistics.median(times[model]), 4),
                }
            )
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"## Across problems: fits within {SUCCESS_MARGIN} of the best training accuracy\n")
    print_table(
        ["problem", "model", "successes", "mean train acc", "mean test acc", "median fit (s)"],
        [
            [
                row["problem"],
                row["model"],
                f"{row['successes']}/{row['seeds']}",
                f"{row['train_accuracy']:.3f}",
                f"{row['test_accuracy']:.3f}",
                f"{row['median_fit_seconds']:.3f}",
            ]
            for row in rows
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", type=int, choices=[1, 2, 3], help="run one part only")
    parser.add_argument("--alpha", type=float, help="L2 penalty of sktoynet's models in part 3")
    parser.add_argument(
        "--restarts",
        choices=["race", "all", "both"],
        help="how sktoynet's models train their restarts in parts 1 and 3 (both: each twice)",
    )
    args = parser.parse_args()
    print(f"Machine: {machine_description()}\n")
    parts = (
        lambda: part_one(args.restarts),
        part_two,
        lambda: part_three(args.alpha, args.restarts),
    )
    for number, part in enumerate(parts, start=1):
        if args.part in (None, number):
            part()
