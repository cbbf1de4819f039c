"""Shared by the tests: the repository's paths, a scratch copy of the course, nbgrader runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from notebooks import lesson_names, venv_env

ROOT = Path(__file__).resolve().parent.parent

LESSONS = lesson_names(ROOT)
COURSE_PARTS = ("solutions", "lessons", "datasets", "nbgrader_config.py")


def copy_course(destination: Path) -> Path:
    """A throwaway copy of what an instructor's course folder holds."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in COURSE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


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
