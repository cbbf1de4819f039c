"""Regenerate lessons/ from solutions/ with the real nbgrader, and check it is current.

    python tools/lessons.py generate [LESSON ...]   # make lessons
    python tools/lessons.py check                   # exit 1 if lessons/ is stale
    python tools/lessons.py normalise               # make format

nbgrader runs in a temporary copy of the course, so regenerating never touches
the instructor's gradebook.db; the result is normalised and copied into lessons/.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebooks import ROOT, lesson_names, normalise_file, venv_env  # noqa: E402


def nbgrader_command() -> list[str]:
    """nbgrader from the same environment as this Python."""
    return [sys.executable, "-m", "nbgrader"]


def generate_into(course: Path, lessons: list[str]) -> Path:
    """Run ``nbgrader generate_assignment`` for ``lessons`` in a course folder; return lessons/."""
    for lesson in lessons:
        result = subprocess.run(
            [*nbgrader_command(), "generate_assignment", lesson, "--force"],
            cwd=course,
            capture_output=True,
            text=True,
            env=venv_env(),
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"nbgrader generate_assignment {lesson} failed:\n{result.stdout}\n{result.stderr}"
            )
        for notebook in (course / "lessons" / lesson).glob("*.ipynb"):
            normalise_file(notebook)
    return course / "lessons"


def copy_course_sources(destination: Path) -> None:
    """The minimum nbgrader needs to generate lessons: the config and solutions/."""
    shutil.copy2(ROOT / "nbgrader_config.py", destination / "nbgrader_config.py")
    shutil.copytree(
        ROOT / "solutions",
        destination / "solutions",
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("action", choices=["generate", "check", "normalise"])
    parser.add_argument("lessons", nargs="*")
    args = parser.parse_args(argv)
    if args.action == "normalise":
        for step in ("solutions", "lessons"):
            for path in sorted((ROOT / step).glob("*/*.ipynb")):
                if normalise_file(path):
                    print(f"normalised {path.relative_to(ROOT)}")
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
