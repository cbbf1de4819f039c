"""The stylesheet of nbgrader's feedback pages, with the course's readability fixes on top.

nbgrader writes each student's feedback as a static HTML page styled by Bootstrap 3 and
Pygments. Two of their defaults fall below WCAG's 4.5:1 contrast for normal text (axe-core
``color-contrast``, tests/browser/test_feedback_html.py):

- Bootstrap greys every ``<caption>`` with #777, 4.48:1 on white; the course's tables carry
  captions (coursekit/tables.py), so each one would be flagged;
- Pygments' default style greys comments; nbgrader_config.py picks the "xcode" style instead.

``FeedbackStyle`` is nbconvert's own CSS preprocessor (so its ``style`` setting still
applies) with a few rules appended after everything else, so they win the cascade. It is on
by default: nbgrader registers its feedback preprocessors without enabling them (the stock
one runs only because nbconvert's HTML template switches it on by name).
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from traitlets import default

COURSE_CSS = """
/* Customer Obsession: captions at body-text contrast (Bootstrap's #777 is 4.48:1 on white). */
caption { color: #333333; }
"""


class FeedbackStyle(CSSHTMLHeaderPreprocessor):
    """nbconvert's inlined CSS, then the course's rules (which therefore take precedence)."""

    @default("enabled")
    def _enabled_default(self) -> bool:
        return True

    def _generate_header(self, resources: dict) -> list[str]:
        return [*super()._generate_header(resources), COURSE_CSS]
