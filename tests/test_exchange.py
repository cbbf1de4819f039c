"""coursekit.exchange: which submissions the hub's collect takes (the hub test shows it with real accounts).

Every folder made here belongs to the user running the tests, so a folder named after that user
is genuine and one named after anybody else claims a name that is not its maker's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets.config import Config

from coursekit.exchange import OwnerCheckedCollect, owner_of
from tools.notebooks import venv_env

COURSE, LESSON = "customer-obsession", "00-day-one"
EARLY, LATE, LATEST = (f"2026-02-0{day} 10:00:00.000000 UTC" for day in (1, 2, 3))


def me(inbound: Path) -> str:
    """The user running the tests, as the collect will see them: the owner of a folder they made."""
    return owner_of(str(inbound))


def submission(inbound: Path, student: str, timestamp: str, tag: str) -> str:
    name = f"{student}+{LESSON}+{timestamp}+{tag}"
    (inbound / name).mkdir()
    (inbound / name / "timestamp.txt").write_text(timestamp)
    return name


def chosen(collector: type[ExchangeCollect], inbound: Path, course: Path, **config_values) -> dict[str, str]:
    """student -> the submission folder that ``collector`` would collect from ``inbound`` for ``course``."""
    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = COURSE
    config.CourseDirectory.assignment_id = LESSON
    config.Exchange.root = str(inbound.parent.parent)
    for key, value in config_values.items():
        config.ExchangeCollect[key] = value
    coursedir = CourseDirectory(config=config)
    collect = collector(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    collect.init_src()
    return {record["username"]: record["filename"] for record in collect.src_records}


def new_course(folder: Path, duedate: datetime | None = None) -> Path:
    """A course folder whose gradebook knows the lesson (making a gradebook runs `alembic`, ~2 s)."""
    folder.mkdir()
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", COURSE) as gradebook:
        gradebook.update_or_create_assignment(LESSON, duedate=duedate)
    return folder


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", venv_env()["PATH"])
        return new_course(tmp_path_factory.mktemp("exchange") / "course")


@pytest.fixture()
def inbound(tmp_path) -> Path:
    folder = tmp_path / "exchange" / COURSE / "inbound"
    folder.mkdir(parents=True)
    return folder


def test_a_folder_claiming_another_students_name_is_set_aside(inbound, course):
    mine = submission(inbound, me(inbound), EARLY, "a")
    submission(inbound, "someone-else", LATE, "b")  # made by me, in someone else's name
    assert set(chosen(ExchangeCollect, inbound, course)) == {me(inbound), "someone-else"}, "nbgrader takes both"
    assert chosen(OwnerCheckedCollect, inbound, course) == {me(inbound): mine}


def test_each_student_gets_their_latest_own_submission(inbound, course):
    submission(inbound, me(inbound), EARLY, "a")
    latest = submission(inbound, me(inbound), LATEST, "c")
    submission(inbound, me(inbound), LATE, "b")
    assert chosen(OwnerCheckedCollect, inbound, course) == {me(inbound): latest}


def test_before_the_due_date_picks_the_latest_on_time(inbound, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", venv_env()["PATH"])
    course = new_course(tmp_path / "course", duedate=datetime(2026, 2, 2))
    on_time = submission(inbound, me(inbound), EARLY, "a")
    submission(inbound, me(inbound), LATEST, "c")
    submission(inbound, "someone-else", EARLY, "b")
    picked = chosen(OwnerCheckedCollect, inbound, course, before_duedate=True)
    assert picked == {me(inbound): on_time}
    assert picked.items() <= chosen(ExchangeCollect, inbound, course, before_duedate=True).items(), (
        "nbgrader's rule for the genuine submissions"
    )


def test_check_owner_off_gives_nbgraders_choice(inbound, course):
    submission(inbound, me(inbound), EARLY, "a")
    submission(inbound, "someone-else", LATE, "b")
    nbgraders = chosen(ExchangeCollect, inbound, course)
    assert chosen(OwnerCheckedCollect, inbound, course, check_owner=False) == nbgraders
