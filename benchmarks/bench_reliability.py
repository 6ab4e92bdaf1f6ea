"""Do sktoynet's defaults just work? Training accuracy over many seeds.

Part 1: ``make_toynet(random_state=r)`` and ``make_toynet(width=2, random_state=r)``
on ``make_two_squares(random_state=r)`` and ``make_three_bands()`` for r in 0..19
(80 fits), beside the peers of SCENARIOS.md.

Part 2: the same defaults on other simple problems (moons, circles, XOR, iris):
5-fold cross-validated accuracy against a grid-searched MLPClassifier and
LogisticRegression.

Run: python benchmarks/bench_reliability.py
"""

import warnings

import numpy as np
from sklearn.datasets import load_iris, make_circles, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

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


def part_one():
    models = {
        "make_toynet() defaults": lambda r: make_toynet(random_state=r),
        "make_toynet(width=2)": lambda r: make_toynet(width=2, random_state=r),
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


if __name__ == "__main__":
    print(f"Machine: {machine_description()}\n")
    part_one()
    part_two()
