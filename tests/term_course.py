"""A simulated term on a throwaway copy of the course: the helpers behind test_term and test_hostile.

Everything here drives the real tools: ``nbgrader`` commands as subprocesses, the
real exchange directory, and students who are separate processes with their own
home directories and their own OS user names. nbgrader's exchange takes the student
id from the operating system (``pwd.getpwuid(os.getuid())``), not from ``$USER``,
so each student command runs in its own user and mount namespace (``unshare --user
--map-root-user --mount``, allowed to ordinary users on current Linux) in which
``/etc/passwd`` is a one-line file naming that student: nbgrader sees the student,
and nothing on the machine changes.

Expected grades are derived from the notebooks themselves (points in the cell
metadata, which answer belongs to which test), never typed in, so the same term
works for any lesson.
"""

from __future__ import annotations

import csv
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from support import ROOT, copy_course

from tools.nbgrader_cli import run_nbgrader
from tools.notebooks import lesson_names, nbgrader_cells, read_lesson

COURSE_ID = "customer-obsession"
REFLECTION_TEXT = "The customer's view, with a number from this lesson and a test I would run."


class NbgraderFailed(AssertionError):
    """An nbgrader step that had to succeed did not; the message carries its log."""


@dataclass
class Course:
    """A temporary course folder, its exchange directory and its students' homes."""

    root: Path
    exchange: Path
    homes: Path
    logs: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def gradebook(self) -> Gradebook:
        return Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", COURSE_ID)


def new_course(where: Path) -> Course:
    """Copy the course and make an empty exchange, writable by every student as on a hub."""
    course = Course(root=copy_course(where / "course"), exchange=where / "exchange", homes=where / "home")
    course.exchange.mkdir(mode=0o777)
    course.exchange.chmod(0o777)
    course.homes.mkdir()
    return course


def first_lesson() -> str:
    """The lesson a term is run on: the first one (lesson 00, complete and hardened)."""
    return lesson_names(ROOT)[0]


# --- running nbgrader -------------------------------------------------------------------


def timed(
    course: Course, name: str, cwd: Path, *args: str, prefix: list[str] = (), **env: str
) -> subprocess.CompletedProcess:
    """``run_nbgrader`` (unchecked), keeping its log and wall time under ``name`` (the benchmark notes read them)."""
    started = time.perf_counter()
    result = run_nbgrader(cwd, *args, check=False, timeout=900, prefix=prefix, **env)
    course.seconds[name] = course.seconds.get(name, 0.0) + time.perf_counter() - started
    course.logs[name] = result.stdout
    return result


def instructor(course: Course, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """An nbgrader command run by the instructor from the course root; its log is kept by name."""
    result = timed(course, " ".join(args), course.root, *args, f"--Exchange.root={course.exchange}")
    if check and result.returncode != 0:
        raise NbgraderFailed(f"nbgrader {' '.join(args)} exited {result.returncode}:\n{result.stdout[-6000:]}")
    return result


def as_os_user(student: str, home: Path) -> list[str]:
    """A command prefix that runs as OS user ``student`` (see the module docstring)."""
    passwd = home.parent / f".passwd-{student}"
    passwd.write_text(f"{student}:x:0:0:{student}:{home}:/bin/sh\n", encoding="utf-8")
    script = 'mount --bind "$0" /etc/passwd && exec "$@"'
    return [
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        str(passwd),
    ]


def student(course: Course, name: str, *args: str) -> subprocess.CompletedProcess:
    """An nbgrader command run by a student in their own home directory, as themselves."""
    home = course.homes / name
    home.mkdir(exist_ok=True)
    result = timed(
        course,
        f"{name}: {' '.join(args)}",
        home,
        *args,
        "--course",
        COURSE_ID,
        f"--Exchange.root={course.exchange}",
        prefix=as_os_user(name, home),
        HOME=str(home),
    )
    if result.returncode != 0:
        raise NbgraderFailed(f"{name}: nbgrader {' '.join(args)} exited {result.returncode}:\n{result.stdout[-6000:]}")
    return result


# --- notebooks a student hands in -------------------------------------------------------


def solution_notebook(lesson: str) -> nbformat.NotebookNode:
    return read_lesson("solutions", lesson)


def points_of_tests(lesson: str) -> dict[str, float]:
    """Autograded test cell -> points, in notebook order."""
    return {
        gid: info["points"]
        for gid, info in nbgrader_cells(solution_notebook(lesson)).items()
        if info["kind"] == "tests"
    }


def points_of_reflections(lesson: str) -> dict[str, float]:
    """Hand-graded reflection cell -> points."""
    return {
        gid: info["points"]
        for gid, info in nbgrader_cells(solution_notebook(lesson)).items()
        if info["kind"] == "manual"
    }


def answer_of(lesson: str) -> dict[str, str]:
    """Test cell -> the answer cell it grades (the answer cell directly above it)."""
    pairs, last_answer = {}, None
    for gid, info in nbgrader_cells(solution_notebook(lesson)).items():
        if info["kind"] == "answer":
            last_answer = gid
        elif info["kind"] == "tests":
            pairs[gid] = last_answer
    return pairs


def answered(
    notebook: nbformat.NotebookNode, lesson: str, answers: Iterable[str], reflections: bool = True
) -> nbformat.NotebookNode:
    """``notebook`` with the named answer cells filled in from the solution (and the reflections written)."""
    solution = {gid: info["cell"].source for gid, info in nbgrader_cells(solution_notebook(lesson)).items()}
    wanted = set(answers)
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") in wanted:
            cell.source = solution[meta["grade_id"]]
        elif reflections and meta.get("solution") and meta.get("grade") and cell.cell_type == "markdown":
            cell.source = REFLECTION_TEXT
    return copy


def all_answers(lesson: str) -> list[str]:
    return [a for a in answer_of(lesson).values() if a]


# --- reading the results ----------------------------------------------------------------


def cell_scores(course: Course, lesson: str) -> dict[str, dict[str, float]]:
    """student -> grade_id -> score, for every submission in the gradebook."""
    scores: dict[str, dict[str, float]] = {}
    with course.gradebook() as gradebook:
        for submission in gradebook.assignment_submissions(lesson):
            for notebook in submission.notebooks:
                scores[submission.student.id] = {g.name: g.score for g in notebook.grades}
    return scores


def exported(course: Course, path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(assignment, student) -> row of ``nbgrader export``'s CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}


def utc_now() -> str:
    """A due date nbgrader parses, in UTC like the exchange's timestamps."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def log_for(log: str, who: str) -> str:
    """The lines of an ``nbgrader autograde`` log about one student.

    nbgrader grades students one after another, opening each with "Creating/updating
    student with ID 'x'", and repeats the failed ones by name in its closing summary.
    """
    chunks, current = [], None
    for line in log.splitlines():
        if "Creating/updating student with ID" in line:
            current = f"'{who}'" in line
        if current or f"'{who}'" in line or f"/{who}/" in line:
            chunks.append(line)
    return "\n".join(chunks)
