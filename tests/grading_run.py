"""Grade one lesson's fixtures through the real nbgrader, and say what each fixture got wrong.

One temporary course per lesson; in it, one ``nbgrader autograde`` grades every
simulated student at once: the solution, the untouched student copy, and one
student per pack of fixtures (``grading_packs``). The gradebook gives each test
cell's score; the autograded notebooks give every cell's error, and the line it
was raised on, so a failure can be placed in the visible or the hidden part of
a test cell.

If a pack's grades are not what its fixtures promise, its fixtures are graded
again one per student (a second ``nbgrader autograde``, only then), so that
every verdict names the one fixture, lesson and cell at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from grading_fixtures import Fixture, all_fixtures, exercise_tests, solution, student_copy
from grading_packs import Pack, packed_notebook, packs
from nbgrader.api import Gradebook
from support import copy_course, run_nbgrader

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
    for student, nb in submissions.items():
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")
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


# --- one lesson --------------------------------------------------------------------------


@dataclass
class LessonGrades:
    """Everything the grading tests of one lesson ask about."""

    solution: Graded
    untouched: Graded
    verdicts: dict[tuple[str, str, str], list[str]]  # (kind, answer, name) -> problems
    packs: list[Pack]


def verdict_key(fixture: Fixture) -> tuple[str, str, str]:
    return (fixture.kind, fixture.answer, fixture.name)


def grade_lesson(workdir: Path, lesson: str) -> LessonGrades:
    """Grade a lesson's solution, untouched copy and every fixture; one autograde run (two on trouble)."""
    course = copy_course(workdir / "course")
    run_nbgrader(course, "generate_assignment", lesson, "--force")
    source = solution(lesson)
    fixtures = all_fixtures(lesson)
    grouped = packs(source, fixtures)
    submissions = {"solution": source, "untouched": student_copy(lesson)}
    submissions |= {f"pack{i:02d}": packed_notebook(source, pack) for i, pack in enumerate(grouped)}
    graded = autograde(course, lesson, submissions)

    verdicts, suspects = {}, []
    for index, pack in enumerate(grouped):
        result = graded[f"pack{index:02d}"]
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
    return LessonGrades(graded["solution"], graded["untouched"], verdicts, grouped)


def exercises(lesson: str) -> dict[str, str]:
    """Answer cell -> test cell, for the tests' parameters."""
    return exercise_tests(lesson)
