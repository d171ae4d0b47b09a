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
# Libraries that live under sohoa/ but sit low: the domain rules (every layer may use them) and the PDF signing
# component (flows/ and web/ may use it). They import nothing of flows/, web/ or the rest of sohoa/.
LIBRARIES: dict[str, tuple[str, ...]] = {
    "sohoa.domain": ("ocr", "storage", "indexing", "flows", "web"),
    "sohoa.signing": ("flows", "web"),
}
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


def imported_names(module: str, path: Path) -> list[set[str]]:
    """Per import statement in `path`, the module names it may mean, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    statements: list[set[str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            statements.append({alias.name for alias in node.names})
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            statements.append({target} | {f"{target}.{alias.name}" for alias in node.names})  # `from pkg import sub`
    return statements


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets: set[str] = set()
        for names in imported_names(module, path):
            found = {name for name in names if name in modules and name != module}
            # `from pkg import submodule` depends on the submodule; the package's __init__ only comes along.
            targets |= {name for name in found if not any(other.startswith(name + ".") for other in found)}
        graph[module] = targets
    return graph


def library_of(module: str) -> str | None:
    return next((lib for lib in LIBRARIES if module == lib or module.startswith(lib + ".")), None)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        own_library = library_of(module)
        layer = module.split(".")[0]
        forbidden = ("flows", "web", "sohoa") if own_library else FORBIDDEN.get(layer, ())
        for target in sorted(targets):
            library = library_of(target)
            if library and (library == own_library or layer in LIBRARIES[library]):
                continue
            if target in EDGES.get(module, ()):
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
    (tmp_path / "indexing" / "base.py").write_text("from sohoa.domain import codes\nfrom sohoa import signing\n")
    (tmp_path / "sohoa" / "config.py").write_text("")
    (tmp_path / "sohoa" / "domain.py").write_text("from sohoa.config import Settings\n")
    (tmp_path / "sohoa" / "signing.py").write_text("")
    graph = import_graph(module_files(tmp_path))
    assert upward_imports(graph) == [
        "flows.a imports sohoa.config",
        "indexing.base imports sohoa.signing",  # signing is for flows/ and web/ only
        "sohoa.domain imports sohoa.config",  # a library must not reach the edge
    ]
    assert circles(graph) == [["storage.local", "storage.objects"]]


def environment_reads(modules: dict[str, Path]) -> list[str]:
    """`module: NAME` for each SOHOA_* or PREFECT_* variable a module reads or sets through a mapping call or index."""
    found = []
    for module, path in sorted(modules.items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            key = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("get", "setdefault", "pop", "getenv", "putenv"):
                    key = node.args[0].value
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                key = node.slice.value
            if isinstance(key, str) and key.startswith(("SOHOA_", "PREFECT_")):
                found.append(f"{module}: {key}")
    return found


# Every SOHOA_* and PREFECT_* variable is read in sohoa.config alone.
NOT_YET_IN_SETTINGS: list[str] = []


def test_only_the_settings_read_sohoa_and_prefect_variables() -> None:
    modules = {name: path for name, path in module_files().items() if name != "sohoa.config"}
    assert sorted(environment_reads(modules)) == NOT_YET_IN_SETTINGS


def test_the_environment_scan_sees_reads_and_writes(tmp_path: Path) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "web" / "a.py").write_text(
        'import os\nos.environ.get("SOHOA_LANG", "vi")\nos.environ.setdefault("PREFECT_LOGGING_LEVEL", "x")\n'
        'os.environ["SOHOA_HOME"]\nos.getenv("HOME")\n'
    )
    assert environment_reads(module_files(tmp_path)) == [
        "web.a: SOHOA_LANG", "web.a: PREFECT_LOGGING_LEVEL", "web.a: SOHOA_HOME",
    ]
