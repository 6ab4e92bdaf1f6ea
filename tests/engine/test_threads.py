"""Fits in threads give exactly the results of the same fits run in turn.

Fits of one shape bucket share a compiled program, which holds the running
fit's weights; its lock makes concurrent fits wait for one another (see
``sktoynet._engine._programs``). These tests fit same-shape networks on different
data at once, where an unguarded program mixes their weights and data.
"""

import json
import os
import warnings

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.model_selection import GridSearchCV

from sktoynet import make_toynet
from tests._helpers import run_python

#: Fits in threads against the same fits in turn; prints the largest difference.
COMPARE_THREADS_WITH_SEQUENCE = """
    import json
    import warnings
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    from sklearn.datasets import make_moons

    from sktoynet import make_toynet
    from sktoynet._engine import _training

    _training.MIN_COMPACTION_WORK = MIN_WORK  # 0: racing fits move on toy data too
    warnings.simplefilter("ignore")
    datasets = [make_moons(120, noise=0.25, random_state=seed) for seed in range(8)]

    def fit(seed):
        X, y = datasets[seed]
        model = make_toynet(epochs=EPOCHS, n_init=N_INIT, random_state=seed).fit(X, y)
        return model.predict_proba(X), model[-1].loss_curve_

    in_turn = [fit(seed) for seed in range(8)]
    with ThreadPoolExecutor(4) as pool:
        in_threads = list(pool.map(fit, range(8)))
    differences = [
        max(float(np.abs(a[0] - b[0]).max()), float(np.abs(np.subtract(a[1], b[1])).max()))
        for a, b in zip(in_turn, in_threads)
    ]
    print(json.dumps({"differences": differences}))
"""


def _largest_differences(env, n_init=2, epochs=40, min_work=2**26):
    script = COMPARE_THREADS_WITH_SEQUENCE.replace("N_INIT", str(n_init))
    script = script.replace("MIN_WORK", str(min_work))
    completed = run_python(script.replace("EPOCHS", str(epochs)), env={**os.environ, **env})
    return json.loads(completed.stdout.strip().splitlines()[-1])["differences"]


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_same_shape_fits_in_threads_equal_fits_in_turn(backend):
    differences = _largest_differences({"KERAS_BACKEND": backend})
    assert len(differences) == 8
    assert max(differences) == 0.0


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_racing_fits_in_threads_equal_fits_in_turn(backend):
    # 8 racing restarts move to programs of 4, 2 and 1 members (after epochs
    # 25, 50, 100), which other threads' fits use at the same time.
    env = {"KERAS_BACKEND": backend}
    differences = _largest_differences(env, n_init=8, epochs=120, min_work=0)
    assert len(differences) == 8
    assert max(differences) == 0.0


def test_grid_search_on_the_threading_backend_equals_the_sequential_one():
    X, y = make_moons(150, noise=0.25, random_state=0)
    grid = {"toynetclassifier__width": [2, 8], "toynetclassifier__learning_rate": [0.01, 0.1]}

    def search(n_jobs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return GridSearchCV(
                make_toynet(epochs=40, n_init=2, random_state=0), grid, cv=3, n_jobs=n_jobs
            ).fit(X, y)

    sequential = search(n_jobs=1)
    with joblib.parallel_backend("threading", n_jobs=4):
        threaded = search(n_jobs=4)
    for split in range(3):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(threaded.cv_results_[key], sequential.cv_results_[key])
    assert threaded.best_params_ == sequential.best_params_
    np.testing.assert_array_equal(threaded.predict_proba(X), sequential.predict_proba(X))
