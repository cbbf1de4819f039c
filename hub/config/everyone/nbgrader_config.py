"""nbgrader's settings for every server on the course's hub (hub/jupyterhub_config.py puts this folder on
JUPYTER_CONFIG_PATH): which course, and where its exchange is.

The instructor's server also gets COURSE_ROOT, their clone of the course; nbgrader then loads
that folder's own nbgrader_config.py too (lesson folders, late policy, grading settings).
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "customer-obsession"
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
# A submission stays its student's, and only the submissions each student made are collected
# (coursekit/exchange.py says which holes of nbgrader's own exchange these close).
c.ExchangeFactory.submit = "coursekit.exchange.PrivateSubmit"
c.ExchangeFactory.collect = "coursekit.exchange.OwnerCheckedCollect"
if os.environ.get("COURSE_ROOT"):
    c.CourseDirectory.root = os.environ["COURSE_ROOT"]
