"""How long grading takes, per submission: cold and warm kernels, SQLite and PostgreSQL, one grader or several.

    python -m tools.bench_grading [--submissions N] [--jobs J] [--modes ...] [LESSON ...]

For every lesson (default: lesson 00), in a temporary copy of the course, N copies
of the solution are handed in and graded by the real ``nbgrader autograde`` once
per mode, from the same submitted/ folder:

- ``cold``: nbgrader's own kernel start per submission (COURSE_WARM_KERNELS=0);
- ``warm``: warm kernels (coursekit/warm_kernels.py), the course's default;
- ``postgres``: warm kernels, one grader, the gradebook on PostgreSQL;
- ``parallel``: J graders at once (``python -m tools.grade_class autograde --jobs J``)
  into the same PostgreSQL gradebook.

The same notebook is also run alone with nbclient (kernel start included, as in
grading), three times: a single run's time varies by a second or more on a small
virtual machine, so the median of the three is the time of one run. The table gives
each mode's seconds per submission and its ratio to that median. The PostgreSQL modes
need Debian's ``postgresql`` (tools/postgres.py) and are left out, with a note, when it
is missing. The grading figures come from one run of each mode: this is a benchmark,
not a test, and the machine's load changes them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools import postgres
from tools.nbgrader_cli import run_nbgrader
from tools.notebooks import ROOT, copy_course, lesson_names, venv_env

MODES = ["cold", "warm", "postgres", "parallel"]


def hand_in(course: Path, lesson: str, count: int) -> None:
    solution = course / "solutions" / lesson / f"{lesson}.ipynb"
    for index in range(count):
        folder = course / "submitted" / f"student{index:03d}" / lesson
        folder.mkdir(parents=True)
        shutil.copy2(solution, folder / f"{lesson}.ipynb")


ALONE_RUNS = 3


def run_alone(course: Path, lesson: str) -> float:
    """Execute the solution once with nbclient, from its folder, as a student's kernel would."""
    folder = course / "solutions" / lesson
    nb = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - started


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def fresh_copy(base: Path, name: str) -> Path:
    """A copy of the handed-in course, with its gradebook as before any grading."""
    target = base.parent / name
    shutil.copytree(base, target)
    return target


def grade(base: Path, lesson: str, mode: str, jobs: int, url: str | None) -> float:
    """Seconds for one mode to grade every submission of ``base`` (a fresh copy each time)."""
    course = fresh_copy(base, mode)
    warm = {"cold": {"COURSE_WARM_KERNELS": "0"}}.get(mode, {})
    if mode in ("postgres", "parallel"):
        assert url is not None
        reset_database(url, course, lesson)
        if mode == "parallel":
            cmd = [sys.executable, "-m", "tools.grade_class", "--course", str(course), "autograde", lesson,
                   "--jobs", str(jobs), "--db-url", url]  # fmt: skip
            return timed(lambda: subprocess.run(cmd, env=venv_env(), check=True, cwd=ROOT, capture_output=True))
        return timed(lambda: run_nbgrader(course, "autograde", lesson, f"--CourseDirectory.db_url={url}"))
    return timed(lambda: run_nbgrader(course, "autograde", lesson, **warm))


def reset_database(url: str, course: Path, lesson: str) -> None:
    """An empty gradebook with the lesson in it, as the instructor's one-time set-up leaves it."""
    from nbgrader.api import Gradebook
    from sqlalchemy import create_engine, text

    with create_engine(url).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    run_nbgrader(course, "generate_assignment", lesson, "--force", f"--CourseDirectory.db_url={url}")
    with Gradebook(url):
        pass


def bench(lesson: str, submissions: int, jobs: int, modes: list[str], workdir: Path, url: str | None) -> list[str]:
    base = copy_course(workdir / lesson / "base")
    run_nbgrader(base, "generate_assignment", lesson, "--force")
    hand_in(base, lesson, submissions)
    runs = [run_alone(base, lesson) for _ in range(ALONE_RUNS)]
    alone = statistics.median(runs)
    each = ", ".join(f"{run:.2f}" for run in runs)
    rows = [f"| {lesson} | notebook run once alone (nbclient; median of {each}) | {alone:.2f} | 1.00 |"]
    print(rows[0], flush=True)
    for mode in modes:
        if mode in ("postgres", "parallel") and url is None:
            continue
        seconds = grade(base, lesson, mode, jobs, url) / submissions
        label = {"cold": "nbgrader autograde, cold kernels", "warm": "warm kernels (the default)",
                 "postgres": "warm kernels, PostgreSQL gradebook",
                 "parallel": f"{jobs} graders at once, PostgreSQL"}[mode]  # fmt: skip
        rows.append(f"| {lesson} | {label} | {seconds:.2f} | {seconds / alone:.2f} |")
        print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lessons", nargs="*", help="default: the first lesson")
    parser.add_argument("--submissions", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--modes", nargs="*", choices=MODES, default=MODES)
    args = parser.parse_args(argv)
    lessons = args.lessons or lesson_names()[:1]
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start; "
          f"{args.submissions} copies of the solution per lesson")  # fmt: skip
    print("| lesson | how | seconds per submission | ratio to the notebook alone |\n|---|---|---|---|")
    needs_db = {"postgres", "parallel"} & set(args.modes)
    reason = postgres.missing() if needs_db else None
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        if needs_db and reason is None:
            with postgres.throwaway_server() as url:
                for lesson in lessons:
                    bench(lesson, args.submissions, args.jobs, args.modes, Path(tmp), url)
        else:
            for lesson in lessons:
                bench(lesson, args.submissions, args.jobs, args.modes, Path(tmp), None)
    if reason:
        print(f"(PostgreSQL modes left out: {reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
