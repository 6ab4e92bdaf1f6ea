"""What the data looks like before any model sees it, and the checks that refuse it early.

:func:`summarize` describes a table (rows, columns by kind, missing values,
class balance); :func:`check_finite` refuses infinite or overflowing numbers,
naming the column; :func:`id_like_columns` finds columns that look like row
identifiers.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sktoynet._utils import plain_value

#: Above this, squaring a value (as scaling does) overflows float64 for any sizeable table.
LARGEST_SCALABLE = 1e150

#: Distinct values up to which a string column is a category (TableVectorizer's default).
CARDINALITY_THRESHOLD = 40

KINDS = ("numeric", "boolean", "categorical", "text", "date")

#: Classes named in the summary's "classes" line; the rest are counted.
CLASSES_SHOWN = 10


def as_frame(X, feature_names=None):
    """``X`` as a DataFrame; arrays get ``feature_names`` or ``x0, x1, ...``."""
    if isinstance(X, pd.DataFrame):
        return X
    values = np.asarray(X)
    if values.ndim != 2:
        raise ValueError(f"X must be 2-D (rows x columns), got shape {values.shape}")
    names = feature_names or [f"x{i}" for i in range(values.shape[1])]
    return pd.DataFrame(values, columns=[str(name) for name in names])


def column_kind(column):
    """``"numeric"``, ``"boolean"``, ``"categorical"``, ``"text"`` or ``"date"``."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    present = column.dropna()
    if present.map(type).isin([bool, np.bool_]).all() and len(present):
        return "boolean"
    if len(present) and _all_dates(present):
        return "date"
    return "categorical" if present.nunique() <= CARDINALITY_THRESHOLD else "text"


def _all_dates(values):
    strings = values.astype(str)
    if not strings.str.contains(r"\d").all():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format": then they are not dates
        parsed = pd.to_datetime(strings, errors="coerce", format="mixed")
    return bool(parsed.notna().all())


def id_like_columns(frame):
    """Columns of integers or strings with a different value on every row (and > 20 rows)."""
    if len(frame) <= 20:
        return []
    found = []
    for name in frame.columns:
        column = frame[name]
        if column.isna().any() or column_kind(column) not in ("numeric", "categorical", "text"):
            continue
        if pd.api.types.is_float_dtype(column.dtype):
            continue  # measurements are often all different; identifiers are whole numbers
        if column.nunique() == len(frame):
            found.append(str(name))
    return found


def check_finite(frame):
    """Refuse infinite values and values too large to scale, naming the column and a row."""
    for name in frame.columns:
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(
            column.dtype
        ):
            continue
        values = column.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(values) | (np.abs(values) > LARGEST_SCALABLE)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"column {str(name)!r} has an infinite or overflowing value ({values[row]:g} "
                f"at row {row}); values beyond +-{LARGEST_SCALABLE:g} cannot be scaled: fix "
                "or drop that column"
            )


@dataclass
class DataSummary:
    """A table at a glance: rows, columns by kind, missing values and class balance.

    Attributes
    ----------
    n_rows : int
    kinds : dict of str to list of str
        Column names by kind, in :data:`KINDS` order; empty kinds left out.
    missing : dict of str to float
        Share of missing values of each column that has some.
    class_counts : dict
        Rows per class, largest first.
    n_model_inputs : int or None
        Columns the preprocessing produces (the models' inputs); None when
        not known yet.
    id_like : list of str
        Columns that look like row identifiers.
    """

    n_rows: int
    kinds: dict
    missing: dict
    class_counts: dict
    n_model_inputs: int | None = None
    id_like: list = field(default_factory=list)

    @property
    def n_columns(self):
        return sum(len(names) for names in self.kinds.values())

    def lines(self):
        """The summary as short lines of text.

        The "classes" line names the :data:`CLASSES_SHOWN` largest classes
        and counts the others.
        """
        kinds = ", ".join(f"{len(names)} {kind}" for kind, names in self.kinds.items())
        lines = [f"{_count(self.n_rows, 'row')}, {_count(self.n_columns, 'column')}: {kinds}"]
        if self.missing:
            shares = ", ".join(f"{name} {share:.0%}" for name, share in self.missing.items())
            lines.append(f"missing values: {shares}")
        else:
            lines.append("missing values: none")
        total = sum(self.class_counts.values())
        shown = list(self.class_counts.items())[:CLASSES_SHOWN]
        balance = ", ".join(f"{label} {count} ({count / total:.0%})" for label, count in shown)
        rest = len(self.class_counts) - len(shown)
        if rest:
            low, high = min(self.class_counts.values()), max(self.class_counts.values())
            sizes = f"{low:,} rows each" if low == high else f"classes of {low:,}-{high:,} rows"
            balance += f", ... and {rest:,} more ({sizes})"
        lines.append(f"classes: {balance}")
        if self.n_model_inputs is not None:
            lines.append(
                f"model inputs after preprocessing: {_count(self.n_model_inputs, 'column')} "
                f"(from {self.n_columns})"
            )
        return lines


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summarize(X, y, feature_names=None):
    """The :class:`DataSummary` of features ``X`` and labels ``y``."""
    frame = as_frame(X, feature_names)
    kinds = {}
    for name in frame.columns:
        kinds.setdefault(column_kind(frame[name]), []).append(str(name))
    kinds = {kind: kinds[kind] for kind in KINDS if kind in kinds}
    shares = frame.isna().mean()
    missing = {str(name): float(share) for name, share in shares.items() if share > 0}
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    order = np.argsort(-counts, kind="stable")
    class_counts = {plain_value(labels[i]): int(counts[i]) for i in order}
    return DataSummary(
        n_rows=len(frame),
        kinds=kinds,
        missing=missing,
        class_counts=class_counts,
        id_like=id_like_columns(frame),
    )
