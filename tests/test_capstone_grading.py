"""The capstone's memo is the instructor's to grade: autograde leaves it, the formgrader scores it.

Lesson 08 is graded partly automatically (the audit's numbers and chart) and mostly by hand
(the memo, 30 of its points). One student hands in the released copy with every exercise
answered and a memo written; one real ``nbgrader autograde`` grades it. Then, through
nbgrader's Gradebook API, the tests check what the formgrader shows and does:

- every autograded cell has its full marks, and none waits for a person;
- the memo cell scores nothing automatically, is flagged "needs manual grade", and the
  student's memo is there to read in the autograded notebook;
- a score and a comment saved as the formgrader's Manual Grading view saves them become the
  memo's grade and comment, take the submission off the list of work waiting for a person, and
  count in the notebook's total (nbgrader computes both from the cells' grades).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import background
import nbformat
import pytest
from nbgrader.api import Gradebook
from support import copy_course, run_nbgrader
from term_course import all_answers, answered, points_of_reflections, points_of_tests

pytestmark = pytest.mark.slow
THIS_FILE = Path(__file__).name

LESSON = "08-capstone"
MEMO = "capstone-memo"
STUDENT = "ada"
MEMO_TEXT = (
    "### Press release\n\nQuillby now shows the day your parcel will really arrive.\n\n"
    "### FAQ\n\n**What is the problem?** Since 1 July the perfect-order rate fell from about 88% to 75%.\n"
)
INSTRUCTOR_SCORE = 24.5
INSTRUCTOR_COMMENT = "Right problem, numbers correct; the cost estimate leaves out the refunds."


def grade_the_capstone(folder: Path) -> Path:
    """A course copy in which one answered submission, memo included, went through autograde."""
    root = copy_course(folder / "course")
    run_nbgrader(root, "generate_assignment", LESSON, "--force")
    released = nbformat.read(root / "lessons" / LESSON / f"{LESSON}.ipynb", as_version=4)
    submission = answered(released, LESSON, all_answers(LESSON), reflections=False)
    memo_cells = [c for c in submission.cells if c.metadata.get("nbgrader", {}).get("grade_id") == MEMO]
    assert len(memo_cells) == 1 and memo_cells[0].cell_type == "markdown", "the memo is one markdown cell"
    memo_cells[0].source = MEMO_TEXT
    submitted = root / "submitted" / STUDENT / LESSON
    submitted.mkdir(parents=True)
    nbformat.write(submission, submitted / f"{LESSON}.ipynb")
    run_nbgrader(root, "autograde", LESSON, "--force")
    return root


background.register(
    "capstone", lambda folder, _items: grade_the_capstone(folder), lambda item: item.path.name == THIS_FILE, cost=10
)


@pytest.fixture(scope="module")
def course(request, tmp_path_factory):
    """The graded course, from the background job started with the session (tests/background.py)."""
    return background.result("capstone", request.session.items, tmp_path_factory)


def gradebook(root, name: str = "gradebook.db") -> Gradebook:
    return Gradebook(f"sqlite:///{root / name}")


def formgrader_saves(grade, score: float) -> None:
    """What the formgrader's Manual Grading view does when a score is typed in (nbgrader 0.9,
    ``formgrader/apihandlers.py``, ``GradeHandler.put``): set the score, and clear the flag."""
    grade.manual_score = score
    grade.extra_credit = None
    grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None


def test_the_memo_is_most_of_the_grade():
    auto, manual = sum(points_of_tests(LESSON).values()), points_of_reflections(LESSON)
    assert list(manual) == [MEMO], "the memo is the capstone's one hand-graded cell"
    assert manual[MEMO] > auto, f"the memo ({manual[MEMO]:g} points) should outweigh the numbers ({auto:g})"


def test_autograde_scores_every_exercise_and_leaves_the_memo_ungraded(course):
    with gradebook(course) as book:
        for test_cell, points in points_of_tests(LESSON).items():
            grade = book.find_grade(test_cell, LESSON, LESSON, STUDENT)
            assert grade.auto_score == points, f"{test_cell}: the answered exercise gets its {points:g} points"
            assert not grade.needs_manual_grade, f"{test_cell} should not wait for a person"
        memo = book.find_grade(MEMO, LESSON, LESSON, STUDENT)
        assert memo.auto_score is None, "autograde gives the memo no score of its own"
        assert memo.needs_manual_grade, "the memo is flagged for the instructor"
        assert memo.score == 0 and memo.max_score == points_of_reflections(LESSON)[MEMO]
        notebook = book.find_submission_notebook(LESSON, LESSON, STUDENT)
        assert notebook.needs_manual_grade, "the formgrader lists the submission as needing a manual grade"
        assert notebook.score == sum(points_of_tests(LESSON).values()), "until then only the numbers count"


def test_the_instructor_reads_the_students_memo(course):
    autograded = nbformat.read(course / "autograded" / STUDENT / LESSON / f"{LESSON}.ipynb", as_version=4)
    memo = [c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == MEMO]
    assert [c.source for c in memo] == [MEMO_TEXT], "the memo reaches the instructor unchanged"
    assert "Rubric" not in nbformat.writes(autograded), "the rubric stays in solutions/, not in the student's notebook"


def test_a_score_typed_in_the_formgrader_becomes_the_memos_grade(course):
    shutil.copyfile(course / "gradebook.db", course / "graded-by-hand.db")  # the other tests see autograde's state
    with gradebook(course, "graded-by-hand.db") as book:
        grade = book.find_grade(MEMO, LESSON, LESSON, STUDENT)
        formgrader_saves(grade, INSTRUCTOR_SCORE)
        comment = book.find_comment(MEMO, LESSON, LESSON, STUDENT)
        comment.manual_comment = INSTRUCTOR_COMMENT
        book.db.commit()
    with gradebook(course, "graded-by-hand.db") as book:
        grade = book.find_grade(MEMO, LESSON, LESSON, STUDENT)
        assert grade.score == INSTRUCTOR_SCORE and not grade.needs_manual_grade
        assert book.find_comment(MEMO, LESSON, LESSON, STUDENT).comment == INSTRUCTOR_COMMENT
        notebook = book.find_submission_notebook(LESSON, LESSON, STUDENT)
        assert not notebook.needs_manual_grade, "once scored, the submission leaves the formgrader's to-do list"
        assert notebook.score == pytest.approx(sum(points_of_tests(LESSON).values()) + INSTRUCTOR_SCORE)
        assert notebook.max_score == sum(points_of_tests(LESSON).values()) + points_of_reflections(LESSON)[MEMO]
