"""Every grade right, proven through the real ``nbgrader autograde`` for every lesson.

- the solution scores full marks, and no cell of it fails;
- the untouched student copy scores zero, and only its exercises fail;
- every wrong answer in ``tests/wrong_answers/`` fails exactly the test cell it targets,
  visibly (a test a student runs, with a message) when it says ``caught = "visible"``;
- every correct answer in ``tests/right_answers/`` (another idiom, other names, other
  chart syntax) scores full marks, with no error anywhere;
- every exercise left unanswered, all others answered, costs only its own points and
  breaks no other cell (a learner stuck on one exercise can finish the rest).

How it stays fast: fixtures aimed at different exercises share a notebook when no
fixture can reach another's cells (``grading_packs``), and one autograde grades all
of them for a group of lessons; a group per core, started with the session
(``grading_jobs``).
"""

from __future__ import annotations

import grading_jobs
import pytest
from grading_fixtures import MIN_RIGHT_PER_EXERCISE, Fixture, exercise_tests, right_answers, stubs, wrong_answers
from grading_run import verdict_key
from support import LESSONS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def grades(request, tmp_path_factory):
    """``grades(lesson)``: that lesson's grading, started with the session (tests/grading_jobs.py)."""
    return lambda lesson: grading_jobs.graded(lesson, request.session.items, tmp_path_factory).lessons[lesson]


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_scores_full_marks_and_no_cell_fails(grades, lesson):
    graded = grades(lesson).solution
    assert set(graded.scores) == set(exercise_tests(lesson).values()), "every autograded cell was graded"
    assert not graded.failed(), f"{lesson}: the solution loses points: {graded.describe()}"
    assert not graded.errors, f"{lesson}: cells of the solution fail: " + "; ".join(
        f"{where}: {error}" for where, error in graded.errors.items()
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_untouched_student_copy_scores_zero_and_only_its_stubs_fail(grades, lesson):
    """What a student sees on "Run All" of a fresh copy: each exercise stops at its stub, nothing else fails."""
    graded = grades(lesson).untouched
    pairs = exercise_tests(lesson)
    assert set(graded.scores) == set(pairs.values()), "every autograded cell was graded"
    assert all(score == 0 for score, _ in graded.scores.values()), graded.describe()
    not_stopped = {
        a: str(graded.errors.get(a))
        for a in pairs
        if getattr(graded.errors.get(a), "ename", "") != "NotImplementedError"
    }
    assert not not_stopped, f"{lesson}: these exercise stubs should raise NotImplementedError: {not_stopped}"
    others = {
        where: str(error) for where, error in graded.errors.items() if where not in set(pairs) | set(pairs.values())
    }
    assert not others, f"{lesson}: cells outside the exercises fail for a student who answered nothing: {others}"


def cases(kind: str) -> list:
    read = {"wrong": wrong_answers, "right": right_answers, "stub": stubs}[kind]
    return [pytest.param(lesson, f, id=f"{lesson}::{f.name}") for lesson in LESSONS for f in read(lesson)]


def check_verdict(grades, lesson: str, fixture: Fixture) -> None:
    """Fail with the lesson, the fixture, the cell and what went wrong, if anything did."""
    found = grades(lesson).verdicts[verdict_key(fixture)]
    if found:
        pytest.fail(f"{fixture.label}: " + "; ".join(found), pytrace=False)


@pytest.mark.parametrize("lesson, fixture", cases("wrong"))
def test_wrong_answer_fails_exactly_its_target(grades, lesson, fixture):
    check_verdict(grades, lesson, fixture)


@pytest.mark.parametrize("lesson, fixture", cases("right"))
def test_right_answer_scores_full_marks(grades, lesson, fixture):
    check_verdict(grades, lesson, fixture)


@pytest.mark.parametrize("lesson, fixture", cases("stub"))
def test_exercise_left_unanswered_costs_only_its_own_points(grades, lesson, fixture):
    check_verdict(grades, lesson, fixture)


# --- the fixture files themselves (no grading needed) -----------------------------------


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_exercise_has_a_key_mistake_and_two_right_answers(lesson):
    pairs = exercise_tests(lesson)
    wrong, right = wrong_answers(lesson), right_answers(lesson)
    for fixture in wrong:
        assert fixture.answer in pairs and fixture.tests == pairs[fixture.answer], (
            f"{fixture.label}: 'fails' should name the test cell right after {fixture.answer!r}"
        )
        assert fixture.caught in ("visible", "hidden"), f'{fixture.label}: say caught = "visible" or "hidden"'
    for fixture in right:
        assert fixture.answer in pairs, f"{fixture.label}: {fixture.answer!r} is not an autograded answer cell"
    missing_key = sorted(a for a in pairs if not any(f.answer == a and f.key for f in wrong))
    assert not missing_key, f"{lesson}: no key mistake (key = true) in tests/wrong_answers for {missing_key}"
    few_right = sorted(a for a in pairs if sum(f.answer == a for f in right) < MIN_RIGHT_PER_EXERCISE)
    assert not few_right, (
        f"{lesson}: fewer than {MIN_RIGHT_PER_EXERCISE} right answers in tests/right_answers for {few_right}"
    )
