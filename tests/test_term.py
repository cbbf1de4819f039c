"""An instructor's whole term, with the ordinary nbgrader commands, and every grade checked.

One simulated term (built once, shared by the tests below) on a temporary copy of
the course and a local exchange directory:

    generate_assignment -> roster -> release_assignment
    -> students fetch_assignment and submit, each in their own home, as themselves
    -> a due date is set -> a late student submits -> collect -> autograde
    -> reflections scored through nbgrader's Gradebook API (as the formgrader does)
    -> generate_feedback -> release_feedback -> a student fetches it -> export

The roster and the due date go in through nbgrader's Gradebook API, as
``nbgrader db student import`` and ``nbgrader db assignment add`` would (each
nbgrader command costs over a second of CPU just to start). The students:
    ada  answers everything;                   eve  submits an untouched copy, then the answers
    ben  answers the first half;               dee  answers everything, after the due date
    cyd  submits the untouched copy;           fay  is on the roster and never submits
"""

from __future__ import annotations

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import background
import nbformat
import pytest
from nbclient import NotebookClient
from term_course import (
    COURSE_ID,
    ROOT,
    Course,
    all_answers,
    answer_of,
    answered,
    cell_scores,
    exported,
    first_lesson,
    instructor,
    new_course,
    points_of_reflections,
    points_of_tests,
    student,
    utc_now,
)

from tools.notebooks import venv_env

pytestmark = pytest.mark.slow

LESSON = first_lesson()
STUDENTS = ["ada", "ben", "cyd", "dee", "eve", "fay"]
SUBMITTERS = ["ada", "ben", "cyd", "dee", "eve"]
LATE_PENALTY_PER_DAY = 0.10  # nbgrader_config.py; a test below reads it from there


def half_of_the_answers() -> list[str]:
    answers = all_answers(LESSON)
    return answers[: math.ceil(len(answers) / 2)]


def expected_auto(name: str) -> dict[str, float]:
    """What each test cell should score for each student, from the notebook's metadata."""
    right = {
        "ada": all_answers(LESSON),
        "ben": half_of_the_answers(),
        "cyd": [],
        "dee": all_answers(LESSON),
        "eve": all_answers(LESSON),
    }[name]
    pairs = answer_of(LESSON)
    return {gid: (points if pairs[gid] in right else 0.0) for gid, points in points_of_tests(LESSON).items()}


def manual_score(name: str, points: float) -> float:
    """The instructor's rubric scores: full, half, none for the blank copy."""
    return {"ada": points, "ben": points / 2, "cyd": 0.0, "dee": points, "eve": points}[name]


def expected_cells(name: str) -> dict[str, float]:
    manual = {gid: manual_score(name, pts) for gid, pts in points_of_reflections(LESSON).items()}
    return expected_auto(name) | manual


def expected_penalty(name: str) -> float:
    return LATE_PENALTY_PER_DAY * sum(expected_auto(name).values()) if name == "dee" else 0.0


def expected_score(name: str) -> float:
    """The final grade: every cell's score, less the late penalty."""
    return sum(expected_cells(name).values()) - expected_penalty(name) if name in SUBMITTERS else 0.0


def fetched(course: Course, name: str) -> nbformat.NotebookNode:
    student(course, name, "fetch_assignment", LESSON)
    return nbformat.read(course.homes / name / LESSON / f"{LESSON}.ipynb", as_version=4)


def hand_in(course: Course, name: str, nb: nbformat.NotebookNode) -> None:
    nbformat.write(nb, course.homes / name / LESSON / f"{LESSON}.ipynb")
    student(course, name, "submit", LESSON)


def enrol(course: Course) -> None:
    """The roster, as ``nbgrader db student import roster.csv`` would load it."""
    with course.gradebook() as gradebook:
        for name in STUDENTS:
            gradebook.update_or_create_student(name, first_name=name.title(), last_name="Student")


def set_due_date(course: Course, duedate: str) -> None:
    """As ``nbgrader db assignment add LESSON --duedate=...`` does (one nbgrader start-up less)."""
    with course.gradebook() as gradebook:
        gradebook.update_or_create_assignment(LESSON, duedate=duedate)


def work_of(course: Course, name: str) -> None:
    """One student's part: fetch, answer (or not), submit; eve submits twice."""
    nb = fetched(course, name)
    if name == "eve":
        hand_in(course, name, nb)
    answers = {"ada": all_answers(LESSON), "ben": half_of_the_answers(), "cyd": []}.get(name, all_answers(LESSON))
    hand_in(course, name, answered(nb, LESSON, answers, reflections=name != "cyd"))


def students_hand_in(course: Course) -> None:
    """The class works at the same time, as on a hub; the due date passes; then dee submits."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for done in [pool.submit(work_of, course, name) for name in ("ada", "ben", "cyd", "eve")]:
            done.result()
    set_due_date(course, utc_now())
    work_of(course, "dee")


def grade_reflections(course: Course) -> None:
    """What the formgrader does when the instructor types a score: set ``manual_score``."""
    with course.gradebook() as gradebook:
        for name in SUBMITTERS:
            for gid, points in points_of_reflections(LESSON).items():
                grade = gradebook.find_grade(gid, LESSON, LESSON, name)
                grade.manual_score = manual_score(name, points)
        gradebook.db.commit()


def run_term(where: Path) -> Course:
    course = new_course(where)
    instructor(course, "generate_assignment", LESSON, "--force")
    enrol(course)
    instructor(course, "release_assignment", LESSON)
    students_hand_in(course)
    instructor(course, "collect", LESSON)
    instructor(course, "autograde", LESSON)
    grade_reflections(course)
    instructor(course, "generate_feedback", LESSON)
    instructor(course, "release_feedback", LESSON)
    student(course, "ada", "fetch_feedback", LESSON)
    instructor(course, "export", "--to", str(course.root / "grades.csv"))
    return course


background.register(
    "term", lambda folder, _items: run_term(folder), lambda item: item.path.name == "test_term.py", cost=40
)


@pytest.fixture(scope="session")
def term(request, tmp_path_factory) -> Course:
    return background.result("term", request.session.items, tmp_path_factory)


def test_every_student_went_through_the_exchange(term):
    inbound = sorted(p.name.split("+")[0] for p in (term.exchange / COURSE_ID / "inbound").iterdir())
    assert inbound == ["ada", "ben", "cyd", "dee", "eve", "eve"], "one submission each, two from eve"
    collected = sorted(p.name for p in (term.root / "submitted").iterdir())
    assert collected == SUBMITTERS, "collect gathers one submission per student who handed in"


def test_every_cell_of_every_student_is_graded_as_expected(term):
    scores = cell_scores(term, LESSON)
    assert sorted(scores) == SUBMITTERS
    for name in SUBMITTERS:
        assert scores[name] == expected_cells(name), f"{name}'s grades per cell"


def test_the_later_of_two_submissions_counts(term):
    timestamps = sorted(
        (p / "timestamp.txt").read_text()
        for p in (term.exchange / COURSE_ID / "inbound").iterdir()
        if p.name.startswith("eve+")
    )
    assert (term.root / "submitted" / "eve" / LESSON / "timestamp.txt").read_text() == timestamps[-1]
    assert sum(cell_scores(term, LESSON)["eve"].values()) > 0, "eve's first, untouched copy would score zero"


def test_late_penalty_is_the_configured_share_per_started_day(term):
    config = (Path(__file__).resolve().parent.parent / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"LATE_PENALTY_PER_DAY = {LATE_PENALTY_PER_DAY:.2f}" in config
    with term.gradebook() as gradebook:
        penalties = {s.student.id: s.late_submission_penalty for s in gradebook.assignment_submissions(LESSON)}
        late = gradebook.find_submission(LESSON, "dee").total_seconds_late
    assert 0 < late < 86400, "dee submitted after the due date, within a day"
    assert penalties.pop("dee") == pytest.approx(LATE_PENALTY_PER_DAY * sum(expected_auto("dee").values()))
    assert set(penalties.values()) == {0.0}, "nobody else is late"
    assert "1 day(s) late, penalty" in term.logs[f"autograde {LESSON}"], "the log says why points were taken"


def test_export_holds_the_expected_grade_of_every_student(term):
    rows = exported(term, term.root / "grades.csv")
    maximum = sum(points_of_tests(LESSON).values()) + sum(points_of_reflections(LESSON).values())
    assert sorted(student for _, student in rows) == STUDENTS
    for name in STUDENTS:
        row = rows[(LESSON, name)]
        raw = sum(expected_cells(name).values()) if name in SUBMITTERS else 0.0
        penalty = expected_penalty(name)
        assert float(row["max_score"]) == maximum
        assert float(row["raw_score"]) == pytest.approx(raw), name
        assert float(row["late_submission_penalty"]) == pytest.approx(penalty), name
        assert float(row["score"]) == pytest.approx(expected_score(name)), name
    assert rows[(LESSON, "fay")]["timestamp"] == "", "fay never submitted"


def test_feedback_is_generated_for_each_student_and_reaches_them(term):
    for name in SUBMITTERS:
        page = (term.root / "feedback" / name / LESSON / f"{LESSON}.html").read_text(encoding="utf-8")
        shown = re.search(r"Score:\s*([0-9.]+)\s*/", page)
        assert shown and float(shown[1]) == pytest.approx(expected_score(name)), f"{name}'s feedback shows the grade"
        assert "<svg" in page, f"{name}'s feedback shows the charts, drawn offline"
    fetched_pages = list((term.homes / "ada" / LESSON / "feedback").rglob(f"{LESSON}.html"))
    assert len(fetched_pages) == 1, "ada fetched her feedback into her own home"


def run_analytics(term: Course) -> nbformat.NotebookNode:
    """The instructor notebook on this term's gradebook, plus one probe cell that prints its tables."""
    nb = nbformat.read(ROOT / "instructor" / "course-analytics.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            'print(exercises[["exercise", "pass_rate", "mean_share", "students"]].to_json(orient="records"))\n'
            'print(struggled["exercise"].to_json(orient="values"))'
        )
    )
    env = venv_env(COURSE_GRADEBOOK=str(term.root / "gradebook.db"), COURSE_SOLUTIONS=str(term.root / "solutions"))
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(ROOT / "instructor")}}).execute(env=env)
    return nb


def test_course_analytics_names_the_exercises_the_class_found_hardest(term):
    nb = run_analytics(term)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    charts = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "<svg" in o.get("data", {}).get("text/html", "")
    ]
    assert len(charts) == 2, "the score-distribution and pass-rate charts draw (offline SVG)"
    table, hardest = (json.loads(line) for line in nb.cells[-1].outputs[0]["text"].splitlines())
    points = points_of_tests(LESSON) | points_of_reflections(LESSON)
    want = {
        gid: (
            sum(expected_cells(n)[gid] == pts for n in SUBMITTERS) / len(SUBMITTERS),
            sum(expected_cells(n)[gid] / pts for n in SUBMITTERS) / len(SUBMITTERS),
        )
        for gid, pts in points.items()
    }
    got = {row["exercise"]: (row["pass_rate"], row["mean_share"]) for row in table}
    assert got.keys() == want.keys()
    for gid, (pass_rate, mean_share) in want.items():
        assert got[gid] == (pytest.approx(pass_rate), pytest.approx(mean_share)), gid
    assert [want[g] for g in hardest] == sorted(want[g] for g in hardest), "hardest first"
    assert max(want[g] for g in hardest) <= min(want[g] for g in want if g not in hardest)
