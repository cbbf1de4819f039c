"""nbgrader, mapped onto this repository's layout.

solutions/NN-slug/  is nbgrader's "source" step (instructor copy, with answers)
lessons/NN-slug/    is its "release" step (student copy, generated; never edit)

From the repository root:  nbgrader generate_assignment 00-day-one --force
The rest of nbgrader's folders (submitted/, autograded/, feedback/) and the
gradebook.db are created here when an instructor grades; git ignores them.
"""

import math
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = "customer-obsession"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"

# Each lesson cell finishes in well under 5 s on a 2-core laptop; 60 s per cell
# leaves room for a slow hub while stopping an infinite loop within a minute.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- grading a whole class (docs/instructor-guide.md) ---------------------------------

# A student who deletes a test cell, or strips its nbgrader metadata, gets the
# original test put back and run, instead of silently skipping those points.
c.OverwriteCells.add_missing_cells = True

# Late policy: 10% of the autograded points per started day after the due date,
# never below zero. Due dates are set per lesson by the instructor:
#   nbgrader db assignment add 00-day-one --duedate="2026-02-06 17:00:00 Europe/Paris"
LATE_PENALTY_PER_DAY = 0.10


class PercentPerDayLate(LateSubmissionPlugin):
    """A late penalty a student can predict: a fixed share of the score per started day.

    nbgrader's built-in plugin knows only "none" and "zero"; zero for a minute's
    delay is harsher than most syllabi. nbgrader calls this at autograde time with
    the notebook's score then (the autograded points; reflections are graded later).
    """

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        days = math.ceil(total_seconds_late / 86400)
        penalty = min(score, round(score * LATE_PENALTY_PER_DAY * days, 6))
        self.log.warning("%s: %d day(s) late, penalty %g of %g points", student_id, days, penalty, score)
        return penalty


c.AssignLatePenalties.plugin_class = PercentPerDayLate

# --- warm kernels (coursekit/warm_kernels.py) ----------------------------------------------
# Each submission still gets its own new kernel, but it was started, and pandas, Altair and
# the chart renderer imported, while the previous submission ran. COURSE_WARM_KERNELS=0 in
# the environment, or c.WarmExecute.warm = False here, turns it off. WarmExecute is nbgrader's
# Execute step, so every Execute setting (the timeout above, --Execute.timeout=...) applies.
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.preprocessors import Execute  # noqa: E402

from coursekit.warm_kernels import WarmExecute  # noqa: E402

c.Autograde.autograde_preprocessors = [
    WarmExecute if step is Execute else step for step in Autograde.class_traits()["autograde_preprocessors"].default()
]

# --- feedback pages a student can read (tests/browser/test_feedback_html.py) ---------------
# Pygments' default style colours comments and "in"/"not"/"and" below WCAG's 4.5:1 contrast
# (axe-core: 53 of the 76 colour-contrast failures on lesson 00's feedback page). "xcode" keeps
# syntax colours, each at least 4.7:1 on the page's white and light-grey code backgrounds.
c.CSSHTMLHeaderPreprocessor.style = "xcode"
# Bootstrap's grey captions are below 4.5:1 too; FeedbackStyle appends the course's fixes.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.converters import GenerateFeedback  # noqa: E402

from coursekit.feedback_style import FeedbackStyle  # noqa: E402

c.GenerateFeedback.preprocessors = [
    FeedbackStyle if step is CSSHTMLHeaderPreprocessor else step
    for step in GenerateFeedback.class_traits()["preprocessors"].default()
]
