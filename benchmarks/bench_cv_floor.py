"""How close can ToyNetClassifierCV come to its speed targets with XLA on this CPU?

The targets of ``bench_cv.py`` are (1) a warm search of the toy grid in at
most 3x the time of LogisticRegression's 9-value grid, and (2) a search on
real data, compilation included, in at most 0.5x the time of
MLPClassifier's grid. This script measures a *floor* for each, in one run:

- the smallest training program that does a chunk's work: the stacked
  members' forward pass, hand-written gradients and a hand-written
  per-member Adam, in raw TensorFlow ops, one XLA-compiled loop over the
  steps. No Keras layers, tape or optimizer, no stopping rule, masks or
  validation: sktoynet's program does all that this one does, and more;
- the steps ToyNetClassifierCV actually runs on each toy problem (epochs run
  by each chunk x mini-batches per epoch, recorded from a real fit);
- floor (1) = those steps x the minimal program's time per step, against 3x
  LogisticRegression's warm grid search, timed in this run;
- floor (2) = the minimal program's compilation for wine's shape (one
  learning rate's chunk, see ``WINE_CHUNK``: every chunk of the grid runs
  the same program), against 0.5x MLPClassifier's grid search on wine,
  timed in this run.

A floor above its budget means that the target cannot be met by a faster
implementation of the same training on XLA: only less training (fewer
restarts, epochs or grid points) or another compiler could meet it.

Run: python benchmarks/bench_cv_floor.py
"""

import json
import subprocess
import sys
import time
from functools import partial

import numpy as np
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _common import (
    interleaved_median_times,
    machine_description,
    print_table,
    quiet,
)
from sktoynet import make_toynet_cv
from sktoynet.datasets import make_three_bands, make_two_squares

LEARNING_RATES = [1e-3, 1e-2, 1e-1]
C_VALUES = list(np.logspace(-3, 3, 9))
TOY_PROBLEMS = {
    "two squares": lambda: make_two_squares(random_state=0),
    "three bands": make_three_bands,
}
#: One learning rate's chunk of the wine grid: 3 widths x 6 fits (5 folds and
#: the refit) x 8 restarts, all at the widest width, 13 features, 3 classes.
WINE_CHUNK = {"members": 144, "width": 64, "features": 13, "outputs": 3, "views": 1}


def folds():
    return StratifiedKFold(5, shuffle=True, random_state=0)


def minimal_program(rows, views, members, features, width, outputs, batch, steps):
    """``run() -> seconds``: one call of the minimal training loop (compiled on the first).

    ``views`` 1 is make_toynet_cv() on its own (every member reads the same
    rows); compare's search gives each fold its own view of the rows.
    """
    import tensorflow as tf

    per_view = members // views
    rng = np.random.RandomState(0)
    X = tf.constant(rng.randn(rows, views, features).astype(np.float32))
    y = tf.constant(rng.randint(0, max(outputs, 2), rows).astype(np.int32))
    w = tf.constant((rng.rand(rows, views, per_view) > 0.2).astype(np.float32))
    rates = tf.constant(np.full((views, per_view), 0.01, np.float32))
    batches = tf.constant(rng.randint(0, rows, (steps, batch)).astype(np.int32))
    # Every parameter leads with (view, member of the view): per-member rates broadcast.
    shapes = [
        (views, per_view, features, width),
        (views, per_view, width),
        (views, per_view, width, outputs),
        (views, per_view, outputs),
    ]

    def step(i, params, first, second):
        W1, b1, W2, b2 = params
        rows_i = batches[i]
        xb, yb, wb = tf.gather(X, rows_i), tf.gather(y, rows_i), tf.gather(w, rows_i)
        h = tf.tanh(tf.einsum("bvf,vpfu->bvpu", xb, W1) + b1)
        logits = tf.einsum("bvpu,vpuk->bvpk", h, W2) + b2
        if outputs == 1:
            error = tf.sigmoid(logits) - tf.cast(yb, tf.float32)[:, None, None, None]
        else:
            error = tf.nn.softmax(logits) - tf.one_hot(yb, outputs)[:, None, None, :]
        d_logits = error * (wb / tf.maximum(tf.reduce_sum(wb, 0), 1e-12))[..., None]
        d_hidden = tf.einsum("bvpk,vpuk->bvpu", d_logits, W2) * (1 - h * h)
        grads = [
            tf.einsum("bvf,bvpu->vpfu", xb, d_hidden),
            tf.reduce_sum(d_hidden, 0),
            tf.einsum("bvpu,bvpk->vpuk", h, d_logits),
            tf.reduce_sum(d_logits, 0),
        ]
        t = tf.cast(i + 1, tf.float32)
        correction = tf.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        new = [], [], []
        for p, g, m, v in zip(params, grads, first, second, strict=True):
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            rate = tf.reshape(rates, (views, per_view) + (1,) * (len(p.shape) - 2))
            stepped = p - rate * correction * m / (tf.sqrt(v) + 1e-7)
            for out, value in zip(new, (stepped, m, v), strict=True):
                out.append(value)
        return i + 1, *new

    @tf.function(jit_compile=True)
    def loop(params):
        zeros = [tf.zeros_like(p) for p in params]
        _, params, _, _ = tf.while_loop(
            lambda i, *_: i < steps, step, (tf.constant(0), params, zeros, zeros)
        )
        return params

    start = [tf.constant(rng.randn(*shape).astype(np.float32) * 0.3) for shape in shapes]

    def run():
        started = time.perf_counter()
        loop(start)[0].numpy()
        return time.perf_counter() - started

    return run


def steps_of_a_fit(search, X, y):
    """``[(members, steps)]`` of each program call of a warm fit of ``search`` on X, y."""
    import sktoynet._estimators._classifier_cv as classifier_cv

    calls, train = [], classifier_cv.train_restarts

    def recording(program, X, *args, **kwargs):
        outcome = train(program, X, *args, **kwargs)
        per_epoch = -(-X.shape[0] // program.key.batch_size)
        calls.append((len(kwargs["learning_rate"]), outcome.loss_curves.shape[0] * per_epoch))
        return outcome

    quiet(search.fit, X, y)  # compiles
    classifier_cv.train_restarts = recording
    try:
        quiet(search.fit, X, y)
    finally:
        classifier_cv.train_restarts = train
    return calls


def section_toy(rounds=5):
    print(
        "## 1. toy problems, warm: the steps ToyNetClassifierCV runs, "
        "at the minimal program's speed\n"
    )
    print(f"(medians of {rounds} rounds, the three taking turns)\n")
    rows = []
    for name, load in TOY_PROBLEMS.items():
        X, y = load()
        search = make_toynet_cv(
            learning_rates=LEARNING_RATES, widths=[2, 4, 8], cv=folds(), random_state=0
        )
        calls = steps_of_a_fit(search, X, y)
        members = calls[0][0]
        total_steps = sum(steps for _, steps in calls)
        run = minimal_program(
            rows=X.shape[0],
            views=1,
            members=members,
            features=2,
            width=8,
            outputs=1,
            batch=min(200, X.shape[0]),
            steps=total_steps,
        )
        run()  # compiles
        logistic = GridSearchCV(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            {"logisticregression__C": C_VALUES},
            cv=folds(),
        )
        logistic.fit(X, y)
        medians = interleaved_median_times(
            {
                "toynet": partial(quiet, search.fit, X, y),
                "floor": run,
                "logistic": partial(logistic.fit, X, y),
            },
            rounds,
        )
        floor, lr_time = medians["floor"], medians["logistic"]
        rows.append(
            [
                name,
                f"{members} x {len(calls)}",
                total_steps,
                f"{medians['toynet']:.2f} s",
                f"{floor:.2f} s",
                f"{lr_time:.2f} s",
                f"{3 * lr_time:.2f} s",
                f"{floor / lr_time:.1f}x",
                "below" if floor <= 3 * lr_time else "ABOVE",
            ]
        )
    print_table(
        [
            "problem",
            "members x calls",
            "steps",
            "make_toynet_cv() warm",
            "floor",
            "LogisticRegression",
            "budget (3x)",
            "floor / LR",
            "floor vs budget",
        ],
        rows,
    )


def compile_worker():
    """In a fresh process: the minimal program's first and second calls at wine's shape.

    A few steps only, so that the first call is its tracing and compilation,
    with the one-off set-up of XLA in a process, as a fresh search pays them.
    """
    chunk = WINE_CHUNK
    run = minimal_program(
        rows=178,
        views=chunk["views"],
        members=chunk["members"],
        features=chunk["features"],
        width=chunk["width"],
        outputs=chunk["outputs"],
        batch=178,
        steps=5,
    )
    print(json.dumps({"first": run(), "second": run()}))


def section_wine():
    print("## 2. wine, fresh process: the minimal program's compilation against the budget\n")
    completed = subprocess.run(
        [sys.executable, __file__, "--compile-worker"], capture_output=True, text=True, check=True
    )
    calls = json.loads(completed.stdout.strip().splitlines()[-1])
    compile_time = calls["first"] - calls["second"]
    X, y = load_wine(return_X_y=True)
    mlp = GridSearchCV(
        make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
        {
            "mlpclassifier__learning_rate_init": LEARNING_RATES,
            "mlpclassifier__hidden_layer_sizes": [(4,), (16,), (64,)],
        },
        cv=folds(),
    )
    started = time.perf_counter()
    quiet(mlp.fit, X, y)
    mlp_time = time.perf_counter() - started
    print_table(
        [
            "minimal program, fresh process: first call (5 steps)",
            "second call",
            "compilation",
            "MLPClassifier grid",
            "budget (0.5x)",
            "compilation vs budget",
        ],
        [
            [
                f"{calls['first']:.2f} s",
                f"{calls['second']:.3f} s",
                f"{compile_time:.2f} s",
                f"{mlp_time:.2f} s",
                f"{0.5 * mlp_time:.2f} s",
                "below" if compile_time <= 0.5 * mlp_time else "ABOVE",
            ]
        ],
    )


def main():
    if "--compile-worker" in sys.argv:
        compile_worker()
        return
    print(f"Machine: {machine_description()}\n")
    section_toy()
    section_wine()


if __name__ == "__main__":
    main()
