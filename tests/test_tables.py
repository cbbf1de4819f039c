"""pandas tables as the course shows them: every header cell says something, key tables say what they are."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

import coursekit
from coursekit.tables import WIDE_TABLE_CHARACTERS, frame_html

DATA = pd.DataFrame(
    {
        "segment": ["loyal", "loyal", "new"],
        "wish": ["speed", "price", "speed"],
        "n": [3, 4, 5],
        "share": [0.5, 0.25, 1.0],
    }
)


def header_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.S)]


FRAMES = {
    "numbered rows": DATA,
    "named index": DATA.set_index("segment"),
    "two-level index": DATA.set_index(["segment", "wish"]),
    "pivot (named columns)": DATA.pivot(index="wish", columns="segment", values="n"),
    "crosstab": pd.crosstab(DATA["segment"], DATA["wish"]),
    "two-level columns": DATA.pivot_table(index="wish", columns="segment", values=["n", "share"]),
    "unnamed two-level index": DATA.set_index(["segment", "wish"]).rename_axis([None, None]),
}


@pytest.mark.parametrize("name", FRAMES)
def test_no_header_cell_is_empty(name):
    frame = FRAMES[name]
    html = frame_html(frame)
    assert all(header_cells(html)), f"{name}: an empty header cell in {header_cells(html)}"
    assert "<th>" not in html and not re.search(r"<th(?=[\s>])(?![^>]*scope=)", html), "every header cell has a scope"
    pandas_rows = len(re.findall(r"<tr", frame._repr_html_().split("<tbody>")[1]))
    assert len(re.findall(r"<tr", html.split("<tbody>")[1])) == pandas_rows, "the same rows as pandas shows"


def test_the_corner_names_the_index_or_says_row():
    assert header_cells(frame_html(DATA))[0] == "row"
    assert header_cells(frame_html(DATA.set_index("segment")))[:2] == ["segment", "wish"]
    assert header_cells(frame_html(FRAMES["two-level index"]))[:3] == ["segment", "wish", "n"]
    assert header_cells(frame_html(FRAMES["unnamed two-level index"]))[:2] == ["level 1", "level 2"]


def test_named_columns_become_a_header_over_them():
    html = frame_html(FRAMES["pivot (named columns)"])
    assert '<th scope="col" rowspan="2">wish</th><th scope="colgroup" colspan="2">segment</th>' in html
    assert header_cells(html) == ["wish", "segment", "loyal", "new", "price", "speed"]


def test_a_caption_in_attrs_is_shown():
    frame = DATA.set_index("segment")
    frame.attrs["caption"] = "Wishes by segment (respondents) & <more>"
    html = frame_html(frame)
    assert (
        '<table border="1" class="dataframe">\n  <caption>Wishes by segment (respondents) &amp; &lt;more&gt;</caption>'
        in html
    )
    assert "<caption" not in frame_html(DATA)


def test_a_long_frame_is_cut_as_pandas_cuts_it():
    long = pd.DataFrame({"x": range(500)})
    html = frame_html(long)
    assert "500 rows × 1 columns" in html
    assert len(re.findall(r"<tr", html.split("<tbody>")[1])) == len(
        re.findall(r"<tr", long._repr_html_().split("<tbody>")[1])
    )


def test_a_wide_table_scrolls_in_a_group_a_keyboard_can_reach():
    wide = pd.DataFrame({f"a_long_column_name_{i}": ["some text in a cell"] for i in range(8)})
    label = "Table of a_long_column_name_0, a_long_column_name_1, a_long_column_name_2, … (scroll sideways)"
    assert f'<div class="course-table-scroll" role="group" aria-label="{label}" tabindex="0"' in frame_html(wide)
    wide.attrs["caption"] = "What each column holds"
    assert 'aria-label="What each column holds (scroll sideways)"' in frame_html(wide)
    narrow = frame_html(DATA)
    assert "role=" not in narrow, f"a table narrower than {WIDE_TABLE_CHARACTERS} characters needs no scroller"


def test_setup_charts_makes_ipython_show_frames_this_way():
    shell = InteractiveShell.instance()
    try:
        coursekit.setup_charts()
        data, _ = shell.display_formatter.format(DATA.set_index("segment"))
        assert header_cells(data["text/html"])[0] == "segment"
        assert "<th></th>" not in data["text/html"]
    finally:
        InteractiveShell.clear_instance()
