"""Hostile labels, column names and file names make every output safe (issue 24, items 2-6, 12).

One table of payloads goes through ``compare`` (Python), ``save_report``,
``_repr_html_`` and the ``sktoynet compare`` command, as class labels, column
names, the target's name, model names and the data file's name. Every file
written, and what the command prints, is then checked for what the program
that opens it would act on: scripts and event attributes in HTML, markup in
Markdown, formulas in CSV, escape sequences in the terminal, unsafe links and
file names.
"""

import csv
import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktoynet import compare, make_toynet
from sktoynet._report._folder import MANIFEST
from sktoynet._safe_text import CSV_FORMULA_STARTS, MAX_STEM_BYTES, file_stem, file_stems
from sktoynet.cli import main
from sktoynet.comparison import default_models
from tests._helpers import COMMAND_MODELS, FAST_PARAMS

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(3)>'
FORMULA = '=HYPERLINK("http:evil")+cmd|x!A0'
ESCAPE = "\x1b[31mred"
MARKDOWN = "| * _ [x](javascript:alert(1)) `code` ~~s~~"

#: Dollar signs, which Markdown viewers and matplotlib read as math: everywhere, the
#: labels and the figures drawn from them included.
MATH = "price_$_per_$_unit USD$_in_$EUR"

#: Class labels: every payload that a cell of text can carry.
LABELS = [
    SCRIPT,
    ATTRIBUTE,
    FORMULA,
    "+1",
    "-cmd",
    "@SUM(1)",
    "\tTAB",
    "\rCR",
    "#",
    ESCAPE,
    "nul\x00byte",
    MARKDOWN,
    "price_$_per_$_unit",
    "USD$_in_$EUR",
]

#: Feature names (one column with missing values, so that names reach the summary).
COLUMNS = [ATTRIBUTE + " $x$", ESCAPE + " col", MARKDOWN, SCRIPT, "price_$_per_$_unit"]
TARGET = '<b>tgt</b>"><img src=x onerror=alert(3)> \x1b[31m `t` $y$'
#: A data file's name: a formula, '#', an escape sequence and HTML, 240 characters long.
FILE_NAME = (f"{FORMULA} #1 \x1b[31m <img src=x onerror=alert(3)> {MATH} ").ljust(236, "L")
FILE_NAME += ".csv"
#: The network's name: names its figure files too.
TOYNET = ("sktoynet $ " + SCRIPT + " #" + ESCAPE).ljust(240, "N")

#: Control characters that no output may hold (tab, newline and carriage return may).
RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
SAFE_SRC = re.compile(r"[A-Za-z0-9_.~/%-]+")
DATA_SRC = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NUMERIC_COLUMNS = ["mean_test_score", "std_test_score", "ci_low", "ci_high", "p_value"]
NUMERIC_COLUMNS += ["mean_fit_time", "compile_time", "total_time", "train_score"]


def hostile_frame(n_per_class=6, random_state=0):
    rng = np.random.RandomState(random_state)
    # The summary names the 10 largest classes: those the checks look for in the
    # printed summary and in results.md, a row larger, are among them.
    larger = (SCRIPT, FORMULA, "@SUM(1)", ESCAPE, "nul\x00byte", MARKDOWN)
    sizes = [n_per_class + (label in larger) for label in LABELS]
    y = np.repeat(np.array(LABELS, dtype=object), sizes)
    X = rng.normal(size=(len(y), len(COLUMNS)))
    frame = pd.DataFrame(X, columns=COLUMNS)
    frame.iloc[::7, 0] = np.nan
    frame["\x1b[31mid"] = np.arange(len(y)) * 7  # a column like an ID: a warning names it
    return frame, y


def visible(text):
    """``text`` as a viewer shows it: without the control characters, which are removed."""
    return RAW_CONTROLS.sub("", text)


class Page(HTMLParser):
    """The tags, attributes and text of an HTML page, as a browser parses them."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def check_html(source, folder=None):
    """No script, no event attribute, no control character; links encoded and on disk."""
    assert not RAW_CONTROLS.search(source)
    assert "<script" not in source.lower()
    page = Page(source)
    assert {tag for tag, _ in page.tags} <= {
        "!doctype", "html", "head", "meta", "title", "style", "body", "div", "h1", "h2", "h3",
        "h4", "p", "strong", "section", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
        "figure", "img", "figcaption",
    }  # fmt: skip
    for tag, attrs in page.tags:
        assert not [name for name, _ in attrs if name.startswith("on")], (tag, attrs)
    sources = [dict(attrs)["src"] for tag, attrs in page.tags if tag == "img"]
    assert sources
    for src in sources:
        if folder is None:
            assert DATA_SRC.fullmatch(src), src[:80]
        else:
            assert SAFE_SRC.fullmatch(src), src
            assert (folder / unquote(src)).is_file(), src
    text = "".join(page.text)
    for payload in (SCRIPT, ATTRIBUTE, FORMULA, MARKDOWN):
        assert payload in text  # shown as text: escaped, not lost
    return sources, text


def check_markdown(source):
    """Raw HTML escaped, Markdown syntax escaped: a viewer shows the payloads as text."""
    from markdown_it import MarkdownIt  # the test extra installs it

    assert not RAW_CONTROLS.search(source)
    assert "<" not in source
    assert not re.search(r"(?<!\\)\$", source)  # GitHub renders $...$ as math
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    inline = [child for token in tokens for child in (token.children or [])]
    kinds = {token.type for token in tokens} | {token.type for token in inline}
    assert not kinds & {
        "html_block", "html_inline", "link_open", "image", "code_inline", "code_block",
        "em_open", "s_open", "blockquote_open", "ordered_list_open", "hr",
    }, kinds  # fmt: skip
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(not heading.startswith("#") for heading in headings)
    text = "".join(token.content for token in inline if token.type == "text")
    for payload in (SCRIPT, FORMULA, MATH, "@SUM(1)", "[x](javascript:alert(1))"):
        assert payload in text  # shown as text: escaped, not lost
    return text


def check_csv(path, table=None):
    """No text cell starts a formula; numbers are numbers (``table``'s, when given)."""
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0][:2] == ["dataset", "model"]
    for row in rows[1:]:
        for cell in row:
            try:
                float(cell)
            except ValueError:
                assert not cell.startswith(CSV_FORMULA_STARTS), cell
    read = pd.read_csv(path)
    for column in NUMERIC_COLUMNS:
        assert pd.api.types.is_numeric_dtype(read[column]), column
        if table is not None:
            np.testing.assert_allclose(read[column], table[column].to_numpy(float), rtol=1e-5)
    return read


def check_folder(folder, table=None):
    """Every file of a report: safe name, and safe content for the program that opens it."""
    names = sorted(path.name for path in folder.iterdir())
    for name in names:
        assert SAFE_FILE_NAME.fullmatch(name) and len(name.encode()) < 200, name
    for path in folder.iterdir():
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == PNG_MAGIC
        else:
            assert not RAW_CONTROLS.search(path.read_text(encoding="utf-8")), path.name
    sources, text = check_html((folder / "index.html").read_text(encoding="utf-8"), folder)
    assert MATH in text
    assert sorted(unquote(src) for src in sources) == [n for n in names if n.endswith(".png")]
    check_markdown((folder / "results.md").read_text(encoding="utf-8"))
    return check_csv(folder / "results.csv", table), names


@pytest.fixture(scope="module")
def api_result():
    """compare() from Python, with the real network among the models."""
    frame, y = hostile_frame()
    models = {
        TOYNET: (
            make_toynet(**FAST_PARAMS),
            {"toynetclassifier__learning_rate": [0.1], "toynetclassifier__width": [2, 4]},
        ),
        FORMULA: make_pipeline(StandardScaler(), LogisticRegression()),
    }
    X = frame.drop(columns=[COLUMNS[0], "\x1b[31mid"])  # numbers only: no preprocessing
    return compare(X, y, models=models, cv=2, random_state=0)


def test_hostile_text_in_the_notebook_html(api_result):
    page = api_result._repr_html_()
    sources, _ = check_html(page)
    assert len(sources) == 3  # boundaries, then the network's heatmaps and loss curves
    assert html.escape(visible(TOYNET)) in page


def test_hostile_text_in_save_report(api_result, tmp_path):
    title = (SCRIPT + " " + FORMULA + " #").ljust(240, "T")
    description = f"{MARKDOWN} {MATH}"
    index = api_result.save_report(tmp_path / "report", title=title, description=description)
    assert index == tmp_path / "report" / "index.html"
    read, names = check_folder(tmp_path / "report", api_result.table)
    assert {"index.html", "results.md", "results.csv", MANIFEST} < set(names)
    assert len([name for name in names if name.endswith(".png")]) == 3
    assert set(read["model"]) == {visible(TOYNET), "'" + FORMULA}
    assert read["dataset"].nunique() == 1 and len(read["dataset"][0]) <= MAX_STEM_BYTES


def only_logistic_regression(random_state=None, *, quick=False):
    return {"LogisticRegression": default_models(random_state, quick=quick)["LogisticRegression"]}


def test_hostile_csv_through_the_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(COMMAND_MODELS, only_logistic_regression)
    frame, y = hostile_frame()
    frame.insert(1, TARGET, y)
    data = tmp_path / FILE_NAME
    frame.to_csv(data, index=False, quoting=csv.QUOTE_NONNUMERIC)  # "\r" in a quoted cell
    out_dir = tmp_path / "report"
    status = main(
        ["compare", "--data", str(data), "--target", TARGET, "--quick", "--cv", "2"]
        + ["--scoring", "neg_log_loss", "--n-jobs", "1", "--quiet", "--out", str(out_dir)]
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    printed = out + err
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", printed), printed
    assert "\\x1b[31mred" in out and "\\x00" in out  # the labels, shown as escapes
    assert "add --drop \\x1b[31mid" in err
    read, names = check_folder(out_dir)
    assert (read["mean_test_score"] < 0).all()  # negative scores: numbers, not formulas
    boundaries = [name for name in names if name.endswith("-decision-boundaries.png")]
    assert len(boundaries) == 1 and "#" not in boundaries[0]
    assert read["dataset"][0] == boundaries[0].removesuffix("-decision-boundaries.png")
    markdown = (out_dir / "results.md").read_text(encoding="utf-8")
    assert "missing values: " in markdown and "\\$x\\$" in markdown  # a column name, escaped


def test_file_stems_are_short_and_never_collide():
    long_a, long_b = "x" * 240 + "a", "x" * 240 + "b"
    assert file_stem(long_a) != file_stem(long_b)
    assert len(file_stem(long_a).encode()) <= MAX_STEM_BYTES
    assert len(file_stem("é" * 200).encode()) <= MAX_STEM_BYTES
    assert file_stem("..") == "data" and file_stem("data#1") == "data-1"
    stems = file_stems(["Net A", "net-a", "sktoynet"], lower=True)
    assert len(set(stems.values())) == 3 and stems["sktoynet"] == "sktoynet"
