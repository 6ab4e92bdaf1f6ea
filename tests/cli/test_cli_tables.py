"""The main job on every built-in problem and on a mixed-type table (issue 11, items 1-4, 9).

Each run is the real command, report included, in this process: one run over
all the built-in problems, one on a generated CSV with an ID column, strings,
a boolean, a date and missing values.
"""

import contextlib
import io
import re

import numpy as np
import pandas as pd
import pytest

from sktoynet.cli import main
from sktoynet.cli._datasets import NAMED_DATASETS
from tests._helpers import COMMAND_MODELS

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

MODELS = ["sktoynet", "LogisticRegression", "MLPClassifier"]


def run_main(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["compare", *args])
    return status, stdout.getvalue(), stderr.getvalue()


def assert_complete_report(folder, names):
    """Tables for every problem; every figure is a real image the page shows."""
    table = pd.read_csv(folder / "results.csv")
    assert sorted(set(table["dataset"])) == sorted(names)
    assert len(table) == len(names) * len(MODELS)
    page = (folder / "index.html").read_text()
    shown = set(re.findall(r'<img src="([^"]+)"', page))
    pngs = {path.name for path in folder.glob("*.png")}
    assert shown == pngs
    for name in names:
        for suffix in ["decision-boundaries", "sktoynet-score-heatmap", "sktoynet-loss-curves"]:
            assert f"{name}-{suffix}.png" in pngs
    for png in folder.glob("*.png"):
        image = matplotlib.image.imread(png)
        assert image.shape[0] > 100 and image.std() > 0
    manifest = set((folder / "sktoynet-manifest.txt").read_text().split())
    assert manifest == {path.name for path in folder.iterdir()} - {"sktoynet-manifest.txt"}
    return page


@pytest.fixture(scope="module")
def every_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("every") / "report"
    names = list(NAMED_DATASETS)
    args = [arg for name in names for arg in ("--dataset", name)]
    status, stdout, stderr = run_main(*args, "--quick", "--cv", "3", "--quiet", "--out", str(out))
    return status, stdout, stderr, out, names


def test_the_main_job_writes_a_complete_report_on_every_built_in_problem(every_dataset):
    # Was a TypeError from matplotlib ("Input z must be 2D") on breast_cancer.
    status, stdout, stderr, out, names = every_dataset
    assert status == 0, stderr
    assert "Traceback" not in stderr
    page = assert_complete_report(out, names)
    for name in names:
        assert f'<section id="{name}">' in page
    assert f"report: {out / 'index.html'}" in stdout


def test_wide_problems_say_their_boundaries_are_a_pca_plane(every_dataset):
    _, stdout, _, out, _ = every_dataset
    page = (out / "index.html").read_text()
    for name, n_features in [("iris", 4), ("wine", 13), ("breast_cancer", 30)]:
        section = page.split(f'<section id="{name}">')[1].split("</section>")[0]
        # One note, plotting's, on each panel and under the figure.
        assert f"Decision boundaries: {n_features} features: PCA plane of" in section
    section = page.split('<section id="moons">')[1].split("</section>")[0]
    assert "PCA plane" not in section


def test_the_data_summary_is_printed_and_in_the_report(every_dataset):
    _, stdout, _, out, _ = every_dataset
    assert "569 rows, 30 columns: 30 numeric" in stdout
    assert "classes: benign 357 (63%), malignant 212 (37%)" in stdout
    page = (out / "index.html").read_text()
    assert "<li>569 rows, 30 columns: 30 numeric</li>" in page
    assert "<li>missing values: none</li>" in page
    assert (
        "- classes: setosa 50 (33%), versicolor 50 (33%), virginica 50 (33%)"
        in (out / "results.md").read_text()
    )


def mixed_table(n_rows=240, seed=0):
    """Who renews a membership: decided by the city (a string column), with 5 % noise."""
    rng = np.random.RandomState(seed)
    city = rng.choice(["Paris", "Lyon", "Nice", "Lille"], n_rows)
    renews = np.isin(city, ["Paris", "Nice"]) ^ (rng.rand(n_rows) < 0.05)
    frame = pd.DataFrame(
        {
            "id": np.arange(1000, 1000 + n_rows),
            "city": city,
            "member": rng.rand(n_rows) < 0.5,
            "joined": pd.date_range("2019-01-01", periods=n_rows, freq="D").strftime("%Y-%m-%d"),
            "age": np.where(rng.rand(n_rows) < 0.1, np.nan, rng.uniform(18, 80, n_rows)).round(1),
            "renews": np.where(renews, "yes", "no"),
        }
    )
    frame.loc[rng.rand(n_rows) < 0.08, "city"] = np.nan
    return frame


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    mixed_table().to_csv(folder / "members.csv", index=False)
    out = folder / "report"
    args = ["--data", str(folder / "members.csv"), "--target", "renews", "--drop", "id"]
    status, stdout, stderr = run_main(*args, "--quick", "--cv", "3", "--quiet", "--out", str(out))
    return status, stdout, stderr, out


def test_a_mixed_type_table_is_compared_and_its_categories_are_used(mixed_run):
    status, stdout, stderr, out = mixed_run
    assert status == 0, stderr
    assert_complete_report(out, ["members"])
    table = pd.read_csv(out / "results.csv").set_index("model")
    majority = mixed_table()["renews"].value_counts(normalize=True).max()
    # Only the city says who renews: beating the majority class by far proves it was used.
    assert table["mean_test_score"].max() >= majority + 0.3
    assert table["mean_test_score"].min() >= majority + 0.2


def test_a_mixed_type_table_is_summarised(mixed_run):
    _, stdout, _, out = mixed_run
    assert "240 rows, 4 columns: 1 numeric, 1 boolean, 1 categorical, 1 date" in stdout
    assert re.search(r"missing values: city \d+%, age \d+%", stdout)
    assert re.search(r"classes: (yes|no) \d+ \(\d+%\), (yes|no) \d+", stdout)
    assert re.search(r"model inputs after preprocessing: \d+ columns \(from 4\)", stdout)
    assert "1 column(s) dropped" in stdout
    assert "model inputs after preprocessing" in (out / "index.html").read_text()


def test_a_kept_id_column_is_named_in_a_warning(tmp_path, monkeypatch):
    from sktoynet.comparison import default_models

    def logistic_only(random_state=None, *, quick=False):
        return {"LogisticRegression": default_models(random_state)["LogisticRegression"]}

    monkeypatch.setattr(COMMAND_MODELS, logistic_only)
    mixed_table().to_csv(tmp_path / "members.csv", index=False)
    args = ["--data", str(tmp_path / "members.csv"), "--target", "renews", "--no-report"]
    status, _, stderr = run_main(*args, "--cv", "3", "--quiet")
    assert status == 0
    assert stderr == (
        "sktoynet: warning: column 'id' has a different value on every row, like an ID; it is "
        "used as a feature: if it is one, add --drop id\n"
    )
