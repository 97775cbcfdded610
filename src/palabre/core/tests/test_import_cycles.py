"""Import cycles that were broken stay broken: a lower layer never imports an upper one.

The graph is read from the source (an AST walk, nothing imported): every ``import`` and
``from … import`` of a module of ``src/palabre``, at module level or inside a function (a
deferred import hides a cycle, it does not remove it). Tests and migrations are left out.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import pytest

import palabre

# Modules that once stood in a cycle and must not again, whatever the cycle goes through.
ACYCLIC = [
    # a selector that wrote (created a step's settings through the services)
    "palabre.components.collect.selectors",
    "palabre.components.collect.services",
    # the phases read the steps of projects through the models, which build on the phases
    "palabre.core.models",
    "palabre.core.phases",
    # the contribution registry, the services, the signals and the tasks went round in a circle
    # (the registry is now the components' manifests; delivery is notifications.py)
    "palabre.participation.services",
    "palabre.participation.signals",
    "palabre.participation.tasks",
    "palabre.participation.notifications",
    # the consultation's models asked its permissions, which read its models
    "palabre.components.consultation.models",
    "palabre.components.consultation.permissions",
]


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Dotted name → file of every module under ``root`` (the folder of ``package``)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([package, *parts])] = path
    return found


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom, known) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            parts = package.split(".")
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join(parts + ([node.module] if node.module else []))
        # ``from package import name``: the submodule ``name`` if there is one, else the package
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    out = []
    for name in names:
        while name and name not in known:  # ``import a.b.func`` → the module ``a.b``
            name = name.rpartition(".")[0]
        if name and name != module:
            out.append(name)
    return out


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports, anywhere in its code."""
    files = module_files(root, package)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = {
            target
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in _targets(module, path, node, files)
        }
    return graph


def _path(graph, start: str, goal: str) -> list[str] | None:
    """The shortest import chain from ``start`` to ``goal`` (breadth first)."""
    came_from = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for nxt in sorted(graph.get(current, ())):
            if nxt == goal:
                chain = [nxt, current]
                while came_from[chain[-1]] is not None:
                    chain.append(came_from[chain[-1]])
                return chain[::-1]
            if nxt not in came_from:
                came_from[nxt] = current
                queue.append(nxt)
    return None


def cycle_through(graph, module: str) -> list[str] | None:
    """The shortest cycle through ``module`` (``[module, …, module]``), if any."""
    return _path(graph, module, module)


@pytest.fixture(scope="module")
def graph():
    return import_graph(Path(palabre.__file__).parent, "palabre")


@pytest.mark.parametrize("module", ACYCLIC)
def test_module_is_in_no_import_cycle(graph, module):
    assert module in graph, f"{module} is gone: update ACYCLIC"
    cycle = cycle_through(graph, module)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_walk_finds_deferred_and_relative_imports(tmp_path):
    """The checker itself: a cycle made of a relative import and an import inside a
    function is found, and an acyclic tree passes."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "low.py").write_text("import os\n\ndef f():\n    from .sub import high\n")
    (package / "sub" / "high.py").write_text("from ..low import f\nfrom pkg.sub import other\n")
    (package / "sub" / "other.py").write_text("X = 1\n")
    graph = import_graph(package, "pkg")
    assert graph["pkg.low"] == {"pkg.sub.high"}
    assert graph["pkg.sub.high"] == {"pkg.low", "pkg.sub.other"}
    assert cycle_through(graph, "pkg.low") == ["pkg.low", "pkg.sub.high", "pkg.low"]
    assert cycle_through(graph, "pkg.sub.other") is None
    (package / "low.py").write_text("import os\n")
    assert cycle_through(import_graph(package, "pkg"), "pkg.low") is None
