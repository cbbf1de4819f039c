"""Grades through the real nbgrader: full marks for the solution, zero for the untouched
student copy, and each wrong-answer fixture fails exactly the test cell it targets.

Each lesson gets its own temporary course. In it, one ``nbgrader autograde`` run
grades all the simulated students at once (the solution, the untouched student
copy, and one student per wrong-answer fixture); the grades are then read from
the gradebook. Lessons are graded side by side, one per core: autograding is the
slowest part of the suite and each run is single-threaded.
"""

from __future__ import annotations

import os
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from notebooks import nbgrader_cells
from support import LESSONS, ROOT, copy_course, run_nbgrader

pytestmark = pytest.mark.slow
WRONG_ANSWERS = ROOT / "tests" / "wrong_answers"
Scores = dict[str, dict[str, tuple[float, float]]]


def fixtures_for(lesson: str) -> list[dict]:
    path = WRONG_ANSWERS / f"{lesson}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["fixture"] if path.exists() else []


def fixture_student(index: int) -> str:
    return f"wrong{index:02d}"


def solution_notebook(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)


def autograded_ids(nb: nbformat.NotebookNode) -> set[str]:
    return {gid for gid, info in nbgrader_cells(nb).items() if info["kind"] == "tests"}


def with_answer(nb: nbformat.NotebookNode, grade_id: str, code: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose answer cell ``grade_id`` holds ``code`` instead."""
    copy = nbformat.from_dict(nb)
    cells = [c for c in copy.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert cells, f"fixture targets unknown answer cell {grade_id!r}"
    cells[0].source = code.strip("\n")
    return copy


def submit(course: Path, student: str, lesson: str, nb: nbformat.NotebookNode) -> None:
    folder = course / "submitted" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{lesson}.ipynb")


def grade_lesson(course: Path, lesson: str) -> Scores:
    """Autograde every simulated student of one lesson; return their autograded scores."""
    run_nbgrader(course, "generate_assignment", lesson, "--force")
    solution = solution_notebook(lesson)
    submit(course, "solution", lesson, solution)
    submit(course, "untouched", lesson, nbformat.read(course / "lessons" / lesson / f"{lesson}.ipynb", as_version=4))
    for index, fixture in enumerate(fixtures_for(lesson)):
        submit(course, fixture_student(index), lesson, with_answer(solution, fixture["answer"], fixture["code"]))
    run_nbgrader(course, "autograde", lesson, "--force")
    tests = autograded_ids(solution)
    scores: Scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in sorted(p.name for p in (course / "submitted").iterdir()):
            notebook = gradebook.find_submission_notebook(lesson, lesson, student)
            scores[student] = {g.name: (g.score, g.max_score) for g in notebook.grades if g.name in tests}
    return scores


def lessons_under_test(session: pytest.Session) -> list[str]:
    """The lessons named by the selected tests of this file (so `-k 01-flywheel` grades one)."""
    found = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if item.path == Path(__file__) and callspec is not None and "lesson" in callspec.params:
            found.add(callspec.params["lesson"])
    return sorted(found)


@pytest.fixture(scope="session")
def grades(request, tmp_path_factory) -> dict[str, Scores]:
    """Grade every lesson that a selected test asks about (all of them in a full run)."""
    wanted = lessons_under_test(request.session)
    courses = {lesson: copy_course(tmp_path_factory.mktemp(lesson)) for lesson in wanted}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {lesson: pool.submit(grade_lesson, courses[lesson], lesson) for lesson in wanted}
        return {lesson: future.result() for lesson, future in futures.items()}


def describe(scores: dict[str, tuple[float, float]]) -> str:
    return ", ".join(f"{gid}={s:g}/{m:g}" for gid, (s, m) in sorted(scores.items()))


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_scores_full_marks(grades, lesson):
    scores = grades[lesson]["solution"]
    assert set(scores) == autograded_ids(solution_notebook(lesson)), "every autograded cell was graded"
    assert all(score == max_score > 0 for score, max_score in scores.values()), describe(scores)


@pytest.mark.parametrize("lesson", LESSONS)
def test_untouched_student_copy_scores_zero(grades, lesson):
    scores = grades[lesson]["untouched"]
    assert set(scores) == autograded_ids(solution_notebook(lesson)), "every autograded cell was graded"
    assert all(score == 0 for score, _ in scores.values()), describe(scores)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_test_cell_has_a_wrong_answer_fixture(lesson):
    tests = autograded_ids(solution_notebook(lesson))
    targeted = {fixture["fails"] for fixture in fixtures_for(lesson)}
    assert tests <= targeted, (
        f"no wrong-answer fixture in tests/wrong_answers/{lesson}.toml for {sorted(tests - targeted)}"
    )
    assert targeted <= tests, f"fixtures target cells that are not test cells: {sorted(targeted - tests)}"


FIXTURE_CASES = [
    pytest.param(lesson, index, id=f"{lesson}::{fixture['name']}")
    for lesson in LESSONS
    for index, fixture in enumerate(fixtures_for(lesson))
]


@pytest.mark.parametrize("lesson, index", FIXTURE_CASES)
def test_wrong_answer_fails_exactly_its_target(grades, lesson, index):
    fixture = fixtures_for(lesson)[index]
    scores = grades[lesson][fixture_student(index)]
    failed = {gid for gid, (score, max_score) in scores.items() if score < max_score}
    assert failed == {fixture["fails"]}, (
        f"wrong answer '{fixture['name']}' should fail only {fixture['fails']}; scores: {describe(scores)}"
    )
