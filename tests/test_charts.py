"""The chart set-up: offline SVG inside HTML, course theme, safe to show many charts in one page."""

from __future__ import annotations

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
    return (
        alt.Chart(table, title=title, description=description)
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


def test_description_becomes_caption_and_label():
    html = sample_chart(description="Orders rise from 3 to 12.")._repr_mimebundle_()["text/html"]
    assert 'aria-label="Orders rise from 3 to 12."' in html
    assert "<figcaption" in html and "Orders rise from 3 to 12." in html


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
