"""What a screen reader gets from a chart: Chromium's own accessibility tree, read over CDP.

Why the browser's tree and not the HTML: the name and description a screen reader
announces are computed by the browser (``role="img"`` hides an SVG's children, a
``<desc>`` may or may not count, a collapsed ``<details>`` hides its table). So the
test asks Chromium what it computed, through the DevTools protocol's Accessibility
domain, and compares it with what the kernel wrote into the chart's HTML.

JupyterLab lays out only the cells near the viewport (``content-visibility``), and a
cell that is not laid out has no accessibility node yet: each chart is scrolled into
view first, and its node read until Chromium has one.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass

#: Marks the element whose accessibility node is wanted, for the one CDP query that finds it.
PROBE = "data-a11y-probe"
WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class AXNode:
    role: str
    name: str
    description: str
    ignored: bool


def ax_node(cdp, element) -> AXNode:
    """Chromium's accessibility node for ``element`` (a Playwright locator), as a screen reader gets it."""
    element.evaluate(f"node => node.setAttribute('{PROBE}', '')")
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_id = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"[{PROBE}]"})["nodeId"]
        node = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})["nodes"][0]
    finally:
        element.evaluate(f"node => node.removeAttribute('{PROBE}')")
    value = lambda key: str((node.get(key) or {}).get("value") or "")  # noqa: E731
    return AXNode(role=value("role"), name=value("name"), description=value("description"), ignored=node["ignored"])


def laid_out_ax_node(cdp, element) -> AXNode:
    """The node once the element is scrolled into view and laid out (ignored nodes are not yet)."""
    element.scroll_into_view_if_needed()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        node = ax_node(cdp, element)
        if not node.ignored or time.monotonic() > deadline:
            return node
        time.sleep(0.1)


@dataclass(frozen=True)
class WrittenChart:
    """What the kernel wrote for one chart: the name and description on its SVG, and its data tables' captions."""

    name: str
    description: str
    captions: list[str]


def written_chart(output_html: str) -> WrittenChart | None:
    """Read the course renderer's figure back from an output's HTML (None if it is not one)."""
    label = re.search(r'<svg\b[^>]*\brole="img"[^>]*\baria-label="([^"]*)"', output_html)
    desc = re.search(r"<desc>(.*?)</desc>", output_html, re.S)
    if not (label and desc):
        return None
    captions = [html.unescape(c) for c in re.findall(r"<caption[^>]*>(.*?)</caption>", output_html, re.S)]
    return WrittenChart(name=html.unescape(label.group(1)), description=html.unescape(desc.group(1)), captions=captions)


def chart_reading_problems(cdp, output, written: WrittenChart | None, where: str, open_table: bool = True) -> list[str]:
    """The chart in ``output`` reads as written: an image with its name and description, and its data table.

    The data table's toggle must read as one; with ``open_table`` it is opened with the
    keyboard (focus its summary, press Enter), as a learner would, and each table must
    then read as a table named by its caption. (Every chart's table is written by the
    same code, so the suite opens one per lesson: each costs a second on a busy machine.)
    """
    if written is None:
        return [f"{where}: the output is not a chart of the course's renderer (no svg role=img with <desc>)"]
    problems = []
    svg = laid_out_ax_node(cdp, output.locator("svg[role=img]"))
    if (svg.role, svg.name, svg.description) != ("image", written.name, written.description):
        problems.append(
            f"{where}: Chromium reads the chart as {svg.role!r} named {svg.name!r} described {svg.description!r}; "
            f"expected an image named {written.name!r} described {written.description!r}"
        )
    if re.fullmatch(r"(?i)\s*(chart|graph|plot|image|figure)?\s*", svg.name):
        problems.append(f"{where}: the chart's name {svg.name!r} says nothing")
    if not written.captions:
        return problems + [f"{where}: no data table"]
    summary = output.locator("details.course-chart-data > summary")
    button = laid_out_ax_node(cdp, summary)
    if button.role != "DisclosureTriangle" or "data" not in button.name.lower():
        problems.append(f"{where}: the data table's toggle reads as {button.role!r} {button.name!r}")
    if not open_table:
        return problems
    summary.focus()
    summary.press("Enter")
    tables = output.locator("details.course-chart-data table")
    for index, caption in enumerate(written.captions):
        table = laid_out_ax_node(cdp, tables.nth(index))
        if table.role != "table" or table.name != caption:
            problems.append(
                f"{where}: data table {index} reads as {table.role!r} {table.name!r}, not the table {caption!r}"
            )
    summary.press("Enter")
    return problems
