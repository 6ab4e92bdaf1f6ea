"""Compare sktoynet with LogisticRegression and MLPClassifier, fairly.

Every model sits in a Pipeline behind a StandardScaler, is grid-searched
over its own parameters, and is scored on the same stratified folds, so that
the table says which model wins on the data and not which one was handled
better.
"""

import contextlib
import tempfile
import warnings
from dataclasses import dataclass, field
from functools import partial
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import check_scoring
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from sktoynet import _preprocessing
from sktoynet._data_summary import as_frame, check_finite, plain_value, summarize
from sktoynet._pipeline import make_toynet
from sktoynet._progress import FitCounter, counting_batches

__all__ = ["ComparisonResult", "compare", "default_models", "check_target"]

#: Columns of :attr:`ComparisonResult.table`, in order.
TABLE_COLUMNS = ["best_params", "mean_test_score", "std_test_score", "mean_fit_time", "train_score"]


def default_models(random_state=None, *, quick=False):
    """The three models that :func:`compare` grid-searches by default.

    Each is a Pipeline with a StandardScaler in front, paired with its grid:

    - ``"sktoynet"``: :func:`~sktoynet.make_toynet`, over ``learning_rate``
      x ``width``;
    - ``"LogisticRegression"``: over ``C``;
    - ``"MLPClassifier"``: over ``learning_rate_init`` x
      ``hidden_layer_sizes``.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seed of the networks' initialisations.
    quick : bool, default=False
        Smaller grids and shorter training, for a first look in seconds.

    Returns
    -------
    models : dict
        ``{name: (estimator, param_grid)}``, the form :func:`compare` takes.

    See Also
    --------
    compare : Grid-search the models on the same folds and tabulate them.

    Examples
    --------
    >>> from sktoynet.comparison import default_models
    >>> models = default_models(random_state=0)
    >>> list(models)
    ['sktoynet', 'LogisticRegression', 'MLPClassifier']
    >>> sorted(models["sktoynet"][1])
    ['toynetclassifier__learning_rate', 'toynetclassifier__width']
    """
    if quick:
        toynet = make_toynet(epochs=100, n_init=4, random_state=random_state)
        toynet_grid = {
            "toynetclassifier__learning_rate": [0.01, 0.1],
            "toynetclassifier__width": [2, 8],
        }
        c_grid = [0.1, 1.0, 10.0]
        mlp_grid = {
            "mlpclassifier__learning_rate_init": [0.01],
            "mlpclassifier__hidden_layer_sizes": [(2,), (8,)],
        }
    else:
        toynet = make_toynet(random_state=random_state)
        # The two networks get the same grid: learning rates x hidden units.
        toynet_grid = {
            "toynetclassifier__learning_rate": [0.001, 0.01, 0.1],
            "toynetclassifier__width": [2, 4, 8],
        }
        c_grid = [0.01, 0.1, 1.0, 10.0, 100.0]
        mlp_grid = {
            "mlpclassifier__learning_rate_init": [0.001, 0.01, 0.1],
            "mlpclassifier__hidden_layer_sizes": [(2,), (4,), (8,)],
        }
    return {
        "sktoynet": (toynet, toynet_grid),
        "LogisticRegression": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            {"logisticregression__C": c_grid},
        ),
        "MLPClassifier": (
            make_pipeline(
                StandardScaler(), MLPClassifier(max_iter=1000, random_state=random_state)
            ),
            mlp_grid,
        ),
    }


def check_target(y, n_splits):
    """Check that ``y`` has two classes or more, each with a row per fold.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    n_splits : int
        Number of stratified cross-validation folds.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels as a 1-D array.

    Raises
    ------
    ValueError
        With a message that names the offending class and the fix.
    """
    y = _check_label_values(column_or_1d(y, warn=True))
    check_classification_targets(y)
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        shown = repr(plain_value(classes[0]) if classes.size else None)
        raise ValueError(
            f"the target has a single class ({shown}): a classifier needs at least two"
        )
    smallest = int(np.argmin(counts))
    if counts[smallest] < n_splits:
        raise ValueError(
            f"class {plain_value(classes[smallest])!r} has only {counts[smallest]} row(s), fewer "
            f"than the {n_splits} cross-validation folds; use fewer folds (at most "
            f"{max(int(counts[smallest]), 2)}) or add rows of that class"
        )
    return y


def _check_label_values(y):
    """Refuse missing labels and labels of mixed types, naming an example of each.

    Object labels that are all booleans or all numbers come back with that
    dtype, which scikit-learn recognises as classes.
    """
    missing = pd.isna(y)
    if missing.any():
        raise ValueError(
            f"the target has {int(missing.sum())} missing label(s) (such as row "
            f"{int(np.flatnonzero(missing)[0])}); drop those rows or give them a class"
        )
    if y.dtype != object:
        return y
    kinds = {}
    for value in y:
        if isinstance(value, (bool, np.bool_)):
            kind = "boolean"
        elif isinstance(value, (int, float, np.number)):
            kind = "number"
        else:
            kind = type(value).__name__
        kinds.setdefault(kind, value)
    if len(kinds) > 1:
        examples = " and ".join(f"{kind} ({plain_value(value)!r})" for kind, value in kinds.items())
        raise ValueError(
            f"the target mixes label types: {examples}; make every label the same type "
            "(all strings or all numbers)"
        )
    if set(kinds) <= {"boolean", "number"}:
        return np.asarray(y.tolist())
    return y


@dataclass(repr=False)
class ComparisonResult:
    """What :func:`compare` found: a table and the fitted grid searches.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model, indexed by model name, with the columns
        ``best_params`` (the best grid point, step prefixes removed),
        ``mean_test_score`` and ``std_test_score`` (cross-validated score of
        the best grid point), ``mean_fit_time`` (seconds, per fold) and
        ``train_score`` (the best estimator, refitted on all the data,
        scored on that data).
    searches : dict of str to GridSearchCV
        The fitted grid search of each model.
    scoring : str or callable
        The score used.
    cv : cross-validation splitter
        The folds shared by all the models.
    summary : DataSummary
        Rows, columns by kind, missing values, class balance and the number
        of columns the models get (``summary.lines()`` in words).
    preprocessed : bool
        Whether the models got the preprocessing step in front.
    """

    table: pd.DataFrame
    searches: dict = field(default_factory=dict)
    scoring: object = "accuracy"
    cv: object = None
    summary: object = None
    preprocessed: bool = False

    @property
    def cv_results_(self):
        """Each model's ``cv_results_``, a dict keyed by model name."""
        return {name: search.cv_results_ for name, search in self.searches.items()}

    @property
    def best_estimators_(self):
        """Each model's best estimator, refitted on all the data."""
        return {name: search.best_estimator_ for name, search in self.searches.items()}

    @property
    def best_params_(self):
        """Each model's best grid point, with the full (prefixed) parameter names."""
        return {name: search.best_params_ for name, search in self.searches.items()}

    @property
    def best_model_(self):
        """Name of the model with the highest mean cross-validated score (the first, on ties)."""
        return str(self.table["mean_test_score"].idxmax())

    @property
    def leaders_(self):
        """Names of all the models that share the highest mean cross-validated score."""
        scores = self.table["mean_test_score"]
        return [
            str(name) for name in scores.index[np.isclose(scores, scores.max(), rtol=0, atol=1e-12)]
        ]

    def __repr__(self):
        return f"ComparisonResult(models={list(self.searches)}, scoring={self.scoring!r})"


class _ProgressGridSearchCV(GridSearchCV):
    """GridSearchCV that reports its fits as they finish.

    With ``n_jobs`` other than one process, every candidate x fold is handed
    to joblib at once (as GridSearchCV does) and ``on_fits_done`` is called
    from the parent as each batch of fits comes back (see
    :func:`sktoynet._progress.counting_batches`). In one process, the
    candidates are evaluated one after the other and reported each in turn:
    the same fits in the same order. ``cv_results_`` and the best estimator
    are those GridSearchCV computes. ``on_search_done`` is called before the
    refit.
    """

    on_fits_done = None
    on_search_done = None

    def __getstate__(self):
        # scikit-learn sends the search itself along with each fit (``caller``);
        # the callbacks hold the progress bar, which belongs to this process only.
        state = super().__getstate__()
        state.pop("on_fits_done", None)
        state.pop("on_search_done", None)
        return state

    def _in_parallel(self):
        return self.on_fits_done is not None and effective_n_jobs(self.n_jobs) != 1

    def fit(self, X, y=None, **params):
        if not self._in_parallel():
            return super().fit(X, y, **params)
        # GridSearchCV picks its joblib backend when fit starts, before _run_search.
        with counting_batches(self.on_fits_done):
            return super().fit(X, y, **params)

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        if self.on_fits_done is None or self._in_parallel():
            evaluate_candidates(candidates)
        else:
            for candidate in candidates:
                evaluate_candidates([candidate])
                self.on_fits_done(self.n_splits_)
        if self.on_search_done is not None:
            self.on_search_done()


def compare(
    X,
    y,
    *,
    models=None,
    cv=5,
    scoring="accuracy",
    n_jobs=None,
    random_state=None,
    progress=False,
    preprocess="auto",
):
    """Grid-search several classifiers on the same folds and tabulate them.

    Each model is searched with :class:`~sklearn.model_selection.GridSearchCV`
    over its own grid, on one shared
    ``StratifiedKFold(cv, shuffle=True, random_state=random_state)``, and
    refitted on all the data with its best parameters. Convergence warnings
    from grid points that are expected to fail (a tiny learning rate, say)
    are silenced during the search only.

    A table with strings, categories, booleans, dates or missing values gets
    one preprocessing step in front of every model (see ``preprocess``): skrub's
    :class:`~skrub.TableVectorizer`, a :class:`~sklearn.impute.SimpleImputer`
    and a :class:`~sklearn.preprocessing.StandardScaler`, inside each
    pipeline, so it is fitted on each training fold only. Numeric data without missing values is
    passed to the models as it is.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Training data: numbers, or a DataFrame whose columns may also hold
        strings, categories, booleans, dates and missing values. Scaling is
        left to each model's pipeline. Infinite values, and values beyond
        +-1e150 that scaling would overflow, are refused before any fit.
    y : array-like of shape (n_samples,)
        Class labels; at least two classes, each with at least ``cv`` rows.
    models : dict or None, default=None
        ``{name: (estimator, param_grid)}``; an estimator alone means an
        empty grid. None compares sktoynet, LogisticRegression and
        MLPClassifier (see :func:`default_models`).
    cv : int or cross-validation splitter, default=5
        Number of stratified folds, or a splitter to use as it is.
    scoring : str or callable, default="accuracy"
        One scikit-learn scorer, as in GridSearchCV.
    n_jobs : int or None, default=None
        Parallel fits: all the candidates x folds of a model's grid are
        handed to joblib at once (``-1``: all cores; a dask backend spreads
        them over its cluster). None is one process, unless a joblib backend
        context says otherwise.
    random_state : int, RandomState instance or None, default=None
        Seed of the fold shuffle and of the default models.
    progress : bool, default=False
        Show a progress bar (on stderr) that advances as the fits finish.
    preprocess : {"auto", True, False}, default="auto"
        Whether every model, the default ones and those in ``models``, gets
        the preprocessing step in front (as a first pipeline step named
        ``"preprocessing"``; grid keys of your pipelines stay as they are).
        "auto" adds it when ``X`` has a column that is not plain numbers, or
        a missing value. False leaves the models as given, for estimators
        that take such tables themselves.

    Returns
    -------
    result : ComparisonResult
        ``result.table`` has one row per model; ``result.searches``,
        ``result.cv_results_`` and ``result.best_estimators_`` hold the rest,
        ``result.summary`` describes the data.

    Warns
    -----
    UserWarning
        For each column with a different integer or string on every row: it
        looks like an identifier, which a model can only memorise.

    See Also
    --------
    default_models : The models and grids compared by default.
    sktoynet.plotting.plot_decision_boundary : Draw a best estimator.
    sklearn.model_selection.GridSearchCV : The search run for each model.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sktoynet import compare, make_toynet
    >>> from sktoynet.datasets import make_three_bands
    >>> X, y = make_three_bands()
    >>> models = {
    ...     "sktoynet": (make_toynet(epochs=100, n_init=4, random_state=0),
    ...                  {"toynetclassifier__width": [2, 8]}),
    ...     "logistic": make_pipeline(StandardScaler(), LogisticRegression()),
    ... }
    >>> result = compare(X, y, models=models, cv=3, random_state=0)
    >>> list(result.table.index)
    ['sktoynet', 'logistic']
    >>> result.table.loc["logistic", "mean_test_score"].round(3)
    np.float64(0.667)
    >>> result.best_model_
    'sktoynet'
    """
    if models is None:
        models = default_models(random_state)
    models = _as_model_grids(models)
    if isinstance(cv, Integral):
        cv = StratifiedKFold(int(cv), shuffle=True, random_state=random_state)
    if hasattr(cv, "get_n_splits"):
        y = check_target(y, cv.get_n_splits())
    if not (isinstance(scoring, str) or callable(scoring)):
        raise ValueError(
            f"scoring must be one scorer name or callable, got {scoring!r}; "
            "compare() ranks models on a single score"
        )
    preprocessed = _preprocessing.resolve(preprocess, X)
    check_finite(as_frame(X))
    summary = summarize(X, y)
    for name in summary.id_like:
        warnings.warn(
            f"column {name!r} has a different value on every row, like an ID; it is used "
            "as a feature: drop it if it is one",
            UserWarning,
            stacklevel=2,
        )
    # A fold's encoded table is cached for all the grid points and models, until we return.
    caching = tempfile.TemporaryDirectory(prefix="sktoynet-cache-") if preprocessed else None
    with caching or contextlib.nullcontext() as cache:
        if preprocessed:
            models = {
                name: _preprocessing.with_preprocessing(estimator, grid, memory=cache)
                for name, (estimator, grid) in models.items()
            }
            # Fitted once on all rows before the search: it says how many columns the
            # models get, and a table it cannot encode fails now, not fold after fold.
            summary.n_model_inputs = _preprocessing.make_preprocessing().fit_transform(X).shape[1]
        else:
            summary.n_model_inputs = np.shape(X)[1]
        searches = _search_all(models, X, y, cv, scoring, n_jobs, progress)
    if preprocessed:
        for search in searches.values():
            _forget_memory(search, cache)
    table = pd.DataFrame.from_dict(
        {name: _table_row(search, X, y, scoring) for name, search in searches.items()},
        orient="index",
        columns=TABLE_COLUMNS,
    )
    table.index.name = "model"
    return ComparisonResult(
        table=table,
        searches=searches,
        scoring=scoring,
        cv=cv,
        summary=summary,
        preprocessed=preprocessed,
    )


def _forget_memory(search, cache):
    """Point the pipelines back to no cache once the temporary one is gone."""
    for pipeline in (search.estimator, getattr(search, "best_estimator_", None)):
        if getattr(pipeline, "memory", None) == cache:
            pipeline.set_params(memory=None)


def _search_all(models, X, y, cv, scoring, n_jobs, progress):
    """Fit one grid search per model, on the same folds; return them by name."""
    searches = {
        name: _grid_search(
            estimator,
            grid,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            return_train_score=True,
            error_score="raise",
        )
        for name, (estimator, grid) in models.items()
    }
    n_splits = cv.get_n_splits(X, y) if hasattr(cv, "get_n_splits") else None
    bar = _progress_bar(searches, n_splits) if progress else None
    try:
        for name, search in searches.items():
            counter = None
            if bar is not None:
                bar.set_description(name)
                bar.set_postfix_str("")
                total = len(ParameterGrid(search.param_grid)) * (n_splits or 0)
                counter = FitCounter(total, bar.update)
                search.on_fits_done = counter
                search.on_search_done = partial(bar.set_postfix_str, "refitting the best")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                # A category seen only in a test fold is encoded as zeros, as intended.
                warnings.filterwarnings("ignore", message="Found unknown categories")
                search.fit(X, y)
            search.on_fits_done = search.on_search_done = None
            if counter is not None:
                counter.finish()
    finally:
        if bar is not None:
            bar.close()
    return searches


def _grid_search(estimator, grid, **options):
    """The search of one model: GridSearchCV, or ToyNetClassifierCV's for make_toynet.

    A grid of exactly learning_rate x width over a pipeline ending in
    ToyNetClassifier is searched by ToyNetClassifierCV, which trains all the
    fits in one program, whatever ``n_jobs``; any other grid goes through
    GridSearchCV.
    """
    from sktoynet._cv_search import ToyNetCVSearch

    if ToyNetCVSearch.handles(estimator, grid):
        return ToyNetCVSearch(estimator, grid, **options)
    return _ProgressGridSearchCV(estimator, grid, **options)


def _as_model_grids(models):
    """``{name: (estimator, grid)}``, validated, with fresh clones of the estimators."""
    if not isinstance(models, dict) or not models:
        raise ValueError(
            "models must be a non-empty dict {name: (estimator, param_grid)}, "
            f"got {type(models).__name__}"
        )
    checked = {}
    for name, spec in models.items():
        estimator, grid = spec if isinstance(spec, tuple) else (spec, {})
        if not hasattr(estimator, "fit"):
            raise ValueError(f"models[{name!r}] is not an estimator: {estimator!r}")
        checked[str(name)] = (clone(estimator), grid if grid is not None else {})
    return checked


def _progress_bar(searches, n_splits):
    from tqdm.auto import tqdm

    total = None
    if n_splits is not None:
        total = sum(len(ParameterGrid(search.param_grid)) for search in searches.values())
        total *= n_splits
    return tqdm(total=total, unit="fit", leave=False, dynamic_ncols=True)


def short_params(params):
    """``"C=1, width=8"``: parameters without their pipeline-step prefix."""
    return ", ".join(f"{key.rsplit('__', 1)[-1]}={value!r}" for key, value in params.items())


def _table_row(search, X, y, scoring):
    best = search.best_index_
    results = search.cv_results_
    scorer = check_scoring(search.best_estimator_, scoring=scoring)
    return {
        "best_params": short_params(search.best_params_) or "(defaults)",
        "mean_test_score": float(results["mean_test_score"][best]),
        "std_test_score": float(results["std_test_score"][best]),
        "mean_fit_time": float(results["mean_fit_time"][best]),
        "train_score": float(scorer(search.best_estimator_, X, y)),
    }
