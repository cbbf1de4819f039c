"""Warm kernels grade exactly as cold ones, and keep every submission apart (coursekit/warm_kernels.py).

A small probe assignment (one answer, one test, one cell that reports what the
kernel sees) is handed in by a class that includes the troublemakers a grader
meets: a submission that patches pandas, the built-ins and the environment, an
infinite loop, one that kills its own kernel, and the students graded right
after them. The class is graded twice by the real ``nbgrader autograde``: with
cold kernels (COURSE_WARM_KERNELS=0) and with warm ones; every cell's score must be
the same both times, and the probe cell says what each kernel saw.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import background
import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbgrader.api import Gradebook
from support import ROOT, run_nbgrader

from coursekit import warm_kernels
from coursekit.warm_kernels import WarmExecute, _Pool, _wait_until_ready

pytestmark = pytest.mark.slow

ASSIGNMENT = "probe"
TIMEOUT = 5
SETUP = "import json, os, random, sys\n\nimport numpy as np\nimport pandas as pd\n\nimport coursekit"
REPORT = (
    "import probe_helper\n\n"
    "print(json.dumps({'cwd': os.getcwd(), 'execution': os.environ.get('NBGRADER_EXECUTION'),\n"
    "    'helper': probe_helper.FOLDER, 'numpy': float(np.random.random()), 'random': random.random(),\n"
    "    'leaked': [hasattr(pd, 'LEAKED'), hasattr(__builtins__, 'LEAKED'), 'LEAKED' in os.environ]}))"
)
#: student -> the code of their answer cell (graded in this order: nbgrader sorts the students).
CLASS = {
    "a-patcher": "pd.LEAKED = True\nimport builtins\nbuiltins.LEAKED = True\nos.environ['LEAKED'] = '1'\nanswer = 42",
    "b-right": "answer = 42",
    "c-wrong": "answer = 41",
    "d-looper": "while True:\n    pass",
    "e-after-loop": "answer = 6 * 7",
    "f-exiter": "os._exit(1)",
    "g-after-exit": "answer = 42",
    "h-untouched": None,  # the released stub
}
MODES = {"cold": {"COURSE_WARM_KERNELS": "0"}, "warm": {}}


def probe_source() -> nbformat.NotebookNode:
    def graded(cell, grade_id, solution, grade, points=0):
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade,
                                     "locked": grade, "points": points, "schema_version": 3, "task": False}  # fmt: skip
        return cell

    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(SETUP),
            graded(
                nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"),
                "probe-answer",
                True,
                False,
            ),  # fmt: skip
            graded(nbformat.v4.new_code_cell("assert answer == 42"), "probe-answer-tests", False, True, 1),
            nbformat.v4.new_code_cell(REPORT),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def grade_class(where, mode: str) -> dict:
    """The probe class graded in one mode: scores per student and what each kernel reported."""
    course = where / mode
    (course / "solutions" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    nbformat.write(probe_source(), course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    released = nbformat.read(course / "lessons" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for student, code in CLASS.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nb = nbformat.from_dict(released)
        if code is not None:
            nb.cells[1].source = code
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "probe_helper.py").write_text("import os\n\nFOLDER = os.path.dirname(os.path.abspath(__file__))\n")
    log = run_nbgrader(course, "autograde", ASSIGNMENT, "--force", f"--Execute.timeout={TIMEOUT}", check=False,
                       **MODES[mode]).stdout  # fmt: skip
    scores, reports = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in CLASS:
            notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            scores[student] = {g.name: g.score for g in notebook.grades}
            autograded = course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            if autograded.exists():
                outputs = nbformat.read(autograded, as_version=4).cells[3].outputs
                text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
                reports[student] = json.loads(text) if text.strip() else None
    return {"scores": scores, "reports": reports, "course": course, "log": log}


background.register(
    "warm kernels",
    lambda folder, _items: {mode: grade_class(folder, mode) for mode in MODES},
    lambda item: item.path.name == "test_warm_kernels.py" and "graded" in getattr(item, "fixturenames", ()),
    cost=45,  # mostly waits (kernels starting, the timeouts): started early, beside the grading runs
)


@pytest.fixture(scope="session")
def graded(request, tmp_path_factory) -> dict:
    return background.result("warm kernels", request.session.items, tmp_path_factory)


def test_grades_are_identical_cell_by_cell_with_and_without_warm_kernels(graded):
    cold = graded["cold"]["scores"]
    assert cold["b-right"]["probe-answer-tests"] == 1 and cold["c-wrong"]["probe-answer-tests"] == 0
    assert graded["warm"]["scores"] == cold, "grades differ from cold kernels"


@pytest.mark.parametrize("mode", ["warm"])
def test_what_one_submission_changes_never_reaches_the_next(graded, mode):
    reports = graded[mode]["reports"]
    assert reports["a-patcher"]["leaked"] == [True, True, True], "the patcher's own kernel sees its patches"
    for student in ("b-right", "c-wrong", "e-after-loop", "g-after-exit"):
        assert reports[student]["leaked"] == [False, False, False], f"{student} sees another submission's patches"


@pytest.mark.parametrize("mode", ["cold", "warm"])
def test_the_kernel_works_in_the_submissions_folder_and_environment(graded, mode):
    course = graded[mode]["course"]
    for student, report in graded[mode]["reports"].items():
        if report is None:
            continue
        folder = str(course / "autograded" / student / ASSIGNMENT)
        assert report["cwd"] == folder, f"{student}'s kernel ran in {report['cwd']}"
        assert report["helper"] == folder, f"{student}'s own module was imported from {report['helper']}"
        assert report["execution"] == "autograde", "NBGRADER_EXECUTION is set as nbgrader sets it"


@pytest.mark.parametrize("mode", ["warm"])
def test_each_kernel_draws_its_own_random_numbers(graded, mode):
    reports = [r for r in graded[mode]["reports"].values() if r]
    assert len({r["numpy"] for r in reports}) == len(reports), "NumPy's global generator is reseeded per kernel"
    assert len({r["random"] for r in reports}) == len(reports), "random is reseeded per kernel"


@pytest.mark.parametrize("mode", ["cold", "warm"])
def test_a_runaway_cell_is_interrupted_and_a_dead_kernel_costs_only_its_own_submission(graded, mode):
    scores, reports = graded[mode]["scores"], graded[mode]["reports"]
    assert scores["d-looper"]["probe-answer-tests"] == 0
    assert reports["d-looper"] is not None, "after the timeout, the rest of the looper's notebook still ran"
    assert f"Timeout waiting for execute reply ({TIMEOUT}s)" in graded[mode]["log"]
    assert scores["f-exiter"]["probe-answer-tests"] == 0
    assert scores["e-after-loop"]["probe-answer-tests"] == 1 and scores["g-after-exit"]["probe-answer-tests"] == 1


def test_only_the_courses_python_kernel_starts_warm():
    step = WarmExecute()
    python = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    other = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "ir", "display_name": "R"}})
    assert step.uses_warm_kernel(python) and not step.uses_warm_kernel(other)
    assert not WarmExecute(warm=False).uses_warm_kernel(python)


WARM_UP_STATE = """
import json, altair as alt, pandas as pd
from pandas._config.config import _registered_options
from coursekit import checks, kernel_zygote

def state():
    return {"theme": alt.theme.active, "renderer": alt.renderers.active, "data": alt.data_transformers.active,
            "pandas": {key: repr(pd.get_option(key)) for key in sorted(_registered_options)},
            "drawings kept": checks._compiled.cache_info().currsize}

before = state()
kernel_zygote.warm_up_renderer(kernel_zygote.warm_up_python())
print(json.dumps({"before": before, "after": state()}))
"""


def test_warming_up_sets_nothing_a_submission_could_see():
    """The zygote's warm-up fills caches only: no theme, renderer, option or kept drawing (fork-safety rule 1)."""
    result = subprocess.run([sys.executable, "-c", WARM_UP_STATE], capture_output=True, text=True, cwd=ROOT,
                            check=True)  # fmt: skip
    seen = json.loads(result.stdout)
    assert seen["after"] == seen["before"]


def test_a_kernel_taken_before_it_has_started_still_runs_its_submission():
    """A submission that takes the spare at once (the one before it was quick) waits for it, then runs."""
    pool = _Pool()
    try:
        for _ in range(3):
            spare = pool.take("python3", [])  # the first is started here, the others a moment ago
            client = spare.kc
            run_sync(_wait_until_ready)(client, spare.km, 60)
            msg_id = client.execute("print(6 * 7)")
            printed = run_sync(_printed)(client, msg_id)
            spare.kill()
            assert printed == "42\n"
    finally:
        pool.close()


async def _printed(client, msg_id: str) -> str:
    text = ""
    while True:
        msg = await client.iopub_channel.get_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            text += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return text


def test_a_warm_kernel_that_dies_before_its_submission_runs_is_replaced(monkeypatch, caplog):
    """The submission is graded in the next warm kernel; nothing of it had run in the dead one."""
    pool = _Pool()
    first = pool.take("python3", [])  # starts the spare that the submission below will take
    dead = pool.spare
    os.kill(dead.km.provisioner.pid, signal.SIGKILL)
    monkeypatch.setattr(warm_kernels, "_POOL", pool)
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(6 * 7)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    try:
        step = WarmExecute(startup_timeout=60)
        ran, _ = step.preprocess(nb, {"metadata": {"path": str(ROOT)}})
    finally:
        first.kill()
        pool.close()
    assert ran.cells[0].outputs[0]["text"] == "42\n"
    assert "died before the submission ran" in caplog.text
