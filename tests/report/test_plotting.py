"""sktoynet.plotting: decision boundaries, score heatmaps, loss curves (issue: compare)."""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet import make_toynet
from sktoynet.datasets import make_three_bands
from sktoynet.plotting import plot_decision_boundary, plot_loss_curves, plot_score_heatmap
from tests._helpers import FAST_PARAMS

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def logistic(X, y):
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_two_features_regions_points_and_colorbar(two_squares):
    X, y = two_squares
    ax = plot_decision_boundary(logistic(X, y), X, y, title="logistic")
    assert ax.get_title() == "logistic"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("feature 0", "feature 1")
    assert legend_texts(ax) == ["1", "2"]
    assert len(ax.figure.axes) == 2  # the plot and its P(class 2) colorbar
    assert ax.figure.axes[1].get_ylabel() == "P(class 2)"
    x_low, x_high = ax.get_xlim()
    assert x_low < X[:, 0].min() and x_high > X[:, 0].max()


def test_one_feature_draws_the_probability_along_the_line(three_bands):
    X, y = three_bands
    ax = plot_decision_boundary(logistic(X, y), X, y, feature_names=["position"])
    assert ax.get_xlabel() == "position"
    assert ax.get_ylabel() == "predicted probability of class 1"
    (curve,) = [line for line in ax.get_lines() if line.get_label() == "P(class 1)"]
    probability = curve.get_ydata()
    assert np.all((probability >= 0) & (probability <= 1))
    # LogisticRegression's single threshold never says "class 1" anywhere on the line.
    assert probability.max() < 0.5
    assert legend_texts(ax) == ["P(class 1)", "class 0", "class 1"]


def test_three_classes_on_a_plane():
    X, y = make_blobs(n_samples=90, centers=3, random_state=0)
    ax = plot_decision_boundary(logistic(X, y), X, y)
    assert legend_texts(ax) == ["0", "1", "2"]


def test_wider_data_is_drawn_on_the_principal_plane_and_says_so():
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = logistic(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no feature-name warnings: the slice keeps the columns
        ax = plot_decision_boundary(model, X, y)
    assert ax.get_xlabel().startswith("principal component 1")
    assert ax.get_ylabel().startswith("principal component 2")
    assert any("4 features: PCA plane" in text.get_text() for text in ax.texts)


@pytest.mark.parametrize("n_features", [3, 30])
def test_binary_problem_with_more_than_two_features_shows_one_probability(n_features):
    # Was "Input z must be 2D, not 3D": the plane's predict_proba lost its name,
    # so scikit-learn did not pick the positive class's column.
    X, y = make_blobs(n_samples=80, centers=2, n_features=n_features, random_state=0)
    labels = np.array(["no", "yes"])[y]
    ax = plot_decision_boundary(logistic(X, labels), X, labels)
    assert ax.get_xlabel().startswith("principal component 1")
    assert ax.figure.axes[1].get_ylabel() == "P(class yes)"
    assert legend_texts(ax) == ["no", "yes"]


def test_the_plane_is_that_of_the_scaled_data_the_last_step_sees():
    # One feature in thousands, two in units: PCA of the raw data would be that one column.
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.normal(0, 1000, 90), rng.normal(size=(90, 2))])
    y = (X[:, 1] > 0).astype(int)
    ax = plot_decision_boundary(logistic(X, y), X, y)
    first = float(ax.get_xlabel().split("(")[1].split("%")[0])
    assert first < 60  # scaled: no column has most of the variance


def test_columns_that_are_not_numbers_are_drawn_after_the_encoding():
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    frame = pd.DataFrame({"colour": ["red", "blue", "green"] * 20, "size": np.arange(60.0)})
    y = (frame["colour"] == "red").to_numpy()
    encode = make_column_transformer(
        (OneHotEncoder(), ["colour"]), (StandardScaler(), ["size"]), verbose_feature_names_out=False
    )
    model = make_pipeline(encode, LogisticRegression()).fit(frame, y)
    ax = plot_decision_boundary(model, frame, y)
    assert ax.get_xlabel().startswith("principal component 1")
    assert any("2 columns, 4 after preprocessing" in text.get_text() for text in ax.texts)


def test_dataframe_columns_name_the_axes(two_squares):
    X, y = two_squares
    frame = pd.DataFrame(X, columns=["width", "height"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plot_decision_boundary(logistic(frame, y), frame, y)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("width", "height")


def test_draws_into_the_given_axes(two_squares):
    X, y = two_squares
    fig, axes = plt.subplots(1, 2)
    returned = plot_decision_boundary(logistic(X, y), X, y, ax=axes[1])
    assert returned is axes[1]
    assert not axes[0].has_data()


def fake_cv_results():
    return {
        "param_toynetclassifier__learning_rate": [0.001, 0.001, 0.1, 0.1, 0.1],
        "param_toynetclassifier__width": [2, 8, 2, 8, 8],
        "param_toynetclassifier__epochs": [10, 10, 10, 10, 50],
        "mean_test_score": [0.5, 0.75, 0.9, 0.95, 1.0],
        "mean_fit_time": [1.0, 1.0, 0.1, 0.1, 0.2],
    }


def test_heatmap_shows_the_best_score_of_each_cell():
    ax = plot_score_heatmap(fake_cv_results(), title="grid")
    assert ax.get_title() == "grid"
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("learning_rate", "width")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "8"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.001", "0.1"]
    image = ax.get_images()[0].get_array()
    np.testing.assert_allclose(image, [[0.5, 0.75], [0.9, 1.0]])  # max over epochs
    assert sorted(t.get_text() for t in ax.texts) == ["0.500", "0.750", "0.900", "1.000"]


def test_heatmap_of_another_column_and_other_parameters():
    ax = plot_score_heatmap(fake_cv_results(), "epochs", "width", score="mean_fit_time")
    assert ax.get_ylabel() == "epochs"
    assert ax.figure.axes[1].get_ylabel() == "mean fit time"


def test_heatmap_names_the_parameters_it_has():
    with pytest.raises(ValueError, match="no parameter 'depth'.*learning_rate"):
        plot_score_heatmap(fake_cv_results(), rows="depth")


def test_loss_curve_of_the_kept_restart_and_the_others(three_bands):
    X, y = three_bands
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make_toynet(**{**FAST_PARAMS, "n_init": 3, "learning_rate": 0.1}).fit(X, y)
    network = model[-1]
    ax = plot_loss_curves(model, title="loss")
    (curve,) = ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), network.loss_curve_)
    assert len(curve.get_xdata()) == network.n_iter_
    assert curve.get_label() == f"training loss, kept restart #{network.best_init_}"
    others = ax.collections[0].get_offsets()
    assert len(others) == 2
    assert ax.get_xlabel() == "epoch"


def test_loss_curves_need_a_network(two_squares):
    X, y = two_squares
    with pytest.raises(ValueError, match="no loss_curve_"):
        plot_loss_curves(logistic(X, y))


def test_missing_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    X, y = make_three_bands()
    with pytest.raises(ImportError, match=r'pip install "sktoynet\[plot\]"'):
        plot_score_heatmap(fake_cv_results())
    with pytest.raises(ImportError, match=r'pip install "sktoynet\[plot\]"'):
        plot_decision_boundary(logistic(X, y), X, y)


class RecordingClassifier:
    """A fitted classifier that records the shape of every input it is asked about."""

    def __init__(self, estimator):
        self.estimator = estimator
        self.classes_ = estimator.classes_
        self.shapes = []

    def predict(self, X):
        self.shapes.append(np.shape(X))
        return self.estimator.predict(X)

    def predict_proba(self, X):
        self.shapes.append(np.shape(X))
        return self.estimator.predict_proba(X)


#: Most values (rows x columns) one call may receive while a figure is drawn.
GRID_BUDGET = 8_000_000


@pytest.mark.parametrize("as_frame", [False, True])
def test_wide_data_is_evaluated_in_bounded_chunks(as_frame):
    # Lifted whole, the 50 x 50 grid is 12.5 million values at 5,000 columns
    # (200 million at the default resolution: 3.3 GB).
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5000))
    y = (X[:, 0] > 0).astype(int)
    if as_frame:
        X = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    recorder = RecordingClassifier(LogisticRegression().fit(X, y))
    plot_decision_boundary(recorder, X, y, grid_resolution=50)
    assert max(rows * columns for rows, columns in recorder.shapes) <= GRID_BUDGET
    assert sum(rows for rows, _ in recorder.shapes) == 50 * 50  # every grid point, once
    assert {columns for _, columns in recorder.shapes} == {5000}


def rendered(ax):
    ax.figure.canvas.draw()
    return np.asarray(ax.figure.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_chunks_draw_the_same_picture_as_one_evaluation(monkeypatch, n_classes):
    from sktoynet import plotting

    X, y = load_iris(return_X_y=True)
    keep = y < n_classes
    X, y = X[keep], y[keep]
    model = logistic(X, y)
    whole, chunks = RecordingClassifier(model), RecordingClassifier(model)
    picture = rendered(plot_decision_boundary(whole, X, y, grid_resolution=60))
    # 4 columns: 3,600 grid points in 15 chunks of 250 rows.
    monkeypatch.setattr(plotting, "MAX_GRID_ELEMENTS", 1000)
    chunked_picture = rendered(plot_decision_boundary(chunks, X, y, grid_resolution=60))
    assert (len(whole.shapes), len(chunks.shapes)) == (1, 15)
    np.testing.assert_array_equal(chunked_picture, picture)


DOLLAR_COLUMN = "price_$_per_$_unit"
DOLLAR_LABELS = np.array(["$x$", "USD$_in_$EUR"])  # sorted, as classes_


def test_decision_boundary_shows_dollars_literally():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    labels = DOLLAR_LABELS[y]
    frame = pd.DataFrame(X, columns=[DOLLAR_COLUMN, "$b$"])
    ax = plot_decision_boundary(logistic(frame, labels), frame, labels, title="$\\alpha$ model")
    ax.figure.canvas.draw()  # mathtext would fail here
    assert (ax.get_xlabel(), ax.get_ylabel()) == (DOLLAR_COLUMN, "$b$")
    assert ax.get_title() == "$\\alpha$ model"
    assert legend_texts(ax) == list(DOLLAR_LABELS)
    assert ax.figure.axes[1].get_ylabel() == "P(class USD$_in_$EUR)"


def test_one_feature_and_the_plane_of_many_show_dollars_literally():
    X, y = make_blobs(n_samples=60, centers=2, n_features=3, random_state=0)
    labels = DOLLAR_LABELS[y]
    line = plot_decision_boundary(
        logistic(X[:, :1], labels), X[:, :1], labels, feature_names=[DOLLAR_COLUMN]
    )
    line.figure.canvas.draw()
    assert line.get_xlabel() == DOLLAR_COLUMN
    assert line.get_ylabel() == "predicted probability of class USD$_in_$EUR"
    assert legend_texts(line) == ["P(class USD$_in_$EUR)", "class $x$", "class USD$_in_$EUR"]
    plane = plot_decision_boundary(logistic(X, labels), X, labels, title=DOLLAR_COLUMN)
    plane.figure.canvas.draw()
    assert legend_texts(plane) == list(DOLLAR_LABELS)
    assert plane.get_title() == DOLLAR_COLUMN


def test_heatmap_shows_dollars_literally():
    cv_results = {
        f"param_{DOLLAR_COLUMN}": ["$a$", "$a$", "$b$", "$b$"],
        "param_width": ["$1$", "$2$", "$1$", "$2$"],
        "mean_test_score": [0.5, 0.75, 0.9, 0.95],
    }
    ax = plot_score_heatmap(cv_results, DOLLAR_COLUMN, "width", title="$t$")
    ax.figure.canvas.draw()
    assert (ax.get_ylabel(), ax.get_title()) == (DOLLAR_COLUMN, "$t$")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["$1$", "$2$"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["$a$", "$b$"]


def test_loss_curves_title_shows_dollars_literally(three_bands):
    from sklearn.neural_network import MLPClassifier

    X, y = three_bands
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPClassifier(max_iter=20, random_state=0).fit(X, y)
    ax = plot_loss_curves(model, title=DOLLAR_COLUMN)
    ax.figure.canvas.draw()
    assert ax.get_title() == DOLLAR_COLUMN


def test_labels_starting_with_an_underscore_keep_their_legend_entry():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    labels = np.array(["_hidden", "shown"])[y]
    ax = plot_decision_boundary(logistic(X, labels), X, labels)
    assert legend_texts(ax) == ["_hidden", "shown"]


def test_control_characters_are_left_out_of_figure_text():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    labels = np.array(["a\x01b", "tab\there"])[y]
    frame = pd.DataFrame(X, columns=["x\x00", "y\x1b[31m"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph 1 missing from font(s)" among them
        ax = plot_decision_boundary(logistic(frame, labels), frame, labels, title="t\x07")
        ax.figure.canvas.draw()
    assert legend_texts(ax) == ["ab", "tab here"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "y[31m", "t")


def test_glyphs_missing_from_the_font_are_drawn_without_a_warning():
    from sktoynet.plotting import missing_glyphs_ignored

    fig, ax = plt.subplots()
    ax.set_title("\u1968")  # TAI LE LETTER OO: not in matplotlib's default font
    with pytest.warns(UserWarning, match="Glyph"):
        fig.canvas.draw()
    ax.set_title("\u1968\u1969")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with missing_glyphs_ignored():
            fig.canvas.draw()


@pytest.fixture(scope="module")
def dollar_result():
    from sktoynet import compare

    X, y = make_three_bands()
    frame = pd.DataFrame({DOLLAR_COLUMN: X[:, 0], "$b$": np.sin(X[:, 0])})
    labels = np.array(["USD$_in_$EUR", "EUR\x01"])[y]
    models = {
        "sktoynet": (
            make_toynet(**FAST_PARAMS),
            {"toynetclassifier__learning_rate": [0.1], "toynetclassifier__width": [2, 4]},
        ),
        "LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression()),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return compare(frame, labels, models=models, cv=3, random_state=0)


def test_comparison_figures_and_report_show_data_text_literally(dollar_result, tmp_path):
    figures = dollar_result.plot()
    assert len(figures) == 3  # decision boundaries, sktoynet's heatmaps, its loss curves
    for figure, _ in figures:
        figure.canvas.draw()
    boundaries = figures[0][0].axes[0]
    assert boundaries.get_xlabel() == DOLLAR_COLUMN
    assert legend_texts(boundaries) == ["EUR", "USD$_in_$EUR"]  # "EUR\x01" without the \x01
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        index = dollar_result.save_report(tmp_path / "report")
        page = dollar_result._repr_html_()
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert index.exists()
    assert page.count("data:image/png;base64,") == 3
