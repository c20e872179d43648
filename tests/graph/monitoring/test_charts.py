"""Charts: the Vega-Lite spec of an indicator, and the same chart as SVG that is safe to inline."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from integrationsgraph.graph.monitoring.charts import chart_rows, chart_spec, chart_svg, check_svg, spec_key, svg_of
from integrationsgraph.graph.monitoring.model import Indicator, Observation, Target
from integrationsgraph.graph.monitoring.progress import assess

PERCENT = "http://qudt.org/vocab/unit/PERCENT"
NUM = "http://qudt.org/vocab/unit/NUM"
VALUES = [(2020, 52.0), (2021, 54.5), (2022, 55.9), (2023, 58.8), (2024, 60.1), (2025, 62.8)]


def make(label: str = "Anteil B1", unit: str = PERCENT, target: bool = True, base_year: int = 2020) -> Indicator:
    obs = tuple(Observation(f"urn:x:{y}", y, f"{y}-12-31", v, unit) for y, v in VALUES)
    split = (Observation("urn:x:w", 2025, "2025-12-31", 70.0, unit, (("Geschlecht", "weiblich"),)),)
    targets = (Target("urn:x:t", 2020, 52.0, 2027, 66.0),) if target else ()
    return Indicator(
        iri="urn:x:i",
        dataset="probe",
        code="I1.1.1.1",
        label=label,
        unit=unit,
        direction="steigend",
        base_year=base_year,
        targets=targets,
        observations=obs + split,
    )


def test_spec_has_the_series_the_base_and_the_target() -> None:
    ind = make()
    spec = chart_spec(ind, assess(ind))
    assert spec["$schema"].endswith("/vega-lite/v6.json")
    assert spec["title"]["text"] == "Anteil B1 (I1.1.1.1)"
    rows = spec["data"]["values"]
    assert [(r["Jahr"], r["Wert"]) for r in rows if r["Reihe"] == "Messwert"] == VALUES  # headline only
    assert {"Reihe": "Basiswert", "Jahr": 2020, "Wert": 52.0, "Text": "Basis 2020: 52,0 %"} in rows
    assert {"Reihe": "Zielwert", "Jahr": 2027, "Wert": 66.0, "Text": "Ziel 2027: 66,0 %"} in rows
    marks = [layer["mark"] for layer in spec["layer"]]
    assert marks[0]["type"] == "line" and "strokeDash" not in marks[0]
    assert marks[1]["type"] == "line" and marks[1]["strokeDash"] == [6, 4]  # the target as a dashed line
    point = spec["layer"][2]["encoding"]
    assert point["shape"]["field"] == point["color"]["field"] == "Reihe"  # shape and colour, never colour alone
    assert {t["title"] for t in point["tooltip"]} == {"Art", "Jahr", "Anteil in %"}
    x, y = point["x"], point["y"]
    assert (x["title"], x["axis"]["format"]) == ("Jahr", "d")  # 2025, not 2.025
    assert (y["title"], y["axis"]["format"]) == ("Anteil in %", ",.1f")


def test_spec_without_target_or_unit() -> None:
    ind = make(unit=NUM, target=False)
    spec = chart_spec(ind, None)
    assert [r["Reihe"] for r in spec["data"]["values"]] == ["Messwert"] * len(VALUES)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "point", "text", "text"]
    assert spec["layer"][1]["encoding"]["y"]["title"] == "Anzahl"


def test_the_assessment_decides_the_base() -> None:
    ind = make(base_year=2021)
    a = assess(ind)
    assert a.base_year == 2021
    assert ("Basiswert", 2021, 54.5) in [(r["Reihe"], r["Jahr"], r["Wert"]) for r in chart_rows(ind, a)]


def test_svg_is_german_holds_the_values_and_is_safe() -> None:
    ind = make()
    svg = chart_svg(ind, assess(ind))
    check_svg(svg)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    assert "Liniendiagramm: Anteil B1" in (root.get("aria-label") or "")
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Ziel 2027: 66,0 %" in texts and "Basis 2020: 52,0 %" in texts and "Anteil in %" in texts
    assert "2025" in texts and "2.025" not in texts
    for year, value in VALUES:  # every value, German, in the marks' descriptions
        assert f"Jahr: {year}; Anteil in %: {value:.1f}".replace(".", ",") in svg
    assert not re.search(r"<script|foreignObject|javascript:|\son\w+=", svg, re.I)
    assert not re.search(r'href="(?!#)', svg)


def test_svg_escapes_the_label_and_is_cached() -> None:
    ind = make(label='<script>alert("x")</script> & Co')
    spec = chart_spec(ind, None)
    svg = svg_of(spec)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    check_svg(svg)
    assert svg_of(chart_spec(ind, None)) is svg  # same spec, same string
    assert spec_key(spec) != spec_key(chart_spec(make(), None))


def test_ids_are_prefixed_per_chart() -> None:
    svg = chart_svg(make(), None)
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert all(i.startswith("c") and "-" in i for i in ids)


@pytest.mark.parametrize(
    "bad",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="https://example.org/a.svg#x"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://example.org/p)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/a.png"/></svg>',
        '<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_check_svg_refuses_what_could_run_or_load(bad: str) -> None:
    with pytest.raises(ValueError):
        check_svg(bad)
