"""Grade lessons' fixtures through the real nbgrader, and say what each fixture got wrong.

One temporary course holds a group of lessons (tests/grading_jobs.py makes one group
per core). In it one ``nbgrader generate_assignment`` releases every lesson and one
``nbgrader autograde`` grades every simulated student of every lesson at once: the
solution, the untouched student copy, and one student per pack of fixtures
(``grading_packs``); nbgrader's start-up is paid once per course, not per lesson. The
gradebook gives each test cell's score; the autograded notebooks give every cell's
error, and the line it was raised on, so a failure can be placed in the visible or
the hidden part of a test cell.

If a pack's grades are not what its fixtures promise, its fixtures are graded
again one per student (a second ``nbgrader autograde``, only then), so that
every verdict names the one fixture, lesson and cell at fault.

The same run serves two other checks, which would otherwise repeat its work: the
released copies it generated are compared with lessons/ (tests/test_lessons_current.py),
and the solution's feedback page is written for the browser (test_feedback_html.py).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from grading_fixtures import Fixture, exercise_tests, solution, student_copy
from grading_packs import Pack, lesson_packs, packed_notebook
from nbgrader.api import Gradebook
from support import ROOT, run_nbgrader

from tools.lessons import copy_course_sources
from tools.nbgrader_cli import failed, failures
from tools.notebooks import nbgrader_cells

HIDDEN_MARK = "### BEGIN HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


@dataclass(frozen=True)
class CellError:
    """An error a cell showed after grading; ``visible`` when raised before the hidden tests began."""

    ename: str
    evalue: str
    visible: bool

    def __str__(self) -> str:
        where = "visible" if self.visible else "hidden"
        return f"{self.ename} in the {where} tests: {self.evalue.strip()[:300]}"


@dataclass
class Graded:
    """One graded submission: each test cell's (score, max) and each erring cell's error, by grade_id."""

    scores: dict[str, tuple[float, float]] = field(default_factory=dict)
    errors: dict[str, CellError] = field(default_factory=dict)  # grade_id, or "cell N" for plain cells

    def failed(self) -> set[str]:
        return {gid for gid, (score, top) in self.scores.items() if score < top}

    def describe(self) -> str:
        return ", ".join(f"{gid}={s:g}/{m:g}" for gid, (s, m) in sorted(self.scores.items()))


def first_error(cell: nbformat.NotebookNode) -> CellError | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            line = _CELL_LINE.search(trace)
            marker = next((i for i, text in enumerate(cell.source.splitlines(), 1) if HIDDEN_MARK in text), None)
            visible = marker is None or (line is not None and int(line.group(1)) < marker)
            return CellError(output.get("ename", ""), output.get("evalue", ""), visible)
    return None


def read_graded(course: Path, lesson: str, student: str) -> Graded:
    graded = Graded()
    tests = {gid for gid, info in nbgrader_cells(solution(lesson)).items() if info["kind"] == "tests"}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(lesson, lesson, student)
        graded.scores = {g.name: (g.score, g.max_score) for g in notebook.grades if g.name in tests}
    autograded = course / "autograded" / student / lesson / f"{lesson}.ipynb"
    if autograded.exists():
        for index, cell in enumerate(nbformat.read(autograded, as_version=4).cells):
            error = first_error(cell) if cell.cell_type == "code" else None
            if error:
                graded.errors[cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"] = error
    return graded


def autograde(
    course: Path, lesson: str, submissions: dict[str, nbformat.NotebookNode], students: str = "*"
) -> dict[str, Graded]:
    """Hand in each notebook as its student and grade them with one ``nbgrader autograde``.

    ``students`` is nbgrader's glob of student ids to grade (the others already are).
    """
    hand_in(course, lesson, submissions)
    run_nbgrader(course, "autograde", lesson, "--force", f"--student={students}")
    return {student: read_graded(course, lesson, student) for student in submissions}


# --- what each fixture promises ----------------------------------------------------------


def expected_failures(pack: Pack) -> set[str]:
    return {f.tests for f in pack.fixtures if f.kind in ("wrong", "stub")}


def own_cells(fixture: Fixture) -> set[str]:
    """The grade_ids of the fixture's answer and test cells."""
    return {fixture.answer, fixture.tests}


def pack_problems(pack: Pack, graded: Graded) -> list[str]:
    """What went wrong in a pack as a whole: a test cell that fails with no fixture aimed at it, or an error
    outside the fixtures' own cells in a pack that promises none (right answers and stubs)."""
    problems = [
        f"{gid} lost points though no fixture in this notebook targets it ({graded.describe()})"
        for gid in sorted(graded.failed() - expected_failures(pack))
    ]
    if not pack.has_wrong:
        allowed = {c for f in pack.fixtures if f.kind == "stub" for c in own_cells(f)}
        problems += [f"{where} fails: {error}" for where, error in graded.errors.items() if where not in allowed]
    return problems


def fixture_problems(fixture: Fixture, graded: Graded) -> list[str]:
    """What this fixture got wrong, judged on its own cells."""
    score, top = graded.scores.get(fixture.tests, (0.0, 0.0))
    error = graded.errors.get(fixture.tests)
    if fixture.kind == "right":
        if score < top:
            return [f"a correct answer lost points on {fixture.tests}: {error or graded.describe()}"]
        if fixture.answer in graded.errors:
            return [f"a correct answer fails in its own cell: {graded.errors[fixture.answer]}"]
        return []
    if score >= top:
        return [f"{fixture.tests} gave full marks ({score:g}/{top:g}); it should catch this answer"]
    if fixture.kind == "stub":
        stub_error = graded.errors.get(fixture.answer)
        if not stub_error or stub_error.ename != "NotImplementedError":
            return [f"the unanswered exercise should stop at NotImplementedError, it shows {stub_error}"]
        return []
    return caught_problems(fixture, error)


def caught_problems(fixture: Fixture, error: CellError | None) -> list[str]:
    """A wrong answer's promise about where it is caught: visible (with a message) or hidden."""
    if fixture.caught not in ("visible", "hidden"):
        return [f'say where it is caught: caught = "visible" or caught = "hidden" (found {fixture.caught!r})']
    if fixture.key and fixture.caught != "visible":
        return ['the key mistake must be caught by a visible test (caught = "visible")']
    if error is None:
        return [f"{fixture.tests} lost points but shows no error"]
    if fixture.caught == "visible" and not error.visible:
        return [f"it should fail a visible test (one a student runs), but only the hidden tests catch it: {error}"]
    if fixture.caught == "visible" and (error.ename != "AssertionError" or not error.evalue.strip()):
        return [f"a visible test should catch it with an assertion that says what is wrong, not {error}"]
    if fixture.caught == "hidden" and error.visible:
        return [f'the visible tests catch it already: mark it caught = "visible" ({error})']
    return []


# --- a course of lessons --------------------------------------------------------------------------


@dataclass
class LessonGrades:
    """Everything the grading tests of one lesson ask about."""

    solution: Graded
    untouched: Graded
    verdicts: dict[tuple[str, str, str], list[str]]  # (kind, answer, name) -> problems
    packs: list[Pack]


def verdict_key(fixture: Fixture) -> tuple[str, str, str]:
    return (fixture.kind, fixture.answer, fixture.name)


#: The student whose submission is each lesson's worked solution (and whose feedback page is written).
SOLUTION = "solution"


def course_for(folder: Path, lessons: list[str]) -> Path:
    """A course holding only ``lessons`` (so nbgrader's "*" means them), with no lessons/ yet:
    nbgrader writes the released copies, and nothing else could pass for them."""
    course = folder / "course"
    course.mkdir(parents=True)
    copy_course_sources(course, lessons)
    shutil.copytree(ROOT / "datasets", course / "datasets")
    return course


def hand_in(course: Path, lesson: str, submissions: dict[str, nbformat.NotebookNode]) -> None:
    for student, nb in submissions.items():
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")


@dataclass
class CourseGrades:
    """A graded course: each lesson graded with its fixtures, the released copies, the feedback pages."""

    course: Path
    lessons: dict[str, LessonGrades]  # the lessons graded with their fixtures
    log: str  # the end of nbgrader's log, for the failure message of a test

    def released(self, lesson: str) -> Path:
        return self.course / "lessons" / lesson

    def autograded(self, lesson: str) -> Path:
        return self.course / "autograded" / SOLUTION / lesson / f"{lesson}.ipynb"

    def feedback(self, lesson: str) -> Path:
        return self.course / "feedback" / SOLUTION / lesson / f"{lesson}.html"


def grade_course(folder: Path, fixtures_of: list[str], feedback_of: list[str] = ()) -> CourseGrades:
    """Grade the solution, untouched copy and every fixture of each lesson in ``fixtures_of``, and
    the solution of each lesson in ``feedback_of``, writing its feedback page; one course for all."""
    lessons = sorted(set(fixtures_of) | set(feedback_of))
    course = course_for(folder, lessons)
    log = [run_nbgrader(course, "generate_assignment", "*", "--force").stdout[-2000:]]
    grouped = {lesson: lesson_packs(lesson) for lesson in fixtures_of}
    handed: dict[str, list[str]] = {}
    for lesson in lessons:
        submissions = {SOLUTION: solution(lesson)}
        if lesson in grouped:
            submissions["untouched"] = student_copy(lesson)
            submissions |= {f"pack{i:02d}": packed_notebook(solution(lesson), p) for i, p in enumerate(grouped[lesson])}
        hand_in(course, lesson, submissions)
        handed[lesson] = list(submissions)
    log.append(autograde_batch(course, handed))
    graded = {lesson: judge(course, lesson, grouped[lesson]) for lesson in fixtures_of}
    if feedback_of:  # every lesson of the course: one process, and a page or two more costs under a second
        result = run_nbgrader(course, "generate_feedback", "*", "--force", f"--student={SOLUTION}", check=False)
        log.append(result.stdout[-3000:])
    return CourseGrades(course, graded, "\n".join(log))


#: Submissions nbgrader could not process in a batch but graded alone at once: (lesson, student, its errors).
#: tests/conftest.py prints them at the end of the session, so a flaky grading step is seen, not hidden.
RETRIED: list[tuple[str, str, str]] = []


def autograde_batch(course: Path, handed: dict[str, list[str]]) -> str:
    """``nbgrader autograde "*"`` over every submission; one it failed to process is graded once more alone.

    nbgrader goes on past a submission it cannot process (it logs the error and leaves no autograded
    copy) and exits 1 at the end. Graded alone a second time, a submission that fails again fails the
    run with nbgrader's errors; one that passes is listed in ``RETRIED`` with the first errors.
    """
    command = ("autograde", "*", "--force")
    batch = run_nbgrader(course, *command, check=False)
    if batch.returncode == 0:
        return batch.stdout[-3000:]
    unprocessed = [
        (lesson, student)
        for lesson, students in handed.items()
        for student in students
        if not (course / "autograded" / student / lesson / f"{lesson}.ipynb").exists()
    ]
    if not unprocessed:
        raise failed(batch, command)
    errors = failures(batch.stdout.splitlines(keepends=True))
    for lesson, student in unprocessed:
        run_nbgrader(course, "autograde", lesson, "--force", f"--student={student}")
        RETRIED.append((lesson, student, errors))
    return batch.stdout[-3000:]


def judge(course: Path, lesson: str, grouped: list[Pack]) -> LessonGrades:
    """Each fixture's verdict from the graded packs; fixtures of a pack gone wrong are graded again alone."""
    source = solution(lesson)
    graded = {student: read_graded(course, lesson, student) for student in (SOLUTION, "untouched")}
    verdicts, suspects = {}, []
    for index, pack in enumerate(grouped):
        result = read_graded(course, lesson, f"pack{index:02d}")
        trouble = pack_problems(pack, result)
        for fixture in pack.fixtures:
            verdicts[verdict_key(fixture)] = fixture_problems(fixture, result)
        if trouble and len(pack.fixtures) > 1:
            suspects += pack.fixtures  # who caused it? grade each alone
        elif trouble:
            verdicts[verdict_key(pack.fixtures[0])] += trouble
    if suspects:
        alone = {f"alone{i:02d}": packed_notebook(source, Pack([f])) for i, f in enumerate(suspects)}
        alone = autograde(course, lesson, alone, students="alone*")
        for index, fixture in enumerate(suspects):
            result = alone[f"alone{index:02d}"]
            verdicts[verdict_key(fixture)] = fixture_problems(fixture, result) + pack_problems(Pack([fixture]), result)
    return LessonGrades(graded[SOLUTION], graded["untouched"], verdicts, grouped)


def exercises(lesson: str) -> dict[str, str]:
    """Answer cell -> test cell, for the tests' parameters."""
    return exercise_tests(lesson)
