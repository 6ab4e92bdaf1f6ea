"""The one preprocessing step every compared model gets in front on mixed-type tables.

skrub's :class:`~skrub.TableVectorizer` turns a table of numbers, strings,
categories, booleans and dates into numbers: one-hot encoding for categories
(unknown ones at predict time are encoded as all zeros), a low-dimensional
text embedding for high-cardinality strings, numeric features for dates. A
:class:`~sklearn.impute.SimpleImputer` then fills the missing numbers (with
the column's median) and adds an indicator column for each column that had
some, and a :class:`~sklearn.preprocessing.StandardScaler` scales it all, so
that an estimator without a scaler of its own gets sensible inputs too (a
model's own StandardScaler after it changes nothing).

skrub is imported when the step is built, not when sktoynet is.
"""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

#: Name of the preprocessing step in the pipelines :func:`sktoynet.compare` fits.
STEP_NAME = "preprocessing"

PREPROCESS_OPTIONS = ("auto", True, False)


def make_preprocessing():
    """TableVectorizer, SimpleImputer and StandardScaler in one unfitted Pipeline."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import StandardScaler
    from skrub import TableVectorizer

    return Pipeline(
        [
            ("tablevectorizer", TableVectorizer()),
            ("simpleimputer", SimpleImputer(strategy="median", add_indicator=True)),
            ("standardscaler", StandardScaler()),
        ]
    )


def needs_preprocessing(X):
    """Whether ``X`` has a column that is not plain numbers, or a missing value."""
    if isinstance(X, pd.DataFrame):
        plain = all(
            pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)
            for dtype in X.dtypes
        )
        return not plain or bool(X.isna().to_numpy().any())
    values = np.asarray(X)
    if values.dtype.kind not in "biuf":
        return True
    return bool(np.isnan(values).any()) if values.dtype.kind == "f" else False


def resolve(preprocess, X):
    """Whether to put the preprocessing step in front, for the ``preprocess`` option."""
    if isinstance(preprocess, str) and preprocess == "auto":
        return needs_preprocessing(X)
    if isinstance(preprocess, (bool, np.bool_)):
        return bool(preprocess)
    raise ValueError(f"preprocess must be 'auto', True or False, got {preprocess!r}")


def with_preprocessing(estimator, grid, memory=None):
    """``estimator`` behind a fresh preprocessing step, and ``grid`` with matching keys.

    A Pipeline gets the step prepended, so its grid keys stay valid; another
    estimator becomes the second step of a new Pipeline, named as
    :func:`~sklearn.pipeline.make_pipeline` would, and its grid keys get that
    step's prefix. ``memory`` (a folder) caches the fitted preprocessing, so
    that a fold's table is encoded once for all the grid points and models
    instead of once per fit; a pipeline's own ``memory`` is kept.
    """
    if isinstance(estimator, Pipeline):
        if STEP_NAME in estimator.named_steps:
            raise ValueError(
                f"the pipeline already has a step named {STEP_NAME!r}; rename it or pass "
                "preprocess=False"
            )
        steps = [(STEP_NAME, make_preprocessing()), *estimator.steps]
        memory = estimator.memory if estimator.memory is not None else memory
        return Pipeline(steps, memory=memory, verbose=estimator.verbose), grid
    name = type(estimator).__name__.lower()
    pipeline = Pipeline([(STEP_NAME, make_preprocessing()), (name, estimator)], memory=memory)
    return pipeline, _prefixed(grid, name)


def _prefixed(grid, name):
    if isinstance(grid, (list, tuple)):
        return [_prefixed(part, name) for part in grid]
    return {f"{name}__{key}": values for key, values in grid.items()}
