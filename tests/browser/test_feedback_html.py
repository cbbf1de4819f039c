"""nbgrader's feedback HTML, opened in Chromium with the network off: every chart has drawn.

Feedback is what a student reads after grading, often offline or on a school
network. The lessons' grading runs (tests/grading_jobs.py) grade each lesson's worked
solution, submitted by one student, with the real ``nbgrader autograde`` and write
its feedback with ``nbgrader generate_feedback``; each lesson's page is then opened
from disk with the browser offline.
The charts expected are the chart outputs of the autograded notebook itself.

One feedback page is also checked with axe-core: no violation may lie in the
course's content (what the lesson and the graded answers wrote: markdown, tables,
charts); the rest comes from nbgrader's feedback template and nbconvert (the heading
links, the "Test cell" links, the page's missing language) and is listed in
test-artifacts/browser/axe-feedback-<lesson>.json.
"""

from __future__ import annotations

import nbformat
import pytest
from grading_jobs import graded
from grading_run import CourseGrades
from lab_axe import check_page, content_problems, write_report
from lab_browser import drawing_problem
from lab_notebook import chart_outputs, errors_by_cell
from support import LESSONS

#: nbgrader's feedback template links MathJax from a CDN; offline, only typeset maths is lost, and the
#: lessons' charts must not depend on it. Any other request leaving the machine fails the test.
NBGRADER_MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"


@pytest.fixture()
def graded_course(request, tmp_path_factory, browser_available, lesson) -> CourseGrades:
    """The course that graded ``lesson`` in the background since the session began, once it has finished."""
    return graded(lesson, request.session.items, tmp_path_factory)


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
def test_feedback_html_draws_every_chart_offline(lesson, graded_course, browser, page, offsite, artifacts):
    feedback = graded_course.feedback(lesson)
    assert feedback.is_file(), f"{lesson}: nbgrader wrote no feedback:\n{graded_course.log}"
    graded = nbformat.read(graded_course.autograded(lesson), as_version=4)
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


@pytest.mark.parametrize("lesson", LESSONS[:1])
def test_feedback_page_has_no_accessibility_violation_in_the_course_content(
    lesson, graded_course, browser, page, artifacts, axe_ready
):
    feedback = graded_course.feedback(lesson)
    assert feedback.is_file(), f"{lesson}: nbgrader wrote no feedback:\n{graded_course.log}"
    browser.set_offline(True)
    try:
        page.goto(feedback.as_uri())
        report = check_page(page, f"feedback-{lesson}")
    finally:
        browser.set_offline(False)
    write_report(artifacts, report)
    assert page.locator("figure.course-chart svg[role=img]").count(), "the page holds the course's charts"
    assert not content_problems(report), "\n".join(content_problems(report))
