"""The data the command line compares models on: named problems and CSV files.

Every loader returns a :class:`Problem`; bad input raises :class:`DataError`
with a message that fits on one line and says what to change.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as sk_datasets

from sktoynet.datasets import make_three_bands, make_two_squares


class DataError(ValueError):
    """The data cannot be compared on; the message says why, in one line."""


@dataclass
class Problem:
    """A classification problem: data, labels and how to describe them."""

    name: str
    title: str
    X: np.ndarray
    y: np.ndarray
    feature_names: list
    description: str = ""

    @property
    def summary(self):
        n_rows, n_features = self.X.shape
        n_classes = np.unique(self.y).size
        features = "1 feature" if n_features == 1 else f"{n_features} features"
        return f"{n_rows} rows, {features}, {n_classes} classes"


def _two_squares(random_state):
    X, y = make_two_squares(random_state=random_state)
    return X, y, "linearly separable, labels 1 and 2; tiny nets stall at 50 %"


def _three_bands(random_state):
    X, y = make_three_bands()
    return X, y, "1 feature, middle band positive; one threshold cannot beat 66.7 %"


def _moons(random_state):
    X, y = sk_datasets.make_moons(n_samples=300, noise=0.2, random_state=random_state)
    return X, y, "scikit-learn's make_moons(300, noise=0.2)"


def _circles(random_state):
    X, y = sk_datasets.make_circles(n_samples=300, noise=0.1, factor=0.5, random_state=random_state)
    return X, y, "scikit-learn's make_circles(300, noise=0.1, factor=0.5)"


def _xor(random_state):
    rng = np.random.RandomState(random_state)
    X = rng.uniform(-1, 1, size=(300, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, y, "uniform in [-1, 1]^2, class 1 where both coordinates share a sign"


def _blobs(random_state):
    X, y = sk_datasets.make_blobs(n_samples=300, centers=3, random_state=random_state)
    return X, y, "scikit-learn's make_blobs(300, centers=3): three classes"


def _bunch_loader(load):
    def loader(random_state):
        bunch = load()
        return (
            bunch.data,
            bunch.target_names[bunch.target],
            f"scikit-learn's {load.__name__}()",
            list(bunch.feature_names),
        )

    return loader


#: name: (title, loader(random_state) -> (X, y, description[, feature_names]))
NAMED_DATASETS = {
    "two_squares": ("two squares", _two_squares),
    "three_bands": ("three bands", _three_bands),
    "moons": ("moons", _moons),
    "circles": ("circles", _circles),
    "xor": ("xor", _xor),
    "blobs": ("blobs", _blobs),
    "iris": ("iris", _bunch_loader(sk_datasets.load_iris)),
    "wine": ("wine", _bunch_loader(sk_datasets.load_wine)),
    "breast_cancer": ("breast cancer", _bunch_loader(sk_datasets.load_breast_cancer)),
}

#: What ``sktoynet compare`` runs on without arguments.
DEFAULT_DATASETS = ("two_squares", "three_bands")


def load_named(name, random_state=None):
    """The named problem ``name`` (a key of :data:`NAMED_DATASETS`)."""
    if name not in NAMED_DATASETS:
        raise DataError(f"unknown dataset {name!r}; choose from: {', '.join(NAMED_DATASETS)}")
    title, loader = NAMED_DATASETS[name]
    X, y, description, *names = loader(random_state)
    X = np.asarray(X, dtype=float)
    feature_names = names[0] if names else [f"x{i}" for i in range(X.shape[1])]
    return Problem(name, title, X, np.asarray(y), feature_names, description)


def load_csv(path, target):
    """A problem from a CSV file: ``target`` is the label column, the rest are features."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"no such file: {str(path)!r}")
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a folder, not a CSV file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot read {str(path)!r} as CSV: {reason}") from exc
    columns = [str(column) for column in frame.columns]
    frame.columns = columns
    if target not in columns:
        raise DataError(
            f"no column {target!r} in {str(path)!r}; its columns are: {', '.join(columns)}"
        )
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise DataError(f"{str(path)!r} has no feature column besides the target {target!r}")
    non_numeric = [
        column
        for column in features.columns
        if not (pd.api.types.is_numeric_dtype(features[column]))
    ]
    if non_numeric:
        examples = ", ".join(
            f"{column!r} (e.g. {features[column].dropna().iloc[0]!r})"
            if features[column].notna().any()
            else repr(column)
            for column in non_numeric[:3]
        )
        more = f" and {len(non_numeric) - 3} more" if len(non_numeric) > 3 else ""
        raise DataError(
            f"non-numeric feature column(s) in {str(path)!r}: {examples}{more}; "
            "encode them as numbers or drop them"
        )
    missing = [column for column in features.columns if features[column].isna().any()]
    if missing:
        raise DataError(
            f"missing values in feature column(s) {', '.join(map(repr, missing))} of "
            f"{str(path)!r}; fill them in or drop those rows"
        )
    y = frame[target]
    if y.isna().any():
        raise DataError(
            f"missing values in the target column {target!r} of {str(path)!r}; drop those rows"
        )
    return Problem(
        name=path.stem,
        title=path.name,
        X=features.to_numpy(dtype=float),
        y=y.to_numpy(),
        feature_names=list(features.columns),
        description=f"{path.name}, target column {target!r}",
    )
