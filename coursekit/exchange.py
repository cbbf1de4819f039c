"""nbgrader's exchange on a hub of Unix users: a submission stays its student's, and only theirs is collected.

Two holes of nbgrader's own exchange, closed here for hub/jupyterhub_config.py (every person a
Unix user; set in hub/config/everyone/nbgrader_config.py):

``PrivateSubmit``: nbgrader makes each submission folder writable by everyone (mode 0777, "so the
instructor can delete later"). Only its random name hides it: whoever learns the name can empty
it or put another notebook in. This submit closes the folder to everyone but its student and
the instructor's group, which the inbound folder (set-group-id) gives every new folder in it:
mode 0750. nbgrader already makes the files in it read-only for others (0644).

``OwnerCheckedCollect``: students may create folders in the inbound folder (that is how they
submit), and nbgrader reads whose submission it is from the folder's name
(``<student>+<lesson>+<time>+<random>``), which the submitting program chose:
``nbgrader submit L --student someone-else`` or a plain ``mkdir`` makes one that claims another
student's name. nbgrader's collect notices that the folder's Unix owner differs, logs "cheating
attempt?", and collects it anyway as that student's latest submission. This collect sets such a
folder aside, with an error in the log naming both students, and picks each student's
submission among the folders they own.

Neither fits a hub whose servers all run as one shared account (``jovyan``): there every folder
has the same owner.
"""

from __future__ import annotations

import glob
import os
import pwd
from collections import defaultdict

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit

#: A submission folder: its student writes, the instructor's group enters and reads, nobody else enters.
PRIVATE_MODE = 0o750
#: nbgrader's modes without the write for all: if the folder did not get the inbound folder's group
#: (an inbound folder without set-group-id), closing it to others would shut the instructor out.
FALLBACK_MODE = 0o755


def owner_of(path: str) -> str:
    """The Unix user name that owns ``path`` (its uid in brackets if no such user exists)."""
    uid = os.stat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"[uid {uid}]"


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission folder closed to everyone but its student and the instructor."""

    def copy_files(self) -> None:
        super().copy_files()
        folder = os.path.join(self.inbound_path, self.assignment_filename)
        instructors = os.stat(self.inbound_path).st_gid
        os.chmod(folder, PRIVATE_MODE if os.stat(folder).st_gid == instructors else FALLBACK_MODE)


class OwnerCheckedCollect(ExchangeCollect):
    """Collect each student's latest submission among those they own (before the due date if asked)."""

    def init_src(self) -> None:
        super().init_src()  # nbgrader's checks, its due date, and its own choice (replaced below)
        if not self.check_owner:
            return
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        by_student: dict[str, list[dict]] = defaultdict(list)
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            owner = owner_of(path)
            if owner == record["username"]:
                by_student[record["username"]].append(record)
            else:
                self.log.error(
                    "Set aside %s: it claims to be %s's submission, but %s made it.",
                    record["filename"],
                    record["username"],
                    owner,
                )
        self.src_records = [self._choose(records) for records in by_student.values()]

    def _choose(self, records: list[dict]) -> dict:
        """nbgrader's rule: the latest, or with ``before_duedate`` the latest before the due date if any."""
        newest_first = self._sort_by_timestamp(records)
        if self.duedate is not None and self.before_duedate:
            on_time = [record for record in newest_first if record["timestamp"] <= self.duedate]
            if on_time:
                return on_time[0]
        return newest_first[0]
