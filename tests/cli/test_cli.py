"""The ``sktoynet`` command line: ``sktoynet compare`` and its report (issue: compare)."""

import contextlib
import html
import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sktoynet._safe_text import for_markdown
from sktoynet.cli import main
from sktoynet.comparison import default_models
from tests._helpers import COMMAND_MODELS

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

MODELS = ["sktoynet", "LogisticRegression", "MLPClassifier"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(capsys, *args):
    status = main(["compare", *args])
    out, err = capsys.readouterr()
    return status, out, err


def assert_valid_png(path):
    assert path.read_bytes()[:8] == PNG_MAGIC
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert image.std() > 0  # not a blank canvas


@pytest.fixture(scope="module")
def three_bands_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    # capsys is function-scoped; this module-scoped run captures by hand.
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(
            ["compare", "--dataset", "three_bands", "--quick", "--cv", "2", "--out", str(out)]
            + ["--quiet"]
        )
    return status, stdout.getvalue(), stderr.getvalue(), out


def test_end_to_end_prints_the_table_of_every_model(three_bands_report):
    status, out, err, _ = three_bands_report
    assert status == 0
    assert err == ""  # --quiet: no progress bar
    assert "three bands" in out
    header = next(line for line in out.splitlines() if line.startswith("model"))
    assert re.split(r"\s{2,}", header) == [
        "model",
        "best parameters",
        "CV score",
        "CV std",
        "95% CI",
        "p vs top",
        "fit time (s)",
        "compile (s)",
        "total (s)",
        "train score",
    ]
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1] != []}
    for model in MODELS:
        assert model in rows
    # Columns are aligned: every score column ends at the same position.
    lines = [rows[model] for model in MODELS] + [header]
    assert len({len(line) for line in lines}) == 1
    assert "best CV accuracy" in out
    verdict = next(line for line in out.splitlines() if "verdict:" in line)
    assert verdict.startswith("   verdict: sktoynet ")  # sktoynet leads
    assert "LogisticRegression is worse by 0.333 (p < 0.001)" in verdict


def test_end_to_end_writes_tables_figures_and_an_offline_page(three_bands_report):
    _, out, _, folder = three_bands_report
    expected = {
        "results.csv",
        "results.md",
        "index.html",
        "three_bands-decision-boundaries.png",
        "three_bands-sktoynet-score-heatmap.png",
        "three_bands-sktoynet-loss-curves.png",
    }
    assert expected <= {path.name for path in folder.iterdir()}
    assert str(folder / "index.html") in out

    table = pd.read_csv(folder / "results.csv")
    assert list(table["model"]) == MODELS
    assert set(table["dataset"]) == {"three_bands"}
    assert table.set_index("model").loc["LogisticRegression", "mean_test_score"] == (
        pytest.approx(2 / 3, abs=0.01)
    )

    markdown = (folder / "results.md").read_text()
    for model in MODELS:
        assert f"| {model} |" in markdown

    pngs = sorted(folder.glob("*.png"))
    assert len(pngs) == 3
    for png in pngs:
        assert_valid_png(png)

    page = (folder / "index.html").read_text()
    referenced = set(re.findall(r'<img src="([^"]+)"', page))
    assert referenced == {png.name for png in pngs}  # relative paths, all of them
    assert "<table" in page
    for model in MODELS:
        assert f"<th>{model}</th>" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing to fetch online
    # The net's grid trains in one program: no per-point times to map, its log-loss instead.
    assert "sktoynet: cross-validated score and log-loss over the grid" in page


def test_csv_data_with_string_labels_and_a_progress_bar(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    frame = pd.DataFrame(X, columns=["length", "weight"])
    frame["kind"] = np.where(X[:, 0] + X[:, 1] > 0, "big", "small")
    frame.to_csv(tmp_path / "animals.csv", index=False)
    out_dir = tmp_path / "report"

    status, out, err = run(
        capsys,
        "--data",
        str(tmp_path / "animals.csv"),
        "--target",
        "kind",
        "--quick",
        "--cv",
        "2",
        "--out",
        str(out_dir),
    )
    assert status == 0
    assert "animals.csv" in out and "60 rows, 2 columns: 2 numeric" in out
    assert "classes: " in out and "missing values: none" in out
    assert "fit" in err and "sktoynet" in err  # the progress bar, on stderr
    boundaries = out_dir / "animals-decision-boundaries.png"
    assert_valid_png(boundaries)


def only_logistic_regression(random_state=None, *, quick=False):
    return {"LogisticRegression": default_models(random_state)["LogisticRegression"]}


def test_no_arguments_compares_on_both_toy_problems(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)
    status, out, _ = run(capsys)
    assert status == 0
    assert "== two squares" in out and "== three bands" in out
    assert "5-fold stratified" in out
    assert (tmp_path / "sktoynet-report" / "index.html").exists()


def test_no_report_prints_only(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)
    status, out, _ = run(capsys, "--dataset", "iris", "--no-report", "--quiet")
    assert status == 0
    assert "iris" in out and "LogisticRegression" in out
    assert "report:" not in out
    assert not (tmp_path / "sktoynet-report").exists()


def write_csv(path, frame):
    frame.to_csv(path, index=False)
    return str(path)


def csv_text(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "case, message",
    [
        ("missing file", "no such file"),
        ("missing target", "no column 'label'"),
        ("one class", "single class"),
        ("too few rows in a class", "fewer than the 5 cross-validation folds"),
        ("rare string class", "class 'rare' has only 3 row(s)"),
        ("missing labels", "missing values in the target column 'label'"),
        ("header only", "has a header (x, label) but no rows of data"),
        ("semicolons", "looks ';'-separated; pass --sep ';'"),
        ("tabs", "looks '\\t'-separated; pass --sep '\\t'"),
        ("infinity", "column 'x' has an infinite or overflowing value (inf at row 3)"),
        ("overflow", "column 'x' has an infinite or overflowing value (1e+300 at row 3)"),
        ("drop unknown", "--drop 'nope': no such column"),
        ("drop target", "--drop 'label' is the target column"),
    ],
)
def test_bad_data_is_one_line_and_exit_status_2(tmp_path, capsys, case, message):
    numbers = np.arange(12.0)
    frames = {
        "missing target": pd.DataFrame({"x": numbers, "y": [0, 1] * 6}),
        "one class": pd.DataFrame({"x": numbers, "label": [1] * 12}),
        "too few rows in a class": pd.DataFrame({"x": numbers, "label": [0] * 9 + [1] * 3}),
        "rare string class": pd.DataFrame({"x": numbers, "label": ["common"] * 9 + ["rare"] * 3}),
        "missing labels": pd.DataFrame({"x": numbers, "label": ["a", None] * 6}),
        "infinity": pd.DataFrame({"x": [0.0, 1, 2, np.inf] * 3, "label": [0, 1] * 6}),
        "overflow": pd.DataFrame({"x": [0.0, 1, 2, 1e300] * 3, "label": [0, 1] * 6}),
    }
    texts = {
        "header only": "x,label\n",
        "semicolons": "x;label\n" + "".join(f"{i};{i % 2}\n" for i in range(12)),
        "tabs": "x\tlabel\n" + "".join(f"{i}\t{i % 2}\n" for i in range(12)),
    }
    path = tmp_path / "data.csv"
    if case in frames:
        write_csv(path, frames[case])
    elif case in texts:
        csv_text(path, texts[case])
    elif case != "missing file":
        write_csv(path, pd.DataFrame({"x": numbers, "label": [0, 1] * 6}))
    extra = {"drop unknown": ["--drop", "nope"], "drop target": ["--drop", "label"]}.get(case, [])
    out_dir = tmp_path / "report"
    status, out, err = run(
        capsys, "--data", str(path), "--target", "label", *extra, "--out", str(out_dir)
    )
    assert status == 2
    assert err.startswith("sktoynet: error: ")
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""
    assert {entry.name for entry in tmp_path.iterdir()} <= {"data.csv"}  # nothing left behind


@pytest.mark.parametrize(
    "args",
    [
        ["--data", "x.csv"],
        ["--target", "y"],
        ["--drop", "id"],
        ["--dataset", "no_such_problem"],
        ["--cv", "1"],
    ],
)
def test_usage_errors_exit_with_status_2(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(["compare", *args])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_zero_jobs_is_refused_before_fitting(capsys):
    status, out, err = run(capsys, "--n-jobs", "0", "--no-report")
    assert status == 2
    assert err == "sktoynet: error: n_jobs == 0 in Parallel has no meaning\n"
    assert "==" not in out  # no problem was started


def test_unknown_scoring_is_refused_before_fitting(capsys):
    status, _, err = run(capsys, "--scoring", "no_such_score", "--no-report")
    assert status == 2
    assert err.startswith("sktoynet: error: 'no_such_score' is not a valid scoring value")


def test_python_dash_m_runs_the_command_without_a_traceback(tmp_path):
    command = [sys.executable, "-m", "sktoynet", "compare", "--data", "missing.csv"]
    finished = subprocess.run(
        [*command, "--target", "y"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 2
    assert finished.stderr == "sktoynet: error: no such file: 'missing.csv'\n"


def test_help_lists_the_datasets_and_the_report_folder(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for name in ["two_squares", "three_bands", "moons", "circles", "xor", "iris"]:
        assert name in text
    assert "--out" in text and "sktoynet-report" in text


def test_without_matplotlib_the_tables_are_written_and_the_fix_is_named(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)
    monkeypatch.setattr("sktoynet._report._render.matplotlib_available", lambda: False)
    status, _, err = run(capsys, "--dataset", "xor", "--quiet", "--out", str(tmp_path))
    assert status == 0
    assert 'pip install "sktoynet[plot]"' in err
    assert {path.name for path in tmp_path.iterdir()} == {
        "results.csv",
        "results.md",
        "index.html",
        "sktoynet-manifest.txt",
    }
    assert "sktoynet[plot]" in (tmp_path / "index.html").read_text()


def test_a_tab_separated_file_is_read_with_sep_backslash_t(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)
    path = csv_text(
        tmp_path / "points.tsv", "x\tlabel\n" + "".join(f"{i}\t{i % 2}\n" for i in range(12))
    )
    args = ["--data", path, "--target", "label", "--sep", "\\t", "--cv", "3", "--no-report"]
    status, out, err = run(capsys, *args)
    assert status == 0, err
    assert "12 rows, 1 column: 1 numeric" in out


def test_the_report_shows_the_verdict_per_class_tables_and_versions(three_bands_report):
    _, out, _, folder = three_bands_report
    page = (folder / "index.html").read_text()
    verdict = next(line for line in out.splitlines() if "verdict:" in line).split("verdict: ")[1]
    assert f"<strong>Verdict:</strong> {html.escape(verdict)}" in page
    assert page.count("<th>predicted</th>") == len(MODELS)  # a confusion matrix per model
    assert "<th>precision</th>" in page and "<th>recall</th>" in page
    assert "Software: Python " in page and "scikit-learn " in page and "Keras " in page
    assert f"**Verdict:** {for_markdown(verdict)}" in (folder / "results.md").read_text()


def test_repeats_draws_the_folds_several_times(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)
    status, out, _ = run(capsys, "--dataset", "iris", "--repeats", "3", "--no-report", "--quiet")
    assert status == 0
    assert "5-fold stratified cross-validation, repeated 3 times" in out
    assert "verdict: LogisticRegression is the only model compared." in out
    with pytest.raises(SystemExit):
        main(["compare", "--repeats", "0"])
    assert "--repeats: needs at least 1, got 0" in capsys.readouterr().err
