"""The README's "open the course" command starts JupyterLab on the lessons folder.

The command is read from the README itself (its ``make lab`` line), run in a
throwaway checkout on a free port, with ``LAB_ARGS=--no-browser`` so that it does
not try to open a browser of its own. Jupyter generates the token, as it does for a
person; the test opens the URL the command printed, as a person would, checks in
Chromium that the file browser shows lessons/, then stops the server.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from lab_server import attach, free_port, launch, root_flag, stop
from support import ROOT, copy_course

LISTING_TIMEOUT_MS = 60_000
#: What the checkout needs besides the course for `make` to find its environment up to date.
MAKE_FILES = (
    "Makefile",
    "requirements.txt",
    "requirements-dev.txt",
    "pyproject.toml",
    "README.md",
    "jupyter/lab/settings/overrides.json",
)
NOTIFICATIONS = "@jupyterlab/apputils-extension:notification"


def readme_command(name: str) -> list[str]:
    """The README's command line that starts with ``name`` (``make lab``), without its comment."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^({re.escape(name)}\b[^#\n]*)", text, flags=re.MULTILINE)
    assert found, f"README.md no longer shows `{name}`"
    return shlex.split(found.group(1))


def checkout_with_environment(destination: Path) -> Path:
    """A copy of the repository's course and make files, using this environment's .venv/bin.

    The stamp ``.venv/.installed`` is made newer than the copied dependency lists, so
    `make` sees the environment as installed (it is: it runs this test) and starts
    JupyterLab at once instead of reinstalling.
    """
    checkout = copy_course(destination)
    for name in MAKE_FILES:
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, checkout / name)
    venv = checkout / ".venv"
    venv.mkdir()
    (venv / "bin").symlink_to(ROOT / ".venv" / "bin", target_is_directory=True)
    (venv / ".installed").touch()
    return checkout


def test_readme_make_lab_opens_jupyterlab_on_the_lessons(page, offsite, artifacts, tmp_path, browser_available):
    checkout = checkout_with_environment(tmp_path / "checkout")
    lab_args = " ".join(["--no-browser", *root_flag()])
    command = [*readme_command("make lab"), f"PORT={free_port()}", f"LAB_ARGS={lab_args}"]
    server = launch(command, cwd=checkout, state=tmp_path / "state")
    try:
        attach(server)
        assert server.token, f"`{shlex.join(command)}` printed no URL with a token: {server.url}"
        page.goto(server.url)
        page.locator(".jp-DirListing-itemText").first.wait_for(timeout=LISTING_TIMEOUT_MS)
        shown = set(page.locator(".jp-DirListing-itemText").all_inner_texts())
        crumbs = page.locator(".jp-BreadCrumbs").inner_text()
        notifications = server.api(f"/lab/api/settings/{NOTIFICATIONS}")["schema"]["properties"]
        news_toasts = page.locator(".Toastify__toast", has_text="news").count()
        page.screenshot(path=artifacts / "make-lab.png")
    finally:
        stop(server)

    expected = {p.name for p in (checkout / "lessons").iterdir() if not p.name.startswith(".")}
    assert "lessons" in crumbs, f"the file browser shows {crumbs!r}, not the lessons folder"
    assert shown == expected, f"the file browser lists {sorted(shown)}; lessons/ holds {sorted(expected)}"
    assert "/lab/tree/lessons" in page.url
    assert not offsite.urls, f"JupyterLab asked for something outside this machine: {offsite.urls}"
    assert notifications["fetchNews"]["default"] == "false", "`make lab` would ask about or fetch Jupyter news"
    assert notifications["checkForUpdates"]["default"] is False, "`make lab` would check for JupyterLab updates"
    assert news_toasts == 0, "JupyterLab asked about news"
    assert server.process.poll() is not None, "`make lab` is still running after the server was stopped"
