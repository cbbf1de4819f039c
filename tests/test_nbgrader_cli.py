"""tools.nbgrader_cli: a failed nbgrader command says why, however long its log."""

from __future__ import annotations

import pytest

from tools.nbgrader_cli import NbgraderError, failures, run_nbgrader

#: What nbgrader autograde logs when one submission of a large batch fails, thousands of lines before the end.
BATCH_LOG = [
    "[AutogradeApp | INFO] Autograding pack00\n",
    "[AutogradeApp | ERROR] There was an error processing assignment: lesson\n",
    "[AutogradeApp | ERROR] Traceback (most recent call last):\n",
    '  File "execute.py", line 1, in preprocess\n',
    "nbclient.exceptions.DeadKernelError: Kernel died\n",
    *[f"[AutogradeApp | INFO] Autograding pack{i:02d}\n" for i in range(1, 2000)],
    "[AutogradeApp | ERROR] Please see the the above traceback for details.\n",
]


def test_the_errors_of_a_long_log_are_kept_and_the_rest_left_out():
    found = failures(BATCH_LOG)
    assert "DeadKernelError: Kernel died" in found and 'File "execute.py"' in found
    assert "pack01" not in found and "see the the above traceback" in found


def test_a_clean_log_has_no_errors_to_show():
    assert failures(["[AutogradeApp | INFO] fine\n"]) == ""


def test_a_failing_command_raises_with_its_errors(tmp_path):
    with pytest.raises(NbgraderError, match="exited") as raised:
        run_nbgrader(tmp_path, "autograde", "no-such-lesson")
    assert "the end of its log" in str(raised.value)
