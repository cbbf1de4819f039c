"""Hostile and broken submissions: the class is still graded, and each offender is graded fairly.

One class of lesson 00 (the hardened reference lesson) is graded the way the
instructor guide says: ``python -m tools.grade_class check LESSON --repair``, then
the ordinary ``nbgrader autograde LESSON``, once, for everyone. Each test below
looks at one offender: its grade per cell is what a fair instructor would give,
every other student's grade is exactly what their work earns (so one offender
cannot disturb the rest of the class), and a log line says what happened.

The per-cell timeout is 15 s here (the infinite loop would otherwise cost the
configured 60 s); the instructor guide documents the configured one.

Several offences ride on one student where nbgrader treats cells independently
(``tamperer``: four kinds of test-cell tampering on four exercises; ``cheater``:
three ways to rig what the tests call; ``stopper``: two calls that stop the kernel, one sys.exit).

Each submission carries the time ``nbgrader collect`` records, and two came in after the due
date: a late penalty changes no cell's score. The same class, graded again by several
processes into PostgreSQL, must get exactly these grades (tests/test_postgres_grading.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import background
import nbformat
import pytest
from term_course import (
    ROOT,
    Course,
    all_answers,
    answered,
    cell_scores,
    instructor,
    new_course,
    points_of_tests,
    solution_notebook,
)
from term_course import log_for as log_about

pytestmark = pytest.mark.slow

LESSON = "00-day-one"
TIMEOUT = 15
DUE = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
LATE_HOURS = {"partial": 50, "renamed": 20}  # three days late, one day late; the others 3 hours early
WRONG = {  # a wrong answer for each exercise a tampering student hides
    "dayone-top-score-share": "top_score_share = 0.5",
    "dayone-still-wishing": "still_wishing_share = 0.9",
    "dayone-top-score-wishes": 'top_score_wishes = survey["wish"].value_counts().sort_values()',
    "dayone-outcome-by-reason": 'outcome_by_reason = decisions.groupby("reason", observed=True)'
    '["repeat_rate_change_pp"].sum().sort_values(ascending=False)',
    "dayone-customer-share-by-year": "yearly = pd.DataFrame({'year': range(2015, 2025), 'customer_share': 0.5})",
}
CHEATS = {  # wrong answers dressed up to pass: the hardened tests must still fail them
    "dayone-top-score-share": "top_score_share = 0.5\nabs = lambda x: 0",
    "dayone-still-wishing": "class Share(float):\n    def __sub__(self, other):\n        return 0.0\n\n"
    "still_wishing_share = Share(0.9)",
    "dayone-top-score-wishes": 'top_score_wishes = survey[survey["wish"] != "nothing"]["wish"].value_counts()'
    ".sort_values()\npd.Series.is_monotonic_decreasing = property(lambda self: True)",
}
STOPPERS = {  # answers that would stop the grader (check sets them aside) or only their own cell (sys.exit)
    "dayone-top-score-share": "import signal\n\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "dayone-still-wishing": "import os\n\nos._exit(0)",
    "dayone-top-score-wishes": "import sys\n\nsys.exit()",
}
#: A cell that never ends. It waits rather than spins: nbgrader's timeout interrupts it the same way, and
#: it leaves the cores to the rest of the suite (a spinning loop cost 15 s of CPU here).
ENDLESS = "import time\n\nwhile True:\n    time.sleep(1)"
SNEAKY_KILL = 'getattr(__import__("o" + "s"), "_" + "exit")(0)'


def grade_cell_of(answer: str) -> str:
    return f"{answer}-tests"


def cell_with(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def student_copy() -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "lessons" / LESSON / f"{LESSON}.ipynb", as_version=4)


def with_answers(code: dict[str, str]) -> nbformat.NotebookNode:
    """A student's copy with every answer right, except the answer cells given in ``code``."""
    nb = answered(student_copy(), LESSON, all_answers(LESSON))
    for grade_id, source in code.items():
        cell_with(nb, grade_id).source = source
    return nb


def tampered() -> nbformat.NotebookNode:
    """Four wrong answers whose tests were deleted, passed, commented out or unmarked; one re-id'd."""
    nb = with_answers(WRONG)
    nb.cells.remove(cell_with(nb, "dayone-top-score-share-tests"))
    cell_with(nb, "dayone-still-wishing-tests").source = "pass"
    commented = cell_with(nb, "dayone-top-score-wishes-tests")
    commented.source = re.sub(r"(?m)^assert", "# assert", commented.source)
    unmarked = cell_with(nb, "dayone-outcome-by-reason-tests")
    unmarked.source = "pass"
    del unmarked.metadata["nbgrader"]
    renamed = cell_with(nb, "dayone-customer-share-by-year-tests")
    renamed.source = "pass"
    renamed.metadata["nbgrader"]["grade_id"] = "dayone-my-own-tests"
    return nb


def loud() -> nbformat.NotebookNode:
    code = cell_with(solution_notebook(LESSON), "dayone-top-score-share").source
    return with_answers({"dayone-top-score-share": code + '\nfor _ in range(60_000):\n    print("y" * 100)'})


def hand_in(
    course: Course,
    who: str,
    nb: nbformat.NotebookNode | None = None,
    text: str | None = None,
    name: str = f"{LESSON}.ipynb",
) -> None:
    folder = course.root / "submitted" / who / LESSON
    folder.mkdir(parents=True, exist_ok=True)
    handed = DUE + timedelta(hours=LATE_HOURS.get(who, -3))
    (folder / "timestamp.txt").write_text(handed.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    if nb is not None:
        nbformat.write(nb, folder / name)
    elif text is not None:
        (folder / name).write_text(text, encoding="utf-8")


def class_of(course: Course) -> dict[str, set[str]]:
    """Hand in every submission; return student -> the test cells they should lose."""
    partly = all_answers(LESSON)[: len(all_answers(LESSON)) // 2]
    hand_in(course, "honest", with_answers({}))
    hand_in(course, "partial", answered(student_copy(), LESSON, partly))
    hand_in(course, "loop", with_answers({"dayone-top-score-share": ENDLESS}))
    hand_in(course, "tamperer", tampered())
    hand_in(course, "cheater", with_answers(CHEATS))
    hand_in(course, "stopper", with_answers(STOPPERS))
    hand_in(course, "sneaky", with_answers({"dayone-still-wishing": SNEAKY_KILL}))
    hand_in(course, "badjson", text='{"cells": [ {"cell_type": "code", "source": "oops"')
    hand_in(course, "renamed", with_answers({}), name=f"{LESSON} (1).ipynb")
    hand_in(course, "missing", text="I forgot to attach it.", name="note.txt")
    hand_in(course, "loud", loud())
    tests = set(points_of_tests(LESSON))
    unanswered = {grade_cell_of(a) for a in all_answers(LESSON) if a not in partly}
    return {
        "honest": set(),
        "partial": unanswered,
        "renamed": set(),
        "loud": set(),
        "loop": {"dayone-top-score-share-tests"},
        "tamperer": {grade_cell_of(a) for a in WRONG},
        "cheater": {grade_cell_of(a) for a in CHEATS},
        "stopper": {grade_cell_of(a) for a in STOPPERS},
        "sneaky": tests,
        "badjson": tests,
        "missing": tests,
    }


def run_hostile(where: Path) -> dict:
    course = new_course(where)
    instructor(course, "generate_assignment", LESSON, "--force")
    loses = class_of(course)
    with course.gradebook() as gradebook:
        gradebook.update_or_create_assignment(LESSON, duedate=DUE.replace(tzinfo=None))
        for who in loses:
            gradebook.update_or_create_student(who)
    check = subprocess.run(
        [sys.executable, "-m", "tools.grade_class", "--course", str(course.root), "check", LESSON, "--repair"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    graded = instructor(course, "autograde", LESSON, "--force", f"--Execute.timeout={TIMEOUT}", check=False)
    return {
        "course": course,
        "loses": loses,
        "check": check,
        "log": graded.stdout,
        "returncode": graded.returncode,
        "scores": cell_scores(course, LESSON),
    }


background.register(
    "hostile", lambda folder, _items: run_hostile(folder), lambda item: item.path.name == "test_hostile.py", cost=40
)


@pytest.fixture(scope="session")
def hostile(request, tmp_path_factory) -> dict:
    return background.result("hostile", request.session.items, tmp_path_factory)


def expected(loses: set[str]) -> dict[str, float]:
    return {gid: (0.0 if gid in loses else points) for gid, points in points_of_tests(LESSON).items()}


def auto_scores(hostile: dict, who: str) -> dict[str, float]:
    tests = set(points_of_tests(LESSON))
    return {gid: score for gid, score in hostile["scores"].get(who, {}).items() if gid in tests}


def assert_graded_fairly(hostile: dict, offender: str) -> None:
    """The offender's grade per cell, and every other student's, are what their work earns."""
    for who, loses in hostile["loses"].items():
        role = " (the offender)" if who == offender else ""
        got = auto_scores(hostile, who)
        if who == "missing":
            assert got == {}, "a student with no notebook has no submission (0 in the export)"
        else:
            assert got == expected(loses), f"{who}'s grades per cell{role}"


def check_lines(hostile: dict, who: str) -> str:
    return "\n".join(line for line in hostile["check"].splitlines() if f" {who}: " in line)


def test_the_whole_class_is_graded_despite_the_offenders(hostile):
    assert hostile["returncode"] == 1, "nbgrader reports the submissions it could not grade"
    assert set(hostile["scores"]) == set(hostile["loses"]) - {"missing"}, "every student with a notebook has grades"
    assert_graded_fairly(hostile, offender="")
    for who in ("honest", "partial", "loud"):
        assert check_lines(hostile, who) == "", f"check raises no false alarm on {who}'s work"


def test_infinite_loop_times_out_and_loses_only_its_exercise(hostile):
    assert_graded_fairly(hostile, "loop")
    assert re.search(rf"Timeout waiting for execute reply \({TIMEOUT}s\)", log_about(hostile["log"], "loop"))


def test_deleted_test_cell_is_restored_and_run(hostile):
    assert_graded_fairly(hostile, "tamperer")
    assert "Missing grade cell dayone-top-score-share-tests encountered, adding to notebook" in hostile["log"]
    assert "[test-missing] test cell 'dayone-top-score-share-tests'" in check_lines(hostile, "tamperer")


def test_test_cell_edited_to_pass_is_restored(hostile):
    assert hostile["scores"]["tamperer"]["dayone-still-wishing-tests"] == 0
    assert "[test-edited] test cell 'dayone-still-wishing-tests' was edited" in check_lines(hostile, "tamperer")


def test_commented_out_assert_is_restored(hostile):
    assert hostile["scores"]["tamperer"]["dayone-top-score-wishes-tests"] == 0
    assert "[test-edited] test cell 'dayone-top-score-wishes-tests' was edited" in check_lines(hostile, "tamperer")


def test_test_cell_without_its_metadata_is_put_back(hostile):
    assert hostile["scores"]["tamperer"]["dayone-outcome-by-reason-tests"] == 0
    assert "Missing grade cell dayone-outcome-by-reason-tests encountered" in log_about(hostile["log"], "tamperer")


def test_test_cell_with_another_grade_id_is_repaired_and_graded(hostile):
    assert hostile["scores"]["tamperer"]["dayone-customer-share-by-year-tests"] == 0
    assert "REPAIRED tamperer: [unknown-id]" in hostile["check"] and "'dayone-my-own-tests'" in hostile["check"]


def test_notebook_that_is_not_json_scores_zero_with_a_clear_error(hostile):
    assert_graded_fairly(hostile, "badjson")
    assert sum(hostile["scores"].get("badjson", {}).values()) == 0
    assert "There was an error processing assignment '00-day-one' for student 'badjson'" in hostile["log"]
    assert "Notebook does not appear to be JSON" in log_about(hostile["log"], "badjson")
    assert "[unreadable]" in check_lines(hostile, "badjson")


def test_renamed_notebook_is_graded_under_its_name(hostile):
    assert_graded_fairly(hostile, "renamed")
    assert "REPAIRED renamed: [renamed] handed in '00-day-one (1).ipynb'" in hostile["check"]


def test_missing_notebook_scores_zero_and_is_named(hostile):
    assert "missing" not in hostile["scores"], "nothing to grade, so no submission: the export gives 0"
    assert "[missing] no '00-day-one.ipynb'" in check_lines(hostile, "missing")
    assert re.search(r"No notebooks were matched by '.*/missing/00-day-one/\*\.ipynb'", hostile["log"])


def test_megabytes_of_output_are_truncated_and_the_answer_still_counts(hostile):
    assert_graded_fairly(hostile, "loud")
    graded = hostile["course"].root / "autograded" / "loud" / LESSON / f"{LESSON}.ipynb"
    assert graded.stat().st_size < 1_000_000, "the 6 MB print is cut before it reaches the gradebook and feedback"
    assert "... Output truncated ..." in graded.read_text(encoding="utf-8")


def test_exit_calls_cost_only_their_own_exercises(hostile):
    assert_graded_fairly(hostile, "stopper")
    lines = check_lines(hostile, "stopper")
    for call in ("signal.signal", "os._exit"):
        assert re.search(rf"REPAIRED stopper: \[stops-grader\] cell \d+ \(dayone-[a-z-]+\) calls {call}", lines), call
    assert re.search(r"CHECK stopper: \[exits\] cell \d+ \(dayone-top-score-wishes\) calls sys.exit", lines)


def test_hidden_kernel_kill_fails_only_that_student_and_is_flagged(hostile):
    assert "There was an error processing assignment '00-day-one' for student 'sneaky'" in hostile["log"]
    assert "DeadKernelError" in log_about(hostile["log"], "sneaky")
    with hostile["course"].gradebook() as gradebook:
        notebook = gradebook.find_submission_notebook(LESSON, LESSON, "sneaky")
        assert notebook.score == 0 and notebook.needs_manual_grade, "0 for now, and flagged for the instructor"
    assert "[tampering]" in check_lines(hostile, "sneaky") and "__import__" in check_lines(hostile, "sneaky")
    assert_graded_fairly(hostile, "sneaky")


def test_redefining_what_the_tests_call_does_not_pass(hostile):
    assert_graded_fairly(hostile, "cheater")
    lines = check_lines(hostile, "cheater")
    assert "redefines the built-in abs()" in lines
    assert "defines class Share(float) overriding __sub__" in lines
    assert "replaces pd.Series.is_monotonic_decreasing" in lines
