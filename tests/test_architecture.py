"""The package's layers: imports point one way, and no module imports itself in a circle.

Read from the source with ``ast`` (nothing is imported), every import counts,
those inside functions too: a lazy import is still a dependency, only a later
one. The layers, from the top (see docs/architecture.rst):

- ``cli``: the command, its data sets, the processes' lifetime;
- ``comparison``: compare(), its searches, verdict and flags;
- ``_report``: tables, figures, HTML and the report folder; ``_estimators``:
  the scikit-learn estimators. Neither imports the other;
- ``_engine``: networks and the compiled training programs;
- the shared modules at the top of the package (``datasets``, ``plotting``,
  ``exceptions``, ``_utils``, ``_safe_text``, ``_interrupt``, ``_versions``), which import
  none of the layers.

``sktoynet/__init__.py`` and ``__main__.py`` stand above them all.
"""

import ast
from pathlib import Path

import pytest

from tests._helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "sktoynet"

#: What each layer may import, besides itself.
MAY_IMPORT = {
    "cli": {"comparison", "_report", "_estimators", "_engine", "shared"},
    "comparison": {"_report", "_estimators", "_engine", "shared"},
    "_report": {"shared"},
    "_estimators": {"_engine", "shared"},
    "_engine": {"shared"},
    "shared": set(),
}

#: Modules above every layer.
ENTRY_POINTS = {"sktoynet", "sktoynet.__main__"}


def module_name(path):
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module):
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in MAY_IMPORT:
        return parts[1]
    return "shared"


def imports_of(path):
    """The sktoynet modules ``path`` imports (a package's attribute counts as its module)."""
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in ALL_MODULES else base)
    return {name for name in found if name in ALL_MODULES and name != this}


ALL_MODULES = {module_name(path) for path in PACKAGE.rglob("*.py")}
GRAPH = {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_import_follows_the_layer_order():
    against = [
        f"{module} ({layer_of(module)}) imports {imported} ({layer_of(imported)})"
        for module, imported_modules in GRAPH.items()
        if module not in ENTRY_POINTS
        for imported in sorted(imported_modules)
        if imported not in ENTRY_POINTS
        and layer_of(imported) != layer_of(module)
        and layer_of(imported) not in MAY_IMPORT[layer_of(module)]
    ]
    assert not against, "\n".join(against)


def test_no_import_circle():
    graph = {module: GRAPH[module] - ENTRY_POINTS for module in GRAPH}
    circles = []
    state = {}  # module -> "open" while on the path, "done" after

    def visit(module, path):
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                circles.append(" -> ".join([*path[path.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not circles, "\n".join(circles)


def test_only_the_package_entry_points_import_sktoynet_itself():
    """``from sktoynet import X`` inside the package goes through the lazy ``__init__``."""
    users = [
        module
        for module, imported in GRAPH.items()
        if "sktoynet" in imported and module not in ENTRY_POINTS
    ]
    assert not users, "\n".join(users)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from sktoynet.comparison import _flags", {"sktoynet.comparison._flags"}),
        ("from sktoynet._engine._keras import keras", {"sktoynet._engine._keras"}),
        ("import sktoynet.cli", {"sktoynet.cli"}),
        ("def f():\n    from sktoynet.comparison import compare", {"sktoynet.comparison"}),
    ],
)
def test_the_reader_sees_every_kind_of_import(tmp_path, source, expected, monkeypatch):
    path = PACKAGE / "_engine" / "_probe_for_the_test.py"  # named as if in the package
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert imports_of(path) == expected
