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


PURE_DOMAIN = ("app/go", "app/game", "app/choices.py", "app/clock", "app/config.py", "app/dialect.py",
               "app/events.py", "app/sgf.py", "app/attention.py")
"""The domain: values and decisions only. Everything else in ``app/`` is an adapter to Redis,
Celery or an engine process, and the domain must not reach for one."""
IMPURE = ("redis", "celery", "kombu", "redbeat", "flask", "flask_sock", "simple_websocket", "gevent",
          "subprocess", "socket", "threading", "multiprocessing", "asyncio")


def pure_modules() -> list[Path]:
    found: list[Path] = []
    for name in PURE_DOMAIN:
        path = ROOT / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> set[str]:
    return {module_name(p) for package in ("app", "tasks", "web") for p in modules(package)}


def dependencies(path: Path, known: set[str]) -> set[str]:
    """What ``path`` imports, as absolute module names: ``from app import clock`` is
    ``app.clock``, ``from . import x`` inside a package is that package's ``x``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            submodules = [f"{base}.{a.name}" for a in node.names]
            if all(m in known for m in submodules):
                found.update(submodules)
            else:
                found.add(base)
    return found


def test_the_pure_domain_imports_no_adapter_and_no_io_library() -> None:
    known = all_modules()
    pure = {module_name(p) for p in pure_modules()}
    for path in pure_modules():
        for name in dependencies(path, known):
            top = name.split(".")[0]
            assert top not in IMPURE, f"{path.relative_to(ROOT)} imports {name}"
            if top == "app":
                assert name in pure, f"{path.relative_to(ROOT)} imports the adapter {name}"


def _graph(package: str) -> dict[str, set[str]]:
    """Imports between the modules of ``package``."""
    known = all_modules()
    graph = {module_name(p): dependencies(p, known) for p in modules(package)}
    return {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph``, or ``[]``."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_import_graphs_have_no_cycle() -> None:
    for package in ("app", "tasks", "web"):
        cycle = _cycle(_graph(package))
        assert not cycle, f"import cycle in {package}/: {' -> '.join(cycle)}"
