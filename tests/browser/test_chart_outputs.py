"""The browser tests count a lesson's charts from its outputs: prove that count sees every chart.

Whatever renderer a lesson ends up with (the course's offline SVG, or by mistake
one of Altair's own, which need the internet or a Vega-Lite 6 renderer that
JupyterLab 4 lacks), each chart must be recognised as a chart, so that the browser
test then demands that it draws. Tables and numbers must not be. No browser needed.
"""

from __future__ import annotations

import altair as alt
import nbformat
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter
from lab_notebook import chart_outputs, is_chart_output

import coursekit
from coursekit import charts

RENDERERS = [charts.RENDERER, "default", "html", "mimetype", "json", "svg", "png"]


@pytest.fixture()
def restore_altair():
    before = alt.renderers.active, alt.theme.active
    coursekit.setup_charts()
    yield
    alt.renderers.enable(before[0])
    alt.theme.enable(before[1])


def shown(value: object) -> dict:
    """The output IPython writes into a notebook for ``value`` as a cell's result."""
    data, metadata = DisplayFormatter().format(value)
    return {"output_type": "execute_result", "data": data, "metadata": metadata, "execution_count": 1}


def sample_charts() -> list[alt.TopLevelMixin]:
    base = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_bar().encode(x="x:Q", y="y:Q")
    return [base, base + base, base | base, base & base, base.facet(row="x:N")]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_kind_of_chart_is_counted_whatever_the_renderer(renderer, restore_altair):
    alt.renderers.enable(renderer)
    for chart in sample_charts():
        output = shown(chart)
        assert is_chart_output(output), f"{type(chart).__name__} under {renderer!r}: {sorted(output['data'])}"


def test_tables_text_and_streams_are_not_charts(restore_altair):
    table = pd.DataFrame({"segment": ["loyal"], "respondents": [3]})
    for value in (table, table["respondents"], 0.61, "alt.Chart is a class", None):
        assert not is_chart_output(shown(value)), repr(value)
    assert not is_chart_output({"output_type": "stream", "name": "stdout", "text": "<Altair chart: x>"})


def test_chart_positions_are_cell_and_output_indices(restore_altair):
    chart = shown(sample_charts()[0])
    stream = {"output_type": "stream", "name": "stderr", "text": "a warning\n"}
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "# Title", "metadata": {}},
            {"cell_type": "code", "source": "", "metadata": {}, "outputs": [stream, chart]},
            {"cell_type": "code", "source": "", "metadata": {}, "outputs": [shown(0.5)]},
        ]
    }
    assert chart_outputs(nbformat.from_dict(nb)) == [(1, 1)]
