"""compare(), its result, and the models and grids it compares by default."""

import contextlib
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from functools import partial
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, ParameterGrid, RepeatedStratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from sktoynet._estimators._grid_ties import best_index
from sktoynet._estimators._pipeline import make_toynet
from sktoynet._utils import compiles, plain_value, short_params
from sktoynet._versions import software_versions
from sktoynet.comparison import _flags, _preprocessing
from sktoynet.comparison._baseline import imbalance_hint, judge_baseline, score_baseline
from sktoynet.comparison._data_summary import as_frame, check_finite, summarize
from sktoynet.comparison._out_of_fold import (
    class_tables,
    expected_fit_warnings_hidden,
    out_of_fold_predictions,
)
from sktoynet.comparison._progress import FitCounter, InterruptSafeBar, counting_batches
from sktoynet.comparison._search_base import LOSS, SCORE, ProgressCallbacks
from sktoynet.comparison._side_by_side import (
    Background,
    Deferred,
    local_worker_processes,
    worker_processes,
)
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


def default_models(random_state=None, *, quick=False):
    """The three models that :func:`compare` grid-searches by default.

    Each is a Pipeline with a StandardScaler in front, paired with its grid:

    - ``"sktoynet"``: :func:`~sktoynet.make_toynet`, over ``learning_rate``
      x ``width``;
    - ``"LogisticRegression"``: over ``C``;
    - ``"MLPClassifier"``: over ``learning_rate_init`` x
      ``hidden_layer_sizes``.

    The two networks get the same grid and the same budget of epochs:
    ``epochs=500`` and ``max_iter=500`` (100 each with ``quick``).

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
    >>> from sktoynet.comparison._compare import default_models
    >>> models = default_models(random_state=0)
    >>> list(models)
    ['sktoynet', 'LogisticRegression', 'MLPClassifier']
    >>> sorted(models["sktoynet"][1])
    ['toynetclassifier__learning_rate', 'toynetclassifier__width']
    """
    return {"sktoynet": _toynet_model(random_state, quick), **_peer_models(random_state, quick)}


def default_models_built_later(random_state=None, *, quick=False):
    """:func:`default_models`, with sktoynet's model built on its turn (:class:`Deferred`).

    For the ``sktoynet`` command: building sktoynet's model imports
    TensorFlow, which takes seconds, during which the other models' searches
    can already run in the worker processes.
    """
    toynet = Deferred(
        partial(_toynet_model, random_state, quick), len(ParameterGrid(_toynet_grid(quick)))
    )
    return {"sktoynet": toynet, **_peer_models(random_state, quick)}


#: Seconds per row of the default models' whole run (5 folds, the refit included), with or
#: without ``quick``: 2.5 ms (17.8 s for 5,000 rows, 54.9 s for 20,000) and 50 ms (250 s for
#: 5,000 rows), measured with ``sktoynet compare --data`` on a shared 2-core machine, on
#: 10 numeric columns and 2 classes.
SECONDS_PER_ROW = {True: 0.0025, False: 0.05}


def rough_duration(n_rows, *, quick=False, n_splits=5, n_repeats=1):
    """Seconds the default models may take on ``n_rows`` rows: an order of magnitude.

    The training of the networks grows with the rows, and with the fits: one
    per fold and repeat, and the refit. Columns, classes and the machine
    change it by a factor of a few either way.
    """
    fits = n_splits * n_repeats + 1
    return n_rows * SECONDS_PER_ROW[bool(quick)] * fits / 6


def _epochs(quick):
    return 100 if quick else 500


def _toynet_grid(quick):
    if quick:
        return {
            "toynetclassifier__learning_rate": [0.01, 0.1],
            "toynetclassifier__width": [2, 8],
        }
    return {
        "toynetclassifier__learning_rate": [0.001, 0.01, 0.1],
        "toynetclassifier__width": [2, 4, 8],
    }


def _toynet_model(random_state, quick):
    n_init = {"n_init": 4} if quick else {}
    toynet = make_toynet(epochs=_epochs(quick), random_state=random_state, **n_init)
    return toynet, _toynet_grid(quick)


def _peer_models(random_state, quick):
    if quick:
        c_grid = [0.1, 1.0, 10.0]
        mlp_grid = {
            "mlpclassifier__learning_rate_init": [0.01],
            "mlpclassifier__hidden_layer_sizes": [(2,), (8,)],
        }
    else:
        c_grid = [0.01, 0.1, 1.0, 10.0, 100.0]
        # The two networks get the same grid: learning rates x hidden units.
        mlp_grid = {
            "mlpclassifier__learning_rate_init": [0.001, 0.01, 0.1],
            "mlpclassifier__hidden_layer_sizes": [(2,), (4,), (8,)],
        }
    return {
        "LogisticRegression": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            {"logisticregression__C": c_grid},
        ),
        "MLPClassifier": (
            make_pipeline(
                StandardScaler(),
                MLPClassifier(max_iter=_epochs(quick), random_state=random_state),
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


#: Fewer rows per class than this in a training fold, on average, and classes are guesswork.
MIN_TRAINING_ROWS_PER_CLASS = 5

#: More classes than this make every fit slow (one output per class), whatever the rows.
MANY_CLASSES = 100


def target_warnings(y, n_splits):
    """Lines about a target that can be compared on, but not sensibly.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels, as :func:`check_target` returns them.
    n_splits : int
        Number of stratified cross-validation folds.

    Returns
    -------
    lines : list of str
        One line per problem found: so many classes that a training fold
        holds few rows of each (each model then learns little but labels),
        and every fit gets slow.
    """
    n_classes = np.unique(y).size
    per_class = len(y) * (n_splits - 1) / n_splits / n_classes
    if per_class >= MIN_TRAINING_ROWS_PER_CLASS and n_classes <= MANY_CLASSES:
        return []
    return [
        f"{n_classes:,} classes for {len(y):,} rows: a training fold holds {per_class:.1f} "
        f"rows of each class on average, and every fit learns {n_classes:,} outputs, so the "
        "run is long and its scores near chance; merge rare classes or predict a coarser label"
    ]


#: Scorers that need an ``average`` with more than two classes, and the name to use instead.
MULTICLASS_SCORERS = {
    "roc_auc": "roc_auc_ovr",
    "average_precision": "roc_auc_ovr",
    "f1": "f1_macro",
    "precision": "precision_macro",
    "recall": "recall_macro",
    "jaccard": "jaccard_macro",
}


def check_scoring(scoring, y):
    """Refuse a scorer name that cannot score these classes, before any fit.

    The scorer is tried on a stand-in classifier that predicts every class of
    ``y``: a binary-only scorer with three classes, or ``f1`` with labels
    that have no positive class 1, fails here in one line rather than after
    the whole search. Callables are left to the search.

    Parameters
    ----------
    scoring : str or callable
        The scorer, as :func:`compare` takes it.
    y : ndarray of shape (n_samples,)
        Class labels.

    Raises
    ------
    ValueError
        Naming the scorer and the name to use instead.
    """
    if not isinstance(scoring, str):
        return
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import get_scorer

    scorer = get_scorer(scoring)  # an unknown name fails here
    classes = np.unique(y)
    labels = np.concatenate([classes, classes])
    stand_in = DummyClassifier(strategy="stratified", random_state=0)
    stand_in.fit(np.zeros((labels.size, 1)), labels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ill-defined scores of the stand-in do not matter
            scorer(stand_in, np.zeros((labels.size, 1)), labels)
    except (ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split()).split(". ")[0].rstrip(".")
        instead = MULTICLASS_SCORERS.get(scoring, "accuracy")
        raise ValueError(
            f"scoring={scoring!r} cannot score the {classes.size} classes of this target "
            f"({reason}); use scoring={instead!r}"
        ) from None


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
    """What :func:`compare` found: a table, a verdict and the fitted grid searches.

    In a Jupyter notebook the result shows itself: the table, the verdict,
    the flags, and the figures of the report (with matplotlib).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model, indexed by model name, with the columns
        ``best_params`` (the chosen grid point, step prefixes removed, see
        :func:`compare`), ``mean_test_score`` and ``std_test_score``
        (cross-validated score of that point over all the splits),
        ``ci_low`` and ``ci_high`` (95 % confidence interval of that mean,
        Nadeau-Bengio corrected, clipped to the range of the score, such
        as 0 to 1 for accuracy), ``p_value`` (Holm-adjusted p-value that the
        model scores lower than the top model; NaN for the top model),
        ``mean_fit_time`` (seconds per fit of that point, compilation
        excluded), ``compile_time`` (seconds of one-off compilation paid
        before the search, NaN for models that compile nothing),
        ``total_time`` (seconds for the model's whole search, refit and
        out-of-fold predictions) and ``train_score`` (the chosen point,
        refitted on all the data, scored on that data).
    verdict : str
        Which models are tied for the lead and which are worse, by how much
        and with what p-value; first, when no model is significantly better
        than always predicting the most frequent class, a sentence that says
        so (see :attr:`baseline`).
    flags : list of str
        Things to check before trusting the table: a chosen grid point on the
        edge of its grid, a refit whose score disagrees with its
        cross-validated score by more than the noise, and, for accuracy on
        a table whose rarest class has under 20 % of the rows, a score that
        would tell the models apart better.
    baseline : Baseline
        The majority-class baseline, ``DummyClassifier(strategy="prior")``
        scored on the same splits: ``baseline.label``,
        ``baseline.mean_score``, ``baseline.split_scores``, and
        ``baseline.p_value`` and ``baseline.beaten_by`` (each model tested
        against it with the verdict's test). A yardstick, not a row of the
        table; ``baseline.line(scoring)`` says it in words.
    confusion_matrices : dict of str to pandas.DataFrame
        Each model's out-of-fold confusion matrix (true classes as rows,
        predictions as columns) on the first repeat of the shared folds.
    class_metrics : dict of str to pandas.DataFrame
        Each model's out-of-fold precision, recall and support per class.
    searches : dict of str to GridSearchCV
        The fitted grid search of each model.
    scoring : str or callable
        The score used.
    cv : cross-validation splitter
        The splitter the folds came from.
    splits : list of (train, test) index arrays
        The splits every model was scored on, in order.
    summary : DataSummary
        Rows, columns by kind, missing values, class balance and the number
        of columns the models get (``summary.lines()`` in words).
    preprocessed : bool
        Whether the models got the preprocessing step in front.
    versions : dict of str to str
        Python, sktoynet, scikit-learn, NumPy, Keras and backend versions.
    X, y : array-like
        The data compared on, as given (kept for the figures).
    """

    table: pd.DataFrame
    searches: dict = field(default_factory=dict)
    scoring: object = "accuracy"
    cv: object = None
    summary: object = None
    preprocessed: bool = False
    splits: list = field(default_factory=list)
    verdict: str = ""
    flags: list = field(default_factory=list)
    baseline: object = None
    confusion_matrices: dict = field(default_factory=dict)
    class_metrics: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    X: object = None
    y: object = None
    _top: str = None
    _leaders: list = field(default_factory=list)

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
        """Name of the top-ranked model: the highest mean cross-validated score.

        Among models with equal means, the one with the better cross-validated
        log-loss, then the first listed (fit times, which vary from run to run,
        do not decide). It is not necessarily *significantly*
        better than the others: all the models in :attr:`leaders_` are tied
        with it, and :attr:`verdict` says so.
        """
        return self._top

    @property
    def leaders_(self):
        """The top model and every model not significantly worse (alpha 0.05), in table order.

        "Significantly worse": the Holm-adjusted p-value of the corrected
        repeated k-fold t-test against the top model's per-split scores
        (``table["p_value"]``) is below 0.05.
        """
        return list(self._leaders)

    def __repr__(self):
        return f"ComparisonResult(models={list(self.searches)}, scoring={self.scoring!r})"

    def _repr_html_(self):
        from sktoynet._report._render import notebook_html

        return notebook_html(self)

    def plot(self):
        """Draw the report's figures, each in a new pyplot figure.

        Returns
        -------
        figures : list of (matplotlib.figure.Figure, str)
            Each figure with its caption: the decision boundaries of every
            best estimator, and for sktoynet the score and fit-time heatmaps
            and the loss curves.
        """
        from sktoynet._report._render import draw_figures

        return draw_figures(self, pyplot=True)

    def save_report(self, path, *, title="data", description=""):
        """Write the report the ``sktoynet compare`` command writes, into folder ``path``.

        The folder rules are the command's: ``path`` must be new, empty or an
        earlier sktoynet report (listed in its ``sktoynet-manifest.txt``);
        anything else is refused with a :class:`ValueError`, so no file of
        yours is overwritten. The report is written aside and moved into
        place whole.

        Parameters
        ----------
        path : str or path-like
            The report folder.
        title : str, default="data"
            Heading of the problem in the report; also names the files.
        description : str, default=""
            A line under the heading.

        Returns
        -------
        index : pathlib.Path
            The report's ``index.html``.

        Raises
        ------
        sktoynet._report._folder.OutputError
            A ValueError, if ``path`` cannot take the report (checked before
            anything is written), or if the finished report cannot be moved
            into place; nothing is then left half-written, and an earlier
            report in ``path`` is as it was.
        """
        from sktoynet._report._folder import ReportFolder
        from sktoynet._report._render import Section, problem_of, save_sections

        section = Section(problem_of(self, title, description), self)
        with ReportFolder(path) as folder:
            written, _ = save_sections(folder, [section])
        return next(item for item in written if item.name == "index.html")


#: A stoppable parallel search hands its fits to joblib in chunks of this many per worker.
CHUNK_ROUNDS = 5


class _ProgressGridSearchCV(ProgressCallbacks, GridSearchCV):
    """GridSearchCV that reports its fits as they finish.

    With ``n_jobs`` other than one process, every candidate x fold is handed
    to joblib at once (as GridSearchCV does) and ``on_fits_done`` is called
    from the parent as each batch of fits comes back (see
    :func:`sktoynet.comparison._progress.counting_batches`). In one process, the
    candidates are evaluated one after the other and reported each in turn:
    the same fits in the same order. ``cv_results_`` and the best estimator
    are those GridSearchCV computes. ``on_search_done`` is called before the
    refit.

    The search is multi-metric (the comparison's score and, with
    ``predict_proba``, the log-loss) and its ``refit`` is a callable, so
    :meth:`score` uses the ``"score"`` metric, as a single-metric search would.
    When ``stopping`` is set (see :class:`~sktoynet.comparison._search_base.ProgressCallbacks`),
    the search raises :class:`~sktoynet.comparison._search_base.SearchStopped` before its
    next chunk of candidates, or before its refit.
    """

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
        if self.on_fits_done is None and self.stopping is None:
            evaluate_candidates(candidates)
        elif effective_n_jobs(self.n_jobs) != 1:
            for chunk in self._chunks(candidates):
                self.check_stopping()
                evaluate_candidates(chunk)
        else:
            for candidate in candidates:
                self.check_stopping()
                evaluate_candidates([candidate])
                if self.on_fits_done is not None:
                    self.on_fits_done(self.n_splits_)
        self.check_stopping()  # before the refit
        if self.on_search_done is not None:
            self.on_search_done()

    def _chunks(self, candidates):
        """All the candidates at once, or, when it may be stopped, in chunks of a few rounds.

        A chunk holds about ``CHUNK_ROUNDS`` fits per worker, so that the workers
        stay busy and a stop waits for a few fits only.
        """
        if self.stopping is None:
            return [candidates]
        fits = CHUNK_ROUNDS * effective_n_jobs(self.n_jobs)
        size = max(1, round(fits / max(self.n_splits_, 1)))
        return [candidates[start : start + size] for start in range(0, len(candidates), size)]


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
    for line in target_warnings(np.asarray(y), folds) if folds is not None else []:
        warnings.warn(line, UserWarning, stacklevel=2)
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
    splits = list(cv.split(X, y))  # drawn once: every model gets exactly these
    # Scored first: it takes milliseconds, and a scorer the data cannot take fails now.
    baseline_label, baseline_scores = score_baseline(y, splits, scoring)
    # A fold's encoded table is cached for all the grid points and models, until we return.
    caching = tempfile.TemporaryDirectory(prefix="sktoynet-cache-") if preprocessed else None
    with caching or contextlib.nullcontext() as cache:
        if preprocessed:
            preprocessed_model = partial(_preprocessing.with_preprocessing, memory=cache)
            models = {
                name: spec.then(preprocessed_model)
                if isinstance(spec, Deferred)
                else preprocessed_model(*spec)
                for name, spec in models.items()
            }
            # Fitted once on all rows before the search: it says how many columns the
            # models get, and a table it cannot encode fails now, not fold after fold.
            summary.n_model_inputs = _preprocessing.make_preprocessing().fit_transform(X).shape[1]
        else:
            summary.n_model_inputs = np.shape(X)[1]
        searches, extras = _search_all(models, X, y, splits, scoring, n_jobs, progress)
    if preprocessed:
        for search in searches.values():
            _forget_memory(search, cache)
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


def _forget_memory(search, cache):
    """Point the pipelines back to no cache once the temporary one is gone."""
    for pipeline in (search.estimator, getattr(search, "best_estimator_", None)):
        if getattr(pipeline, "memory", None) == cache:
            pipeline.set_params(memory=None)


def _warm_up(estimator, grid, X, y, split):
    """Fit the first grid point once on the first training fold; return its seconds.

    For estimators that compile (see :func:`compiles`), so that the search
    times steady-state fits; NaN for the others, which are not fitted.
    """
    if not compiles(estimator):
        return np.nan
    params = next(iter(ParameterGrid(grid)), {})
    train = split[0]
    started = time.perf_counter()
    clone(estimator).set_params(**params).fit(_safe_indexing(X, train), y[train])
    return time.perf_counter() - started


def _make_search(estimator, grid, splits, scoring, n_jobs):
    metrics = {SCORE: scoring}
    if hasattr(estimator, "predict_proba"):
        metrics[LOSS] = "neg_log_loss"
    return _grid_search(
        estimator,
        grid,
        cv=splits,
        scoring=metrics,
        refit=partial(best_index, score=SCORE, loss=LOSS),
        n_jobs=n_jobs,
        return_train_score=True,
        error_score="raise",
    )


def _search_all(models, X, y, splits, scoring, n_jobs, progress):
    """Fit one grid search per model on the same splits.

    Returns the searches by name, and for each model its warm-up time, total
    time and out-of-fold confusion matrix and per-class metrics. With local
    worker processes, the models that compile are searched in this thread
    while the others run in the workers (see :mod:`sktoynet.comparison._side_by_side`).
    A :class:`~sktoynet.comparison._side_by_side.Deferred` model is built on its turn,
    in this thread, once the workers' searches have started.
    """
    n_workers = local_worker_processes(n_jobs)
    here_n_jobs = None if n_workers else n_jobs  # one fit after the other, in this process
    searches = {
        name: None if isinstance(spec, Deferred) else _make_search(*spec, splits, scoring, n_jobs)
        for name, spec in models.items()
    }  # a deferred model's search is made on its turn
    here, elsewhere = list(searches), []
    if n_workers:
        here = [
            name
            for name, search in searches.items()
            if search is None or compiles(search.estimator)
        ]
        elsewhere = [name for name in searches if name not in here]
        for name in here:
            if searches[name] is not None:
                searches[name].n_jobs = here_n_jobs
        for name in elsewhere:
            searches[name].n_jobs = n_workers  # a number: the thread has no joblib context
    n_candidates = sum(
        spec.n_candidates if isinstance(spec, Deferred) else len(ParameterGrid(spec[1]))
        for spec in models.values()
    )
    bar = _progress_bar(n_candidates, len(splits)) if progress else None
    labels = _BarLabels(bar, order=list(searches))
    run = partial(_search_one, X=X, y=y, splits=splits, labels=labels)
    background = None
    extras = {}
    # One warning context, opened here for both threads: catch_warnings is not
    # thread-safe, so none of ours opens inside the searches. The filters are
    # restored when this block ends (tested).
    with expected_fit_warnings_hidden(), labels:
        try:
            if elsewhere:
                background = Background(partial(_search_in_workers, elsewhere, searches, run))
            for name in here:
                if searches[name] is None:
                    model = models[name].build()
                    searches[name] = _make_search(*model, splits, scoring, here_n_jobs)
                extras[name] = run(name, searches[name])
            if background is not None:
                extras.update(background.result())
        except BaseException:
            if background is not None:
                background.stop()
            raise
    return searches, {name: extras[name] for name in searches}


def _search_in_workers(names, searches, run, stopping):
    """``{name: extras}`` of the models ``names``, their fits in worker processes."""
    extras = {}
    with worker_processes():
        for name in names:
            searches[name].stopping = stopping
            extras[name] = run(name, searches[name])
            searches[name].stopping = None
    return extras


def _search_one(name, search, *, X, y, splits, labels):
    """Warm up, search, refit and predict out of fold one model; its extras.

    A search told to stop (its ``stopping`` set, from another thread) raises
    :class:`~sktoynet.comparison._search_base.SearchStopped` before each of these steps.
    """
    search.check_stopping()
    started = time.perf_counter()
    counter = labels.start(name, search, len(splits))
    if hasattr(search, "warm_up"):  # a search that compiles one program for its whole grid
        compile_time = search.warm_up(X, y)
    else:
        warm_up = _warm_up(search.estimator, search.param_grid, X, y, splits[0])
    search.fit(X, y)
    search.on_fits_done = search.on_search_done = None
    if not hasattr(search, "warm_up"):
        # The warm-up fit's time beyond a steady-state fit of the same (first) grid point.
        first_fit = float(search.cv_results_["mean_fit_time"][0])
        compile_time = np.nan if np.isnan(warm_up) else max(warm_up - first_fit, 0.0)
    search.check_stopping()
    labels.note(name, "out-of-fold predictions")
    if hasattr(search, "out_of_fold_predictions"):  # its fold networks are at hand
        y_true, y_pred = search.out_of_fold_predictions(X, y, splits)
    else:
        y_true, y_pred = out_of_fold_predictions(
            search.best_estimator_, X, y, splits, n_jobs=search.n_jobs
        )
    confusion, per_class = class_tables(y_true, y_pred, search.best_estimator_.classes_)
    if counter is not None:
        counter.finish()
    labels.finish(name)
    return {
        "compile_time": compile_time,
        "total_time": time.perf_counter() - started,
        "confusion": confusion,
        "per_class": per_class,
    }


class _BarLabels:
    """The progress bar's description (the models being searched) and postfix (their stage).

    Several models may be searched at once, from two threads; ``None`` for no bar.
    """

    def __init__(self, bar, order):
        self.bar = bar
        self.order = order  # the models, in the order they are shown
        self.stages = {}
        self._lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()

    def start(self, name, search, n_splits):
        """Show ``name`` as searched; return the FitCounter the search reports to."""
        if self.bar is None:
            return None
        total = len(ParameterGrid(search.param_grid)) * n_splits
        counter = FitCounter(total, self.bar.update)
        search.on_fits_done = counter
        search.on_search_done = partial(self.note, name, "refitting the best")
        self.note(name, "")
        return counter

    def note(self, name, stage):
        if self.bar is None:
            return
        with self._lock:
            self.stages[name] = stage
            self._show()

    def finish(self, name):
        if self.bar is None:
            return
        with self._lock:
            self.stages.pop(name, None)
            self._show()

    def _show(self):
        running = [name for name in self.order if name in self.stages]
        if not running:
            return
        self.bar.set_description(" + ".join(running))
        self.bar.set_postfix_str(
            "; ".join(
                (f"{name}: {self.stages[name]}" if len(running) > 1 else self.stages[name])
                for name in running
                if self.stages[name]
            )
        )


def _grid_search(estimator, grid, **options):
    """The search of one model: GridSearchCV, or ToyNetClassifierCV's for make_toynet.

    A grid of exactly learning_rate x width over a pipeline ending in
    ToyNetClassifier is searched by ToyNetClassifierCV, which trains all the
    fits in one program, whatever ``n_jobs``; any other grid goes through
    GridSearchCV. The other models' searches are made without importing
    TensorFlow.
    """
    if compiles(estimator):
        from sktoynet.comparison._cv_search import ToyNetCVSearch

        if ToyNetCVSearch.handles(estimator, grid):
            return ToyNetCVSearch(estimator, grid, **options)
    return _ProgressGridSearchCV(estimator, grid, **options)


def _as_model_grids(models):
    """``{name: (estimator, grid)}``, validated, with fresh clones of the estimators.

    A :class:`~sktoynet.comparison._side_by_side.Deferred` model is kept as it is: it
    builds a fresh estimator on its turn.
    """
    if not isinstance(models, dict) or not models:
        raise ValueError(
            "models must be a non-empty dict {name: (estimator, param_grid)}, "
            f"got {type(models).__name__}"
        )
    checked = {}
    for name, spec in models.items():
        if isinstance(spec, Deferred):
            checked[str(name)] = spec
            continue
        estimator, grid = spec if isinstance(spec, tuple) else (spec, {})
        if not hasattr(estimator, "fit"):
            raise ValueError(f"models[{name!r}] is not an estimator: {estimator!r}")
        checked[str(name)] = (clone(estimator), grid if grid is not None else {})
    return checked


def _progress_bar(n_candidates, n_splits):
    from tqdm.auto import tqdm

    total = None if n_splits is None else n_candidates * n_splits
    return InterruptSafeBar(tqdm(total=total, unit="fit", leave=False, dynamic_ncols=True))


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
