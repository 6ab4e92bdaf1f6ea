"""Pictures that show why one model wins: decision boundaries, score heatmaps, loss curves.

matplotlib is an optional dependency (``pip install "sktoynet[plot]"``); it is
imported when a figure is drawn, not when this module is imported.
"""

import warnings
from contextlib import contextmanager

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import available_if

from sktoynet._safe_text import for_figure

__all__ = ["plot_decision_boundary", "plot_score_heatmap", "plot_loss_curves"]

INSTALL_HINT = 'pip install "sktoynet[plot]"'

#: Most values a plane's grid may hold at once once lifted into the model's
#: input space (rows x columns). The grid is evaluated in chunks of rows under
#: it, so that a figure of wide data needs a fixed amount of memory: lifted
#: whole, 200 x 200 points took 3.3 GB at 5,000 columns and 6.5 GB at 10,000.
MAX_GRID_ELEMENTS = 2**22

#: Keyword of every matplotlib text drawn from data: shown as written. With
#: mathtext, a ``$`` in a column name or a label fails the drawing.
_LITERAL = {"parse_math": False}


@contextmanager
def missing_glyphs_ignored():
    """Draw figures (``savefig``) without matplotlib's "Glyph ... missing" warnings.

    A label in a script the font lacks is drawn as boxes; the warning, one per
    character and raised where the figure is saved, says nothing users can act on.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        yield


def _legend(ax, handles, labels, **kwargs):
    """``ax.legend`` of ``handles``, whose entries and title show their text literally.

    The texts are set after the legend is made: matplotlib leaves out the
    entries whose label starts with "_", a class name like any other here.
    """
    legend = ax.legend(handles, ["-"] * len(handles), **kwargs)
    for text, label in zip(legend.get_texts(), labels, strict=True):
        text.set_text(for_figure(label))
        text.set_parse_math(False)
    legend.get_title().set_parse_math(False)
    return legend


def _pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"sktoynet's figures need matplotlib, which is not installed: {INSTALL_HINT}"
        ) from exc
    return plt


def _new_axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots()
    else:
        _pyplot()  # a clear message even when an Axes was passed
    return ax


def _feature_names(X, n_features):
    columns = getattr(X, "columns", None)
    if columns is not None:
        return [str(name) for name in columns]
    return [f"feature {i}" for i in range(n_features)]


def _as_frame_like(grid, X):
    """``grid`` as a DataFrame with X's columns when X is a DataFrame, else as is."""
    columns = getattr(X, "columns", None)
    if columns is None:
        return grid
    import pandas as pd

    return pd.DataFrame(grid, columns=columns)


def plot_decision_boundary(
    estimator, X, y, *, ax=None, title=None, feature_names=None, grid_resolution=200
):
    """Draw what a fitted classifier predicts over the range of the data.

    - 2 features: the predicted regions (with
      :class:`~sklearn.inspection.DecisionBoundaryDisplay`) and the points.
    - 1 feature: the predicted probability of each class along the line,
      with the points drawn at the height of their class.
    - More features, or columns that are not numbers: the same as for 2,
      on the plane of the first two principal components of the data the
      classifier's last step sees (for a Pipeline, ``X`` after its
      preprocessing steps, scaled and encoded), through their mean. That
      plane is a slice of the decision function, not all of it; the axis
      labels and a note on the axes say so.

    Parameters
    ----------
    estimator : fitted classifier
        Anything with ``predict`` and ``classes_``; ``predict_proba`` is used
        when present. A Pipeline (such as :func:`~sktoynet.make_toynet`) is
        fine: scaling happens inside it.
    X : array-like or DataFrame of shape (n_samples, n_features)
        The data the points are drawn from, unscaled; a DataFrame may have
        non-numeric columns when ``estimator`` is a Pipeline that encodes them.
    y : array-like of shape (n_samples,)
        Their labels.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        Title of the axes.
    feature_names : list of str, default=None
        Axis labels; by default the columns of a DataFrame ``X``, else
        ``"feature 0"``, ``"feature 1"``, ...
    grid_resolution : int, default=200
        Number of grid points along each axis.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    See Also
    --------
    sklearn.inspection.DecisionBoundaryDisplay : The 2-D drawing used here.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sktoynet.datasets import make_two_squares
    >>> from sktoynet.plotting import plot_decision_boundary
    >>> X, y = make_two_squares(random_state=0)
    >>> ax = plot_decision_boundary(LogisticRegression().fit(X, y), X, y)
    >>> ax.get_xlabel()
    'feature 0'
    """
    ax = _new_axes(ax)
    n_features = np.shape(X)[1]
    names = list(feature_names) if feature_names is not None else _feature_names(X, n_features)
    classes = estimator.classes_
    y = np.asarray(y)
    if not (n_features <= 2 and _is_numeric(X)):
        # Drawn in the space the last step sees: encoded, scaled, maybe projected.
        estimator, X, names = _last_step_and_its_input(estimator, X)
    if np.shape(X)[1] == 1:
        _plot_line(estimator, X, y, classes, names[0], ax, grid_resolution)
    elif np.shape(X)[1] == 2:
        _plot_plane(estimator, X, y, classes, ax, grid_resolution, names)
    else:
        _plot_projection(estimator, X, y, classes, ax, grid_resolution, n_features)
    if title is not None:
        ax.set_title(for_figure(title), **_LITERAL)
    return ax


def _class_colors(n_classes):
    import matplotlib as mpl

    return [mpl.colormaps["tab10"](i % 10) for i in range(n_classes)]


def _scatter_classes(ax, X0, X1, y, classes, colors):
    handles = []
    for label, color in zip(classes, colors, strict=True):
        rows = y == label
        handles.append(
            ax.scatter(
                X0[rows],
                X1[rows],
                s=14,
                color=color,
                edgecolor="black",
                linewidth=0.4,
                label=for_figure(label),
            )
        )
    _legend(ax, handles, classes, title="class", loc="best", fontsize="small", framealpha=0.8)


def _plot_line(estimator, X, y, classes, name, ax, grid_resolution):
    values = np.asarray(X, dtype=float)[:, 0]
    margin = 0.05 * (values.max() - values.min() or 1.0)
    line = np.linspace(values.min() - margin, values.max() + margin, grid_resolution)
    grid = _as_frame_like(line.reshape(-1, 1), X)
    colors = _class_colors(len(classes))
    if hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(grid)
    else:
        predicted = estimator.predict(grid)
        proba = (predicted[:, None] == classes[None, :]).astype(float)
    # Points drawn at the probability a perfect model gives their class, jittered apart.
    jitter = np.random.RandomState(0).uniform(-0.03, 0.03, size=len(values))
    handles = []
    if len(classes) == 2:
        handles += ax.plot(
            line, proba[:, 1], color="black", linewidth=2, label=f"P(class {classes[1]})"
        )
        ax.axhline(0.5, color="gray", linestyle=":", linewidth=1)
        levels = [0.0, 1.0]
        ax.set_ylabel(for_figure(f"predicted probability of class {classes[1]}"), **_LITERAL)
    else:
        for i, (label, color) in enumerate(zip(classes, colors, strict=True)):
            handles += ax.plot(
                line, proba[:, i], color=color, linewidth=2, label=f"P(class {label})"
            )
        levels = [1.0] * len(classes)
        ax.set_ylabel("predicted probability")
    for label, color, level in zip(classes, colors, levels, strict=True):
        rows = y == label
        handles.append(
            ax.scatter(
                values[rows],
                np.full(rows.sum(), level) + jitter[rows],
                s=10,
                color=color,
                edgecolor="black",
                linewidth=0.3,
                label=f"class {label}",
            )
        )
    ax.set_ylim(-0.1, 1.1)
    ax.set_xlabel(for_figure(name), **_LITERAL)
    _legend(
        ax,
        handles,
        [handle.get_label() for handle in handles],
        loc="center right",
        fontsize="small",
        framealpha=0.8,
    )


def _response_method(estimator, classes):
    return "predict_proba" if hasattr(estimator, "predict_proba") else "predict"


def _plot_plane(estimator, X, y, classes, ax, grid_resolution, names):
    from sklearn.inspection import DecisionBoundaryDisplay

    colors = _class_colors(len(classes))
    kwargs = {}
    if len(classes) == 2:
        kwargs = {
            "cmap": "RdBu_r",
            "vmin": 0.0,
            "vmax": 1.0,
            "levels": np.linspace(0, 1, 21),
            "alpha": 0.8,
        }
    spans = np.ptp(np.asarray(X, dtype=float), axis=0)
    display = DecisionBoundaryDisplay.from_estimator(
        estimator,
        X,
        grid_resolution=grid_resolution,
        eps=0.1 * float(spans.max() or 1.0),
        response_method=_response_method(estimator, classes),
        multiclass_colors=colors,
        ax=ax,
        **kwargs,
    )
    ax.set_xlabel(for_figure(names[0]), **_LITERAL)
    ax.set_ylabel(for_figure(names[1]), **_LITERAL)
    if len(classes) == 2:
        colors = [display.surface_.cmap(0.15), display.surface_.cmap(0.85)]
        colorbar = ax.figure.colorbar(display.surface_, ax=ax)
        colorbar.set_label(for_figure(f"P(class {classes[1]})"), **_LITERAL)
    X = np.asarray(X, dtype=float)
    _scatter_classes(ax, X[:, 0], X[:, 1], y, classes, colors)


class _PlaneClassifier(ClassifierMixin, BaseEstimator):
    """A fitted classifier seen through a 2-D plane of its input space.

    ``predict_proba`` keeps its name (scikit-learn picks the positive class's
    column of a binary problem by the method's name) and exists only when the
    wrapped classifier has it.
    """

    def __init__(self, estimator, origin, axes, columns):
        self.estimator = estimator
        self.origin = origin
        self.axes = axes
        self.columns = columns
        self.classes_ = estimator.classes_
        self.n_features_in_ = 2

    def __sklearn_is_fitted__(self):
        return True

    def _lift(self, Z):
        full = self.origin + Z @ self.axes
        if self.columns is None:
            return full
        import pandas as pd

        return pd.DataFrame(full, columns=self.columns)

    def _evaluate(self, method, Z):
        """``estimator.method`` of the points ``Z`` of the plane, lifted a chunk of rows at a time.

        Each row's output depends on that row alone, so the chunks change
        nothing but the memory: at most ``MAX_GRID_ELEMENTS`` lifted values
        at once, however many columns the model's input has.
        """
        Z = np.asarray(Z, dtype=float)
        evaluate = getattr(self.estimator, method)
        chunk_rows = max(1, MAX_GRID_ELEMENTS // self.axes.shape[1])
        if len(Z) <= chunk_rows:
            return evaluate(self._lift(Z))
        return np.concatenate(
            [
                evaluate(self._lift(Z[start : start + chunk_rows]))
                for start in range(0, len(Z), chunk_rows)
            ]
        )

    def predict(self, Z):
        return self._evaluate("predict", Z)

    @available_if(lambda self: hasattr(self.estimator, "predict_proba"))
    def predict_proba(self, Z):
        return self._evaluate("predict_proba", Z)

    def fit(self, Z, y):  # makes it an estimator for sklearn's checks; never called
        raise NotImplementedError


def _is_numeric(X):
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None:
        return np.asarray(X).dtype.kind in "biuf"
    import pandas as pd

    return all(pd.api.types.is_numeric_dtype(dtype) for dtype in dtypes)


def _last_step_and_its_input(estimator, X):
    """The last step of a Pipeline, ``X`` as its earlier steps hand it over, and its names."""
    if not (isinstance(estimator, Pipeline) and len(estimator) > 1):
        return estimator, X, _feature_names(X, np.shape(X)[1])
    steps = estimator[:-1]
    seen = steps.transform(X)
    try:
        names = [str(name) for name in steps.get_feature_names_out()]
    except (AttributeError, ValueError):  # a step that does not name its output
        names = _feature_names(seen, np.shape(seen)[1])
    return estimator[-1], seen, names


def _plot_projection(estimator, X, y, classes, ax, grid_resolution, n_original):
    """Draw ``estimator`` on the principal plane of ``X`` (``n_original`` columns at first)."""
    from sklearn.decomposition import PCA

    values = np.asarray(X, dtype=float)
    n_features = values.shape[1]
    pca = PCA(n_components=2).fit(values)
    plane = _PlaneClassifier(estimator, pca.mean_, pca.components_, getattr(X, "columns", None))
    projected = pca.transform(values)
    ratio = pca.explained_variance_ratio_
    names = [f"principal component {i + 1} ({ratio[i]:.0%} of variance)" for i in range(2)]
    _plot_plane(plane, projected, y, classes, ax, grid_resolution, names)
    ax.text(
        0.01,
        0.01,
        _pca_plane_note(n_original, n_features),
        transform=ax.transAxes,
        fontsize="x-small",
        in_layout=False,  # a long note must not squeeze the axes
        clip_on=True,
        color="black",
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
    )


def _pca_plane_note(n_original, n_inputs):
    """What a decision boundary drawn on a PCA plane shows, in two lines.

    ``n_original`` columns of data reach the model's last step as ``n_inputs``
    columns (encoded by its pipeline's earlier steps). Written on the axes
    here, and under the figure by the report, which joins the lines.
    """
    seen = (
        f"{n_original} features"
        if n_inputs == n_original
        else f"{n_original} columns, {n_inputs} after preprocessing"
    )
    return (
        f"{seen}: PCA plane of the model's input,\na slice through the mean, not the whole boundary"
    )


def _param_key(cv_results, name):
    """The ``param_...`` key of cv_results for ``name``, with or without a step prefix."""
    keys = [key for key in cv_results if key.startswith("param_")]
    for key in keys:
        short = key[len("param_") :]
        if short == name or short.endswith(f"__{name}"):
            return key
    shown = ", ".join(key[len("param_") :] for key in keys) or "none"
    raise ValueError(f"the grid has no parameter {name!r}; its parameters are: {shown}")


def plot_score_heatmap(
    cv_results,
    rows="learning_rate",
    columns="width",
    *,
    score="mean_test_score",
    ax=None,
    title=None,
):
    """Cross-validated score over a two-parameter grid, as an annotated heatmap.

    When the grid has other parameters too, each cell shows the best score
    over them.

    Parameters
    ----------
    cv_results : dict
        ``cv_results_`` of a fitted grid search, such as
        ``compare(...).cv_results_["sktoynet"]``.
    rows, columns : str, default="learning_rate", "width"
        Parameter names, with or without their pipeline-step prefix
        (``"width"`` matches ``"toynetclassifier__width"``).
    score : str, default="mean_test_score"
        The ``cv_results_`` column to show, such as ``"mean_train_score"``.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        Title of the axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    See Also
    --------
    sktoynet.compare : Produces the ``cv_results_`` of each model.

    Examples
    --------
    >>> from sktoynet.plotting import plot_score_heatmap
    >>> cv_results = {
    ...     "param_toynetclassifier__learning_rate": [0.001, 0.001, 0.1, 0.1],
    ...     "param_toynetclassifier__width": [2, 8, 2, 8],
    ...     "mean_test_score": [0.5, 0.9, 1.0, 1.0],
    ... }
    >>> ax = plot_score_heatmap(cv_results)
    >>> ax.get_ylabel(), ax.get_xlabel()
    ('learning_rate', 'width')
    """
    ax = _new_axes(ax)
    import pandas as pd

    row_key, column_key = _param_key(cv_results, rows), _param_key(cv_results, columns)
    frame = pd.DataFrame(
        {
            "row": [repr(v) if isinstance(v, tuple) else v for v in cv_results[row_key]],
            "column": [repr(v) if isinstance(v, tuple) else v for v in cv_results[column_key]],
            "score": np.asarray(cv_results[score], dtype=float),
        }
    )
    table = frame.pivot_table(index="row", columns="column", values="score", aggfunc="max")
    values = table.to_numpy()
    finite = values[np.isfinite(values)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    image = ax.imshow(
        values, cmap="viridis", vmin=min(low, high - 0.05), vmax=high, aspect="auto", origin="lower"
    )
    colorbar = ax.figure.colorbar(image, ax=ax)
    colorbar.set_label(for_figure(score.replace("_", " ")), **_LITERAL)
    ax.set_xticks(range(values.shape[1]), [for_figure(v) for v in table.columns], **_LITERAL)
    ax.set_yticks(range(values.shape[0]), [for_figure(v) for v in table.index], **_LITERAL)
    ax.set_xlabel(for_figure(columns), **_LITERAL)
    ax.set_ylabel(for_figure(rows), **_LITERAL)
    midpoint = (image.norm.vmin + image.norm.vmax) / 2
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(
                j,
                i,
                f"{value:.3f}",
                ha="center",
                va="center",
                color="black" if value > midpoint else "white",
            )
    if title is not None:
        ax.set_title(for_figure(title), **_LITERAL)
    return ax


def _final_step(estimator):
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def plot_loss_curves(estimator, *, ax=None, title=None):
    """Training loss per epoch of a fitted network.

    For :class:`~sktoynet.ToyNetClassifier` the curve is that of the kept
    restart, and the final losses of the other restarts (``init_losses_``)
    are marked at the last epoch, which shows how much the initialisation
    mattered. Anything else with a ``loss_curve_`` (MLPClassifier) works too.
    With early stopping, the validation accuracy is drawn on a second axis.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        A network with ``loss_curve_``, or a Pipeline ending with one (such
        as :func:`~sktoynet.make_toynet`).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
        Title of the axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    See Also
    --------
    sktoynet.ToyNetClassifier : Its ``loss_curve_`` and ``init_losses_``.

    Examples
    --------
    >>> from sklearn.neural_network import MLPClassifier
    >>> from sktoynet.datasets import make_two_squares
    >>> from sktoynet.plotting import plot_loss_curves
    >>> X, y = make_two_squares(random_state=0)
    >>> ax = plot_loss_curves(MLPClassifier(max_iter=500, random_state=0).fit(X, y))
    >>> ax.get_xlabel()
    'epoch'
    """
    network = _final_step(estimator)
    curve = getattr(network, "loss_curve_", None)
    if curve is None:
        raise ValueError(
            f"{type(network).__name__} has no loss_curve_: pass a fitted network "
            "(ToyNetClassifier, MLPClassifier) or a Pipeline ending with one"
        )
    ax = _new_axes(ax)
    epochs = np.arange(1, len(curve) + 1)
    init_losses = getattr(network, "init_losses_", None)
    kept = getattr(network, "best_init_", None)
    label = "training loss" if kept is None else f"training loss, kept restart #{kept}"
    ax.plot(epochs, curve, color="tab:blue", linewidth=2, label=label)
    if init_losses is not None and len(init_losses) > 1:
        others = [
            loss
            for i, loss in enumerate(np.asarray(init_losses))
            if i != kept and np.isfinite(loss)
        ]
        if others:
            ax.scatter(
                np.full(len(others), len(curve)),
                others,
                marker="x",
                color="tab:orange",
                zorder=3,
                label=f"final loss of the other {len(others)} restart(s)",
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    scores = getattr(network, "validation_scores_", None)
    handles, labels = ax.get_legend_handles_labels()
    if scores is not None:
        twin = ax.twinx()
        (line,) = twin.plot(
            epochs[: len(scores)], scores, color="tab:green", label="validation accuracy"
        )
        twin.set_ylabel("validation accuracy")
        handles.append(line)
        labels.append(line.get_label())
    ax.legend(handles, labels, loc="upper right", fontsize="small")
    ax.grid(True, alpha=0.3)
    if title is not None:
        ax.set_title(for_figure(title), **_LITERAL)
    return ax
