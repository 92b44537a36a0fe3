"""The import contracts in pyproject.toml hold: arrows point one way (see DESIGN.md "Layout").

`lint-imports` (import-linter) checks them in well under a second; its report names each
broken import with its line, so the failure says what to move.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]


def lint_imports() -> str | None:
    """The lint-imports next to this Python (the project's venv), else one on PATH."""
    beside = Path(sys.executable).with_name("lint-imports")
    return str(beside) if beside.exists() else shutil.which("lint-imports")


def test_import_contracts_hold():
    command = lint_imports()
    if command is None:
        unavailable("lint-imports not found (pip install import-linter)")
    # The checkout on the path: the contracts are about this tree, not an installed copy.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([command, "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"lint-imports found broken contracts:\n{result.stdout}{result.stderr}", pytrace=False)
