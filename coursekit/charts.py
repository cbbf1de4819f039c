"""Charts that draw with no internet, in JupyterLab and in nbgrader's feedback HTML.

Why static SVG: Altair 6 writes Vega-Lite 6 specs. JupyterLab 4 only bundles a
renderer for Vega-Lite 5, so Altair's default ``html`` output fetches Vega's
JavaScript from a CDN (blank charts behind a classroom firewall), its
``mimetype`` output uses a MIME type JupyterLab does not know (and that fails
nbformat validation under ``nbconvert --execute``), and nbconvert's HTML, which
nbgrader's feedback uses, runs no Vega at all. So the course renders each chart
in the kernel with ``vl-convert`` (Vega's own engine, shipped inside a PyPI wheel,
no network) and outputs the SVG inline as HTML. Every consumer that shows HTML
draws it: JupyterLab, nbgrader feedback, nbviewer. The cost is interactivity
(no tooltips or zoom), which the lessons do not rely on.

Charts stay ordinary Altair objects: exercises are graded on ``chart.to_dict()``,
never on pixels.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import altair as alt
import vl_convert as vlc

THEME = "customer_obsession"
RENDERER = "customer_obsession_svg"

#: Okabe & Ito (2008) palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
#: The kernel lays text out in the first of these fonts that vl-convert finds (it always has its
#: own Liberation Sans); the browser draws it in the first one it has. If the browser's is wider,
#: titles are cut off at the chart's edge and axis titles crowd their labels. Naming DejaVu Sans
#: first (the one font nearly every Linux machine has, and often the only one) makes a Linux kernel
#: and a Linux browser agree; without it both sides fall to Liberation Sans or Arial, which share
#: their metrics. The old stack began with Helvetica and Arial, which a bare Linux machine lacks:
#: vl-convert then measured in Liberation Sans while Chromium, through fontconfig, drew the same
#: names in the wider DejaVu Sans.
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"

_ID = re.compile(r'\bid="([^"]+)"')


def course_theme() -> alt.theme.ThemeConfig:
    """Readable type, a colour-blind-safe palette, room for titles."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 420, "continuousHeight": 260, "stroke": None},
            "title": {"fontSize": 16, "anchor": "start", "subtitleFontSize": 13, "offset": 8},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "grid": True, "gridOpacity": 0.4},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "header": {"labelFontSize": 12, "titleFontSize": 13},
            "range": {"category": OKABE_ITO},
            "mark": {"color": OKABE_ITO[0]},
            "bar": {"color": OKABE_ITO[0]},
            "line": {"color": OKABE_ITO[0], "strokeWidth": 2},
            "point": {"color": OKABE_ITO[0], "filled": True},
        }
    }


def spec_to_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG text in-process (no browser, no network)."""
    return vlc.vegalite_to_svg(spec)


def make_ids_unique(svg: str) -> str:
    """Prefix the SVG's element ids so two charts in one page never share a clip path."""
    prefix = "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:10] + "-"
    for old in set(_ID.findall(svg)):
        new = prefix + old
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


def svg_renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: inline SVG in HTML, with the chart's description as its caption."""
    svg = make_ids_unique(spec_to_svg(spec))
    description = spec.get("description")
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = html.escape(str(description or title or "chart"), quote=True)
    caption = (
        f'<figcaption style="font-size:0.85em;color:#444;max-width:40em">{html.escape(str(description))}</figcaption>'
        if description
        else ""
    )
    figure = f'<figure class="course-chart" role="img" aria-label="{label}" style="margin:0">{svg}{caption}</figure>'
    return {"text/html": figure, "text/plain": f"<Altair chart: {label}>"}


def setup_charts() -> None:
    """Switch Altair to the course theme and the offline SVG renderer (safe to call twice)."""
    alt.theme.register(THEME, enable=True)(course_theme)
    alt.renderers.register(RENDERER, svg_renderer)
    alt.renderers.enable(RENDERER)
