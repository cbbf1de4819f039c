"""Debian's Chromium, driven by Playwright from PyPI, cut off from everything but loopback.

Why these choices: the course promises charts that draw behind a classroom
firewall, so the browser gets no route to the internet at all (host names other
than the loopback ones resolve to nothing) and every request it makes is recorded,
so a test can show that a page asked for nothing outside this machine. Playwright
never downloads a browser here: it drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # reported by missing_browser(); the tests then skip or fail with the reason
    PlaywrightError = RuntimeError

CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "file", "about", "chrome-error"}

#: Headless, and quiet: no background calls home, no updater, no sync, a fresh profile.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Every host name but loopback fails to resolve: the browser is offline for the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
#: A laptop's screen. Chromium paints in software here: a taller page (1400 px before) cost about a
#: sixth more of its CPU, which is the largest part of the browser tests' time.
VIEWPORT = {"width": 1280, "height": 800}


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's packages `chromium` and `chromium-driver`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package `playwright` is not installed (it is pinned in requirements.txt)"
    return None


def is_offsite(url: str) -> bool:
    """A request that would leave this machine."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOOPBACK_HOSTS


@dataclass
class RequestLog:
    """Every URL a page asked for that is not on this machine."""

    urls: list[str] = field(default_factory=list)

    def record(self, request) -> None:
        if is_offsite(request.url):
            self.urls.append(request.url)


def watch_requests(page) -> RequestLog:
    """Start recording the page's off-machine requests (before it navigates)."""
    log = RequestLog()
    page.on("request", log.record)
    return log


@contextmanager
def playwright_driver() -> Iterator[object]:
    """Playwright itself: its sync API runs one instance per thread, so the session has one for the
    main thread's browser tests and the hub test has one in its own thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@contextmanager
def chromium(playwright, profile: Path) -> Iterator[object]:
    """A headless Chromium with a fresh profile in ``profile``; closed on exit."""
    profile.mkdir(parents=True, exist_ok=True)
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@contextmanager
def chromium_for_several_people(playwright) -> Iterator[object]:
    """A headless Chromium in which each ``new_context()`` is a separate person (own cookies); closed on exit."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def artifacts_dir(root: Path) -> Path:
    """test-artifacts/browser/ (git ignores it): screenshots a person can look at after a run."""
    folder = root / "test-artifacts" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


#: For each svg/canvas inside an element: its laid-out size and, for an SVG, the texts that stick out
#: of it by more than 2 px (cut off). That happens when the kernel measured the text in one font and
#: the browser draws it in a wider one: titles lose their ends, axis titles slide off the edge.
DRAWN_JS = """
element => {
  element.scrollIntoView({block: 'center'});
  const visible = node => node.textContent.trim() && getComputedStyle(node).opacity !== '0';
  return [...element.querySelectorAll('svg, canvas')].map(node => {
    const box = node.getBoundingClientRect();
    const report = {tag: node.tagName.toLowerCase(), width: box.width, height: box.height,
                    children: node.childElementCount, outside: []};
    if (report.tag !== 'svg') return report;
    for (const text of [...node.querySelectorAll('text')].filter(visible)) {
      const r = text.getBoundingClientRect();
      if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2)
        report.outside.push(text.textContent.trim());
    }
    return report;
  });
}
"""


def drawing_problem(output) -> str | None:
    """Why the chart in this output element is not drawn whole (None if it is).

    Drawn: an svg or canvas with a real size and content. Whole: no text of the
    chart cut off at its edge. The element is scrolled into view first: JupyterLab
    skips laying out off-screen cells, and a person only judges a chart they have
    scrolled to.
    """
    reports = output.evaluate(DRAWN_JS)
    if not reports:
        return "no <svg> or <canvas> in the output"
    drawn = [r for r in reports if r["width"] > 0 and r["height"] > 0]
    if not drawn:
        return f"every <svg>/<canvas> has zero size: {[(r['width'], r['height']) for r in reports]}"
    if not any(r["tag"] == "canvas" or r["children"] > 0 for r in drawn):
        return "the <svg> is empty"
    outside = [text for r in drawn for text in r["outside"]]
    if outside:
        return f"text cut off at the chart's edge: {outside}"
    return None
