"""A class graded by several nbgrader processes into one PostgreSQL gradebook gets exactly the serial grades.

One class of lesson 00 (full, partial, untouched, late and broken submissions) is
graded twice from the same submitted/ folder: once by a plain ``nbgrader
autograde`` into nbgrader's default SQLite gradebook, once by ``python -m
tools.grade_class autograde --jobs 3`` into a real PostgreSQL server started for
the test (tools/postgres.py). Everything autograde writes (each cell's score,
whether it needs manual grading, comments, late penalty, submission time) must
be the same. The server runs on a Unix socket in a temporary folder and is
removed afterwards, also when a test fails.

Without PostgreSQL's server these tests skip with the reason, except in CI
(CI=true), where .ci/run installs it and a missing server fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import background
import nbformat
import pytest
from grading_fixtures import student_copy
from nbgrader.api import Gradebook
from support import ROOT, copy_course, require_software, run_nbgrader
from term_course import all_answers, answered, first_lesson

from tools import postgres
from tools.grade_class import set_up
from tools.nbgrader_cli import failures

pytestmark = pytest.mark.slow

LESSON = first_lesson()
DUE = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
#: student -> (what they hand in, hours after the due date)
CLASS = {  # one submission of each kind: enough for three graders, and each costs a notebook run twice
    "s01": ("full", -30),
    "s04": ("half", -2),
    "s06": ("untouched", -3),
    "s08": ("full", 20),  # one day late
    "s09": ("half", 50),  # three days late
    "s10": ("broken-json", -4),
    "s11": ("syntax-error", -6),
}


def needs_postgres() -> None:
    require_software(postgres.missing(), "the PostgreSQL tests")


def hand_in(course: Path) -> None:
    """The class's submissions, with nbgrader's timestamp.txt, as ``nbgrader collect`` leaves them."""
    fresh = student_copy(LESSON)
    answers = all_answers(LESSON)
    for student, (kind, hours) in CLASS.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        path = folder / f"{LESSON}.ipynb"
        if kind == "broken-json":
            path.write_text('{"cells": [', encoding="utf-8")
        else:
            chosen = {"full": answers, "half": answers[: len(answers) // 2], "untouched": []}.get(kind, answers)
            nb = answered(fresh, LESSON, chosen)
            if kind == "syntax-error":
                first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == answers[0])
                first.source = "share = (survey[\n"
            nbformat.write(nb, path)
        stamp = (DUE + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")


def record(db_url: str) -> dict:
    """Everything ``nbgrader autograde`` writes to a gradebook, per student."""
    found = {}
    with Gradebook(db_url) as gradebook:
        for submission in gradebook.assignment_submissions(LESSON):
            for notebook in submission.notebooks:
                found[submission.student.id] = {
                    "timestamp": submission.timestamp,
                    "late_penalty": notebook.late_submission_penalty,
                    "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in notebook.grades},
                    "comments": {c.name: c.auto_comment for c in notebook.comments},
                }
    return found


def grade_both_ways(where: Path) -> dict:
    """The class graded serially into SQLite, and by three processes into PostgreSQL."""
    serial = copy_course(where / "serial")
    run_nbgrader(serial, "generate_assignment", LESSON, "--force")
    with Gradebook(f"sqlite:///{serial / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(LESSON, duedate=DUE.replace(tzinfo=None))
    hand_in(serial)
    parallel = where / "parallel"
    shutil.copytree(serial, parallel)
    (parallel / "gradebook.db").unlink()
    serial_run = run_nbgrader(serial, "autograde", LESSON, "--force", check=False)
    with postgres.throwaway_server() as url:
        run_nbgrader(parallel, "generate_assignment", LESSON, "--force", f"--CourseDirectory.db_url={url}")
        with Gradebook(url) as gradebook:
            gradebook.update_or_create_assignment(LESSON, duedate=DUE.replace(tzinfo=None))
        students = sorted(CLASS)
        set_up(url, LESSON, students)
        set_up(url, LESSON, students)  # running the set-up again changes nothing
        with Gradebook(url) as gradebook:
            roster = sorted(s.id for s in gradebook.students)
        chosen = ",".join([*students, students[0]])  # one id given twice: graded once
        result = subprocess.run(
            [sys.executable, "-m", "tools.grade_class", "--course", str(parallel), "autograde", LESSON,
             "--jobs", "3", "--db-url", url, "--students", chosen],
            capture_output=True, text=True, timeout=900, cwd=ROOT,
        )  # fmt: skip
        return {
            "serial": record(f"sqlite:///{serial / 'gradebook.db'}"),
            "parallel": record(url),
            "roster": roster,
            "result": result,
            "serial_exit": serial_run.returncode,
            "serial_errors": failures(serial_run.stdout.splitlines(keepends=True)),
            "parallel_root": parallel,
            "server_folder": Path(url.split("host=")[1].split("&")[0]),
        }


background.register(
    "postgres",
    lambda folder, _items: grade_both_ways(folder) if postgres.missing() is None else None,
    lambda item: item.path.name == "test_postgres_grading.py",
    cost=25,
)


@pytest.fixture(scope="session")
def graded(request, tmp_path_factory) -> dict:
    needs_postgres()
    return background.result("postgres", request.session.items, tmp_path_factory)


def test_parallel_grading_into_postgres_equals_serial_sqlite(graded):
    result = graded["result"]
    assert result.returncode == graded["serial_exit"], (
        "grade_class exits as nbgrader does (1: a broken notebook could not be graded)\n"
        + result.stdout[-3000:]
        + result.stderr[-3000:]
    )
    serial, parallel = graded["serial"], graded["parallel"]
    assert sorted(parallel) == sorted(CLASS), "every submission was graded"
    for student in sorted(CLASS):
        assert student in serial, f"{student}: the serial SQLite run did not grade it\n{graded['serial_errors']}"
        assert parallel[student] == serial[student], f"{student}: PostgreSQL and SQLite grades differ"
    assert serial["s08"]["late_penalty"] > 0 and not serial["s01"]["late_penalty"], "the class has late work"


def test_three_graders_each_graded_their_own_students_once(graded):
    out = graded["result"].stdout
    graders = [line for line in out.splitlines() if line.startswith("===== grader ")]
    assert len(graders) == 3, out[-2000:]
    for student in CLASS:
        assert out.count(f"Creating/updating student with ID '{student}'") == 1, f"{student} graded once"
    assert f"graded {len(CLASS)}/{len(CLASS)}" in graded["result"].stderr, "the progress line counts the whole class"


def test_set_up_twice_is_harmless(graded):
    assert graded["roster"] == sorted(CLASS), "each student once in the gradebook"


def test_server_is_gone_after_the_run(graded):
    assert not graded["server_folder"].exists(), "the throwaway server's folder is removed"


def test_server_is_removed_when_the_work_fails():
    needs_postgres()
    with pytest.raises(RuntimeError, match="on purpose"), postgres.throwaway_server() as url:
        folder = Path(url.split("host=")[1].split("&")[0])
        assert (folder / "data" / "postmaster.pid").exists(), "the server runs inside the block"
        raise RuntimeError("failing on purpose")
    assert not folder.exists(), "stopped and removed although the block failed"


def test_several_graders_on_sqlite_are_refused_with_a_reason(tmp_path):
    course = copy_course(tmp_path / "course")
    result = subprocess.run(
        [sys.executable, "-m", "tools.grade_class", "--course", str(course), "autograde", LESSON, "--jobs", "2"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 2
    assert "SQLite" in result.stderr and "PostgreSQL" in result.stderr and "--jobs 1" in result.stderr
