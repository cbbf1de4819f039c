"""Shared by the tests: the repository's paths, a scratch copy of the course, nbgrader runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from notebooks import copy_course, lesson_names, venv_env  # noqa: F401 (copy_course is used by the tests through support)

ROOT = Path(__file__).resolve().parent.parent

LESSONS = lesson_names(ROOT)


def run_nbgrader(course: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run a real ``nbgrader`` command in ``course``; fail the test with its log if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        env=venv_env(),
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result
