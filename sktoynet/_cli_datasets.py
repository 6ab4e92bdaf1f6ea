"""The data the command line compares models on: named problems and CSV files.

Every loader returns a :class:`Problem`; bad input raises :class:`DataError`
with a message that fits on one line and says what to change.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as sk_datasets

from sktoynet._data_summary import check_finite
from sktoynet._safe_text import file_stem
from sktoynet.datasets import make_three_bands, make_two_squares


class DataError(ValueError):
    """The data cannot be compared on; the message says why, in one line."""


@dataclass
class Problem:
    """A classification problem: data, labels and how to describe them.

    ``X`` is an array for the built-in problems and a DataFrame (which may
    hold strings, dates and missing values) for a CSV file.
    """

    name: str
    title: str
    X: np.ndarray
    y: np.ndarray
    feature_names: list
    description: str = ""


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


#: Separators a reading with the wrong --sep may hide, and how to pass them to --sep.
OTHER_SEPARATORS = {",": ",", ";": ";", "\t": "\\t", "|": "|"}


def _other_separator(path, sep):
    """The separator the header of ``path`` seems to use instead of ``sep``, or None."""
    with open(path, encoding="utf-8", errors="replace") as file:
        header = file.readline()
    counts = {other: header.count(other) for other in OTHER_SEPARATORS if other != sep}
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] > 0 else None


def load_csv(path, target, *, drop=(), sep=","):
    """A problem from a CSV file: ``target`` is the label column, the rest are features.

    Feature columns may hold numbers, strings, booleans, dates and missing
    values (:func:`sktoynet.compare` encodes them); ``drop`` names columns to
    leave out, such as identifiers. The checks that can be made before any
    fit are made here, each failing with a one-line :class:`DataError`.
    """
    path = Path(path)
    shown = repr(str(path))
    sep = {"\\t": "\t", "tab": "\t"}.get(sep, sep)  # "--sep '\t'" arrives as backslash, t
    if not path.exists():
        raise DataError(f"no such file: {shown}")
    if path.is_dir():
        raise DataError(f"{shown} is a folder, not a CSV file")
    try:
        frame = pd.read_csv(path, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot read {shown} as CSV: {reason}") from exc
    columns = [str(column) for column in frame.columns]
    frame.columns = columns
    other = _other_separator(path, sep) if len(columns) == 1 else None
    if other is not None:
        raise DataError(
            f"{shown} reads as a single column {columns[0]!r}: it looks {other!r}-separated; "
            f"pass --sep '{OTHER_SEPARATORS[other]}'"
        )
    if frame.empty:
        raise DataError(f"{shown} has a header ({', '.join(columns)}) but no rows of data")
    if target not in columns:
        raise DataError(f"no column {target!r} in {shown}; its columns are: {', '.join(columns)}")
    unknown = [column for column in drop if column not in columns]
    if unknown:
        raise DataError(
            f"--drop {unknown[0]!r}: no such column in {shown}; its columns are: "
            f"{', '.join(columns)}"
        )
    if target in drop:
        raise DataError(f"--drop {target!r} is the target column; drop a feature instead")
    features = frame.drop(columns=[target, *drop])
    if features.shape[1] == 0:
        raise DataError(f"{shown} has no feature column left besides the target {target!r}")
    y = frame[target]
    if y.isna().any():
        raise DataError(
            f"missing values in the target column {target!r} of {shown} "
            f"({int(y.isna().sum())} rows); drop those rows"
        )
    try:
        check_finite(features)
    except ValueError as exc:
        raise DataError(f"{shown}: {exc}") from exc
    dropped = f", {len(drop)} column(s) dropped" if drop else ""
    return Problem(
        name=file_stem(path.stem),  # names the report's figure files
        title=path.name,
        X=features,
        y=y.to_numpy(),
        feature_names=list(features.columns),
        description=f"{path.name}, target column {target!r}{dropped}",
    )
