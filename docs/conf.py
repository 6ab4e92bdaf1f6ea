"""Sphinx configuration for the sktoynet documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The gallery in ``examples/`` is run by sphinx-gallery on every build.
"""

import os

import sktoynet

# The gallery runs Keras: keep its figures headless and the build reproducible.
os.environ.setdefault("MPLBACKEND", "Agg")

project = "sktoynet"
author = "the sktoynet developers"
copyright = "2025, the sktoynet developers"
release = sktoynet.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.examples", "auto_examples/*.ipynb"]
# Included by performance.rst; not a page of its own.
exclude_patterns += ["performance_results.rst"]

# -- autodoc / autosummary / numpydoc ---------------------------------------
autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
# Keep scikeras' inherited methods (their docstrings are not numpydoc) off the
# class pages; the estimator template lists sktoynet's own methods instead.
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# No intersphinx: the docs must build without network access, and a failed
# inventory fetch is a warning, which -W turns into an error.

# -- sphinx-gallery ----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "show_memory": False,
    # No sg_execution_times.rst in the source tree (it would show in git status).
    "write_computation_times": False,
    "plot_gallery": "True",
    "backreferences_dir": None,
    "doc_module": (),
    # Re-run every example even when its source has not changed, so that a
    # change in sktoynet cannot hide behind cached gallery output (the test
    # suite sets this).
    "run_stale_examples": os.environ.get("SKTOYNET_DOCS_RERUN") == "1",
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sktoynet {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["global-toc"]}
html_static_path = ["_static"]
html_css_files = ["sktoynet.css"]
html_show_sourcelink = False
