"""Runs that cannot be sensible are named at the start, in one line each (issue 24, 6-11).

Most tests stop the command before any fit: ``_run`` is replaced by a stub,
so that they check what the command says, and refuses, before it starts.
"""

import gzip
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

from sktoynet._estimators import _diagnostics
from sktoynet.cli import main
from sktoynet.cli._datasets import DataError, load_csv
from sktoynet.comparison import check_scoring, compare, default_models
from sktoynet.comparison._checks import target_warnings
from sktoynet.comparison._data_summary import summarize
from tests._helpers import COMMAND_MODELS


def only_logistic_regression(random_state=None, *, quick=False):
    return {"LogisticRegression": default_models(random_state)["LogisticRegression"]}


@pytest.fixture
def fast_models(monkeypatch):
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)


@pytest.fixture
def no_fits(monkeypatch):
    """The command stops where the fits would start, having said all it says at the start."""
    monkeypatch.setattr("sktoynet.cli._command._run", lambda *args: 0)


def run(capsys, *args):
    status = main(["compare", "--quiet", "--no-report", *args])
    out, err = capsys.readouterr()
    return status, out, err


def write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def decimal_comma_csv(path):
    rows = "".join(f"{i},5;{(i * 7) % 10},25;{i % 2}\n" for i in range(30))
    return write_text(path, "height;weight;label\n" + rows)


# --- decimal commas --------------------------------------------------------------------


def test_numbers_with_a_decimal_comma_are_named_at_the_start(tmp_path, capsys, no_fits):
    path = decimal_comma_csv(tmp_path / "data.csv")
    status, _, err = run(capsys, "--data", path, "--target", "label", "--sep", ";")
    assert status == 0
    assert err.count("\n") == 1
    assert err.startswith("sktoynet: warning: data.csv: columns 'height', 'weight' of ")
    assert "decimal comma (such as '0,5'), read as text; pass --decimal ','" in err


def test_decimal_comma_reads_the_numbers_as_numbers(tmp_path, capsys, fast_models):
    path = decimal_comma_csv(tmp_path / "data.csv")
    args = ["--data", path, "--target", "label", "--sep", ";", "--decimal", ",", "--cv", "3"]
    status, out, err = run(capsys, *args)
    assert status == 0, err
    assert "30 rows, 2 columns: 2 numeric" in out
    assert "decimal" not in err


def test_decimal_equal_to_the_separator_is_a_usage_error(tmp_path, capsys):
    path = decimal_comma_csv(tmp_path / "data.csv")
    with pytest.raises(SystemExit) as exc:
        run(capsys, "--data", path, "--target", "label", "--sep", ";", "--decimal", ";")
    assert exc.value.code == 2
    assert "--decimal ';' is also the column separator" in capsys.readouterr().err


# --- separators argparse can refuse ----------------------------------------------------


@pytest.mark.parametrize("sep", ["", ";;", "ab"])
def test_a_separator_that_is_not_one_character_is_a_usage_error(capsys, sep):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--data", "x.csv", "--target", "y", "--sep", sep])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --sep: needs a single character (\\t for a tab), got {sep!r}" in err
    assert "Py_UCS4" not in err and "Traceback" not in err


# --- files that are not text -----------------------------------------------------------

PLAIN = "x,label\n" + "".join(f"{i},{i % 2}\n" for i in range(12))


def test_a_gzipped_file_named_csv_is_read_as_the_csv_it_holds(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(gzip.compress(PLAIN.encode()))
    problem = load_csv(path, "label")
    assert problem.X["x"].tolist() == list(range(12))
    assert problem.y.tolist() == [0, 1] * 6


def test_a_zip_of_one_csv_named_csv_is_read_as_that_csv(tmp_path):
    path = tmp_path / "data.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("inner.csv", PLAIN)
    assert load_csv(path, "label").y.tolist() == [0, 1] * 6


@pytest.mark.parametrize(
    "kind, members, message",
    [
        ("xlsx", ["[Content_Types].xml", "xl/workbook.xml"], "is an Excel (.xlsx) workbook"),
        ("zip of two", ["a.csv", "b.csv"], "is a zip archive of 2 files, not a CSV file"),
    ],
)
def test_a_spreadsheet_or_archive_named_csv_is_named_by_what_it_is(
    tmp_path, capsys, kind, members, message
):
    path = tmp_path / "data.csv"
    with zipfile.ZipFile(path, "w") as archive:
        for member in members:
            archive.writestr(member, PLAIN)
    status, out, err = run(capsys, "--data", str(path), "--target", "label")
    assert status == 2 and out == ""
    assert err.startswith(f"sktoynet: error: '{path}' {message}")
    assert err.count("\n") == 1 and "codec" not in err


def test_an_old_excel_file_named_csv_is_named(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    with pytest.raises(DataError, match=r"is an Excel \(\.xls\) workbook, not a CSV file"):
        load_csv(path, "label")


# --- labels that pandas would call missing ---------------------------------------------


def test_a_label_na_is_a_class_while_na_in_a_feature_is_missing(tmp_path):
    rows = "".join(f"{'NA' if i == 3 else i},{['NA', 'EU', 'None'][i % 3]}\n" for i in range(12))
    problem = load_csv(write_text(tmp_path / "regions.csv", "x,region\n" + rows), "region")
    assert sorted(set(problem.y.tolist())) == ["EU", "NA", "None"]
    assert problem.X["x"].isna().tolist() == [i == 3 for i in range(12)]


def test_an_empty_label_cell_is_still_missing(tmp_path):
    rows = "".join(f"{i},{'' if i == 5 else 'NA'}\n" for i in range(12))
    with pytest.raises(DataError, match=r"missing values in the target column 'region'"):
        load_csv(write_text(tmp_path / "regions.csv", "x,region\n" + rows), "region")


# --- scorers that cannot score these classes -------------------------------------------


@pytest.mark.parametrize(
    "scoring, instead",
    [("roc_auc", "roc_auc_ovr"), ("f1", "f1_macro"), ("precision", "precision_macro")],
)
def test_a_binary_scorer_with_three_classes_is_refused_before_fitting(
    capsys, fast_models, scoring, instead
):
    status, out, err = run(capsys, "--dataset", "blobs", "--scoring", scoring)
    assert status == 2
    assert out == ""  # not even the settings line: nothing was fitted
    assert err.startswith(f"sktoynet: error: blobs: scoring={scoring!r} cannot score the 3 ")
    assert err.rstrip().endswith(f"use scoring={instead!r}")
    assert err.count("\n") == 1


def test_compare_refuses_a_binary_scorer_with_three_classes_before_fitting(monkeypatch):
    def no_search(*args, **kwargs):
        raise AssertionError("the search started")

    monkeypatch.setattr("sktoynet.comparison._compare.search_all", no_search)
    X, y = np.random.RandomState(0).normal(size=(30, 2)), np.arange(30) % 3
    with pytest.raises(ValueError, match="scoring='roc_auc' cannot score the 3 classes"):
        compare(X, y, models=only_logistic_regression(), cv=3, scoring="roc_auc")


def test_scorers_that_can_score_the_classes_pass():
    for scoring in ["accuracy", "roc_auc_ovr", "f1_macro", "neg_log_loss"]:
        check_scoring(scoring, np.array(["a", "b", "c"] * 4))
    check_scoring("roc_auc", np.array([0, 1] * 4))


# --- many classes, long runs -----------------------------------------------------------


def many_classes_csv(path, n_classes, per_class=5):
    rows = "".join(f"{i},c{i % n_classes}\n" for i in range(n_classes * per_class))
    return write_text(path, "x,label\n" + rows)


def test_many_classes_are_warned_about_at_the_start_and_summarised(tmp_path, capsys, no_fits):
    path = many_classes_csv(tmp_path / "data.csv", 1000)
    status, _, err = run(capsys, "--data", path, "--target", "label", "--quick")
    assert status == 0
    assert err == (
        "sktoynet: warning: data.csv: 1,000 classes for 5,000 rows: a training fold holds "
        "4.0 rows of each class on average, and every fit learns 1,000 outputs, so the run is "
        "long and its scores near chance; merge rare classes or predict a coarser label\n"
    )


def test_a_long_class_list_is_summarised_in_the_summary_lines():
    y = np.repeat([f"c{i}" for i in range(1000)], 5)
    y[5:7] = "c0"  # c0 has 7 rows (it takes c1's first 2), c1 has 3
    classes = summarize(np.zeros((y.size, 1)), y).lines()[2]
    assert classes.startswith("classes: c0 7 (0%), c10 5 (0%), ")
    assert classes.endswith(", ... and 990 more (classes of 3-7 rows)")
    assert len(classes) < 250
    even = summarize(np.zeros((5000, 1)), np.repeat(np.arange(1000), 5)).lines()[2]
    assert even.endswith(", ... and 990 more (5 rows each)")


def test_a_few_classes_are_listed_in_full_without_a_warning():
    y = np.arange(60) % 3
    assert summarize(np.zeros((60, 1)), y).lines()[2] == (
        "classes: 0 20 (33%), 1 20 (33%), 2 20 (33%)"
    )
    assert target_warnings(y, 5) == []


def test_a_large_file_gets_an_estimate_at_the_start(tmp_path, capsys, no_fits):
    path = tmp_path / "large.csv"
    pd.DataFrame({"x": np.arange(200_000), "label": np.arange(200_000) % 2}).to_csv(
        path, index=False
    )
    status, _, err = run(capsys, "--data", str(path), "--target", "label", "--quick")
    assert status == 0
    assert err.startswith("sktoynet: warning: large.csv: 200,000 rows: this run may take about ")
    assert "minutes" in err or "hours" in err
    assert err.rstrip().endswith("take a sample of the rows for a first look")
    assert err.count("\n") == 1


def test_a_small_problem_gets_no_warning(capsys, no_fits):
    status, _, err = run(capsys, "--dataset", "xor")
    assert status == 0
    assert err == ""


# --- features without information ------------------------------------------------------


def test_constant_features_are_flagged_in_the_result():
    X = np.ones((30, 2))
    y = np.arange(30) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = compare(X, y, models=only_logistic_regression(), cv=3, random_state=0)
    assert result.flags[0] == (
        "every feature (2 column(s)) has the same value on all rows: they carry no "
        "information, so every model can only predict the largest class"
    )


def test_varying_features_are_not_flagged():
    X = np.c_[np.ones(30), np.arange(30.0)]
    y = np.arange(30) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = compare(X, y, models=only_logistic_regression(), cv=3, random_state=0)
    assert not any("no information" in flag for flag in result.flags)


def test_the_collapse_warning_blames_constant_features_not_the_learning_rate():
    y = np.arange(20) % 2
    collapsed = dict(learning_rate=0.01, epochs=10, width=2, loss_curve=[0.70, 0.69])
    constant = np.ones((20, 3))
    with pytest.warns(UserWarning) as caught:
        _diagnostics.warn_if_collapsed(
            np.zeros(20, int), y, np.array([0, 1]), X=constant, **collapsed
        )
    message = str(caught[0].message)
    assert "carry no information" in message
    assert "learning_rate" not in message


def test_a_warning_escapes_control_characters_of_the_file_name(tmp_path, capsys, no_fits):
    path = many_classes_csv(tmp_path / "bad\x1b[31mname.csv", 200)
    status, _, err = run(capsys, "--data", path, "--target", "label", "--quick")
    assert status == 0
    assert err.startswith("sktoynet: warning: bad\\x1b[31mname.csv: 200 classes for 1,000 rows")
    assert "\x1b" not in err
