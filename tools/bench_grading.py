"""How long grading takes: nbgrader autograde per submission, next to running the notebook alone.

    python -m tools.bench_grading [--submissions N] [--jobs J] [LESSON ...]

For every lesson (or the ones named), in a temporary copy of the course: N copies
of the solution are handed in and graded by one real ``nbgrader autograde``; the
same notebook is then executed once alone with nbclient (kernel start included,
as in grading). The table gives seconds per submission, the nbclient time, and
their ratio, from one run: how much nbgrader adds on top of running the
student's code. With ``--jobs J`` (J > 1) the same class is graded again with
``tools/grade_class.py autograde --jobs J`` for the speed-up on J cores.

This is a benchmark, not a test: the numbers depend on the machine and its load.
docs/instructor-guide.md quotes a run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools.nbgrader_cli import run_nbgrader
from tools.notebooks import ROOT, copy_course, lesson_names, venv_env


@dataclass
class Result:
    lesson: str
    submissions: int
    autograde_s: float
    alone_s: float
    parallel_s: float | None = None
    jobs: int = 1

    @property
    def per_submission(self) -> float:
        return self.autograde_s / self.submissions

    def row(self) -> str:
        parallel = (
            ""
            if self.parallel_s is None
            else (f" {self.parallel_s / self.submissions:.1f} | {self.autograde_s / self.parallel_s:.2f}x |")
        )
        return (
            f"| {self.lesson} | {self.submissions} | {self.autograde_s:.1f} | {self.per_submission:.1f} | "
            f"{self.alone_s:.1f} | {self.per_submission / self.alone_s:.2f} |" + parallel
        )


def header(jobs: int) -> str:
    head = "| lesson | N | autograde (s) | s / submission | nbclient alone (s) | ratio |"
    rule = "|---|---|---|---|---|---|"
    if jobs > 1:
        head += f" s / submission on {jobs} cores | speed-up |"
        rule += "---|---|"
    return f"{head}\n{rule}"


def nbgrader(course: Path, *args: str) -> float:
    """Run one nbgrader command; return its wall time (exit status is checked: a failed run is no benchmark)."""
    started = time.perf_counter()
    run_nbgrader(course, *args)
    return time.perf_counter() - started


def hand_in(course: Path, lesson: str, count: int) -> None:
    solution = course / "solutions" / lesson / f"{lesson}.ipynb"
    for index in range(count):
        folder = course / "submitted" / f"student{index:03d}" / lesson
        folder.mkdir(parents=True)
        shutil.copy2(solution, folder / f"{lesson}.ipynb")


def run_alone(course: Path, lesson: str) -> float:
    """Execute the solution once with nbclient, from its folder, as a student's kernel would."""
    folder = course / "solutions" / lesson
    nb = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - started


def run_parallel(course: Path, lesson: str, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tools.grade_class", "--course", str(course), "autograde", lesson, "--jobs", str(jobs)],
        env=venv_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    return time.perf_counter() - started


def bench(lesson: str, submissions: int, jobs: int, workdir: Path) -> Result:
    course = copy_course(workdir / lesson)
    nbgrader(course, "generate_assignment", lesson, "--force")
    hand_in(course, lesson, submissions)
    shutil.copy2(course / "gradebook.db", course / "gradebook.before")
    result = Result(lesson, submissions, nbgrader(course, "autograde", lesson), run_alone(course, lesson))
    if jobs > 1:
        shutil.rmtree(course / "autograded")
        shutil.copy2(course / "gradebook.before", course / "gradebook.db")
        result.parallel_s, result.jobs = run_parallel(course, lesson, jobs), jobs
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lessons", nargs="*", help="default: every lesson in solutions/")
    parser.add_argument("--submissions", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=1, help="also time tools/grade_class.py on this many cores")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    print(header(args.jobs))
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        for lesson in args.lessons or lesson_names():
            try:
                print(bench(lesson, args.submissions, args.jobs, Path(tmp)).row(), flush=True)
            except (subprocess.CalledProcessError, RuntimeError) as error:  # a lesson still being written
                print(f"| {lesson} | could not be graded: {error} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
