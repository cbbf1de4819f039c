"""The answers the grading tests hand in, read from the lesson's fixture files and notebooks.

Three kinds of fixture, each replacing the code of one answer cell of the solution:

- **wrong** (``tests/wrong_answers/NN-slug.toml``): a plausible mistake. Grading must
  fail exactly its test cell. ``caught = "visible"`` says the visible tests (those a
  student runs) must catch it, with a message; ``caught = "hidden"`` that only the
  grader's hidden tests do. ``key = true`` marks the exercise's key mistake, the one
  the lesson teaches against: it must be caught visibly, and every exercise has one.
- **right** (``tests/right_answers/NN-slug.toml``): a correct answer written another
  way. Grading must give full marks everywhere, and no cell may fail.
- **stub**: the exercise left as the student copy has it (``raise NotImplementedError``),
  every other one answered. Only that exercise may lose points, and no cell outside
  it may fail: a learner stuck on one exercise can finish every other one.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat
from support import ROOT

from tools.notebooks import nbgrader_cells, read_lesson

WRONG = ROOT / "tests" / "wrong_answers"
RIGHT = ROOT / "tests" / "right_answers"
MIN_RIGHT_PER_EXERCISE = 2


@dataclass(frozen=True)
class Fixture:
    """One answer cell's replacement, and what grading must make of it."""

    lesson: str
    kind: str  # "wrong", "right" or "stub"
    name: str
    answer: str  # the grade_id of the answer cell replaced
    tests: str  # the grade_id of the test cell that grades it
    code: str
    caught: str = ""  # "visible" or "hidden", for wrong answers
    key: bool = False

    @property
    def label(self) -> str:
        return f"{self.lesson}: {self.kind} answer '{self.name}' ({self.answer})"


def solution(lesson: str) -> nbformat.NotebookNode:
    return read_lesson("solutions", lesson)


def student_copy(lesson: str) -> nbformat.NotebookNode:
    return read_lesson("lessons", lesson)


def exercise_tests(lesson: str) -> dict[str, str]:
    """Answer cell -> the autograded test cell right after it."""
    pairs, last = {}, None
    for grade_id, info in nbgrader_cells(solution(lesson)).items():
        if info["kind"] == "answer":
            last = grade_id
        elif info["kind"] == "tests" and last is not None:
            pairs[last] = grade_id
            last = None
    return pairs


def _read(folder: Path, lesson: str) -> list[dict]:
    path = folder / f"{lesson}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")).get("fixture", []) if path.exists() else []


def wrong_answers(lesson: str) -> list[Fixture]:
    pairs = exercise_tests(lesson)
    fixtures = []
    for entry in _read(WRONG, lesson):
        fixtures.append(
            Fixture(
                lesson,
                "wrong",
                entry["name"],
                entry["answer"],
                entry.get("fails", pairs.get(entry["answer"], "")),
                entry["code"].strip("\n"),
                entry.get("caught", ""),
                bool(entry.get("key", False)),
            )
        )
    return fixtures


def right_answers(lesson: str) -> list[Fixture]:
    pairs = exercise_tests(lesson)
    return [
        Fixture(
            lesson, "right", entry["name"], entry["answer"], pairs.get(entry["answer"], ""), entry["code"].strip("\n")
        )
        for entry in _read(RIGHT, lesson)
    ]


def stubs(lesson: str) -> list[Fixture]:
    """Every autograded exercise left as the student copy has it, one fixture each."""
    released = nbgrader_cells(student_copy(lesson))
    return [
        Fixture(lesson, "stub", f"{answer} left unanswered", answer, tests, released[answer]["cell"].source)
        for answer, tests in exercise_tests(lesson).items()
    ]


def all_fixtures(lesson: str) -> list[Fixture]:
    return wrong_answers(lesson) + right_answers(lesson) + stubs(lesson)
