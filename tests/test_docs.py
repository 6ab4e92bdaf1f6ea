"""The documentation builds without a single warning, gallery included.

This runs ``sphinx-build -W --keep-going`` on ``docs/``, which executes every
``examples/plot_*.py`` through sphinx-gallery, so a broken example, a
docstring that numpydoc cannot parse or a dangling reference fails the suite.
It takes a minute or two; the docstring examples themselves run as doctests
through ``--doctest-modules`` (see pyproject.toml).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted(path.stem for path in (ROOT / "examples").glob("plot_*.py"))


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory):
    """Build the HTML docs once into a temporary folder; return (result, folder)."""
    out = tmp_path_factory.mktemp("html")
    env = dict(os.environ, MPLBACKEND="Agg", SKTOYNET_DOCS_RERUN="1")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(out / ".doctrees"),
            str(DOCS),
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result, out


def test_docs_build_without_warnings(built_docs):
    result, out = built_docs
    assert result.returncode == 0, (
        f"sphinx-build -W failed (exit {result.returncode}):\n"
        f"{result.stderr[-6000:]}\n{result.stdout[-2000:]}"
    )
    for page in ["index", "getting_started", "user_guide", "comparing", "performance"]:
        assert (out / f"{page}.html").is_file(), page
    assert (out / "generated" / "sktoynet.ToyNetClassifier.html").is_file()


def test_gallery_examples_produce_figures(built_docs):
    result, out = built_docs
    assert result.returncode == 0, "the docs build failed; see the test above"
    assert EXAMPLES, "no examples/plot_*.py found"
    images = {path.name for path in (out / "_images").glob("sphx_glr_plot_*.png")}
    for example in EXAMPLES:
        assert (out / "auto_examples" / f"{example}.html").is_file(), example
        figures = [
            name
            for name in images
            if name.startswith(f"sphx_glr_{example}_") and not name.endswith("_thumb.png")
        ]
        assert figures, f"{example} produced no figure in the built docs"


def public_members(cls):
    """Public methods and properties defined by ``cls`` itself (not inherited)."""
    return sorted(
        name
        for name, value in vars(cls).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    )


def documented_attributes(cls):
    """Names in the numpydoc ``Attributes`` section of ``cls``'s docstring."""
    from numpydoc.docscrape import ClassDoc

    return [attribute.name for attribute in ClassDoc(cls)["Attributes"]]


def test_api_pages_render_every_public_method_and_attribute(built_docs):
    from sktoynet import ToyNetClassifier
    from sktoynet.comparison import ComparisonResult

    result, out = built_docs
    assert result.returncode == 0, "the docs build failed; see the first test"
    pages = out / "generated"
    estimator_page = (pages / "sktoynet.ToyNetClassifier.html").read_text(encoding="utf-8")
    user_methods = ["fit", "predict", "predict_proba", "predict_log_proba", "score"]
    for name in user_methods + ["get_params", "set_params"]:
        assert f'id="sktoynet.ToyNetClassifier.{name}"' in estimator_page, name
    for name in documented_attributes(ToyNetClassifier):
        assert name in estimator_page, name
    result_page = (pages / "sktoynet.comparison.ComparisonResult.html").read_text(encoding="utf-8")
    for name in public_members(ComparisonResult):
        assert f'id="sktoynet.comparison.ComparisonResult.{name}"' in result_page, name
    for name in documented_attributes(ComparisonResult):
        assert name in result_page, name
    for function in ["to_keras", "save_keras", "make_toynet", "compare"]:
        assert (pages / f"sktoynet.{function}.html").is_file(), function


def test_sidebar_links_every_page(built_docs):
    result, out = built_docs
    assert result.returncode == 0, "the docs build failed; see the first test"
    page = (out / "generated" / "sktoynet.ToyNetClassifier.html").read_text(encoding="utf-8")
    sidebar = page[
        page.index('class="bd-docs-nav') : page.index("</nav>", page.index('class="bd-docs-nav'))
    ]
    for name in [
        "getting_started",
        "scope",
        "user_guide",
        "comparing",
        "performance",
        "persistence",
        "scaling_out",
        "api",
        "changelog",
    ]:
        assert f"{name}.html" in sidebar, name


def test_examples_use_only_public_names():
    for path in sorted((ROOT / "examples").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "sktoynet._" not in source, f"{path.name} uses a private sktoynet module"
