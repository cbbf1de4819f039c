"""A graded course for the feedback test, graded in the background while the browser tests run.

Why like this: grading with the real nbgrader (generate, autograde, generate feedback)
costs mostly Python start-up and gradebook set-up, so one course holds every selected
lesson and each step runs once for all of them (nbgrader reads the assignment name as
a glob: "*"). It runs in a background thread from the first test of the folder on,
beside the JupyterLab tests, which spend much of their time waiting on a kernel.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT

from tools.nbgrader_cli import run_nbgrader

STUDENT = "worked-solution"
FEEDBACK_FIXTURE = "graded_course"  # the fixture of the feedback tests, which marks them
STEP_TIMEOUT = 900.0
STEPS = (("generate_assignment", "*", "--force"), ("autograde", "*", "--force"), ("generate_feedback", "*", "--force"))


@dataclass
class GradedCourse:
    """Where the course was graded, and what nbgrader said (for the failure message of a test)."""

    root: Path
    log: str

    def autograded(self, lesson: str) -> Path:
        return self.root / "autograded" / STUDENT / lesson / f"{lesson}.ipynb"

    def feedback(self, lesson: str) -> Path:
        return self.root / "feedback" / STUDENT / lesson / f"{lesson}.html"


def course_with_submissions(destination: Path, lessons: list[str]) -> Path:
    """A course holding only ``lessons`` (so "*" means them), each solution submitted by one student."""
    destination.mkdir(parents=True)
    shutil.copytree(ROOT / "datasets", destination / "datasets")
    shutil.copy2(ROOT / "nbgrader_config.py", destination / "nbgrader_config.py")
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, destination / "solutions" / lesson)
        submitted = destination / "submitted" / STUDENT / lesson
        submitted.mkdir(parents=True)
        shutil.copy2(ROOT / "solutions" / lesson / f"{lesson}.ipynb", submitted)
    return destination


def grade_with_feedback(course: Path) -> GradedCourse:
    """Run nbgrader's three steps over every lesson of ``course``; stop at the first step that fails."""
    log = []
    for step in STEPS:
        result = run_nbgrader(course, *step, check=False, timeout=STEP_TIMEOUT)
        log.append(f"$ nbgrader {' '.join(step)}  (exit {result.returncode})\n{result.stdout[-3000:]}")
        if result.returncode != 0:
            break
    return GradedCourse(root=course, log="\n".join(log))


def lessons_needing_feedback(items: list[pytest.Item]) -> list[str]:
    """The lessons of the selected feedback tests (so `-k 00-day-one` grades one lesson only)."""
    found = set()
    for item in items:
        callspec = getattr(item, "callspec", None)
        if FEEDBACK_FIXTURE in getattr(item, "fixturenames", ()) and callspec is not None:
            found.add(callspec.params["lesson"])
    return sorted(found)
