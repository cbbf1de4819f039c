"""The instructor's view: nbgrader's formgrader opens inside JupyterLab and lists every lesson.

The formgrader reads nbgrader_config.py from the folder JupyterLab was started in
(as an instructor starts it from the repository root), so this also proves that
the course's config maps nbgrader's source folder onto solutions/.
"""

from __future__ import annotations

from lab_notebook import menu
from support import LESSONS

FORMGRADER_TIMEOUT_MS = 60_000


def test_formgrader_in_jupyterlab_lists_every_lesson(lab_tab, artifacts):
    page = lab_tab.page
    menu(page, "Nbgrader", "Formgrader")

    formgrader = page.frame_locator("iframe[src*='formgrader']")
    names = formgrader.locator("#main-table td.name")
    names.first.wait_for(timeout=FORMGRADER_TIMEOUT_MS)  # the table replaces "Loading, please wait..."
    listed = set(names.all_inner_texts())
    page.screenshot(path=artifacts / "formgrader.png")

    missing = sorted(set(LESSONS) - listed)
    assert not missing, f"the formgrader does not list {missing}; it lists {sorted(listed)}"
    offsite = lab_tab.requests.urls
    assert not offsite, f"the formgrader asked for something outside this machine: {offsite}"
