"""The set-up a newcomer relies on: short lists of direct dependencies, complete locks, installed as locked."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.\-+]+)$")
LOCKS = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}


def lock_pins(lock: str) -> dict[str, str]:
    """package -> version of every line of a lock (each must be pinned with ==)."""
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        assert match, f"{lock}: {line!r} is not pinned with ==; regenerate it with `make lock`."
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def direct_requirements(source: str) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in (ROOT / source).read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def vias(lock: str) -> dict[str, set[str]]:
    """package -> what pip-compile says brought it in (its "# via" lines)."""
    found: dict[str, set[str]] = {}
    current = None
    for line in (ROOT / lock).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            current = canonicalize_name(match.group(1))
            found[current] = set()
        elif current and line.strip().startswith("#"):
            text = line.strip("# ").removeprefix("via").strip()
            if text:
                found[current].add(text)
    return found


@pytest.mark.parametrize("lock, source", LOCKS.items())
def test_lock_satisfies_every_direct_requirement(lock, source):
    pins = lock_pins(lock)
    for requirement in direct_requirements(source):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{source} asks for {requirement}, which {lock} lacks: run `make lock`."
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{source} asks for {requirement}, but {lock} has {pins[name]}: run `make lock`."
        )


@pytest.mark.parametrize("lock, source", LOCKS.items())
def test_lock_holds_nothing_the_inputs_do_not_bring_in(lock, source):
    """Every locked package was brought in by the input file or by another locked package."""
    header = (ROOT / lock).read_text()
    assert "pip-compile" in header and source in header, f"{lock} should be generated from {source} by pip-compile"
    pins, reasons = lock_pins(lock), vias(lock)
    known = set(pins) | {f"-r {source}"} | {f"-c {name}" for name in LOCKS}
    for name in pins:
        brought = {canonicalize_name(r) if not r.startswith("-") else r for r in reasons.get(name, set())}
        assert brought & known, f"{lock}: nothing brings in {name} ({reasons.get(name)}): run `make lock`."


def test_the_two_locks_agree():
    students, maintainers = lock_pins("requirements.txt"), lock_pins("requirements-dev.txt")
    clash = {
        n: (students[n], maintainers[n]) for n in students.keys() & maintainers.keys() if students[n] != maintainers[n]
    }
    assert not clash, f"requirements-dev.txt pins other versions than requirements.txt: {clash}"


@pytest.mark.parametrize("lock", LOCKS)
def test_installed_versions_match_the_lock(lock):
    wrong = {}
    for name, pinned in lock_pins(lock).items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, f"installed versions differ from {lock} (locked, installed); run `make` again: {wrong}"


def test_binder_installs_the_students_lock_and_the_helper():
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / "environment.yml").read_text().splitlines()]
    pip_entries = [line[2:].strip() for line in lines if line.startswith("- ") and line[2:].strip()[:2] in ("-r", "-e")]
    assert pip_entries == ["-r requirements.txt", "-e ."], (
        "environment.yml's pip section should install the students' lock and the course package, nothing else"
    )
    named = [line[2:].strip() for line in lines if line.startswith("- ")]
    extra = [n for n in named if n not in ("conda-forge", "pip", "pip:", *pip_entries) and not n.startswith("python=")]
    assert not extra, f"environment.yml names packages outside the lock: {extra}"
    pythons = [n for n in named if n.startswith("python=")]
    assert pythons == [f"python={sys.version_info.major}.{sys.version_info.minor}"], (
        f"Binder would build {pythons}, but the local environment runs Python {sys.version_info[:2]}"
    )


def test_core_tools_are_direct_dependencies():
    students = {canonicalize_name(r.name) for r in direct_requirements("requirements.in")}
    maintainers = {canonicalize_name(r.name) for r in direct_requirements("requirements-dev.in")}
    assert {"jupyterlab", "nbgrader", "pandas", "altair"} <= students
    assert {"pytest", "nbval", "ruff"} <= maintainers
    pins = lock_pins("requirements.txt")
    assert pins["jupyterlab"].startswith("4."), "the course targets JupyterLab 4"
    assert pins["nbgrader"].startswith("0.9."), "the course targets nbgrader 0.9"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme, "the README must give `make test` as the test command"
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands[-1] == "make test", ".ci/run must end by calling the README's test command"


def test_makefile_builds_the_venv_at_the_root_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^VENV\s*:=\s*\.venv$", makefile, re.M), "the environment lives in .venv/"
    assert re.search(r"^\$\(STAMP\): requirements\.txt requirements-dev\.txt pyproject\.toml$", makefile, re.M), (
        "the venv is rebuilt only when a lock changes"
    )
    assert "-r requirements.txt -r requirements-dev.txt" in makefile, "make installs both locks"
    for target in ("lab", "test", "test-fast"):
        assert re.search(rf"^{target}: \$\(STAMP\)( \S+)*$", makefile, re.M), f"make {target} must set up .venv first"


LAB_OVERRIDES = "jupyter/lab/settings/overrides.json"
NOTIFICATIONS = "@jupyterlab/apputils-extension:notification"


def test_jupyterlab_of_this_environment_fetches_no_news_and_checks_no_updates(tmp_path):
    """The classroom has no internet: JupyterLab must not ask about news, fetch it, or look for updates.

    Computed the way JupyterLab's server computes the settings it sends the page: the schema
    defaults, with the overrides in <prefix>/share/jupyter/lab/settings/ applied (installed there
    by `make`, postBuild or a regular install); the user's own settings folder is empty.
    """
    from jupyterlab.labapp import LabApp
    from jupyterlab_server.settings_utils import get_settings

    shipped = json.loads((ROOT / LAB_OVERRIDES).read_text())
    assert shipped[NOTIFICATIONS] == {"checkForUpdates": False, "fetchNews": "false"}
    app = LabApp()
    settings, _ = get_settings(app.app_settings_dir, app.schemas_dir, str(tmp_path), schema_name=NOTIFICATIONS)
    defaults = {name: spec["default"] for name, spec in settings["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false", f"JupyterLab would ask about or fetch news: {app.app_settings_dir}"
    assert defaults["checkForUpdates"] is False, "JupyterLab would check for updates"


def test_every_way_to_run_the_course_installs_the_lab_overrides():
    """`make` (editable install), Binder (postBuild) and a regular install (a hub) each put the file in place."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^\$\(LAB_OVERRIDES\): {re.escape(LAB_OVERRIDES)} ", makefile, re.M)
    assert "install -D -m 644 $< $@" in makefile
    for target in ("lab", "test", "test-fast", "venv"):
        assert re.search(rf"^{target}: .*\$\(LAB_OVERRIDES\)", makefile, re.M), f"make {target} installs the overrides"
    post_build = (ROOT / "postBuild").read_text()
    assert (
        f"install -D -m 644 {LAB_OVERRIDES} " in post_build
        and "share/jupyter/lab/settings/overrides.json" in post_build
    )
    assert os.access(ROOT / "postBuild", os.X_OK), "repo2docker runs postBuild only if it is executable"
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert data_files["share/jupyter/lab/settings"] == [LAB_OVERRIDES]
