"""lessons/ is exactly what nbgrader generates from solutions/ today."""

from __future__ import annotations

from support import ROOT

from tools.lessons import differences, fresh_lessons


def test_lessons_are_regenerated_from_solutions(tmp_path):
    generated = fresh_lessons(tmp_path)
    problems = differences(generated, ROOT / "lessons")
    assert not problems, "lessons/ is stale; run `make lessons`:\n" + "\n".join(problems)
