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
