"""ComparisonResult: what compare() found, as a table, a verdict and the fitted searches."""

from dataclasses import dataclass, field

import pandas as pd


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
    def trained_in_one_program_(self):
        """The models whose whole grid trained in one compiled program (ToyNetClassifierCV).

        Their fits have no times of their own: ``mean_fit_time`` is the
        program's time, shared out evenly over the grid points and folds.
        """
        return [name for name, search in self.searches.items() if search.trains_in_one_program]

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
