"""A class graded by several nbgrader processes into one PostgreSQL gradebook gets exactly the serial grades.

The class is the hostile one of tests/test_hostile.py (lesson 00: honest, partial and late work,
an endless loop, a kernel killed, tampered tests, a broken and a missing notebook), which that
test grades with a plain ``nbgrader autograde`` into nbgrader's default SQLite gradebook.
Here the same submitted/ folder, as ``check --repair`` left it, is graded again by ``python -m
tools.grade_class autograde --jobs 3`` into a real PostgreSQL server started for the test
(tools/postgres.py). Everything autograde writes (each cell's score, whether it needs manual
grading, comments, late penalty, submission time) must be the same. The server runs on a Unix
socket in a temporary folder and is removed afterwards, also when a test fails.

Without PostgreSQL's server these tests skip with the reason, except in CI
(CI=true), where .ci/run installs it and a missing server fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import background
import pytest
from nbgrader.api import Gradebook
from support import ROOT, copy_course, require_software, run_nbgrader
from test_hostile import DUE, LESSON, TIMEOUT

from tools import postgres
from tools.grade_class import set_up
from tools.nbgrader_cli import failures

pytestmark = pytest.mark.slow


def needs_postgres() -> None:
    require_software(postgres.missing(), "the PostgreSQL tests")


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


def grade_in_parallel(where: Path, items: list[pytest.Item]) -> dict:
    """The hostile class, graded serially into SQLite by its own test, graded again by three processes."""
    hostile = background.result("hostile", items)  # started first: its cost is higher
    serial = hostile["course"].root
    parallel = where / "parallel"
    shutil.copytree(serial, parallel, ignore=shutil.ignore_patterns("gradebook.db", "autograded", "feedback"))
    students = sorted(hostile["loses"])
    with postgres.throwaway_server() as url:
        run_nbgrader(parallel, "generate_assignment", LESSON, "--force", f"--CourseDirectory.db_url={url}")
        with Gradebook(url) as gradebook:
            gradebook.update_or_create_assignment(LESSON, duedate=DUE.replace(tzinfo=None))
        set_up(url, LESSON, students)
        set_up(url, LESSON, students)  # running the set-up again changes nothing
        with Gradebook(url) as gradebook:
            roster = sorted(s.id for s in gradebook.students)
        chosen = ",".join([*students, students[0]])  # one id given twice: graded once
        result = subprocess.run(
            [sys.executable, "-m", "tools.grade_class", "--course", str(parallel), "autograde", LESSON,
             "--jobs", "3", "--db-url", url, "--students", chosen, "--", f"--Execute.timeout={TIMEOUT}"],
            capture_output=True, text=True, timeout=900, cwd=ROOT,
        )  # fmt: skip
        return {
            "students": students,
            "serial": record(f"sqlite:///{serial / 'gradebook.db'}"),
            "parallel": record(url),
            "roster": roster,
            "result": result,
            "serial_exit": hostile["returncode"],
            "serial_errors": failures(hostile["log"].splitlines(keepends=True)),
            "server_folder": Path(url.split("host=")[1].split("&")[0]),
        }


background.register(
    "postgres",
    lambda folder, items: grade_in_parallel(folder, items) if postgres.missing() is None else None,
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
    assert sorted(parallel) == sorted(serial), (
        f"the same submissions were graded: {sorted(serial)} serially\n{graded['serial_errors']}"
        f"{sorted(parallel)} in parallel\n{failures(result.stdout.splitlines(keepends=True))}"
    )
    for student in sorted(serial):
        assert parallel[student] == serial[student], f"{student}: PostgreSQL and SQLite grades differ"
    penalties = {student: grades["late_penalty"] for student, grades in serial.items()}
    assert penalties["partial"] > 0 and not penalties["honest"], "the class has late work, and work on time"


def test_three_graders_each_graded_their_own_students_once(graded):
    out = graded["result"].stdout
    graders = [line for line in out.splitlines() if line.startswith("===== grader ")]
    assert len(graders) == 3, out[-2000:]
    times = {student: out.count(f"Creating/updating student with ID '{student}'") for student in graded["students"]}
    assert max(times.values()) == 1, f"nobody graded twice: {times}"
    assert all(times[student] == 1 for student in graded["serial"]), f"every graded submission once: {times}"
    everyone = len(graded["students"])
    assert f"graded {everyone}/{everyone}" in graded["result"].stderr, "the progress line counts the whole class"


def test_set_up_twice_is_harmless(graded):
    assert graded["roster"] == graded["students"], "each student once in the gradebook"


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
