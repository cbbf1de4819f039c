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

from coursekit import checks, trusted  # noqa: F401 - trusted keeps the real built-ins from the first import
from coursekit.charts import setup_charts
from coursekit.errors import DatasetError
from coursekit.loading import list_datasets, load_dataset
from coursekit.paths import find_datasets_dir

__all__ = ["DatasetError", "checks", "find_datasets_dir", "list_datasets", "load_dataset", "setup_charts"]
