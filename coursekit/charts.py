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

**What a screen reader meets** (:func:`chart_html`). Each chart is a ``<figure>``:

- the ``<svg>`` has ``role="img"``, a name (``aria-label`` and ``<title>``: the kind of chart
  and its title) and a description (``<desc>``: the chart's ``description=``, or, when it
  has none, a sentence built from its mark, title and axes by :func:`default_description`);
- a normal ``<figcaption>`` shows that description under the chart;
- a collapsed ``<details>`` holds the data as a table, one row per drawn mark, with the axis
  titles as column headers (:func:`data_tables`). It is read from Vega's own scene graph,
  so it lists what is drawn, after every aggregate, filter and sort, and no lesson has to
  remember to add it.

**Untrusted notebooks.** JupyterLab passes the HTML of an untrusted output (a notebook
opened with outputs nobody signed, such as a copy sent by someone else) through its
sanitiser, which drops ``<svg>``, ``<style>``, ``role`` and every ``aria-*`` attribute
but keeps ``figure``, ``figcaption``, ``details``, ``summary``, ``table``, ``caption``,
``img`` with ``alt`` and a ``data:`` source, ``class`` and an inline ``display`` style
(``@jupyterlab/apputils``, ``sanitizer.ts``). So the figure holds the drawing twice: the
inline SVG in a wrapper hidden by an inline ``display:none``, and the same SVG as an
``<img>`` with ``alt`` text; a ``<style>`` element, which only a trusted output keeps,
shows the inline SVG and hides the image. Trusted (and in nbconvert's HTML): the inline
SVG, fully accessible. Untrusted: the image, its alt text, the caption and the data
table, and none of the SVG's tick labels as run-on text (their wrapper stays hidden).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert as vlc

from coursekit.checks import axis_title, channel, compiled
from coursekit.tables import register_table_formatter

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
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")

#: At most this many rows in a chart's data table (a heatmap can draw hundreds of cells).
ROW_CAP = 100

#: How a chart of each Vega-Lite mark is called in its name and its automatic description.
CHART_KINDS = {
    "bar": "Bar chart",
    "line": "Line chart",
    "trail": "Line chart",
    "area": "Area chart",
    "point": "Scatter plot",
    "circle": "Scatter plot",
    "square": "Scatter plot",
    "rect": "Heatmap",
    "tick": "Strip plot",
    "rule": "Chart of reference lines",
    "text": "Chart of text labels",
    "arc": "Pie chart",
    "boxplot": "Box plot",
    "errorbar": "Chart of error bars",
    "errorband": "Chart of error bands",
    "geoshape": "Map",
    "image": "Chart of images",
}
#: What one drawn item of each Vega mark is called in a data table's caption (Vega's role
#: description, else its mark type).
ITEM_NAMES = {
    "bar": "bars",
    "point": "points",
    "circle": "points",
    "square": "points",
    "symbol": "points",
    "line": "points of the line",
    "area": "points of the area",
    "trail": "points of the line",
    "rect": "cells",
    "rule": "reference lines",
    "text": "text labels",
    "tick": "ticks",
    "arc": "slices",
}


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


def _prefix(svg: str) -> str:
    """A short name for this drawing, the same every time it is drawn: ids and classes start with it."""
    return "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:10]


def make_ids_unique(svg: str) -> str:
    """Prefix the SVG's element ids so two charts in one page never share a clip path."""
    prefix = _prefix(svg) + "-"
    for old in set(_ID.findall(svg)):
        new = prefix + old
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


# --- what the chart is called and what it says ---------------------------------------------


def _first_unit(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first single-view part of a chart (through layers, facets and concatenations)."""
    for key in ("layer", "hconcat", "vconcat", "concat"):
        if spec.get(key):
            return _first_unit(spec[key][0])
    if isinstance(spec.get("spec"), Mapping):
        return _first_unit(spec["spec"])
    return spec


def _mark(spec: Mapping[str, Any]) -> str:
    mark = _first_unit(spec).get("mark", "")
    return str(mark.get("type", "") if isinstance(mark, Mapping) else mark)


def chart_kind(spec: Mapping[str, Any]) -> str:
    """ "Bar chart", "Line chart", "Scatter plot"... from the first layer's mark ("Chart" if unknown)."""
    return CHART_KINDS.get(_mark(spec), "Chart")


def _title_text(title: Any) -> str:
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list | tuple):
        title = " ".join(str(line) for line in title)
    return "" if title is None else str(title).strip()


def chart_title(spec: Mapping[str, Any]) -> str:
    return _title_text(spec.get("title") or _first_unit(spec).get("title"))


def given_description(spec: Mapping[str, Any]) -> str:
    return str(spec.get("description") or _first_unit(spec).get("description") or "").strip()


def channel_label(spec: Mapping[str, Any], name: str) -> str:
    """What channel ``name`` shows, in words: its axis or legend title, else its field ('' if unused)."""
    encoding = channel(spec, name)
    if not encoding:
        return ""
    title = axis_title(spec, name)
    if title:
        return title
    field = encoding.get("field")
    aggregate = encoding.get("aggregate")
    if aggregate == "count" and not field:
        return "Count of Records"  # Vega-Lite's own title for it
    if isinstance(field, Mapping):  # a repeated field
        field = next(iter(field.values()), "")
    if field and aggregate:
        return f"{aggregate} of {field}"
    return str(field or "")


def _kind(spec: Mapping[str, Any], name: str) -> str:
    return str(channel(spec, name).get("type", ""))


def default_description(spec: Mapping[str, Any], drawn: int | None = None) -> str:
    """A sentence from the chart's mark, title and axes, for a chart that has no description.

    "Bar chart titled 'Respondents by segment', showing Respondents (count) by Segment (3 bars)."
    Never just "chart": it names what each axis shows, so a screen-reader user learns what
    the picture is about; the data table under it gives the values.
    """
    kind = chart_kind(spec)
    x, y = channel_label(spec, "x"), channel_label(spec, "y")
    if x and y:
        if _kind(spec, "x") == "quantitative" and _kind(spec, "y") != "quantitative":
            shown = f"{x} by {y}"
        elif _kind(spec, "y") == "quantitative" and _kind(spec, "x") == "temporal":
            shown = f"{y} over {x}"
        elif _kind(spec, "y") == "quantitative" and _kind(spec, "x") != "quantitative":
            shown = f"{y} by {x}"
        else:
            shown = f"{y} against {x}"
    else:
        shown = x or y or channel_label(spec, "theta") or channel_label(spec, "text")
    extras = [
        f"{word} {label}"
        for word, name in (("coloured by", "color"), ("shaped by", "shape"), ("sized by", "size"))
        if (label := channel_label(spec, name))
    ]
    title = chart_title(spec)
    sentence = kind + (f" titled '{title}'" if title else "")
    if shown:
        sentence += (", showing " if title else " showing ") + shown
    if extras:
        sentence += ", " + ", ".join(extras)
    if drawn:
        sentence += f" ({drawn} {ITEM_NAMES.get(_mark(spec), 'marks') if drawn != 1 else 'mark'})"
    return sentence + "."


@dataclass(frozen=True)
class ChartText:
    """What the chart is called (``name``), what it shows (``description``), and whether a person wrote that."""

    name: str
    description: str
    described: bool


def chart_text(spec: Mapping[str, Any], drawn: int | None = None) -> ChartText:
    """The accessible name ("Bar chart: <title>", "Untitled bar chart") and description of a chart."""
    kind, title = chart_kind(spec), chart_title(spec)
    name = f"{kind}: {title}" if title else f"Untitled {kind[0].lower()}{kind[1:]}"
    given = given_description(spec)
    if given:
        return ChartText(name=name, description=given, described=True)
    return ChartText(name=name, description=default_description(spec, drawn), described=False)


# --- the chart's data, as drawn ---------------------------------------------------------------

#: A top-level string in Vega-Lite's description expression: '"Title: " + (...)' or '+ "; Title: " + (...)'.
_TITLE_LITERAL = re.compile(r'(?:^|\) \+ )"((?:[^"\\]|\\.)*)" \+ \(')
_DECIMAL = re.compile(r"^([−-]?)(\d+\.\d+)(%?)$")


@dataclass(frozen=True)
class DataTable:
    """The items one mark draws: ``columns`` (axis titles) and ``rows`` (at most :data:`ROW_CAP`) of ``total``."""

    items: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int


def _description_titles(vega: Any, found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Mark name -> the field titles, in order, of the description Vega-Lite gives each item of it."""
    if isinstance(vega, Mapping):
        signal = ((vega.get("encode") or {}).get("update") or {}).get("description")
        if isinstance(signal, Mapping) and isinstance(signal.get("signal"), str) and vega.get("name"):
            titles = [json.loads(f'"{literal}"') for literal in _TITLE_LITERAL.findall(signal["signal"])]
            titles = [t.removeprefix("; ").removesuffix(": ") for t in titles]
            if titles and all(titles):
                found[str(vega["name"])] = titles
        for value in vega.values():
            _description_titles(value, found)
    elif isinstance(vega, list):
        for value in vega:
            _description_titles(value, found)
    return found


def _split(description: str, titles: list[str]) -> tuple[str, ...] | None:
    """'A: 1; B: x' with titles [A, B] -> ('1', 'x'); None if it does not read that way."""
    values, rest = [], description
    for position, title in enumerate(titles):
        start = f"{title}: "
        if not rest.startswith(start):
            return None
        rest = rest[len(start) :]
        if position + 1 < len(titles):
            cut = rest.find(f"; {titles[position + 1]}: ")
            if cut < 0:
                return None
            values.append(rest[:cut])
            rest = rest[cut + 2 :]
        else:
            values.append(rest)
    return tuple(tidy_number(value) for value in values)


def tidy_number(text: str) -> str:
    """'0.710526315789' -> '0.7105', '32.329232%' -> '32.33%': four significant figures, other text as is."""
    match = _DECIMAL.match(text.strip())
    if not match:
        return text
    sign, digits, percent = match.groups()
    value = float(digits)
    if value == 0:
        return f"{sign}0{percent}".replace("−0", "0").replace("-0", "0")
    decimals = max(0, 3 - math.floor(math.log10(value)))
    shown = f"{value:.{decimals}f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return f"{sign}{shown}{percent}"


def _marks(node: Any) -> Iterable[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if node.get("role") == "mark" and node.get("marktype") != "group":
            yield node
        for child in node.get("items", ()):
            yield from _marks(child)


def _covers(rows: Iterable[tuple[str, ...]], other: Iterable[tuple[str, ...]]) -> bool:
    """Every row's values appear together in some row of ``other`` (points on a line, labels on bars)."""
    seen = [set(row) for row in other]
    return all(any(set(row) <= values for values in seen) for row in rows)


def _reading_order(items: list[Mapping[str, Any]], rows_first: bool) -> list[Mapping[str, Any]]:
    """Items as a sighted reader meets them: top to bottom (bars along a category y axis, heatmap
    rows), else left to right; not in the data's order, which a ``sort=`` leaves unchanged."""

    def position(item: Mapping[str, Any]) -> tuple[float, float]:
        x, y = float(item.get("x", 0) or 0), float(item.get("y", 0) or 0)
        return (round(y, 3), round(x, 3)) if rows_first else (round(x, 3), round(y, 3))

    return sorted(items, key=position)


def data_tables(vega: Mapping[str, Any], scenegraph: Mapping[str, Any], rows_first: bool = False) -> list[DataTable]:
    """The chart's data as drawn: one table per mark (a layer), each row one drawn item, in reading
    order (``rows_first``: top to bottom, for a chart whose y axis holds categories).

    Each item carries the description Vega-Lite writes for screen readers ("Year: 2015;
    Share (%): 71"), from the encoded fields and their titles; it is split at the titles
    read from the compiled Vega spec, so a title or value with a ";" in it stays whole.
    Series of one line, or cells of a facet, join one table. A layer that only repeats
    values another lists (points on a line, text labels on bars, the rule under an
    annotation's text) adds no table; of two that repeat each other, the first drawn stays.
    """
    titles = _description_titles(vega, {})
    groups: dict[str, tuple[str, list[tuple[str, ...]]]] = {}
    for mark in _marks(scenegraph):
        name, items = str(mark.get("name", "")), mark.get("items", ())
        if name not in titles or not items:
            continue
        ordered = _reading_order(list(items), rows_first)
        rows = [_split(str(item.get("description", "")), titles[name]) for item in ordered]
        if any(row is None for row in rows):
            continue
        role = str(items[0].get("ariaRoleDescription") or mark.get("marktype") or "")
        label = ITEM_NAMES.get(role, ITEM_NAMES.get(str(mark.get("marktype")), "marks"))
        groups.setdefault(name, (label, []))[1].extend(rows)  # type: ignore[arg-type]
    tables = []
    listed = [(name, label, list(dict.fromkeys(rows))) for name, (label, rows) in groups.items()]
    for position, (name, label, rows) in enumerate(listed):
        earlier = any(_covers(rows, kept) for _, _, kept in tables)
        later = any(_covers(rows, more) and not _covers(more, rows) for _, _, more in listed[position + 1 :])
        if not (earlier or later):
            tables.append((name, label, rows))
    return [DataTable(label, tuple(titles[name]), tuple(rows[:ROW_CAP]), len(rows)) for name, label, rows in tables]


# --- the HTML ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedChart:
    """Everything the page shows for one chart."""

    svg: str
    text: ChartText
    tables: list[DataTable]


def render(spec: dict[str, Any]) -> RenderedChart:
    """Draw the chart and read its data, from one compilation of the spec."""
    vega, scene = compiled(spec)  # shared with the checks, which then read this drawing
    svg = vlc.vega_to_svg(vega)
    rows_first = _kind(spec, "y") in ("nominal", "ordinal")
    tables = data_tables(vega, scene, rows_first)
    drawn = tables[0].total if tables else None
    return RenderedChart(svg=svg, text=chart_text(spec, drawn), tables=tables)


def _accessible_svg(svg: str, text: ChartText) -> str:
    """The SVG as one image for assistive technology: role, name, <title> and <desc>."""
    name, description = html.escape(text.name), html.escape(text.description)
    opening = _SVG_OPEN.search(svg)
    if not opening:
        return svg
    tag = opening.group(0)[:-1] + f' role="img" aria-label="{html.escape(text.name, quote=True)}">'
    inner = f"<title>{name}</title><desc>{description}</desc>"
    return svg[: opening.start()] + tag + inner + svg[opening.end() :]


def table_html(table: DataTable, chart_name: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(column)}</th>' for column in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in row) + "</tr>" for row in table.rows)
    shown = len(table.rows)
    count = f"{table.total} rows" if shown == table.total else f"first {shown} of {table.total} rows"
    caption = html.escape(f"{chart_name}: the {table.items} it draws ({count})")
    return (
        f'<table class="course-chart-table"><caption style="text-align:left">{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def chart_html(chart: RenderedChart) -> str:
    """The figure: drawing (inline SVG, or an image where the SVG would be stripped), caption, data table."""
    prefix = _prefix(chart.svg)
    text = chart.text
    inline = _accessible_svg(make_ids_unique(chart.svg), text)
    image = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    size = re.search(r'\bwidth="([\d.]+)" height="([\d.]+)"', chart.svg)
    width_height = f' width="{size.group(1)}" height="{size.group(2)}"' if size else ""
    caption = html.escape(text.description)
    if not text.described:
        caption += " <em>(Described automatically: this chart has no description.)</em>"
    tables = "".join(table_html(table, text.name) for table in chart.tables)
    data = (
        '<details class="course-chart-data" style="margin-top:0.3em"><summary>Data behind this chart, as a table'
        f"</summary>{tables}</details>"
        if tables
        else ""
    )
    return (
        f'<figure class="course-chart" style="margin:0 0 0.5em 0">'
        f"<style>.{prefix}-svg{{display:block!important}}.{prefix}-img{{display:none!important}}</style>"
        f'<div class="course-chart-svg {prefix}-svg" style="display:none">{inline}</div>'
        f'<img class="course-chart-img {prefix}-img" src="data:image/svg+xml;base64,{image}"'
        f' alt="{html.escape(text.name, quote=True)}"{width_height}>'
        f'<figcaption style="font-size:0.85em;color:#333;max-width:40em">{caption}</figcaption>'
        f"{data}</figure>"
    )


def svg_renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: the chart as an accessible figure (see the module's docstring)."""
    chart = render(spec)
    plain = f"<Altair chart: {chart.text.name}. {chart.text.description}>"
    return {"text/html": chart_html(chart), "text/plain": plain}


def setup_charts() -> None:
    """Course theme, offline accessible charts, accessible pandas tables (safe to call twice)."""
    alt.theme.register(THEME, enable=True)(course_theme)
    alt.renderers.register(RENDERER, svg_renderer)
    alt.renderers.enable(RENDERER)
    register_table_formatter()
