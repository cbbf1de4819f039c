"""Lesson 00's whole cycle on the course's JupyterHub, through the pages a student and an instructor click.

One hub (hub/jupyterhub_config.py, as shipped) with a throwaway class of real Unix accounts
(tests/browser/hub_server.py), one headless Chromium with one browser context per person:

1. the instructor logs in and, in the Formgrader, generates and releases lesson 00;
2. two students log in with their own accounts, fetch it from the Assignments tab, type
   their answers into the notebook (student 1 every exercise, student 2 the first half),
   run Validate (the lesson runs where nbgrader put the student's copy, so its datasets
   must be found from there), and submit;
3. what the hub must refuse: a student cannot open the Formgrader (theirs is off, the
   instructor's is not theirs), another student's home, or the instructor's solutions/;
   cannot list or move another's submission in the exchange; and a submission made under
   another student's name (``nbgrader submit --student``) is set aside at collect;
4. the instructor collects, autogrades each submission, scores student 1's reflection by
   hand, generates and releases feedback, all in the Formgrader;
5. each student fetches their feedback and sees their own grade and charts, and cannot
   reach the other's;
6. the gradebook holds exactly the expected score of every cell, derived from the
   notebook's metadata as in tests/test_term.py.

The Formgrader opens in its own browser tab (``/user/<instructor>/formgrader``): JupyterHub
4.1 and later forbid framing a user's pages, so the Formgrader panel inside JupyterLab stays
blank on a hub (nbgrader's documentation says the same). Two things are done outside the
pages, as a person would: the forged submission is the command a student would type in a
terminal, and the Unix refusals are checked as that student (``runuser``, in the hub's view
of the files). Each step saves a screenshot in test-artifacts/browser/hub/.

The class runs from the session's start in a thread of its own, with its own Playwright
and Chromium (``run_class``), while the other browser tests use the session's JupyterLab;
each test below then reports its step, with the step's own traceback if it failed.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import background
import nbformat
import pytest
from hub_server import COURSE_ID, Hub, Person, missing_hub, running_hub
from lab_browser import (
    VIEWPORT,
    PlaywrightError,
    RequestLog,
    artifacts_dir,
    chromium_for_several_people,
    missing_browser,
    playwright_driver,
)
from lab_notebook import OpenNotebook, menu, open_notebook, save
from nbgrader.api import Gradebook
from support import ROOT, require_software
from term_course import REFLECTION_TEXT, all_answers, answer_of, points_of_reflections, points_of_tests

from coursekit.paths import is_datasets_dir
from tools.notebooks import nbgrader_cells

pytestmark = [pytest.mark.hub, pytest.mark.slow]

LESSON = "00-day-one"
LAB_TIMEOUT_MS = 180_000  # log in, spawn a JupyterLab and load it, on a loaded 2-core machine
ACTION_TIMEOUT_MS = 240_000  # one Formgrader action or Validate: nbgrader runs the lesson
MANUAL_SCORE = 2.5
STEPS_DONE: set[str] = set()
NBGRADER_MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"
#: The Formgrader's grading page is ready: every grade's view is attached (it sets the placeholders).
GRADES_SHOWN_JS = """
() => { const boxes = [...document.querySelectorAll('input.extra-credit')];
        return boxes.length > 0 && boxes.every(box => box.hasAttribute('placeholder')); }
"""


# --- what each student hands in, and the grades that follow ----------------------------


def answered_by(student: int) -> list[str]:
    """Student 1 answers every exercise; student 2 the first half, as in the term test."""
    answers = all_answers(LESSON)
    return answers if student == 1 else answers[: math.ceil(len(answers) / 2)]


def expected_cells(student: int) -> dict[str, float]:
    """grade id -> score for student 1 or 2: autograded points, plus the one hand score (student 1's)."""
    right = answered_by(student)
    pairs = answer_of(LESSON)
    auto = {gid: (points if pairs[gid] in right else 0.0) for gid, points in points_of_tests(LESSON).items()}
    manual = {gid: (MANUAL_SCORE if student == 1 else 0.0) for gid in points_of_reflections(LESSON)}
    return auto | manual


def solution_sources() -> dict[str, str]:
    solution = nbformat.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", as_version=4)
    return {gid: info["cell"].source for gid, info in nbgrader_cells(solution).items()}


# --- one hub, one browser, one context per person ------------------------------------------


class Session:
    """One person's browser context (their own cookies), their JupyterLab tab, and what it asked off-machine."""

    def __init__(self, browser, hub: Hub, person: Person) -> None:
        self.hub, self.person = hub, person
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(60_000)
        self.offsite = RequestLog()
        self.context.on("request", self.offsite.record)  # every tab of this person, from the first
        self.lab = self.context.new_page()
        self.formgrader = None  # the instructor's Formgrader tab, once opened
        self.login_started = False

    def offsite_beyond_mathjax(self) -> list[str]:
        """Off-machine requests, less nbgrader's MathJax link (its grading and feedback pages load MathJax
        from a CDN; offline only typeset maths is lost, as tests/browser/test_feedback_html.py says)."""
        return [url for url in self.offsite.urls if not url.startswith(NBGRADER_MATHJAX)]

    @property
    def prefix(self) -> str:
        return f"{self.hub.url}/user/{self.person.name}"

    def start_log_in(self) -> None:
        """The hub's login form; the hub then starts this person's JupyterLab while the test goes on."""
        if self.login_started:
            return
        page = self.lab
        page.goto(f"{self.hub.url}/hub/login")
        page.locator("#username_input").fill(self.person.name)
        page.locator("#password_input").fill(self.person.password)
        page.locator("#login_submit").click()
        self.login_started = True

    def log_in(self) -> None:
        """Log in, then wait through the spawn page until JupyterLab is loaded, as a person sees it."""
        self.start_log_in()
        self.lab.get_by_role("menuitem", name="File", exact=True).wait_for(timeout=LAB_TIMEOUT_MS)

    def status_of(self, url: str) -> int:
        """The HTTP status a page of this person's browser gets for ``url`` (after the hub's redirects)."""
        probe = self.context.new_page()
        try:
            response = probe.goto(url)
            return response.status if response else 0
        finally:
            probe.close()


@contextmanager
def class_of(browser, hub: Hub, shots: Path) -> Iterator[dict[str, Session]]:
    """The instructor and the students, each in their own browser context; where each page was at the end."""
    sessions = {"instructor": Session(browser, hub, hub.instructor)}
    for number, student in enumerate(hub.students, start=1):
        sessions[f"student{number}"] = Session(browser, hub, student)
    try:
        yield sessions
    finally:
        for who, session in sessions.items():
            for number, page in enumerate(session.context.pages):
                try:
                    page.screenshot(path=shots / f"last-{who}-{number}.png")
                except PlaywrightError:
                    pass
            session.context.close()


def require(*steps: str) -> None:
    missing = [step for step in steps if step not in STEPS_DONE]
    if missing:
        pytest.fail(f"an earlier step did not finish: {missing}", pytrace=False)


# --- the Formgrader -------------------------------------------------------------------


def open_formgrader(session: Session, path: str = "") -> object:
    """The Formgrader in its own tab of the instructor's browser (JupyterHub forbids it in a frame)."""
    if session.formgrader is None:
        session.formgrader = session.context.new_page()
    page = session.formgrader
    page.goto(f"{session.prefix}/formgrader/{path}")
    return page


def lesson_row(page):
    return page.locator("#main-table tr", has=page.locator("td.name", has_text=LESSON))


def formgrader_action(page, link, what: str) -> str:
    """Click a Formgrader action, wait for its Success (or Error) window, close it; return its text."""
    link.click()
    title = page.locator(".modal.in .modal-title")
    title.wait_for(timeout=ACTION_TIMEOUT_MS)
    text = page.locator(".modal.in .modal-body").inner_text()
    assert title.inner_text().strip() == "Success", f"the Formgrader could not {what}:\n{text[-3000:]}"
    page.locator(".modal.in .modal-footer button").click()
    page.locator(".modal.in").wait_for(state="detached", timeout=30_000)
    page.locator(".modal-backdrop").wait_for(state="detached", timeout=30_000)
    return text


# --- a student's JupyterLab ----------------------------------------------------------------


def open_assignments(page) -> None:
    """Nbgrader > Assignment List (or back to its tab), refreshed."""
    tab = page.locator(".lm-TabBar-tab", has_text="Assignments")
    if tab.count():
        tab.first.click()
        page.locator("#refresh_assignments_list").click()
    else:
        menu(page, "Nbgrader", "Assignment List")
    page.locator("#assignments").wait_for()


def listed(page, section: str):
    """The lesson's row in one section of the Assignments tab: released, fetched or submitted."""
    return page.locator(f"#{section}_assignments_list .list_item", has_text=LESSON).first


def type_answers(notebook: OpenNotebook, student: int) -> None:
    """Type the chosen answers into their cells, and the reflection, as a student edits a notebook."""
    sources = solution_sources()
    chosen = set(answered_by(student))
    on_disk = nbformat.read(notebook.file, as_version=4)
    page = notebook.page
    for index, cell in enumerate(on_disk.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        grade_id = meta["grade_id"]
        if cell.cell_type == "code" and grade_id in chosen:
            text = sources[grade_id]
        elif cell.cell_type == "markdown" and meta.get("grade"):
            text = REFLECTION_TEXT
        else:
            continue
        target = notebook.cell(index)
        target.scroll_into_view_if_needed()
        target.click()
        if cell.cell_type == "markdown":
            page.keyboard.press("Enter")  # a rendered markdown cell opens its editor on Enter
        editor = target.locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(text)
        page.keyboard.press("Escape")


def validate(notebook: OpenNotebook) -> tuple[bool, str]:
    """The notebook's Validate button; (passed, the message nbgrader shows)."""
    page = notebook.page
    page.locator(".jp-NotebookPanel .validate-button").first.click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog").first
    dialog.wait_for(timeout=ACTION_TIMEOUT_MS)
    passed = "nbgrader-SuccessDialog" in (dialog.get_attribute("class") or "")
    message = dialog.locator("#validation-message").inner_text()
    return passed, message


def close_dialog(page) -> None:
    page.locator(".jp-Dialog").get_by_role("button", name="Ok").click()
    page.locator(".jp-Dialog").wait_for(state="detached")


# --- the Unix side, as a student's terminal would see it ----------------------------------------


def as_student(hub: Hub, person: Person, *command: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run ``command`` as ``person``, in the hub's view of the files (its mount namespace), from their home."""
    prefix = ["nsenter", f"--target={hub.process.pid}", "--mount", f"--wd={cwd or person.home}", "--"]
    setenv = [f"{key}={value}" for key, value in (env or {}).items()]
    return subprocess.run(
        [*prefix, "runuser", "-u", person.name, "--", "env", f"HOME={person.home}", *setenv, *command],
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused(result: subprocess.CompletedProcess) -> bool:
    return result.returncode != 0 and "Permission denied" in result.stderr


# --- the steps ----------------------------------------------------------------------------


def step_1_instructor_releases_the_lesson_from_the_formgrader(hub, people, shots):
    instructor = people["instructor"]
    for student in ("student1", "student2"):  # their servers start while the instructor works
        people[student].start_log_in()
    instructor.log_in()
    instructor.lab.screenshot(path=shots / "01-instructor-lab.png")
    page = open_formgrader(instructor)
    row = lesson_row(page)
    row.wait_for(timeout=LAB_TIMEOUT_MS)
    formgrader_action(page, row.locator("td.assign a"), "generate the student version")
    row.locator("td.release a").wait_for()
    formgrader_action(page, row.locator("td.release a"), "release the lesson")
    row.locator("td.status", has_text="released").wait_for()
    page.screenshot(path=shots / "01-formgrader-released.png")

    released = hub.exchange / COURSE_ID / "outbound" / LESSON / f"{LESSON}.ipynb"
    assert released.is_file(), f"the exchange has no {released}"
    assert not instructor.offsite.urls, f"the instructor's JupyterLab asked outside: {instructor.offsite.urls}"
    STEPS_DONE.add("released")


def step_2_student_fetches_answers_validates_and_submits(hub, people, shots, student):
    require("released")
    session = people[f"student{student}"]
    page = session.lab
    session.log_in()
    news = page.locator(".Toastify__toast", has_text="news").count()
    open_assignments(page)
    listed(page, "released").get_by_role("button", name="Fetch").click()
    listed(page, "fetched").wait_for(timeout=ACTION_TIMEOUT_MS)
    page.screenshot(path=shots / f"02-student{student}-fetched.png")

    fetched = session.person.home / LESSON / f"{LESSON}.ipynb"
    assert fetched.is_file(), "the Assignments tab puts the lesson in the student's home"
    notebook = open_notebook(page, session.person.home, f"{LESSON}/{LESSON}.ipynb")
    type_answers(notebook, student)
    saved = save(notebook)
    passed, message = validate(notebook)
    page.screenshot(path=shots / f"02-student{student}-validated.png")
    close_dialog(page)

    open_assignments(page)
    listed(page, "fetched").get_by_role("button", name="Submit").click()
    listed(page, "submitted").wait_for(timeout=ACTION_TIMEOUT_MS)
    page.screenshot(path=shots / f"02-student{student}-submitted.png")

    found = as_student(
        hub,
        session.person,
        sys.executable,
        "-c",
        "import coursekit.paths as p; print(p.find_datasets_dir())",
        cwd=fetched.parent,
    )

    typed = {c.metadata["nbgrader"]["grade_id"]: c.source for c in saved.cells if "nbgrader" in c.metadata}
    sources = solution_sources()
    assert all(typed[gid] == sources[gid] for gid in answered_by(student)), "the typed answers were saved"
    assert "DatasetError" not in message and "datasets/ folder" not in message, (
        f"the lesson could not find its datasets from {fetched.parent}:\n{message}"
    )
    assert found.returncode == 0 and is_datasets_dir(Path(found.stdout.strip())), (
        f"from {fetched.parent}, the lesson finds no datasets: {found.stdout}{found.stderr}"
    )
    unanswered = len(points_of_tests(LESSON)) - len(answered_by(student))
    assert passed == (unanswered == 0), f"Validate {'passed' if passed else 'failed'}:\n{message}"
    assert message.count("The following cell failed") == unanswered, (
        f"Validate should fail exactly the tests of the {unanswered} exercises left open:\n{message}"
    )
    submitted = sorted(p.name for p in hub.inbound.iterdir() if p.name.startswith(f"{session.person.name}+"))
    assert len(submitted) == 1, f"one submission of {session.person.name} in the exchange: {submitted}"
    labs = session.lab.evaluate(
        "async () => (await fetch(location.pathname.split('/lab')[0] + "
        "'/lab/api/settings/@jupyterlab/apputils-extension:notification', "
        "{headers: {'X-XSRFToken': (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || ''}})).json()"
    )["schema"]["properties"]
    assert labs["fetchNews"]["default"] == "false" and labs["checkForUpdates"]["default"] is False
    assert news == 0, "JupyterLab asked the student about news"
    assert not session.offsite.urls, f"the student's JupyterLab asked outside: {session.offsite.urls}"
    STEPS_DONE.add(f"submitted {student}")


def step_3_what_the_hub_refuses_a_student(hub, people, shots):
    require("submitted 1", "submitted 2")
    one, two = people["student1"], people["student2"]
    instructor = hub.instructor.name
    solutions = hub.course / "solutions" / LESSON / f"{LESSON}.ipynb"

    # The Formgrader: not in the student's JupyterLab, off in their server, the instructor's not theirs.
    menu_items = one.lab.get_by_role("menuitem", name="Nbgrader", exact=True)
    menu_items.click()
    formgrader_items = one.lab.get_by_role("menuitem", name=re.compile("Formgrader")).count()
    one.lab.keyboard.press("Escape")
    own_formgrader = one.status_of(f"{one.prefix}/formgrader/")
    their_formgrader = one.status_of(f"{hub.url}/user/{instructor}/formgrader/")
    probe = one.context.new_page()
    probe.goto(f"{hub.url}/user/{instructor}/formgrader/")
    probe.screenshot(path=shots / "03-student-opens-the-formgrader.png")
    probe.close()
    # Another student's home and the instructor's files: through the hub, and as Unix users.
    other_lab = one.status_of(f"{hub.url}/user/{two.person.name}/lab")
    their_solutions = one.status_of(f"{hub.url}/user/{instructor}/files/customer-obsession/solutions/{LESSON}/")
    list_other_home = as_student(hub, one.person, "ls", str(two.person.home))
    read_solutions = as_student(hub, one.person, "cat", str(solutions))
    # The exchange: student 2 cannot find student 1's submission; even given its secret name, they can
    # neither read it, write into it, move it nor delete it; then they submit under student 1's name.
    real = next(p for p in hub.inbound.iterdir() if p.name.startswith(f"{one.person.name}+"))
    handed_in = (real / f"{LESSON}.ipynb").read_bytes()
    list_inbound = as_student(hub, two.person, "ls", str(hub.inbound))
    tampering = {
        "read": as_student(hub, two.person, "cat", str(real / f"{LESSON}.ipynb")),
        "write": as_student(hub, two.person, "cp", str(two.person.home / LESSON / f"{LESSON}.ipynb"), str(real)),
        "move": as_student(hub, two.person, "mv", str(real), str(hub.inbound / f"{real.name}-moved")),
        "delete": as_student(hub, two.person, "rm", "-rf", str(real)),
    }
    forge = as_student(
        hub,
        two.person,
        sys.executable,
        "-m",
        "nbgrader",
        "submit",
        LESSON,
        f"--CourseDirectory.student_id={one.person.name}",
        env={"JUPYTER_CONFIG_PATH": str(hub_config_folder() / "everyone"), "COURSE_EXCHANGE": str(hub.exchange)},
    )

    assert formgrader_items == 0, "a student's Nbgrader menu offers the Formgrader"
    assert own_formgrader == 404, f"the Formgrader runs in a student's server (HTTP {own_formgrader})"
    assert their_formgrader == 403, f"a student reached the instructor's Formgrader (HTTP {their_formgrader})"
    assert other_lab == 403, f"a student reached another student's JupyterLab (HTTP {other_lab})"
    assert their_solutions == 403, f"a student reached the instructor's files (HTTP {their_solutions})"
    assert refused(list_other_home), f"a student listed another's home: {list_other_home}"
    assert refused(read_solutions), f"a student read the instructor's solutions: {read_solutions}"
    assert refused(list_inbound), f"a student listed the exchange's submissions: {list_inbound}"
    for attempt, result in tampering.items():
        assert refused(result) or "not permitted" in result.stderr, f"a student could {attempt} another's submission"
    assert (real / f"{LESSON}.ipynb").read_bytes() == handed_in, "student 1's submission is intact"
    assert forge.returncode == 0, f"nbgrader submit --student ran (collect must catch it): {forge.stdout}"
    STEPS_DONE.add("refusals")
    STEPS_DONE.add(f"forged {real.name}")


def hub_config_folder() -> Path:
    return ROOT / "hub" / "config"


def step_4_instructor_collects_grades_and_releases_feedback(hub, people, shots):
    require("submitted 1", "submitted 2", "refusals")
    instructor = people["instructor"]
    one, two = (people[f"student{n}"].person.name for n in (1, 2))
    page = open_formgrader(instructor)
    row = lesson_row(page)
    collected = formgrader_action(page, row.locator("td.collect a"), "collect the submissions")
    assert re.search(
        rf"Set aside {re.escape(one)}\+{LESSON}\+.*it claims to be {one}'s submission, but {two}", collected
    )

    page = open_formgrader(instructor, f"manage_submissions/{LESSON}")
    for name in (one, two):
        student_row = page.locator("#main-table tr", has=page.locator("td.student-id", has_text=name))
        formgrader_action(page, student_row.locator("td.autograde a"), f"autograde {name}")
    page.screenshot(path=shots / "04-autograded.png")

    page = open_formgrader(instructor, f"manage_students/{one}/{LESSON}")
    page.locator("#main-table td.name a").first.click()
    page.wait_for_function(GRADES_SHOWN_JS)  # typed before the page has its grades, a score is lost
    score = page.locator(f"input.score#{next(iter(points_of_reflections(LESSON)))}")
    score.fill(str(MANUAL_SCORE))
    with page.expect_response(lambda r: "/api/grade/" in r.url and r.request.method == "PUT") as saved:
        score.press("Tab")  # the Formgrader saves a score when the field loses focus
    assert saved.value.ok, f"the Formgrader did not save the score: HTTP {saved.value.status}"
    page.screenshot(path=shots / "04-reflection-scored.png")

    page = open_formgrader(instructor)
    row = lesson_row(page)
    formgrader_action(page, row.locator("td.generate-feedback a"), "generate feedback")
    formgrader_action(page, row.locator("td.release-feedback a"), "release feedback")
    page.screenshot(path=shots / "04-feedback-released.png")
    submitted = sorted(p.name for p in (hub.course / "submitted").iterdir())
    assert submitted == sorted([one, two]), f"collect gathered {submitted}"
    STEPS_DONE.add("feedback")


def step_5_student_sees_their_own_feedback(hub, people, shots, student):
    require("feedback")
    session = people[f"student{student}"]
    other = people[f"student{3 - student}"]
    page = session.lab
    open_assignments(page)
    listed(page, "submitted").get_by_role("button", name="Fetch Feedback").click()
    page.locator("#submitted_assignments_list a", has_text="view feedback").first.wait_for(timeout=ACTION_TIMEOUT_MS)
    page.screenshot(path=shots / f"05-student{student}-feedback-fetched.png")

    pages = sorted((session.person.home / LESSON / "feedback").rglob(f"{LESSON}.html"))
    assert len(pages) == 1, f"one feedback page in the student's home: {pages}"
    relative = pages[0].relative_to(session.person.home)
    view = session.context.new_page()
    view.goto(f"{session.prefix}/files/{relative}")
    text = view.locator("body").inner_text()
    charts = view.locator("svg").count()
    view.screenshot(path=shots / f"05-student{student}-feedback.png", full_page=False)
    view.close()
    others = session.status_of(f"{hub.url}/user/{other.person.name}/files/{LESSON}/{LESSON}.ipynb")
    feedback_listing = as_student(hub, session.person, "ls", str(hub.exchange / COURSE_ID / "feedback"))

    total = sum(expected_cells(student).values())
    shown = re.search(r"Score:\s*([0-9.]+)\s*/\s*([0-9.]+)", text)
    assert shown, "the feedback page shows a score"
    assert float(shown[1]) == pytest.approx(total), f"student {student} sees {shown[0]}, expected {total}"
    assert charts > 0, "the feedback page shows the charts (SVG, drawn offline)"
    assert other.person.name not in text, "the feedback page names the other student"
    assert others == 403, f"a student reached the other's work (HTTP {others})"
    assert refused(feedback_listing), "a student listed the exchange's feedback folder"
    STEPS_DONE.add(f"feedback seen {student}")


def step_6_the_gradebook_holds_exactly_the_expected_scores(hub, people, _shots):
    require("feedback")
    names = {people[f"student{n}"].person.name: n for n in (1, 2)}
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}", COURSE_ID) as gradebook:
        submissions = {s.student.id: s for s in gradebook.assignment_submissions(LESSON)}
        scores = {
            name: {g.name: g.score for notebook in submission.notebooks for g in notebook.grades}
            for name, submission in submissions.items()
        }
        totals = {name: submission.score for name, submission in submissions.items()}
    assert sorted(scores) == sorted(names), f"the gradebook holds {sorted(scores)}"
    for name, number in names.items():
        assert scores[name] == pytest.approx(expected_cells(number)), f"student {number}'s grades per cell"
        assert totals[name] == pytest.approx(sum(expected_cells(number).values())), f"student {number}'s total"
    offsite = {who: session.offsite_beyond_mathjax() for who, session in people.items()}
    assert not any(offsite.values()), f"pages asked for something outside this machine: {offsite}"


# --- the class runs in its own thread; each test reports its step ---------------------------

#: The steps in their order: the test's id, the step, its arguments after (hub, people, shots).
STEPS = [
    ("1", step_1_instructor_releases_the_lesson_from_the_formgrader, ()),
    ("2[1]", step_2_student_fetches_answers_validates_and_submits, (1,)),
    ("2[2]", step_2_student_fetches_answers_validates_and_submits, (2,)),
    ("3", step_3_what_the_hub_refuses_a_student, ()),
    ("4", step_4_instructor_collects_grades_and_releases_feedback, ()),
    ("5[1]", step_5_student_sees_their_own_feedback, (1,)),
    ("5[2]", step_5_student_sees_their_own_feedback, (2,)),
    ("6", step_6_the_gradebook_holds_exactly_the_expected_scores, ()),
]
#: What a step may raise: its own failures and pytest's fail and skip (which are not ``Exception``).
STEP_ERRORS = (Exception, pytest.fail.Exception, pytest.skip.Exception)


def run_class(_folder: Path, _items: list[pytest.Item]) -> dict[str, BaseException | None]:
    """The whole cycle, step by step, with its own hub, Playwright and Chromium; what each step raised.

    Why a thread of its own: the cycle takes two minutes and more, mostly spent waiting for
    servers to spawn and for nbgrader to run the lesson, while the other browser tests need
    the session's JupyterLab. A step that fails does not stop the others (each checks with
    ``require`` that what it needs was done).
    """
    require_software(missing_browser(), "the browser tests")
    require_software(missing_hub(), "the hub test")
    shots = artifacts_dir(ROOT) / "hub"
    if shots.exists():
        shutil.rmtree(shots)
    shots.mkdir()
    outcomes: dict[str, BaseException | None] = {}
    started = time.perf_counter()
    with running_hub(students=2) as hub:
        try:
            with (
                playwright_driver() as driver,
                chromium_for_several_people(driver) as browser,
                class_of(browser, hub, shots) as people,
            ):
                for name, step, arguments in STEPS:
                    try:
                        step(hub, people, shots, *arguments)
                        outcomes[name] = None
                    except STEP_ERRORS as error:
                        outcomes[name] = error
        finally:
            shutil.copy(hub.log_path, shots / "jupyterhub.log")
            (shots / "seconds.txt").write_text(f"{time.perf_counter() - started:.0f}\n")
    return outcomes


background.register("JupyterHub class", run_class, lambda item: item.path.name == "test_hub.py", cost=20,
                    own_thread=True)  # fmt: skip


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory, browser_available) -> dict[str, BaseException | None]:
    return background.result("JupyterHub class", request.session.items, tmp_path_factory)


def replay(outcomes: dict[str, BaseException | None], step: str) -> None:
    """Raise what the step raised (its traceback included), or pass."""
    error = outcomes[step]
    if error is not None:
        raise error


def test_1_instructor_releases_the_lesson_from_the_formgrader(outcomes):
    replay(outcomes, "1")


@pytest.mark.parametrize("student", [1, 2])
def test_2_student_fetches_answers_validates_and_submits(outcomes, student):
    replay(outcomes, f"2[{student}]")


def test_3_what_the_hub_refuses_a_student(outcomes):
    replay(outcomes, "3")


def test_4_instructor_collects_grades_and_releases_feedback(outcomes):
    replay(outcomes, "4")


@pytest.mark.parametrize("student", [1, 2])
def test_5_student_sees_their_own_feedback(outcomes, student):
    replay(outcomes, f"5[{student}]")


def test_6_the_gradebook_holds_exactly_the_expected_scores(outcomes):
    replay(outcomes, "6")
