"""The data the command line compares models on: named problems and CSV files.

Every loader returns a :class:`Problem`; bad input raises :class:`DataError`
with a message that fits on one line and says what to change.
"""

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from pandas._libs.parsers import STR_NA_VALUES  # the strings read_csv takes for missing
from sklearn import datasets as sk_datasets

from sktoynet._report._sections import Problem
from sktoynet._safe_text import file_stem
from sktoynet.comparison._data_summary import check_finite
from sktoynet.datasets import make_three_bands, make_two_squares


class DataError(ValueError):
    """The data cannot be compared on; the message says why, in one line."""


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


def _other_separator(header, sep):
    """The separator ``header`` (a file's first line) seems to use instead of ``sep``, or None."""
    counts = {other: header.count(other) for other in OTHER_SEPARATORS if other != sep}
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] > 0 else None


#: The first bytes of files that are not text, and what they are.
_MAGIC = {b"\x1f\x8b": "gzip", b"PK\x03\x04": "zip", b"\xd0\xcf\x11\xe0": "Excel (.xls)"}


def _compression(path, shown):
    """How pandas must decompress ``path``, whatever its name says; refuse spreadsheets.

    A gzip file, or a zip archive holding one file, is read as the CSV it
    holds; an Excel workbook is refused by name rather than decoded as text.
    """
    with open(path, "rb") as file:
        start = file.read(4)
    kind = next((kind for magic, kind in _MAGIC.items() if start.startswith(magic)), None)
    if kind == "gzip":
        return "gzip"
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise DataError(f"{shown} is a damaged zip archive, not a CSV file: {exc}") from None
        if any(name.startswith("xl/") for name in names):
            kind = "Excel (.xlsx)"
        elif len(names) == 1:
            return "zip"
        else:
            raise DataError(
                f"{shown} is a zip archive of {len(names)} files, not a CSV file; "
                "extract the CSV file and pass that"
            )
    if kind is not None:
        raise DataError(
            f"{shown} is an {kind} workbook, not a CSV file; save its sheet as CSV "
            "(File > Save As > CSV) and pass that"
        )
    return None


def _read_frame(path, shown, target, sep, decimal):
    """The table in ``path``; the target column keeps labels such as "NA" and "None" as text.

    pandas reads "NA", "N/A", "null", "None" and more as missing values. In
    feature columns that is what they usually mean; in the target column a
    class may well be called "NA" (North America, "not applicable"), and only
    an empty cell is a missing label.
    """
    compression = _compression(path, shown)
    options = dict(sep=sep, decimal=decimal, compression=compression)
    try:
        header = pd.read_csv(path, nrows=0, **options).columns
        features = [column for column in header if str(column) != target]
        na_values = {column: sorted(STR_NA_VALUES) for column in features}
        na_values.update({column: [""] for column in header if str(column) == target})
        return pd.read_csv(path, keep_default_na=False, na_values=na_values, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot read {shown} as CSV: {reason}") from exc


def decimal_comma_columns(frame, decimal="."):
    """Text columns whose values are all numbers written with a decimal comma, like ``1,5``.

    Read with ``decimal="."`` and a separator other than ``,``, such numbers
    stay text, and each one becomes a category of its own.
    """
    if decimal == ",":
        return []
    found = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            continue
        values = column.dropna()
        if not len(values) or not values.map(type).eq(str).all():
            continue
        if not values.str.contains(",", regex=False).any():
            continue
        # One comma between digits, no point: "1,5" and "-0,25", not "1,234.5" or "a,b".
        if values.str.fullmatch(r"\s*[-+]?\d*,?\d+(?:[eE][-+]?\d+)?\s*").all():
            found.append(str(name))
    return found


def load_csv(path, target, *, drop=(), sep=",", decimal="."):
    """A problem from a CSV file: ``target`` is the label column, the rest are features.

    Feature columns may hold numbers, strings, booleans, dates and missing
    values (:func:`sktoynet.compare` encodes them); ``drop`` names columns to
    leave out, such as identifiers. Numbers use ``decimal`` as their decimal
    mark. A gzip file, or a zip archive of one file, is read whatever its
    name. In the target column only an empty cell is a missing label: "NA",
    "None" or "null" there are classes. The checks that can be made before
    any fit are made here, each failing with a one-line :class:`DataError`;
    the problem's ``warnings`` say what looks wrong but can be compared on.
    """
    path = Path(path)
    shown = repr(str(path))
    if not path.exists():
        raise DataError(f"no such file: {shown}")
    if path.is_dir():
        raise DataError(f"{shown} is a folder, not a CSV file")
    frame = _read_frame(path, shown, target, sep, decimal)
    columns = [str(column) for column in frame.columns]
    frame.columns = columns
    other = _other_separator(columns[0], sep) if len(columns) == 1 else None
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
            f"({int(y.isna().sum())} empty cells); drop those rows"
        )
    try:
        check_finite(features)
    except ValueError as exc:
        raise DataError(f"{shown}: {exc}") from exc
    dropped = f", {len(drop)} column(s) dropped" if drop else ""
    found = []
    commas = decimal_comma_columns(features, decimal) if sep != "," else []
    if commas:
        found.append(
            f"{_quoted(commas)} of {shown} hold numbers with a decimal comma (such as "
            f"{features[commas[0]].dropna().iloc[0]!r}), read as text; pass --decimal ','"
        )
    return Problem(
        name=file_stem(path.stem),  # names the report's figure files
        title=path.name,
        X=features,
        y=y.to_numpy(),
        feature_names=list(features.columns),
        description=f"{path.name}, target column {target!r}{dropped}",
        warnings=found,
    )


def _quoted(columns, shown=5):
    """``column 'a'`` or ``columns 'a', 'b', ... (12 in all)``."""
    names = ", ".join(repr(name) for name in columns[:shown])
    if len(columns) == 1:
        return f"column {names}"
    more = f", ... ({len(columns)} in all)" if len(columns) > shown else ""
    return f"columns {names}{more}"
