"""Dependency direction: web -> tasks -> app -> app.go, and the rules import only the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_the_rules_import_only_the_standard_library() -> None:
    for path in modules("app/go"):
        outside = {n for n in imports_of(path) if n.split(".")[0] not in STDLIB and not n.startswith("app.go")}
        assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


def test_the_domain_imports_neither_web_nor_tasks() -> None:
    for path in modules("app"):
        bad = {n for n in imports_of(path) if n.split(".")[0] in ("web", "tasks", "flask", "flask_sock")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_tasks_do_not_import_the_web_layer() -> None:
    for path in modules("tasks"):
        bad = {n for n in imports_of(path) if n.split(".")[0] in ("web", "flask", "flask_sock")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
