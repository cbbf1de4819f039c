"""Regenerate lessons/ from solutions/ with the real nbgrader, and check it is current.

    python -m tools.lessons generate [LESSON ...]   # make lessons
    python -m tools.lessons check                   # exit 1 if lessons/ is stale
    python -m tools.lessons normalise [FILE ...]    # make format (default: every notebook)

nbgrader runs in a temporary copy of the course, so regenerating never touches
the instructor's gradebook.db; the result is normalised and copied into lessons/.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from tools.nbgrader_cli import run_nbgrader
from tools.notebooks import ROOT, lesson_names, normalise_file

#: Every notebook the repository keeps normalised.
NOTEBOOK_GLOBS = ("solutions/*/*.ipynb", "lessons/*/*.ipynb", "instructor/*.ipynb")


def generate_into(course: Path, lessons: list[str]) -> Path:
    """Run ``nbgrader generate_assignment`` for ``lessons`` in a course folder; return lessons/.

    All lessons go through one nbgrader process (its assignment argument is a
    glob): each process costs seconds of start-up before it does any work.
    """
    everything = sorted(lessons) == lesson_names(course)
    for pattern in ["*"] if everything else lessons:
        run_nbgrader(course, "generate_assignment", pattern, "--force")
    for lesson in lessons:
        for notebook in (course / "lessons" / lesson).glob("*.ipynb"):
            normalise_file(notebook)
    return course / "lessons"


def copy_course_sources(destination: Path, lessons: list[str] | None = None) -> None:
    """The minimum nbgrader needs to generate lessons: the config and solutions/ (of ``lessons`` only, if given)."""
    shutil.copy2(ROOT / "nbgrader_config.py", destination / "nbgrader_config.py")
    for lesson in lessons or lesson_names():
        shutil.copytree(
            ROOT / "solutions" / lesson,
            destination / "solutions" / lesson,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )


def fresh_lessons(workdir: Path, lessons: list[str] | None = None) -> Path:
    copy_course_sources(workdir)
    return generate_into(workdir, lessons or lesson_names())


def differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two lessons/ trees."""
    problems = []
    expected_files = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    actual_files = {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()}
    for rel in sorted(expected_files - actual_files):
        problems.append(f"missing from lessons/: {rel}")
    for rel in sorted(actual_files - expected_files):
        problems.append(f"in lessons/ but not generated from solutions/: {rel}")
    for rel in sorted(expected_files & actual_files):
        if not filecmp.cmp(expected / rel, actual / rel, shallow=False):
            problems.append(f"differs from a fresh nbgrader run: {rel}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("action", choices=["generate", "check", "normalise"])
    parser.add_argument("lessons", nargs="*", help="lessons (generate, check) or notebook files (normalise)")
    args = parser.parse_args(argv)
    if args.action == "normalise":
        paths = [Path(p) for p in args.lessons] or [p for g in NOTEBOOK_GLOBS for p in sorted(ROOT.glob(g))]
        for path in paths:
            if normalise_file(path):
                print(f"normalised {path}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generated = fresh_lessons(Path(tmp), args.lessons or None)
        if args.action == "check":
            problems = differences(generated, ROOT / "lessons")
            print("\n".join(problems) or "lessons/ is current")
            return 1 if problems else 0
        for lesson in args.lessons or lesson_names():
            target = ROOT / "lessons" / lesson
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated / lesson, target)
            print(f"regenerated lessons/{lesson}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
