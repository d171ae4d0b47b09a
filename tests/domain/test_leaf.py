"""sohoa.domain is a leaf: it imports only the standard library and itself, so every layer may use it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "sohoa" / "domain"


def test_the_domain_package_imports_nothing_of_the_project() -> None:
    outside = []
    for path in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if name.startswith("sohoa.domain") or top in sys.stdlib_module_names or top == "__future__":
                    continue
                outside.append(f"{path.name} imports {name}")
    assert outside == []
    assert len(list(DOMAIN.glob("*.py"))) >= 5
