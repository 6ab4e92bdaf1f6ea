"""Parallel and distributed grid search (issue: trustworthy citizen, item 7).

Each fit is seeded by its own ``random_state`` and trains in its own process's
compiled program, so where a fit runs does not change its result.
"""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sktoynet import make_toynet
from tests._helpers import FAST_PARAMS, local_dask_backend

GRID = {"toynetclassifier__width": [2, 8], "toynetclassifier__learning_rate": [0.003, 0.1]}


def grid_search(X, y, n_jobs=None):
    search = GridSearchCV(make_toynet(**FAST_PARAMS), GRID, cv=2, n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(X, y)


@pytest.fixture(scope="module")
def serial_search(two_squares_module):
    return grid_search(*two_squares_module, n_jobs=1)


@pytest.fixture(scope="module")
def two_squares_module():
    from sktoynet.datasets import make_two_squares

    return make_two_squares(n_samples=120, random_state=0)


def assert_same_search(search, reference):
    assert search.best_params_ == reference.best_params_
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
    )
    X_check = np.linspace(-2, 2, 20).reshape(-1, 2)
    np.testing.assert_allclose(
        search.predict_proba(X_check), reference.predict_proba(X_check), atol=1e-6
    )


def test_grid_search_with_two_processes_matches_one(serial_search, two_squares_module):
    assert_same_search(grid_search(*two_squares_module, n_jobs=2), serial_search)


def test_grid_search_on_a_local_dask_cluster_matches_one_process(serial_search, two_squares_module):
    with local_dask_backend():
        search = grid_search(*two_squares_module, n_jobs=-1)
    assert_same_search(search, serial_search)
