"""ruff is clean on the package, tools, tests and notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import ROOT


def test_ruff_check_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
