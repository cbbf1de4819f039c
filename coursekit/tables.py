"""pandas tables that a screen reader can read: no empty header cell, a caption when a table has one.

Why: pandas writes the top-left corner of every table as an empty header cell, and a
second header row of empty cells under the columns when the index has a name. A screen
reader announces those cells as nothing, and axe-core's ``empty-table-header`` rule fails
on each one (23 of them in lessons 00 and 03). So ``coursekit.setup_charts()`` registers
:func:`frame_html` as IPython's HTML display of a DataFrame: the same table pandas draws
(same rows, truncation and number formats, from ``DataFrame.to_html``), with

- the index's name in the corner cell (each level's name for a MultiIndex), or "row" when
  the index has no name, and never a second row of empty cells;
- the columns' own name (a pivot's ``columns.name``) as a header spanning the columns;
- ``scope`` on every header cell, so each value is read with its row and column;
- a ``<caption>`` when the frame carries one in ``frame.attrs["caption"]``;
- a scrollable group around a table too wide for the page, which a keyboard user can focus
  (Tab) to scroll it, named by the caption or the first columns.

Everything here survives JupyterLab's HTML sanitiser (an untrusted notebook keeps
``caption``, ``th``, ``scope``, ``colspan`` and ``rowspan``).
"""

from __future__ import annotations

import html
import re

import pandas as pd

CAPTION = "caption"
#: Past about this many characters across, a table overflows a notebook's output area: it is then
#: wrapped in a region that scrolls and that a keyboard user can focus to scroll it.
WIDE_TABLE_CHARACTERS = 110

_THEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_ROW = re.compile(r"<tr[^>]*>.*?</tr>", re.S)
_HEADER_CELL = re.compile(r"<th([^>]*)>(.*?)</th>", re.S)
_TBODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
_TABLE_OPEN = re.compile(r"<table[^>]*>")
_TAGS = re.compile(r"<[^>]+>")


def index_labels(frame: pd.DataFrame) -> list[str]:
    """What the corner cell says over each index level: its name, or "row" / "level k" when it has none."""
    names = list(frame.index.names)
    if len(names) == 1:
        return [_text(names[0]) or "row"]
    return [_text(name) or f"level {level + 1}" for level, name in enumerate(names)]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _displayed_html(frame: pd.DataFrame) -> str:
    """pandas' own table for the notebook (its display options), without the row of index names."""
    max_rows = pd.get_option("display.max_rows")
    min_rows = pd.get_option("display.min_rows")
    if max_rows and len(frame) > max_rows:  # what pandas' own notebook display does with a long frame
        max_rows = min(min_rows or max_rows, max_rows)
    return frame.to_html(
        index_names=False,
        max_rows=max_rows,
        max_cols=pd.get_option("display.max_columns"),
        show_dimensions=pd.get_option("display.show_dimensions"),
        float_format=pd.get_option("display.float_format"),
        notebook=True,
    )


def _header(frame: pd.DataFrame, thead: str) -> str:
    """The header rows pandas wrote, with the empty corner cells replaced by the index's names."""
    rows = _ROW.findall(thead)
    corner_levels = frame.index.nlevels
    column_levels = frame.columns.nlevels
    column_name = _text(frame.columns.name) if column_levels == 1 else ""
    span = len(rows) + (1 if column_name else 0)
    rowspan = f' rowspan="{span}"' if span > 1 else ""
    corner = "".join(f'<th scope="col"{rowspan}>{html.escape(label)}</th>' for label in index_labels(frame))
    out = []
    if column_name:
        shown = len(_HEADER_CELL.findall(rows[0])) - corner_levels
        out.append(f'<tr>{corner}<th scope="colgroup" colspan="{shown}">{html.escape(column_name)}</th></tr>')
    for level, row in enumerate(rows):
        cells = _HEADER_CELL.findall(row)[corner_levels:]
        name = _text(frame.columns.names[level]) if column_levels > 1 else ""
        written = []
        for attributes, content in cells:
            scope = "colgroup" if "colspan" in attributes else "col"
            label = f"{html.escape(name)}: {content}" if name else content
            written.append(f'<th scope="{scope}"{attributes}>{label}</th>')
        lead = corner if level == 0 and not column_name else ""
        out.append(f"<tr>{lead}{''.join(written)}</tr>")
    return "<thead>\n" + "\n".join(out) + "\n</thead>"


def _width(table: str) -> int:
    """About how many characters wide the widest row is drawn (cell text plus room between cells)."""
    widths = []
    for row in _ROW.findall(table):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        widths.append(sum(len(html.unescape(_TAGS.sub("", cell)).strip()) + 3 for cell in cells))
    return max(widths, default=0)


def frame_html(frame: pd.DataFrame) -> str | None:
    """The DataFrame as accessible HTML (see the module's docstring); None when pandas would show no HTML."""
    if not pd.get_option("display.notebook_repr_html"):
        return None
    written = _displayed_html(frame)
    thead = _THEAD.search(written)
    if thead:
        written = written[: thead.start()] + _header(frame, thead.group(1)) + written[thead.end() :]
    body = _TBODY.search(written)
    if body:
        rows = re.sub(r"<th(?=[\s>])", '<th scope="row"', body.group(1))
        written = written[: body.start(1)] + rows + written[body.end(1) :]
    caption = _text(frame.attrs.get(CAPTION))
    table = _TABLE_OPEN.search(written)
    if caption and table:
        written = written[: table.end()] + f"\n  <caption>{html.escape(caption)}</caption>" + written[table.end() :]
    if table and _width(written) > WIDE_TABLE_CHARACTERS:
        end = written.rindex("</table>") + len("</table>")
        label = html.escape(_scroll_label(frame), quote=True)
        written = (
            written[: table.start()]
            + f'<div class="course-table-scroll" role="group" aria-label="{label}"'
            + ' tabindex="0" style="overflow-x:auto;max-width:100%">'
            + written[table.start() : end]
            + "</div>"
            + written[end:]
        )
    return written


def _scroll_label(frame: pd.DataFrame) -> str:
    """What a keyboard user hears on reaching a wide table: its caption, else its first columns."""
    caption = _text(frame.attrs.get(CAPTION))
    if not caption:
        columns = [str(c if not isinstance(c, tuple) else " ".join(map(str, c))) for c in frame.columns[:3]]
        caption = "Table of " + ", ".join(columns) + (", …" if len(frame.columns) > 3 else "")
    return f"{caption} (scroll sideways)"


def register_table_formatter() -> None:
    """Make IPython show every DataFrame with :func:`frame_html` (safe to call twice; no-op outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)
