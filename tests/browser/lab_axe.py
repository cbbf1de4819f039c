"""axe-core in the test browser: which accessibility rules a page breaks, and whose they are.

Why sort the findings: a notebook page holds two things. The course's content (what a
lesson writes: rendered markdown, tables, charts, any output of its cells) is the
course's to fix, so a violation there fails the test. The rest (JupyterLab's toolbar,
editors, prompts, nbconvert's and nbgrader's page templates) is not: those are listed in
a report file under test-artifacts/ so that a person can see them, and followed upstream.

axe-core's JavaScript comes from npm at the version package-lock.json pins (``make node``
runs ``npm ci``; ``make test`` does it first), read from node_modules/ and injected into the
page: nothing is fetched while the tests run. Default rules, as the issue measured them.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from support import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

#: Where the course's own content sits, in JupyterLab and in nbconvert's lab and classic templates:
#: every output of a cell, and rendered markdown.
CONTENT = ", ".join(
    [
        ".jp-OutputArea-output",
        ".jp-RenderedMarkdown",
        ".jp-MarkdownOutput",
        ".output_subarea",
        ".text_cell_render",
    ]
)
#: Inside the content, what JupyterLab or nbconvert add themselves: the "¶" anchor after each
#: heading, the prompts.
NOT_CONTENT = ".jp-InternalAnchorLink, .anchor-link, .jp-OutputPrompt, .jp-InputPrompt, .prompt"

#: Run axe on the whole page, then say for each failing element whether it lies in the content.
AXE_RUN_JS = """
async ([content, notContent, whole]) => {
  const outermost = [...document.querySelectorAll(content)].filter(node => !node.parentElement.closest(content));
  const context = whole ? document : {include: outermost};
  const results = await axe.run(context, {resultTypes: ['violations']});
  const inContent = selector => {
    if (!Array.isArray(selector) || selector.length !== 1 || typeof selector[0] !== 'string') return false;
    const node = document.querySelector(selector[0]);
    return !!node && !!node.closest(content) && !node.closest(notContent);
  };
  return {
    version: axe.version,
    violations: results.violations.map(rule => ({
      id: rule.id, impact: rule.impact, help: rule.help,
      nodes: rule.nodes.map(node => ({
        target: node.target, html: node.html.slice(0, 300), content: inContent(node.target),
        summary: (node.failureSummary || '').slice(0, 300),
      })),
    })),
  };
}
"""


@dataclass(frozen=True)
class Finding:
    """One element that breaks one rule."""

    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str
    content: bool

    def line(self) -> str:
        return f"[{self.impact}] {self.rule}: {self.help}\n    at {self.target}\n    {self.html}"


@dataclass
class AxeReport:
    """What axe found on one page, split into the course's content and the rest."""

    page: str
    version: str
    findings: list[Finding] = field(default_factory=list)
    #: Seconds spent on each check of the page (axe, reading the charts...), for the suite's time budget.
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def content(self) -> list[Finding]:
        return [f for f in self.findings if f.content]

    @property
    def interface(self) -> list[Finding]:
        return [f for f in self.findings if not f.content]

    def counts(self, findings: list[Finding] | None = None) -> dict[str, int]:
        """Elements per rule."""
        return dict(sorted(Counter(f.rule for f in (self.findings if findings is None else findings)).items()))

    def as_dict(self) -> dict:
        return {
            "page": self.page,
            "axe": self.version,
            "seconds": {name: round(value, 2) for name, value in self.seconds.items()},
            "content_counts": self.counts(self.content),
            "interface_counts": self.counts(self.interface),
            "content": [f.__dict__ for f in self.content],
            "interface": [f.__dict__ for f in self.interface],
        }


def missing_axe() -> str | None:
    """Why axe-core cannot be injected here, or None when it can."""
    if AXE_JS.is_file():
        return None
    return f"{AXE_JS.relative_to(ROOT)} is missing: run `make node` (npm ci) once"


def check_page(page, name: str, whole: bool = True) -> AxeReport:
    """Run axe-core (default rules) on ``page`` as it is now; inject axe first if the page lacks it.

    ``whole=False`` checks only the course's content (much faster on a long notebook: JupyterLab's
    editors and toolbars are most of the page); the interface is then neither checked nor listed.
    """
    start = time.perf_counter()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    raw = page.evaluate(AXE_RUN_JS, [CONTENT, NOT_CONTENT, whole])
    findings = [
        Finding(
            rule=rule["id"],
            impact=rule["impact"] or "",
            help=rule["help"],
            target=" ".join(str(part) for part in node["target"]),
            html=node["html"],
            summary=node["summary"],
            content=node["content"],
        )
        for rule in raw["violations"]
        for node in rule["nodes"]
    ]
    return AxeReport(page=name, version=raw["version"], findings=findings, seconds={"axe": time.perf_counter() - start})


def write_report(folder: Path, report: AxeReport) -> Path:
    """test-artifacts/browser/axe-<page>.json: every finding, the interface's included."""
    path = folder / f"axe-{report.page}.json"
    path.write_text(json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def content_problems(report: AxeReport) -> list[str]:
    """One line per violation in the course's content: what the test fails on."""
    return [f"{report.page}: {finding.line()}" for finding in report.content]
