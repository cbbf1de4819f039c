"""nbgrader, mapped onto this repository's layout.

solutions/NN-slug/  is nbgrader's "source" step (instructor copy, with answers)
lessons/NN-slug/    is its "release" step (student copy, generated; never edit)

From the repository root:  nbgrader generate_assignment 00-day-one --force
The rest of nbgrader's folders (submitted/, autograded/, feedback/) and the
gradebook.db are created here when an instructor grades; git ignores them.
"""

from pathlib import Path

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
