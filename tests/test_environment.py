"""The set-up a newcomer relies on: one dependency list, installed as pinned."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version

from support import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([A-Za-z0-9_.\-+]+)$")


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"requirements.txt: {line!r} is not pinned with ==; pin every dependency."
        pins[match.group(1).lower()] = match.group(2)
    return pins


def environment_yml_lines() -> list[str]:
    return [line.split("#", 1)[0].rstrip() for line in (ROOT / "environment.yml").read_text().splitlines()]


def test_environment_yml_points_at_the_one_dependency_list():
    lines = [line.strip() for line in environment_yml_lines() if line.strip()]
    pip_entries = [
        line[2:].strip() for line in lines if line.startswith("- ") and line[2:].strip().startswith(("-r", "-e"))
    ]
    assert pip_entries == ["-r requirements.txt", "-e ."], (
        "environment.yml's pip section should install requirements.txt and the course package, nothing else"
    )
    named = [line[2:].strip() for line in lines if line.startswith("- ")]
    extra = [n for n in named if n not in ("conda-forge", "pip", "pip:", *pip_entries) and not n.startswith("python=")]
    assert not extra, f"environment.yml names packages outside requirements.txt: {extra}"


def test_environment_yml_python_matches_the_local_python():
    pythons = [line.strip()[2:] for line in environment_yml_lines() if line.strip().startswith("- python=")]
    assert pythons == [f"python={sys.version_info.major}.{sys.version_info.minor}"], (
        f"Binder would build {pythons}, but the local environment runs Python "
        f"{sys.version_info.major}.{sys.version_info.minor}"
    )


def test_installed_versions_match_the_pins():
    wrong = {name: (pinned, version(name)) for name, pinned in requirement_pins().items() if version(name) != pinned}
    assert not wrong, f"installed versions differ from requirements.txt (pinned, installed): {wrong}"


def test_core_tools_are_pinned():
    pins = requirement_pins()
    for name in ("jupyterlab", "nbgrader", "pandas", "altair", "pytest", "nbval"):
        assert name in pins, f"{name} must be pinned in requirements.txt"
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


def test_makefile_builds_the_venv_at_the_root_and_reuses_it():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^VENV\s*:=\s*\.venv$", makefile, re.M), "the environment lives in .venv/"
    assert re.search(r"^\$\(STAMP\): requirements\.txt pyproject\.toml$", makefile, re.M), (
        "the venv is rebuilt only when the dependency list changes"
    )
    for target in ("lab", "test"):
        assert re.search(rf"^{target}: \$\(STAMP\)$", makefile, re.M), f"make {target} must set up .venv first"
