"""The layers import only downwards and never in a circle (issue 9, "one place where the parts are put together").

ocr/ is the bottom; storage/ and indexing/ build on it; flows/ orchestrates them; web/ serves them; sohoa/ (settings,
composition, command line) is the edge that puts the parts together. `sohoa.domain` holds the shared domain rules and
may be used by every layer. Two modules of web/ are edges too and may compose from settings: the app factory
(`web.app`) and the `serve`/`user` commands (`web.commands`); every other web module gets the backends passed in. An AST scan reads every `import` (also those inside functions and TYPE_CHECKING blocks),
so a lazy import cannot hide an upward dependency or a circle.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ocr", "storage", "indexing", "flows", "web", "sohoa")
SHARED = "sohoa.domain"  # every layer may use the domain rules
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "ocr": ("storage", "indexing", "flows", "web", "sohoa"),
    "storage": ("flows", "web", "sohoa"),
    "indexing": ("flows", "web", "sohoa"),
    "flows": ("web", "sohoa"),
    "web": ("sohoa",),
}
EDGES: dict[str, tuple[str, ...]] = {"web.app": ("sohoa.compose", "sohoa.config"), "web.commands": ("sohoa.config",)}
# Alembic's env.py runs a migration when imported; __main__ runs the command line.
NOT_IMPORTED = {"storage.migrations.env", "sohoa.__main__"}


def module_files(root: Path = REPO) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """Every module name an import statement in `path` names, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)  # `from pkg import submodule`
    return names


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        graph[module] = {name for name in imported_names(module, path) if name in modules and name != module}
    return graph


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        forbidden = FORBIDDEN.get(module.split(".")[0], ())
        for target in sorted(targets):
            if target == SHARED or target.startswith(SHARED + ".") or target in EDGES.get(module, ()):
                continue
            if target.split(".")[0] in forbidden:
                found.append(f"{module} imports {target}")
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_layer_imports_upwards() -> None:
    assert upward_imports(import_graph(module_files())) == []


def test_no_import_circles() -> None:
    assert circles(import_graph(module_files())) == []


@pytest.mark.parametrize("module", sorted(set(module_files()) - NOT_IMPORTED))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_scan_sees_lazy_upward_imports_and_circles(tmp_path: Path) -> None:
    """The checks above can fail: a lazy upward import and a two-module circle in a made-up tree are found."""
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "flows" / "a.py").write_text("def f():\n    from sohoa.config import load_settings\n")
    (tmp_path / "storage" / "objects.py").write_text("def open_store():\n    from storage import local\n")
    (tmp_path / "storage" / "local.py").write_text("from .objects import open_store\n")
    (tmp_path / "indexing" / "base.py").write_text("from sohoa.domain import codes\n")
    (tmp_path / "sohoa" / "config.py").write_text("")
    (tmp_path / "sohoa" / "domain.py").write_text("")
    graph = import_graph(module_files(tmp_path))
    assert upward_imports(graph) == ["flows.a imports sohoa.config"]
    assert circles(graph) == [["storage.local", "storage.objects"]]
