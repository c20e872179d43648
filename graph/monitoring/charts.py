"""One chart per indicator: a Vega-Lite spec, and the same chart as a safe inline SVG rendered on the server.

:func:`chart_spec` draws the headline series as a line with points, marks the base year and value, and the target
as a dashed line from the base to the target year; German axis titles with the unit, German number formats
(the de-DE locale: decimal comma), a title, tooltips. Each mark differs by shape and line style as well as by
colour, and the legend names them, so nothing is told by colour alone; every page shows the values as a table
beside the chart.

:func:`chart_svg` renders that spec with vl-convert (Vega and Vega-Lite in an embedded JavaScript engine, no
browser, no network: ``allowed_base_urls=[]``), cached by the spec. The result is checked before it is
returned (:func:`check_svg`): only drawing elements, no script, no foreign objects, no event attributes, no
reference outside the picture — so it can be inlined into a page, a report and the published site. The pages'
script (``graph/static/js/chart.js``) turns it into the interactive view from the same spec.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import vl_convert

from integrationsgraph.graph.core.lru import LRU
from integrationsgraph.graph.monitoring.model import Assessment, Indicator
from integrationsgraph.graph.monitoring.report_format import local, with_unit

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FORMAT_LOCALE: dict[str, Any] = vl_convert.get_format_locale("de-DE")
"""d3-format's German locale (decimal comma, thousands dot), for the browser too (chart.js)."""
TIME_FORMAT_LOCALE: dict[str, Any] = vl_convert.get_time_format_locale("de-DE")
AXIS_TITLES = {"PERCENT": "Anteil in %", "NUM": "Anzahl", "EUR": "Betrag in €", "YR": "Jahre"}
FORMATS = {"PERCENT": ",.1f"}
"""d3 number format per unit; others ``,.1~f`` (up to one decimal, none for whole numbers)."""
SERIES = ("Messwert", "Basiswert", "Zielwert")
COLOURS = ("#005ea5", "#5a3d8a", "#b35c00")
"""Blue, violet, dark orange: each with at least 4.5:1 contrast on white."""
SHAPES = ("circle", "square", "diamond")
SIZES = (60, 260, 160)
"""The base mark is a large open square around the value of the base year, so both stay visible."""
WIDTH, HEIGHT = 560, 260

_CACHE: LRU[str] = LRU(512)


def _format(unit: str | None) -> str:
    return FORMATS.get(local(unit), ",.1~f")


def _marks(indicator: Indicator, assessment: Assessment | None) -> tuple[tuple[int, float] | None, ...]:
    """(base year, base value) and (target year, target value), from the assessment, else the first target."""
    base: tuple[int, float] | None = None
    target: tuple[int, float] | None = None
    if assessment is not None:
        if assessment.base_year is not None and assessment.base_value is not None:
            base = (assessment.base_year, assessment.base_value)
        if assessment.target_year is not None and assessment.target_value is not None:
            target = (assessment.target_year, assessment.target_value)
    if indicator.targets and (base is None or target is None):
        first = indicator.targets[0]
        if base is None and first.base_year is not None and first.base_value is not None:
            base = (first.base_year, first.base_value)
        target = target or (first.target_year, first.target_value)
    return base, target


def chart_rows(indicator: Indicator, assessment: Assessment | None) -> list[dict[str, Any]]:
    """The chart's data: the headline values, then the base and the target (each a row with ``Reihe``)."""
    unit = indicator.unit
    rows: list[dict[str, Any]] = [
        {"Reihe": "Messwert", "Jahr": o.year, "Wert": o.value, "Text": with_unit(o.value, unit)}
        for o in sorted(indicator.headline, key=lambda o: (o.year, o.date))
    ]
    base, target = _marks(indicator, assessment)
    for name, mark in (("Basiswert", base), ("Zielwert", target)):
        if mark is not None:
            word = "Basis" if name == "Basiswert" else "Ziel"
            rows.append(
                {
                    "Reihe": name,
                    "Jahr": mark[0],
                    "Wert": mark[1],
                    "Text": f"{word} {mark[0]}: {with_unit(mark[1], unit)}",
                }
            )
    return rows


def chart_spec(indicator: Indicator, assessment: Assessment | None) -> dict[str, Any]:
    """The Vega-Lite spec of the indicator's chart (headline series, base, target; German formats)."""
    unit_name = local(indicator.unit)
    fmt = _format(indicator.unit)
    y_title = AXIS_TITLES.get(unit_name, f"Wert in {unit_name}" if unit_name else "Wert")
    rows = chart_rows(indicator, assessment)
    has_target = any(r["Reihe"] == "Zielwert" for r in rows)
    has_base = any(r["Reihe"] == "Basiswert" for r in rows)
    x = {
        "field": "Jahr",
        "type": "quantitative",
        "title": "Jahr",
        "scale": {"zero": False, "nice": False, "padding": 24},
        "axis": {"format": "d", "tickMinStep": 1, "labelFlush": False},
    }
    y = {
        "field": "Wert",
        "type": "quantitative",
        "title": y_title,
        "scale": {"zero": False, "padding": 24},
        "axis": {"format": fmt},
    }
    tooltip = [
        {"field": "Reihe", "type": "nominal", "title": "Art"},
        {"field": "Jahr", "type": "quantitative", "title": "Jahr", "format": "d"},
        {"field": "Wert", "type": "quantitative", "title": y_title, "format": fmt},
    ]
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": {"field": "Reihe", "equal": "Messwert"}}],
            "mark": {"type": "line", "color": COLOURS[0], "strokeWidth": 2},
            "encoding": {"x": x, "y": y},
        }
    ]
    if has_target and has_base:
        layers.append(
            {
                "transform": [{"filter": {"field": "Reihe", "oneOf": ["Basiswert", "Zielwert"]}}],
                "mark": {"type": "line", "color": COLOURS[2], "strokeDash": [6, 4], "strokeWidth": 1.5},
                "encoding": {"x": x, "y": y},
            }
        )
    present = [s for s in SERIES if any(r["Reihe"] == s for r in rows)]
    scale = {"domain": present, "range": [COLOURS[SERIES.index(s)] for s in present]}
    layers.append(
        {
            "mark": {"type": "point", "filled": False, "strokeWidth": 2.5, "opacity": 1},
            "encoding": {
                "x": x,
                "y": y,
                "size": {
                    "field": "Reihe",
                    "type": "nominal",
                    "scale": {"domain": present, "range": [SIZES[SERIES.index(s)] for s in present]},
                    "title": None,
                },
                "color": {"field": "Reihe", "type": "nominal", "scale": scale, "title": None},
                "shape": {
                    "field": "Reihe",
                    "type": "nominal",
                    "scale": {"domain": present, "range": [SHAPES[SERIES.index(s)] for s in present]},
                    "title": None,
                },
                "tooltip": tooltip,
            },
        }
    )
    for name, align, dx, dy in (("Basiswert", "left", 12, 16), ("Zielwert", "right", -4, -16)):
        layers.append(
            {
                "transform": [{"filter": {"field": "Reihe", "equal": name}}],
                "mark": {"type": "text", "align": align, "dx": dx, "dy": dy, "fontSize": 11, "color": "#1b1b1b"},
                "encoding": {"x": x, "y": y, "text": {"field": "Text", "type": "nominal"}},
            }
        )
    title = indicator.label + (f" ({indicator.code})" if indicator.code else "")
    years = [r["Jahr"] for r in rows]
    span = f"{min(years)}–{max(years)}" if years else "keine Werte"
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": f"Liniendiagramm: {title}, {span}. Die Werte stehen in der Tabelle beim Diagramm.",
        "width": WIDTH,
        "height": HEIGHT,
        "padding": {"left": 5, "right": 40, "top": 5, "bottom": 5},
        "data": {"values": rows},
        "layer": layers,
        "config": {
            "font": "DejaVu Sans, Verdana, sans-serif",
            "legend": {"orient": "bottom", "labelFontSize": 12, "aria": False},
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "labelColor": "#1b1b1b",
                "titleColor": "#1b1b1b",
                "aria": False,  # vega describes axes in English; the page's table and the description say it
            },
        },
    }


def spec_key(spec: dict[str, Any]) -> str:
    """A short stable key of a spec (its JSON, keys sorted)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def chart_svg(indicator: Indicator, assessment: Assessment | None) -> str:
    """The indicator's chart as an SVG string safe to inline into HTML (cached by the spec)."""
    return svg_of(chart_spec(indicator, assessment))


def svg_of(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as a safe inline SVG (cached by :func:`spec_key`; ids prefixed so that several charts can
    share one page)."""
    key = spec_key(spec)
    return _CACHE.get_or_make(key, lambda: _render(spec, key))


_ID = re.compile(r'\bid="([^"]+)"')


def _render(spec: dict[str, Any], key: str) -> str:
    svg = vl_convert.vegalite_to_svg(
        spec, format_locale=FORMAT_LOCALE, time_format_locale=TIME_FORMAT_LOCALE, allowed_base_urls=[]
    )
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    for old in set(_ID.findall(svg)):
        new = f"c{key}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
    description = str(spec.get("description", "Diagramm"))
    label = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    check_svg(svg)
    return svg


SVG_NS = "{http://www.w3.org/2000/svg}"
ALLOWED = {"svg", "g", "path", "rect", "line", "text", "tspan", "circle", "ellipse", "polygon", "polyline",
           "clipPath", "defs", "title", "desc", "linearGradient", "radialGradient", "stop"}  # fmt: skip
"""Drawing elements: no script, foreignObject, image, use, a, style, animate … (nothing that runs or loads)."""


def check_svg(svg: str) -> None:
    """Raise ``ValueError`` unless ``svg`` holds only :data:`ALLOWED` elements, no event handler attributes
    (``on…``), and references only into itself (``#id``, ``url(#id)``)."""
    if "<!" in svg or "<?" in svg:
        raise ValueError("SVG mit Doctype, Kommentar, CDATA oder Verarbeitungsanweisung")
    root = ET.fromstring(svg)  # our own renderer's output; a DTD is refused above
    for el in root.iter():
        name = el.tag.removeprefix(SVG_NS)
        if name not in ALLOWED:
            raise ValueError(f"SVG-Element <{name}> ist nicht erlaubt")
        for attr, val in el.attrib.items():
            short = attr.rsplit("}", 1)[-1].lower()
            if short.startswith("on"):
                raise ValueError(f"SVG-Attribut {short} ist nicht erlaubt")
            if short == "href" and not val.startswith("#"):
                raise ValueError(f"SVG-Verweis {val} ist nicht erlaubt")
            for ref in re.findall(r"url\(([^)]*)\)", val):
                if not ref.strip("'\" ").startswith("#"):
                    raise ValueError(f"SVG-Verweis url({ref}) ist nicht erlaubt")
            if "javascript:" in val.lower():
                raise ValueError("SVG mit javascript:")
