"""coursekit: the plumbing of the Customer Obsession course.

Lessons import three things from here and nothing that hides what they teach:

- ``load_dataset(name)`` reads a CSV from ``datasets/`` with the right dtypes,
  wherever the notebook runs (lessons/, solutions/, a released copy elsewhere).
- ``setup_charts()`` makes Altair draw offline, in JupyterLab and in nbgrader's
  feedback HTML, with the course theme, each chart described and its data one click
  away for a screen reader; and it makes pandas tables name every header cell.
- ``list_datasets()`` names what there is to load.
- ``coursekit.checks`` is what the test cells call: charts judged on what they
  show, units in any common form, exact values checked by fingerprint.

The dataset generators live in ``coursekit.generators`` and are run by
``python -m coursekit.build`` (``make data``).
"""

from __future__ import annotations

import importlib
from typing import Any

from coursekit import trusted  # noqa: F401 - keeps the real built-ins from the first import, before any answer
from coursekit.errors import DatasetError
from coursekit.paths import find_datasets_dir

#: Imported on first use. nbgrader_config.py imports ``coursekit.warm_kernels`` and
#: ``coursekit.feedback_style`` in every nbgrader command, which import this package
#: first: they must not pay for pandas and Altair (0.6 s) they never use.
_LAZY = {
    "checks": ("coursekit.checks", None),
    "setup_charts": ("coursekit.charts", "setup_charts"),
    "list_datasets": ("coursekit.loading", "list_datasets"),
    "load_dataset": ("coursekit.loading", "load_dataset"),
}

__all__ = ["DatasetError", "checks", "find_datasets_dir", "list_datasets", "load_dataset", "setup_charts"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'coursekit' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
