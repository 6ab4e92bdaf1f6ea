"""The toy problems that tiny networks are known to fail on.

Both generators return ``X`` as a 2-D float array of shape
``(n_samples, n_features)`` and ``y`` as a 1-D integer array, like the
generators in :mod:`sklearn.datasets`.
"""

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils import shuffle as shuffle_arrays

__all__ = ["make_two_squares", "make_three_bands"]


def make_two_squares(n_samples=400, *, random_state=None, shuffle=True):
    """Two separable squares labelled 1 and 2 (not 0 and 1).

    Class 1 is uniform in the square ``[0.2, 0.4] x [0.2, 0.4]`` and class 2
    in ``[0.5, 0.7] x [0.5, 0.7]``. The problem is linearly separable, so
    LogisticRegression scores 100 %, yet a two-unit Keras network trained with
    Adam's default learning rate sits at 50 % for dozens of epochs.

    Parameters
    ----------
    n_samples : int, default=400
        Total number of points. Class 1 gets ``n_samples // 2`` points and
        class 2 the rest.
    random_state : int, RandomState instance or None, default=None
        Seed of the uniform draws and of the shuffle.
    shuffle : bool, default=True
        Whether to shuffle the rows. When False, class 1 comes first.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points.
    y : ndarray of shape (n_samples,)
        The labels, 1 or 2.

    See Also
    --------
    make_three_bands : A 1-D problem that one threshold cannot solve.

    Examples
    --------
    >>> from sktoynet.datasets import make_two_squares
    >>> X, y = make_two_squares(random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((400, 2), [1, 2])
    """
    n_samples = int(n_samples)
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}.")
    rng = check_random_state(random_state)
    n_first = n_samples // 2
    n_second = n_samples - n_first
    X = np.vstack(
        [
            rng.uniform(0.2, 0.4, size=(n_first, 2)),
            rng.uniform(0.5, 0.7, size=(n_second, 2)),
        ]
    )
    y = np.concatenate([np.full(n_first, 1), np.full(n_second, 2)])
    if shuffle:
        X, y = shuffle_arrays(X, y, random_state=rng)
    return X, y


def make_three_bands():
    """Three bands on a line; the middle one is the positive class.

    ``X`` holds 100 evenly spaced values in each of ``[0, 10]``, ``[11, 20]``
    and ``[21, 30]``; ``y`` is 0, 1, 0 for the three bands. One threshold
    (LogisticRegression) cannot do better than 2/3 accuracy; a network with
    two hidden units can reach 100 % (two thresholds), if its inputs are
    scaled and its initialisation is lucky.

    Returns
    -------
    X : ndarray of shape (300, 1)
        The values, as a single feature column.
    y : ndarray of shape (300,)
        The labels, 0 or 1.

    See Also
    --------
    make_two_squares : A separable 2-D problem with labels 1 and 2.

    Examples
    --------
    >>> from sktoynet.datasets import make_three_bands
    >>> X, y = make_three_bands()
    >>> X.shape, y.mean().round(3)
    ((300, 1), np.float64(0.333))
    """
    values = np.concatenate(
        [np.linspace(0, 10, 100), np.linspace(11, 20, 100), np.linspace(21, 30, 100)]
    )
    y = np.concatenate(
        [np.zeros(100, dtype=int), np.ones(100, dtype=int), np.zeros(100, dtype=int)]
    )
    return values.reshape(-1, 1), y
