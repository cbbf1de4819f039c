"""The checks that lessons' test cells use: one way, in every lesson, to judge an answer.

Why one module: a rule that differs between lessons is unfair. A student who wrote
"(pp)" in lesson 00 and "percentage points" in lesson 02 must be treated the same,
and a bar chart sorted with ``sort="-x"``, with ``EncodingSortField`` or from a
pre-sorted table must all count as sorted. So test cells never inspect
``chart.to_dict()`` by hand; they call these functions.

- **Charts are judged on what they show**: the mark, which field sits on which
  channel and as what type, a title, a description, axis titles that state a unit
  in any common form (:data:`UNITS`), and the order in which bars are *drawn*,
  read from Vega's own scene graph (``vl_convert``), whatever syntax produced it.
- **Values can be checked exactly without showing them**: :func:`digest` is a
  short hash of a value rounded to a few significant figures (UBC's DSCI 100
  worksheets do the same), so a visible test can tell a learner "not yet", and
  name a known mistake, without printing the answer.

Every ``check_*`` function raises ``AssertionError`` with a sentence for the
learner: what is wrong and where to look, never the answer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import numbers
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import vl_convert as vlc

TYPE_CODES = {"quantitative": "Q", "nominal": "N", "ordinal": "O", "temporal": "T"}

#: Units, each with the ways people write it. A unit is matched in a title as a whole word or
#: symbol, so "(pp)", "percentage points" and "% points" all state percentage points.
UNITS: dict[str, str] = {
    "percent": r"%|\bper ?cent\b|\bpercentage\b",
    "percentage points": r"\bp\.?p\.?(?![a-z])|\bpercentage[- ]points?\b|%[- ]?points?\b|\bpoints?\b|\bpts?\b",
    "times": r"×|\bx\b|\btimes\b|\bratio\b|\bmultiple\b|\bfold\b|\brelative to\b",
    "count": r"\(\s*(?:count|number|n|#|[a-z0-9][a-z0-9'’ –-]*s)\s*\)|\bnumber of\b|\bcount\b|#|\bhow many\b",
    "per day": r"\bper day\b|/\s*day\b|\bdaily\b|\ba day\b|\beach day\b|\bper-day\b",
    "per week": r"\bper week\b|/\s*week\b|\bweekly\b|\ba week\b|\beach week\b",
    "per month": r"\bper month\b|/\s*month\b|\bmonthly\b|\ba month\b|\beach month\b",
    "per 100 orders": (
        r"\bper\s+(?:100|(?:a |one )?hundred)\s+orders?\b|/\s*100\s+orders?\b|\b(?:every|each)\s+100\s+orders?\b"
    ),
    "USD": r"\$|\bUSD\b|\bdollars?\b",
    "minutes": r"\bmin(?:ute)?s?\b|\bmin\.",
    "hours": r"\bh(?:ou)?rs?\b|\bh\b",
    "days": r"\bdays?\b",
    "months": r"\bmonths?\b",
    "weeks": r"\bw(?:ee)?ks?\b",
    "years": r"\by(?:ea)?rs?\b",
    "stars": r"\bstars?\b|★",
    "share": r"\bshares?\b|\bproportion\b|\bfraction\b",
}


# --- reading a chart -------------------------------------------------------------------


def chart_spec(chart: Any) -> dict[str, Any]:
    """The chart's Vega-Lite specification (a dict), from an Altair chart or a dict."""
    if isinstance(chart, Mapping):
        return dict(chart)
    to_dict = getattr(chart, "to_dict", None)
    assert callable(to_dict), "This should be an Altair chart, made with alt.Chart(...)."
    return to_dict()


def unit_specs(spec: Mapping[str, Any], inherited: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The single-view parts of a chart: the chart itself, or each layer of a layered chart.

    A layer inherits the encoding of the layered chart around it (``alt.layer(a, b).encode(x=...)``
    puts ``x`` there, not in the layers); its own channels win.
    """
    encoding = {**(inherited or {}), **spec.get("encoding", {})}
    if "layer" in spec:
        return [part for layer in spec["layer"] for part in unit_specs(layer, encoding)]
    return [{**spec, "encoding": encoding}] if encoding else [dict(spec)]


def mark_type(chart: Any) -> str:
    """The mark of the chart's first layer: ``"bar"``, ``"line"``, ``"point"``..."""
    mark = unit_specs(chart_spec(chart))[0].get("mark", "")
    return mark if isinstance(mark, str) else mark.get("type", "")


def channel(chart: Any, name: str) -> dict[str, Any]:
    """The encoding of channel ``name`` (``"x"``, ``"y"``, ``"color"``...) in the first layer that has it."""
    for part in unit_specs(chart_spec(chart)):
        found = part.get("encoding", {}).get(name)
        if found:
            return dict(found)
    return {}


def _text(title: Any) -> str:
    """A title as one string, whether given as text, as lines, or as ``{"text": ...}``."""
    if isinstance(title, Mapping):
        title = title.get("text", "")
    if isinstance(title, list | tuple):
        return " ".join(str(line) for line in title)
    return "" if title is None else str(title)


def chart_title(chart: Any) -> str:
    spec = chart_spec(chart)
    return _text(spec.get("title") or unit_specs(spec)[0].get("title"))


def chart_description(chart: Any) -> str:
    spec = chart_spec(chart)
    return str(spec.get("description") or unit_specs(spec)[0].get("description") or "")


def axis_title(chart: Any, name: str) -> str:
    """The title a learner gave the axis of channel ``name`` (on the encoding or on its axis); '' if none."""
    encoding = channel(chart, name)
    axis = encoding.get("axis") or encoding.get("legend") or {}  # a colour's title may sit on its legend
    return _text(encoding.get("title") or (axis.get("title") if isinstance(axis, Mapping) else None))


def states_unit(text: str, *units: str) -> bool:
    """True when ``text`` names any of ``units`` (keys of :data:`UNITS`) in a common form."""
    return any(re.search(UNITS[unit], text, flags=re.IGNORECASE) for unit in units)


# --- what the chart draws (Vega's scene graph) -----------------------------------------


def scenegraph(chart: Any) -> dict[str, Any]:
    """Vega's scene graph of the chart: every mark and axis label with its position, as drawn.

    Drawing costs far more than asking: the last few drawings are kept, so a test that
    reads the bars and then the labels of one chart draws it once, and a test of a chart
    the notebook has just shown reads the drawing made for the page.
    """
    return compiled(chart_spec(chart))[1]


def compiled(spec: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The chart's Vega specification and its scene graph, each made once for the last few charts.

    Treat both as read-only: they are shared by every caller asking about the same chart.
    """
    return _compiled(json.dumps(spec, sort_keys=True, default=str))


@functools.lru_cache(maxsize=8)
def _compiled(spec: str) -> tuple[dict[str, Any], dict[str, Any]]:
    vega = vlc.vegalite_to_vega(json.loads(spec))
    return vega, vlc.vega_to_scenegraph(vega).get("scenegraph", {})


def _nodes(node: Any, wanted: Callable[[Mapping[str, Any]], bool]) -> Iterable[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if wanted(node):
            yield node
        for child in node.get("items", ()):
            yield from _nodes(child, wanted)


AXIS_SIDES = {"x": ("bottom", "top"), "y": ("left", "right")}


def drawn_labels(chart: Any, name: str) -> list[str]:
    """The labels along the axis of channel ``name``, as drawn: left to right, or top to bottom."""
    sides, along = AXIS_SIDES[name], "x" if name == "x" else "y"
    for axis in _nodes(scenegraph(chart), lambda n: n.get("role") == "axis"):
        for item in axis.get("items", ()):
            if item.get("orient") not in sides:
                continue
            for group in item.get("items", ()):
                if group.get("role") == "axis-label":
                    labels = sorted(group["items"], key=lambda label: label.get(along, 0))
                    return [str(label.get("text", "")) for label in labels]
    return []


def drawn_marks(chart: Any, mark: str) -> list[dict[str, Any]]:
    """Every item the chart's layers draw with ``mark`` (``"rule"``, ``"line"``, ``"point"``...), as drawn.

    Each item is Vega's record of one drawn thing, with its position in pixels (``x``, ``y``...):
    one per rule, one per point of a line. Axis ticks and grid lines are not marks and never count.
    Whatever syntax drew them (a table of their own, a filter, nested layers), the same drawing gives
    the same items.
    """
    return [
        dict(item)
        for node in _nodes(scenegraph(chart), lambda n: n.get("role") == "mark" and n.get("marktype") == mark)
        for item in node.get("items", ())
    ]


def drawn_bars(chart: Any) -> list[tuple[str, float]]:
    """Each bar as drawn, in drawing order along its category axis, with its signed length.

    Horizontal bars are read top to bottom, vertical bars left to right. The length
    is measured from the baseline the bars share, so negative bars come out negative.
    Returns (label, length) pairs; the label is the category axis's label at that bar.
    """
    bars = [
        item
        for mark in _nodes(scenegraph(chart), lambda n: n.get("role") == "mark" and n.get("marktype") == "rect")
        for item in mark.get("items", ())
        if item.get("ariaRoleDescription", "bar") == "bar"
    ]
    assert bars, "This chart draws no bars: use mark_bar()."
    horizontal = channel(chart, "y").get("type") in ("nominal", "ordinal")
    start, size = ("y", "height") if horizontal else ("x", "width")
    end_start, end_size = ("x", "width") if horizontal else ("y", "height")
    ends = [(bar.get(end_start, 0.0), bar.get(end_start, 0.0) + bar.get(end_size, 0.0)) for bar in bars]
    baseline = _most_common([round(v, 6) for pair in ends for v in pair])
    lengths = []
    for low, high in ends:
        far = high if abs(round(low, 6) - baseline) < abs(round(high, 6) - baseline) else low
        length = far - baseline
        lengths.append(-length if not horizontal else length)  # screen y grows downwards
    order = sorted(range(len(bars)), key=lambda i: bars[i].get(start, 0.0) + bars[i].get(size, 0.0) / 2)
    labels = drawn_labels(chart, "y" if horizontal else "x")
    named = labels if len(labels) == len(bars) else [""] * len(bars)
    return [(named[rank], lengths[i]) for rank, i in enumerate(order)]


def _most_common(values: Sequence[float]) -> float:
    return max(set(values), key=values.count)


# --- checking a chart ------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """What one channel of a chart must show.

    ``field``: the column (or any of several names the prompt allows; None for any);
    ``type``: ``"quantitative"``, ``"nominal"``, ``"ordinal"`` or ``"temporal"`` (or a tuple of them);
    ``unit``: a key of :data:`UNITS` (or a tuple of keys) its title must state; ``title``: whether it
    needs a title at all; ``hint``: a sentence added to any message about this channel.
    """

    field: str | Collection[str] | None = None
    type: str | Collection[str] | None = None
    unit: str | Collection[str] | None = None
    title: bool = True
    hint: str = ""


def _as_set(value: str | Collection[str] | None) -> set[str]:
    return set() if value is None else {value} if isinstance(value, str) else set(value)


def _say(message: str, hint: str) -> str:
    return f"{message} {hint}".strip()


def check_chart(chart: Any, mark: str | Collection[str], **axes: Axis) -> None:
    """The chart has the mark, each channel in ``axes``, a title and a description.

    ``check_chart(wish_bar, "bar", x=Axis("respondents", "quantitative", unit="count"),
    y=Axis("wish", "nominal"))``
    """
    spec = chart_spec(chart)
    marks = _as_set(mark)
    found = mark_type(spec)
    assert found in marks, f"Use mark_{sorted(marks)[0]}() for this chart (it uses mark_{found or '...'}())."
    for name, want in axes.items():
        check_axis(spec, name, want)
    assert chart_title(spec).strip(), "Give the chart a title: alt.Chart(data, title=...)."
    assert chart_description(spec).strip(), (
        "Give the chart a description, one sentence saying what it shows: alt.Chart(data, description=...)."
    )


def check_axis(chart: Any, name: str, want: Axis) -> None:
    """One channel: its field, its type and its title with a unit."""
    encoding = channel(chart, name)
    fields, types = _as_set(want.field), _as_set(want.type)
    described = " or ".join(sorted(fields)) if fields else "a field"
    assert encoding, _say(f"Put {described} on the {name} channel (encode({name}=...)).", want.hint)
    field = encoding.get("field")
    if fields:
        assert field in fields, _say(
            f"The {name} channel shows {field or 'no field'}; it should show {described}.", want.hint
        )
    if types:
        codes = " or ".join(f":{TYPE_CODES[t]} ({t})" for t in sorted(types))
        assert encoding.get("type") in types, _say(f"Encode {field} on {name} as {codes}.", want.hint)
    title = axis_title(chart, name)
    if want.title:
        assert title.strip(), _say(f"Give the {name} axis a title that says what it measures.", want.hint)
    units = _as_set(want.unit)
    if units:
        named = " or ".join(sorted(units))
        assert states_unit(title, *units), _say(
            f"Say the unit in the {name} axis title ({named}); it reads {title!r}.", want.hint
        )


def check_bars_sorted(chart: Any, descending: bool = True, message: str = "") -> None:
    """The bars are drawn longest first (top, or left), whatever syntax sorted them."""
    lengths = [length for _, length in drawn_bars(chart)]
    ordered = sorted(lengths, reverse=descending)
    assert all(abs(a - b) < 1e-6 for a, b in zip(lengths, ordered, strict=True)), message or (
        "Sort the bars so the " + ("longest" if descending else "shortest") + " is drawn first (on top, or "
        "on the left): for example sort='-x' on the category axis, or sort the table and use sort=None."
    )


def check_drawn_order(chart: Any, name: str, expected: Sequence[Any], message: str) -> None:
    """The categories along axis ``name`` are drawn in ``expected`` order (labels cut short with … match)."""
    drawn = drawn_labels(chart, name)
    wanted = [str(value) for value in expected]
    same = len(drawn) == len(wanted) and all(
        label == want or (label.endswith("…") and want.startswith(label[:-1]))
        for label, want in zip(drawn, wanted, strict=True)
    )
    assert same, message


# --- checking a value without showing it ------------------------------------------------


def canonical(value: Any, digits: int = 4) -> str:
    """The text a value is hashed as: numbers to ``digits`` significant figures, sequences in order.

    A pandas Series counts by its values (its index and name are free), so is a list,
    a tuple, a NumPy array or an Index. Integers and equal floats read the same (3 and 3.0).
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return "nan"
        text = f"{number:.{digits}g}"
        return "0" if text in ("-0", "0") else text
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{canonical(k, digits)}:{canonical(v, digits)}" for k, v in sorted(value.items())) + "}"
    values = getattr(value, "tolist", None)
    if callable(values):
        value = values()
    if isinstance(value, Iterable):
        return "[" + ",".join(canonical(item, digits) for item in value) + "]"
    return repr(value)


def digest(value: Any, digits: int = 4) -> str:
    """A 12-character fingerprint of ``value`` rounded to ``digits`` significant figures.

    Authors put the fingerprint of the right answer (and of known mistakes) in a
    visible test; the learner sees only the fingerprint, which gives nothing away.
    """
    return hashlib.sha256(canonical(value, digits).encode("utf-8")).hexdigest()[:12]


def check_value(
    value: Any,
    expected: str,
    wrong: str,
    mistakes: Mapping[str, str] | None = None,
    digits: int = 4,
) -> None:
    """``value`` has the fingerprint ``expected``; if it has a known mistake's fingerprint, say which.

    ``mistakes`` maps the fingerprint of a known wrong answer to the sentence that
    explains it; ``wrong`` is said for any other wrong value.
    """
    found = digest(value, digits)
    if found == expected:
        return
    raise AssertionError((mistakes or {}).get(found, wrong))


def all_close(got: Iterable[Any], expected: Iterable[Any], tol: float = 1e-9) -> bool:
    """The same numbers, one by one as plain floats, within ``tol`` (relative to numbers above 1)."""
    got_list, expected_list = [float(v) for v in got], [float(v) for v in expected]
    return len(got_list) == len(expected_list) and all(
        abs(a - b) <= tol * max(1.0, abs(b)) for a, b in zip(got_list, expected_list, strict=True)
    )
