import numpy as np
import pytest

from sktoynet.datasets import make_three_bands, make_two_squares


def test_two_squares_matches_the_scenario():
    X, y = make_two_squares(random_state=0, shuffle=False)
    assert X.shape == (400, 2)
    assert set(np.unique(y)) == {1, 2}
    ones, twos = X[y == 1], X[y == 2]
    assert len(ones) == len(twos) == 200
    assert ones.min() >= 0.2 and ones.max() <= 0.4
    assert twos.min() >= 0.5 and twos.max() <= 0.7


def test_two_squares_is_seeded_and_shuffled():
    X1, y1 = make_two_squares(random_state=3)
    X2, y2 = make_two_squares(random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.all(y1[:200] == 1)  # shuffled
    X3, _ = make_two_squares(n_samples=11, random_state=0)
    assert X3.shape == (11, 2)


def test_two_squares_rejects_tiny_sizes():
    with pytest.raises(ValueError, match="n_samples"):
        make_two_squares(n_samples=1)


def test_three_bands_matches_the_scenario():
    X, y = make_three_bands()
    assert X.shape == (300, 1)
    np.testing.assert_array_equal(X[:100, 0], np.linspace(0, 10, 100))
    np.testing.assert_array_equal(X[100:200, 0], np.linspace(11, 20, 100))
    np.testing.assert_array_equal(X[200:, 0], np.linspace(21, 30, 100))
    np.testing.assert_array_equal(y, np.r_[np.zeros(100), np.ones(100), np.zeros(100)])


def test_importing_the_package_and_datasets_does_not_load_keras():
    import subprocess
    import sys

    code = (
        "import sys, sktoynet, sktoynet.datasets; "
        "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'scikeras') if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
