"""The chart set-up: offline SVG inside HTML, course theme, safe to show many charts in one page."""

from __future__ import annotations

import base64
import re

import altair as alt
import pandas as pd
import pytest

import coursekit
from coursekit import charts


@pytest.fixture(autouse=True)
def course_charts():
    before_renderer, before_theme = alt.renderers.active, alt.theme.active
    coursekit.setup_charts()
    yield
    alt.renderers.enable(before_renderer)
    alt.theme.enable(before_theme)


def sample_chart(title="Orders by month", description="Line chart of orders.") -> alt.Chart:
    table = pd.DataFrame({"month": list(range(1, 7)), "orders": [3, 5, 4, 8, 9, 12]})
    described = {"description": description} if description else {}
    return (
        alt.Chart(table, title=title, **described)
        .mark_line(clip=True)
        .encode(x=alt.X("month:O", title="Month"), y=alt.Y("orders:Q", title="Orders (count)"))
    )


def test_setup_enables_course_renderer_and_theme():
    assert alt.renderers.active == charts.RENDERER
    assert alt.theme.active == charts.THEME


def test_output_is_inline_svg_with_no_script_or_network():
    bundle = sample_chart()._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(bundle) == {"text/html", "text/plain"}
    html = bundle["text/html"]
    assert "<svg" in html and "</svg>" in html, "the chart is drawn as SVG in the kernel"
    assert "<script" not in html, "no JavaScript is needed to see the chart"
    assert not re.search(r"(src|href)=\"https?://", html), "nothing is fetched from the internet"
    assert "Orders by month" in html, "the title is drawn into the SVG"


def html_of(chart) -> str:
    bundle = chart._repr_mimebundle_()
    return (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]


def test_the_svg_is_one_image_with_a_name_and_the_description():
    html = html_of(sample_chart(description="Orders rise from 3 to 12."))
    svg = re.search(r"<svg\b[^>]*>", html).group(0)
    assert 'role="img"' in svg and 'aria-label="Line chart: Orders by month"' in svg
    assert "<title>Line chart: Orders by month</title><desc>Orders rise from 3 to 12.</desc>" in html
    assert re.search(r"<figcaption[^>]*>Orders rise from 3 to 12.</figcaption>", html), "a normal caption"
    figure = re.search(r"<figure\b[^>]*>", html).group(0)
    assert "role=" not in figure and "aria-" not in figure, "a figure with a figcaption takes no role (axe)"


def test_two_charts_never_share_element_ids():
    first = sample_chart(title="A")._repr_mimebundle_()["text/html"]
    second = sample_chart(title="B")._repr_mimebundle_()["text/html"]
    ids_first = set(re.findall(r'\bid="([^"]+)"', first))
    ids_second = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_first, "the clipped line chart defines a clip path id"
    assert not ids_first & ids_second, "two charts in one page would clip each other"
    for element_id in ids_first:
        assert f"url(#{element_id})" in first or f'href="#{element_id}"' in first


def test_theme_uses_the_colour_blind_safe_palette():
    spec = sample_chart().to_dict()
    assert spec["config"]["range"]["category"] == charts.OKABE_ITO
    assert spec["config"]["title"]["fontSize"] >= 14
    assert spec["config"]["axis"]["labelFontSize"] >= 11


def test_setup_is_idempotent():
    coursekit.setup_charts()
    coursekit.setup_charts()
    assert "<svg" in sample_chart()._repr_mimebundle_()["text/html"]


# --- a chart's name, description and data, for a screen reader --------------------------------


def test_a_chart_without_description_is_described_from_its_mark_title_and_axes():
    bare = alt.Chart(pd.DataFrame({"segment": ["a", "b"], "respondents": [3, 5]})).mark_bar()
    bare = bare.encode(x="respondents:Q", y="segment:N")
    text = charts.render(bare.to_dict()).text
    assert text.name == "Untitled bar chart"
    assert text.description == "Bar chart showing respondents by segment (2 bars)."
    assert not text.described
    titled = sample_chart(description=None)
    text = charts.render(titled.to_dict()).text
    assert text.name == "Line chart: Orders by month"
    assert (
        text.description
        == "Line chart titled 'Orders by month', showing Orders (count) by Month (6 points of the line)."
    )
    html = html_of(bare)
    assert "<desc>Bar chart showing respondents by segment (2 bars).</desc>" in html
    assert "Described automatically" in html, "the caption says that nobody described the chart"


@pytest.mark.parametrize(
    ("chart", "sentence"),
    [
        (
            alt.Chart(pd.DataFrame({"d": pd.date_range("2024-01-01", periods=3), "n": [1, 2, 3]}))
            .mark_line()
            .encode(x=alt.X("d:T", title="Day"), y=alt.Y("n:Q", title="Orders (count)"), color="n:N"),
            "Line chart showing Orders (count) over Day, coloured by n (3 points of the line).",
        ),
        (
            alt.Chart(pd.DataFrame({"a": [1, 2], "b": [3, 4]})).mark_point().encode(x="a:Q", y="b:Q"),
            "Scatter plot showing b against a (2 points).",
        ),
        (
            alt.Chart(pd.DataFrame({"w": ["x", "y", "x"]})).mark_bar().encode(x="count():Q", y="w:N"),
            "Bar chart showing Count of Records by w (2 bars).",
        ),
    ],
)
def test_automatic_descriptions_name_what_each_axis_shows(chart, sentence):
    assert charts.render(chart.to_dict()).text.description == sentence


def test_the_data_table_lists_what_is_drawn_after_filters_and_aggregates():
    orders = pd.DataFrame({"wish": ["speed", "speed", "price", "none", "speed"], "n": [1, 1, 1, 1, 1]})
    chart = (
        alt.Chart(orders, title="Wishes", description="Speed leads.")
        .transform_filter(alt.datum.wish != "none")
        .mark_bar()
        .encode(x=alt.X("sum(n):Q", title="Respondents (count)"), y=alt.Y("wish:N", title="Wish", sort="-x"))
    )
    (table,) = charts.render(chart.to_dict()).tables
    assert table.columns == ("Respondents (count)", "Wish"), "the axis titles head the columns"
    assert table.rows == (("3", "speed"), ("1", "price")), "one row per bar, top to bottom as drawn"
    assert table.items == "bars" and table.total == 2
    html = html_of(chart)
    details = re.search(r"<details\b.*?</details>", html, re.S).group(0)
    assert "<details" in html and "open" not in re.search(r"<details[^>]*>", html).group(0), "collapsed"
    assert '<th scope="col">Respondents (count)</th><th scope="col">Wish</th>' in details
    assert "<caption" in details and "Bar chart: Wishes: the bars it draws (2 rows)" in details


def test_rows_follow_the_drawing_not_the_data():
    data = pd.DataFrame({"k": ["b", "a", "c"], "v": [2, 3, 1]})
    sorted_bars = alt.Chart(data, title="t", description="d").mark_bar().encode(x="v:Q", y=alt.Y("k:N", sort="-x"))
    assert [row[1] for row in charts.render(sorted_bars.to_dict()).tables[0].rows] == ["a", "b", "c"]
    columns = alt.Chart(data, title="t", description="d").mark_bar().encode(x=alt.X("k:N", sort="y"), y="v:Q")
    assert [row[0] for row in charts.render(columns.to_dict()).tables[0].rows] == ["c", "b", "a"]


def test_a_title_with_a_semicolon_stays_one_column():
    chart = (
        alt.Chart(pd.DataFrame({"late": [-1, 0, 2], "wait": [30.123456, 31.5, 40.0]}), title="t", description="d")
        .mark_line()
        .encode(x=alt.X("late:Q", title="Delivery (days; negative = early)"), y=alt.Y("wait:Q", title="Wait: days"))
    )
    (table,) = charts.render(chart.to_dict()).tables
    assert table.columns == ("Delivery (days; negative = early)", "Wait: days")
    assert table.rows == (("−1", "30.12"), ("0", "31.5"), ("2", "40"))


def test_a_long_table_is_cut_at_the_row_cap_and_says_so():
    many = pd.DataFrame({"x": range(150), "y": range(150)})
    chart = alt.Chart(many, title="t", description="d").mark_point().encode(x="x:Q", y="y:Q")
    (table,) = charts.render(chart.to_dict()).tables
    assert len(table.rows) == charts.ROW_CAP and table.total == 150
    assert f"first {charts.ROW_CAP} of 150 rows" in html_of(chart)


def test_points_on_a_line_and_labels_on_bars_add_no_second_table():
    data = pd.DataFrame({"k": ["a", "b"], "v": [1, 2]})
    base = alt.Chart(data, title="t", description="d").encode(x=alt.X("k:N", title="K"), y=alt.Y("v:Q", title="V"))
    assert len(charts.render(base.mark_line(point=True).to_dict()).tables) == 1
    labelled = base.mark_bar() + base.mark_text(dy=-5).encode(text="v:Q")
    (table,) = charts.render(labelled.to_dict()).tables
    assert table.items == "bars"


def test_an_annotation_layer_keeps_its_own_table():
    line = pd.DataFrame({"day": [1, 2, 3], "posts": [5, 300, 40]})
    events = pd.DataFrame({"day": [2], "event": ["incident"]})
    chart = alt.layer(
        alt.Chart(line).mark_line().encode(x=alt.X("day:Q", title="Day"), y=alt.Y("posts:Q", title="Posts")),
        alt.Chart(events).mark_text().encode(x="day:Q", text="event:N"),
        title="t",
        description="d",
    )
    tables = charts.render(chart.to_dict()).tables
    assert [t.columns for t in tables] == [("Day", "Posts"), ("day", "event")]


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        ("0.710526315789", "0.7105"),
        ("−0.0764909982244", "−0.07649"),
        ("32.329232%", "32.33%"),
        ("7.19999999994", "7.2"),
        ("12345.678", "12346"),
        ("0.000", "0"),
        ("7690", "7690"),
        ("Jan 01, 2015", "Jan 01, 2015"),
        ("1.0-3.4", "1.0-3.4"),
    ],
)
def test_long_decimals_are_cut_to_four_significant_figures(text, tidy):
    assert charts.tidy_number(text) == tidy


def test_what_an_untrusted_notebook_keeps_is_outside_the_svg():
    """JupyterLab's sanitiser drops <svg>, <style>, role and aria-*; it keeps the rest (see charts.py).

    The inline SVG sits in a wrapper hidden by an inline style that only the <style> element (kept
    only when trusted) overrides; the image, its alt text, the caption and the table stand outside it.
    """
    html = html_of(sample_chart(description="Orders rise."))
    prefix = re.search(r'class="course-chart-svg (c[0-9a-f]{10})-svg" style="display:none"', html).group(1)
    assert f"<style>.{prefix}-svg{{display:block!important}}.{prefix}-img{{display:none!important}}</style>" in html
    wrapper_end = html.index("</svg></div>") + len("</svg></div>")
    after = html[wrapper_end:]
    image = re.search(
        r'<img class="course-chart-img [^"]+" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', after
    )
    assert image and image.group(2) == "Line chart: Orders by month"
    assert base64.b64decode(image.group(1)).decode().startswith("<svg"), "the image is the same drawing"
    assert "<figcaption" in after and "<details" in after and "<table" in after


def test_the_page_text_of_a_chart_names_it():
    bundle = sample_chart(description="Orders rise.")._repr_mimebundle_()
    plain = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/plain"]
    assert plain == "<Altair chart: Line chart: Orders by month. Orders rise.>"


def test_the_test_helper_rejects_an_exercise_chart_without_a_description():
    from coursekit.checks import Axis, check_chart

    axes = {"x": Axis("month", "ordinal"), "y": Axis("orders", "quantitative", unit="count")}
    check_chart(sample_chart(description="Orders rise from 3 to 12."), "line", **axes)
    with pytest.raises(AssertionError, match="Give the chart a description"):
        check_chart(sample_chart(description=None), "line", **axes)
