"""nbgrader's feedback HTML, opened in Chromium with the network off: every chart has drawn.

Feedback is what a student reads after grading, often offline or on a school
network. For each lesson, a throwaway course grades the worked solution with
the real ``nbgrader autograde`` and writes feedback with ``nbgrader
generate_feedback``; the page is then opened from disk with the browser offline.
The charts expected are the chart outputs of the autograded notebook itself.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from lab_browser import drawing_problem
from lab_notebook import chart_outputs, errors_by_cell
from support import LESSONS, copy_course, run_nbgrader

STUDENT = "worked-solution"
#: nbgrader's feedback template links MathJax from a CDN; offline, only typeset maths is lost, and the
#: lessons' charts must not depend on it. Any other request leaving the machine fails the test.
NBGRADER_MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"


def grade_with_feedback(course: Path, lesson: str) -> Path:
    """Generate, submit the solution as a student, autograde, and write feedback; return the course."""
    run_nbgrader(course, "generate_assignment", lesson, "--force")
    submitted = course / "submitted" / STUDENT / lesson
    submitted.mkdir(parents=True)
    shutil.copy2(course / "solutions" / lesson / f"{lesson}.ipynb", submitted)
    run_nbgrader(course, "autograde", lesson, "--force")
    run_nbgrader(course, "generate_feedback", lesson, "--force")
    return course


def selected_lessons(session: pytest.Session) -> list[str]:
    """The lessons whose feedback test was selected (so `-k 00-day-one` grades one lesson only)."""
    found = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if item.path == Path(__file__) and callspec is not None:
            found.add(callspec.params["lesson"])
    return sorted(found)


@pytest.fixture(scope="session")
def feedback_courses(request, browser_available, tmp_path_factory) -> dict[str, Path]:
    """One graded course per selected lesson, graded side by side (one nbgrader run per core)."""
    wanted = selected_lessons(request.session)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {
            lesson: pool.submit(grade_with_feedback, copy_course(tmp_path_factory.mktemp(f"feedback-{lesson}")), lesson)
            for lesson in wanted
        }
        return {lesson: future.result() for lesson, future in futures.items()}


def chart_problems(lesson: str, page, graded: nbformat.NotebookNode) -> list[str]:
    """Each chart output of the graded notebook, found in the feedback page by cell and output position."""
    cells = page.locator("div.cell")
    if cells.count() != len(graded.cells):
        return [f"{lesson}: the feedback shows {cells.count()} cells, the notebook has {len(graded.cells)}"]
    problems = []
    for cell_index, output_index in chart_outputs(graded):
        problem = drawing_problem(cells.nth(cell_index).locator(".output_area").nth(output_index))
        if problem:
            problems.append(f"{lesson} feedback: cell {cell_index}, chart output {output_index}: {problem}")
    return problems


@pytest.mark.parametrize("lesson", LESSONS)
def test_feedback_html_draws_every_chart_offline(lesson, feedback_courses, browser, page, offsite, artifacts):
    course = feedback_courses[lesson]
    graded = nbformat.read(course / "autograded" / STUDENT / lesson / f"{lesson}.ipynb", as_version=4)
    feedback = course / "feedback" / STUDENT / lesson / f"{lesson}.html"
    assert not errors_by_cell(graded), f"{lesson}: the graded solution shows errors: {errors_by_cell(graded)}"

    browser.set_offline(True)
    try:
        page.goto(feedback.as_uri())
        problems = chart_problems(lesson, page, graded)
        page.screenshot(path=artifacts / f"feedback-{lesson}.png")
    finally:
        browser.set_offline(False)

    unexpected = [url for url in offsite.urls if not url.startswith(NBGRADER_MATHJAX)]
    assert not unexpected, f"{lesson}: the feedback page needs the internet for {unexpected}"
    assert not problems, "\n".join(problems)
