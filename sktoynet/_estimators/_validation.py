"""Clear messages for inputs that scikit-learn or NumPy would reject cryptically.

Each check names the offending column, label or parameter and says what to
do, in one line, before any training starts.
"""

import math

import numpy as np

#: Where a user with text columns can turn.
ENCODE_HINT = (
    "Encode it first, for example with a OneHotEncoder in a Pipeline, or compare models "
    "on the table with sktoynet.compare(), which preprocesses mixed-type tables."
)


def check_numeric_features(X, estimator_name):
    """Raise ValueError naming the first non-numeric column of ``X`` (a DataFrame or array).

    Returns silently when every column is numeric (or boolean), so that the
    usual validation can go on.
    """
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(X, "columns"):
        import pandas as pd

        for column, dtype in zip(X.columns, dtypes, strict=True):
            if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
                values = X[column].dropna()
                _raise_non_numeric(
                    estimator_name, repr(column), values.iloc[0] if len(values) else None
                )
        return
    array = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    if array.dtype.kind not in "OUS" or array.ndim != 2:
        return
    for index in range(array.shape[1]):
        for value in array[:, index]:
            if isinstance(value, str | bytes):
                try:
                    float(value)
                except ValueError:
                    _raise_non_numeric(estimator_name, str(index), value)


def _raise_non_numeric(estimator_name, column, example):
    shown = f" such as {example!r}" if example is not None else ""
    raise ValueError(
        f"{estimator_name} needs numeric features, but column {column} holds text or "
        f"categories{shown}. {ENCODE_HINT}"
    )


def encode_labels(y):
    """``(classes, y_encoded)`` as ``np.unique`` gives them, with a clear error for mixed types."""
    try:
        return np.unique(y, return_inverse=True)
    except TypeError:
        kinds = sorted({type(label).__name__ for label in y})
        missing = " and drop the rows whose label is None" if "NoneType" in kinds else ""
        raise ValueError(
            f"y mixes labels of types {', '.join(kinds)}, which cannot be sorted into "
            f"classes; give every label the same type (for example y.astype(str)){missing}."
        ) from None


def check_class_weight(class_weight, classes):
    """Raise ValueError when a ``class_weight`` dict names a label that is not a class of y.

    Its weights must be finite numbers of at least 0: a NaN or infinite
    weight would make the loss NaN, which training reports as divergence,
    blaming the learning rate.
    """
    if not isinstance(class_weight, dict):
        return
    for label, weight in class_weight.items():
        try:
            valid = math.isfinite(weight) and weight >= 0
        except TypeError:
            valid = False
        if not valid:
            raise ValueError(
                f"class_weight must map each class to a finite weight of at least 0, but "
                f"class {label!r} has weight {weight!r}."
            )
    known = set(classes.tolist())
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(
            f"class_weight gives weights for {unknown!r}, which "
            f"{'is not a class' if len(unknown) == 1 else 'are not classes'} of y; "
            f"the classes are {classes.tolist()!r}."
        )


def check_validation_split(y_encoded, classes, validation_fraction):
    """Raise ValueError when early stopping's stratified hold-out cannot be drawn."""
    n_rows = len(y_encoded)
    counts = np.bincount(y_encoded, minlength=len(classes))
    n_held_out = math.ceil(validation_fraction * n_rows)
    smallest = int(np.argmin(counts))
    if counts[smallest] < 2:
        reason = (
            f"class {classes[smallest : smallest + 1].tolist()[0]!r} has only "
            f"{counts[smallest]} row, and a stratified hold-out needs at least 2 per class"
        )
    elif n_held_out < len(classes):
        reason = (
            f"its {n_held_out} held-out row(s) cannot include each of the {len(classes)} classes"
        )
    elif n_rows - n_held_out < len(classes):
        reason = (
            f"the {n_rows - n_held_out} rows left to train on cannot include each of the "
            f"{len(classes)} classes"
        )
    else:
        return
    raise ValueError(
        f"early_stopping=True holds out validation_fraction={validation_fraction:g} of the "
        f"{n_rows} training rows, stratified by class, but {reason}. Set "
        "early_stopping=False, change validation_fraction or add rows."
    )
