"""ruff is clean and formatting is applied, on the package, tools, tests and notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_is_clean(command):
    result = subprocess.run([str(RUFF), *command], cwd=ROOT, capture_output=True, text=True)
    shown = f"ruff {' '.join(command)}"
    assert result.returncode == 0, f"`{shown}` (fix with `make format`):\n{result.stdout}{result.stderr}"
