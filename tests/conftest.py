"""Shared fixtures and fast settings for the test suite."""

import os

# scikit-learn's array-API estimator check (run on NumPy inputs for estimators
# without array-API support) needs SciPy's array-API mode, set before SciPy loads.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402
import pytest

from sktoynet.datasets import make_three_bands, make_two_squares


@pytest.fixture
def two_squares():
    return make_two_squares(random_state=0)


@pytest.fixture
def three_bands():
    return make_three_bands()


@pytest.fixture
def scaled_two_squares(two_squares):
    X, y = two_squares
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture
def rng():
    return np.random.RandomState(0)
