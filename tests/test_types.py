"""Everything is typed: mypy --strict over app/, tasks/ and web/ (pyproject.toml says which
libraries without type information are let through)."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_the_domain_passes_mypy_strict() -> None:
    report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"])
    assert status == 0, report + errors
