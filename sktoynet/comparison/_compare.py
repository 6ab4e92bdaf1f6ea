"""compare(): every model grid-searched on the same splits, tabulated and judged."""

import contextlib
import inspect
import tempfile
import warnings
from functools import partial
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold

from sktoynet._utils import short_params
from sktoynet._versions import software_versions
from sktoynet.comparison import _flags, _preprocessing
from sktoynet.comparison._baseline import imbalance_hint, judge_baseline, score_baseline
from sktoynet.comparison._checks import check_scoring, check_target, target_warnings
from sktoynet.comparison._data_summary import as_frame, check_finite, summarize
from sktoynet.comparison._models import DeferredModel, default_models
from sktoynet.comparison._result import ComparisonResult
from sktoynet.comparison._run import search_all
from sktoynet.comparison._search_base import LOSS, SCORE
from sktoynet.comparison._searches import forget_memory
from sktoynet.comparison._verdict import judge, range_of_scorer

#: Columns of :attr:`ComparisonResult.table`, in order.
TABLE_COLUMNS = [
    "best_params",
    "mean_test_score",
    "std_test_score",
    "ci_low",
    "ci_high",
    "p_value",
    "mean_fit_time",
    "compile_time",
    "total_time",
    "train_score",
]


#: Repeats of the k folds when ``cv`` is a number (see :func:`compare`).
DEFAULT_REPEATS = 1


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
    n_repeats=None,
):
    """Grid-search several classifiers on the same folds, tabulate them and say which wins.

    Each model is searched with :class:`~sklearn.model_selection.GridSearchCV`
    over its own grid, on one shared list of splits,
    ``RepeatedStratifiedKFold(n_splits=cv, n_repeats=n_repeats,
    random_state=random_state)``, drawn once: every grid point of every model
    is scored on exactly the same training and test rows. Convergence
    warnings from grid points that are expected to fail (a tiny learning
    rate, say) are silenced during the search only.

    **Which grid point.** Among the points whose mean score is within one
    standard error of the best, the one with the best cross-validated
    log-loss is kept (for estimators with ``predict_proba``), then the first
    in the grid (see :func:`sktoynet._estimators._grid_ties.best_index`); it is refitted
    on all the data.

    **Which model.** Each model's per-split scores are compared with those
    of the top model by the corrected repeated k-fold t-test (Nadeau and
    Bengio's variance correction for overlapping training sets, one-sided),
    with Holm's correction across models. The leaders are the top model and
    every model not significantly worse at 0.05; ``result.verdict`` says it
    in a sentence.

    **Times.** A model whose last step is an sktoynet estimator compiles its
    training program on its first fit. That fit is made once before the
    search (the first grid point on the first training fold), so that
    ``mean_fit_time`` is the steady-state time per fit; the compilation is
    reported apart, in ``compile_time``. Under a dask or threading backend,
    the workers compile on their own first fit, which their times then
    include.

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
        Number of stratified folds, repeated ``n_repeats`` times, or a
        splitter to use as it is (its splits are drawn once and shared).
    scoring : str or callable, default="accuracy"
        One scikit-learn scorer, as in GridSearchCV.
    n_jobs : int or None, default=None
        Parallel fits. With joblib's default (loky) backend and 2 or more
        jobs (``-1``: one per core), models that compile (sktoynet) are
        searched in this process while a background thread hands the other
        models' candidates x folds to ``n_jobs`` worker processes, which run
        at a lower priority (see :mod:`sktoynet.comparison._side_by_side`); under
        another backend (dask, threads), every model's candidates x folds go
        to that backend, one model after the other. The results are those of
        one process. None is one process, unless a joblib backend context
        says otherwise.
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
    n_repeats : int or None, default=None
        How many times the ``cv`` folds are drawn, each time shuffled
        differently; more repeats make the test between models more
        sensitive, and the comparison proportionally longer. None means
        :data:`DEFAULT_REPEATS` (1, so that ``sktoynet compare`` stays
        short: 21-29 s on a 2-core machine, report included; pass 3 or more
        for close calls).
        Only with ``cv`` given as a number.

    Returns
    -------
    result : ComparisonResult
        ``result.table`` has one row per model; ``result.verdict``,
        ``result.leaders_`` and ``result.flags`` say what to conclude;
        ``result.searches``, ``result.cv_results_`` and
        ``result.best_estimators_`` hold the rest, ``result.summary``
        describes the data. In a notebook it displays itself;
        ``result.save_report(path)`` writes the report.

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
    >>> result.verdict
    'sktoynet is best; logistic is worse by 0.333 (p < 0.001).'
    """
    summary = None  # summarised, and warned about, below
    return _compare(
        X, y, summary, models, cv, scoring, n_jobs, random_state, progress, preprocess, n_repeats
    )


def compare_summarised(X, y, summary, **options):
    """:func:`compare`, for a caller that summarised the data and warned about it itself.

    For the ``sktoynet`` command, which prints the summary and its warnings
    (about the target, and the columns like an ID, with its own advice)
    before the fits: ``summary``, from :func:`summarize`, becomes the
    result's, and nothing is summarised or warned about again. ``options``
    are :func:`compare`'s.
    """
    arguments = inspect.signature(compare).bind(X, y, **options)  # compare's defaults
    arguments.apply_defaults()
    return _compare(summary=summary, **arguments.arguments)


def _compare(
    X, y, summary, models, cv, scoring, n_jobs, random_state, progress, preprocess, n_repeats
):
    """:func:`compare`; it summarises and warns only when ``summary`` is None."""
    warn = summary is None
    if models is None:
        models = default_models(random_state)
    models = _as_model_grids(models)
    cv, folds = _splitter(cv, n_repeats, random_state)
    if folds is not None:
        y = check_target(y, folds)
    if not (isinstance(scoring, str) or callable(scoring)):
        raise ValueError(
            f"scoring must be one scorer name or callable, got {scoring!r}; "
            "compare() ranks models on a single score"
        )
    check_scoring(scoring, np.asarray(y))
    for line in target_warnings(np.asarray(y), folds) if warn and folds is not None else []:
        warnings.warn(line, UserWarning, stacklevel=3)
    preprocessed = _preprocessing.resolve(preprocess, X)
    check_finite(as_frame(X))
    if warn:
        summary = summarize(X, y)
        for name in summary.id_like:
            warnings.warn(
                f"column {name!r} has a different value on every row, like an ID; it is used "
                "as a feature: drop it if it is one",
                UserWarning,
                stacklevel=3,
            )
    splits = list(cv.split(X, y))  # drawn once: every model gets exactly these
    # Before the searches: it takes milliseconds, and a scorer that fails on these very
    # splits (check_scoring tried a stand-in only) fails before any fit.
    baseline_label, baseline_scores = score_baseline(y, splits, scoring)
    # A fold's encoded table is cached for all the grid points and models, until we return.
    caching = tempfile.TemporaryDirectory(prefix="sktoynet-cache-") if preprocessed else None
    with caching or contextlib.nullcontext() as cache:
        if preprocessed:
            preprocessed_model = partial(_preprocessing.with_preprocessing, memory=cache)
            models = {
                name: spec.then(preprocessed_model)
                if isinstance(spec, DeferredModel)
                else preprocessed_model(*spec)
                for name, spec in models.items()
            }
            # Fitted once on all rows before the search: it says how many columns the
            # models get, and a table it cannot encode fails now, not fold after fold.
            summary.n_model_inputs = _preprocessing.make_preprocessing().fit_transform(X).shape[1]
        else:
            summary.n_model_inputs = np.shape(X)[1]
        searches, extras = search_all(models, X, y, splits, scoring, n_jobs, progress)
    if preprocessed:
        for search in searches.values():
            forget_memory(search, cache)
    ratio = float(np.mean([len(test) / len(train) for train, test in splits]))
    rows = {name: _table_row(search, X, y, extras[name]) for name, search in searches.items()}
    split_scores = {name: _best_split_scores(search) for name, search in searches.items()}
    judged = judge(
        split_scores,
        ratio,
        losses={name: _best_mean(search, LOSS) for name, search in searches.items()},
        score_range=range_of_scorer(scoring),
    )
    for name, row in rows.items():
        row.update(ci_low=judged.ci_low[name], ci_high=judged.ci_high[name])
        row["p_value"] = judged.p_value[name]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=TABLE_COLUMNS)
    table.index.name = "model"
    baseline = judge_baseline(baseline_label, baseline_scores, split_scores, ratio)
    hint = imbalance_hint(y, scoring)
    return ComparisonResult(
        table=table,
        searches=searches,
        scoring=scoring,
        cv=cv,
        summary=summary,
        preprocessed=preprocessed,
        splits=splits,
        verdict=baseline.verdict_prefix(scoring) + judged.sentence,
        flags=_all_flags(table, searches, as_frame(X)) + ([hint] if hint else []),
        baseline=baseline,
        confusion_matrices={name: extra["confusion"] for name, extra in extras.items()},
        class_metrics={name: extra["per_class"] for name, extra in extras.items()},
        versions=software_versions(),
        X=X,
        y=y,
        _top=judged.top,
        _leaders=judged.leaders,
    )


def _splitter(cv, n_repeats, random_state):
    """``(splitter, folds)``: the splitter to draw the shared splits from, and its k (or None)."""
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        repeats = DEFAULT_REPEATS if n_repeats is None else n_repeats
        if not isinstance(repeats, Integral) or isinstance(repeats, bool) or repeats < 1:
            raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}")
        splitter = RepeatedStratifiedKFold(
            n_splits=int(cv), n_repeats=int(repeats), random_state=random_state
        )
        return splitter, int(cv)
    if n_repeats is not None:
        raise ValueError(
            f"n_repeats={n_repeats!r} needs cv to be a number of folds, got {cv!r}; pass a "
            "repeated splitter such as RepeatedStratifiedKFold as cv instead"
        )
    folds = getattr(cv, "n_splits", None) or getattr(cv, "cvargs", {}).get("n_splits")
    return cv, folds if isinstance(folds, Integral) else None


def _as_model_grids(models):
    """``{name: (estimator, grid)}``, validated, with fresh clones of the estimators.

    A :class:`~sktoynet.comparison._models.DeferredModel` (the command's) is
    kept as it is: it builds a fresh estimator on its turn.
    """
    if not isinstance(models, dict) or not models:
        raise ValueError(
            "models must be a non-empty dict {name: (estimator, param_grid)}, "
            f"got {type(models).__name__}"
        )
    checked = {}
    for name, spec in models.items():
        if isinstance(spec, DeferredModel):
            checked[str(name)] = spec
            continue
        estimator, grid = spec if isinstance(spec, tuple) else (spec, {})
        if not hasattr(estimator, "fit"):
            raise ValueError(f"models[{name!r}] is not an estimator: {estimator!r}")
        checked[str(name)] = (clone(estimator), grid if grid is not None else {})
    return checked


def _best_mean(search, metric):
    """The chosen grid point's mean test ``metric``; NaN when the search did not score it."""
    values = search.cv_results_.get(f"mean_test_{metric}")
    return np.nan if values is None else float(values[search.best_index_])


def _best_split_scores(search):
    """The per-split test scores of the chosen grid point, in split order."""
    results, best = search.cv_results_, search.best_index_
    return np.array([results[f"split{i}_test_{SCORE}"][best] for i in range(search.n_splits_)])


def _table_row(search, X, y, extra):
    best = search.best_index_
    results = search.cv_results_
    mean_fit_time = float(results["mean_fit_time"][best])
    return {
        "best_params": short_params(search.best_params_) or "(defaults)",
        "mean_test_score": float(results[f"mean_test_{SCORE}"][best]),
        "std_test_score": float(results[f"std_test_{SCORE}"][best]),
        "mean_fit_time": mean_fit_time,
        "compile_time": extra["compile_time"],
        "total_time": extra["total_time"],
        "train_score": float(search.score(X, y)),
    }


def _all_flags(table, searches, frame):
    """The flags: features without information, then each model's, in table order.

    A model's flags are the edge of the grid, then refit against CV.
    """
    flags = [flag for flag in [_flags.no_information(frame)] if flag is not None]
    for name, search in searches.items():
        flags += _flags.edge_of_grid(
            name, search.param_grid, search.best_params_, search.cv_results_, SCORE
        )
        row = table.loc[name]
        disagreement = _flags.refit_disagrees(
            name, row["mean_test_score"], row["ci_low"], row["ci_high"], row["train_score"]
        )
        if disagreement is not None:
            flags.append(disagreement)
    return flags
