"""The house holds (architecture §1): apps import downwards only, no import circle, no app reaches
for another app's private name or views, no app module but models.py past ~450 lines, and `core`
imports no app. Read from the source with `ast`, so a lazy import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "stakeholders", "projects", "approvals", "feedback", "disclosure", "portal"]
# Lower layers first: an app may import those before it, never those after it.
LAYER = {app: i for i, app in enumerate(APPS)}
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import statement in the module."""
    path = MODULES[name]
    package = name if _is_package(name) else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            # `from . import services` imports the submodule `pkg.services`, not the package's names.
            submodules = [n for n in names if f"{target}.{n}" in MODULES]
            out += [(f"{target}.{n}", [], node.lineno) for n in submodules]
            if len(submodules) < len(names):
                out.append((target, [n for n in names if n not in submodules], node.lineno))
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _names, _line in _imports(name):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_scan_sees_the_apps():
    # The checks below mean something only if the scan found the tree.
    assert "projects.services.votes" in MODULES
    assert "portal.demo.common" in MODULES
    assert any(target == "projects.models" for target, _n, _l in _imports("projects.services.votes"))


def test_no_import_circle():
    assert _cycles(_graph()) == []


def test_apps_import_downwards_only():
    wrong = []
    for name in MODULES:
        app = name.split(".")[0]
        for target, _names, line in _imports(name):
            other = target.split(".")[0]
            if other in LAYER and LAYER[other] > LAYER[app]:
                wrong.append(f"{name}:{line} imports {target}")
    assert wrong == []


def test_no_app_takes_another_apps_private_names_or_views():
    wrong = []
    for name in MODULES:
        app = name.split(".")[0]
        for target, names, line in _imports(name):
            other = target.split(".")[0]
            if other not in LAYER or other == app:
                continue
            if ".views" in f".{target.partition('.')[2]}." or target.endswith(".views"):
                wrong.append(f"{name}:{line} imports {target}")
            wrong += [f"{name}:{line} takes {target}.{n}" for n in names if n.startswith("_")]
            if any(part.startswith("_") and part != "__init__" for part in target.split(".")):
                wrong.append(f"{name}:{line} imports {target}")
    assert wrong == []


@pytest.mark.parametrize("app", APPS)
def test_no_oversized_module(app):
    long = {
        name: n
        for name, path in MODULES.items()
        if name.split(".")[0] == app
        and path.name != "models.py"
        and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_core_imports_no_app():
    wrong = [
        f"{name} imports {target}"
        for name in MODULES
        if name.split(".")[0] == "core"
        for target, _n, _l in _imports(name)
        if target.split(".")[0] in LAYER and target.split(".")[0] != "core"
    ]
    assert wrong == []
