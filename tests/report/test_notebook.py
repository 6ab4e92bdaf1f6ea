"""ComparisonResult in a notebook and from Python: _repr_html_, plot, save_report (issue 13)."""

import base64
import html
import re

import pytest

from sktoynet import compare, make_toynet
from sktoynet._report._folder import MANIFEST, OutputError
from tests._helpers import FAST_PARAMS

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sktoynet.datasets import make_three_bands

    X, y = make_three_bands()
    models = {
        "sktoynet": (
            make_toynet(**{**FAST_PARAMS, "epochs": 100, "n_init": 4}),
            {"toynetclassifier__learning_rate": [0.1], "toynetclassifier__width": [2, 8]},
        ),
        "LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression()),
    }
    return compare(X, y, models=models, cv=3, random_state=0)


def test_the_notebook_html_holds_the_table_the_verdict_and_embedded_images(result):
    page = result._repr_html_()
    assert re.search(r'<table[^>]*class="dataframe results"', page)
    assert "<th>sktoynet</th>" in page and "<th>LogisticRegression</th>" in page
    assert result.verdict == "sktoynet is best; LogisticRegression is worse by 0.333 (p < 0.001)."
    assert html.escape(result.verdict) in page
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3  # decision boundaries, sktoynet's heatmaps and loss curves
    for image in images:
        assert base64.b64decode(image)[:8] == PNG_MAGIC
    assert "<th>precision</th>" in page
    assert "<body" not in page and "max-width: 1200px" not in page  # the notebook's own style


def test_plot_draws_the_figures_with_their_captions(result):
    import matplotlib.pyplot as plt

    figures = result.plot()
    try:
        assert len(figures) == 3
        figure, caption = figures[0]
        assert figure in [plt.figure(number) for number in plt.get_fignums()]
        assert "predicts" in caption
        assert len(figure.axes) >= 2
    finally:
        plt.close("all")


def test_save_report_writes_the_commands_report(result, tmp_path):
    index = result.save_report(tmp_path / "report", title="three bands")
    folder = tmp_path / "report"
    assert index == folder / "index.html"
    page = index.read_text()
    assert "<h2>three bands</h2>" in page and html.escape(result.verdict) in page
    names = {path.name for path in folder.iterdir()}
    assert {"results.csv", "results.md", MANIFEST, "three-bands-decision-boundaries.png"} <= names
    assert set(re.findall(r'<img src="([^"]+)"', page)) == {n for n in names if n.endswith(".png")}
    # Again into the same folder: an earlier report is replaced.
    assert result.save_report(folder, title="three bands") == index


def test_save_report_never_overwrites_a_users_files(result, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="holds files sktoynet did not write"):
        result.save_report(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_decision_boundary_titles_break_the_line_before_the_scores(result):
    import matplotlib.pyplot as plt

    figures = result.plot()
    try:
        figure, _ = figures[0]
        titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
        assert titles, "the decision-boundary figure has no titled axes"
        for title in titles:
            assert "\\n" not in title, title
            assert title.split("\n")[1].startswith("CV accuracy"), title
    finally:
        plt.close("all")
