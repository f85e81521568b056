"""The page's pure modules (web/static/js: model, display, words, lobby) under Node's own test
runner: tests/js/*.test.mjs, no browser and no npm packages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_page_model_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the page's model tests (tests/js) need Node 20 or later")
    run = subprocess.run([node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 0, f"node --test tests/js/ failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
