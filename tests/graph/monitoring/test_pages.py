"""What the monitoring pages show: a measure's delivery, breakdown tables, one field's column of the overview."""

from __future__ import annotations

from datetime import date
from typing import Any

from integrationsgraph.graph.datasets.generate import dataset_name, municipality
from integrationsgraph.graph.monitoring.model import Indicator, Observation
from integrationsgraph.graph.monitoring.pages import breakdowns, delivery, measure_facts, overview, summarise
from integrationsgraph.graph.monitoring.status import glance
from integrationsgraph.graph.store.embedded import EmbeddedStore

TODAY = date(2026, 6, 1)


def test_delivery_derives_delayed_from_the_end_date() -> None:
    assert delivery({"status": "laufend", "ende": "2026-05-31"}, TODAY) == "verzoegert"
    assert delivery({"status": "geplant", "ende": "2025-12-31"}, TODAY) == "verzoegert"
    assert delivery({"status": "laufend", "ende": "2026-06-01"}, TODAY) == "laufend"  # ends today: not yet late
    assert delivery({"status": "abgeschlossen", "ende": "2020-01-01"}, TODAY) == "abgeschlossen"
    assert delivery({"status": "ausgesetzt", "ende": "2020-01-01"}, TODAY) == "ausgesetzt"  # shown as such
    assert delivery({"status": None}, TODAY) == "ohne_angabe"


def test_breakdowns_one_table_per_kind() -> None:
    obs = (
        Observation("a", 2024, "2024-12-31", 10.0),
        Observation("b", 2024, "2024-12-31", 12.5, None, (("Gebiet", "Altstadt"),)),
        Observation("c", 2025, "2025-12-31", 13.0, None, (("Gebiet", "Altstadt"),)),
        Observation("d", 2025, "2025-12-31", 9.0, None, (("Geschlecht", "weiblich"), ("Altersgruppe", "18 bis 25"))),
    )
    ind = Indicator("i", "t", None, "X", unit="http://qudt.org/vocab/unit/PERCENT", observations=obs)
    by_area, by_sex_age = breakdowns(ind)
    assert by_area.title == "nach Gebiet" and by_area.rows[0] == ["Altstadt", "2024", "31.12.2024", "12,5 %"]
    assert by_sex_age.title == "nach Geschlecht und Altersgruppe"
    assert by_sex_age.columns == ["Geschlecht", "Altersgruppe", "Jahr", "Stichtag", "Wert"]


def _chain() -> dict[str, Any]:
    resource = {"iri": "r", "label": "Mittel", "betrag_euro": "12000", "bewilligung": "bewilligt"}
    measures = [
        {"iri": "m1", "status": "laufend", "ende": "2025-01-01", "ressourcen": []},
        {"iri": "m2", "status": "abgeschlossen", "beginn": "2021-01-01", "ressourcen": [resource]},
    ]
    hz = {
        "iri": "hz",
        "code": "HZ1",
        "label": "H",
        "messbar": True,
        "terminiert": True,
        "indikatoren": [{"iri": "i1", "code": "I1", "label": "Eins"}],
        "massnahmen": [{**m, "code": None, "label": m["iri"], "federfuehrend": {"iri": "a"}} for m in measures],
    }
    lz = {
        "iri": "lz",
        "code": "LZ1",
        "label": "L",
        "indikatoren": [{"iri": "i2", "code": None, "label": "Zwei"}],
        "handlungsziele": [hz],
    }
    return {"feld": {"iri": "f", "code": "HF1", "label": "Feld"}, "leitziele": [lz], "netzwerke": [{"iri": "n"}]}


def test_a_field_column_counts_indicators_statuses_and_measures() -> None:
    status = {
        "i1": glance("i1", "substantial_progress", "complete", False, None, (2025, 3.0), (2027, 5.0)),
        "i2": glance("i2", "deterioration", "complete", False, None, (2025, 1.0), None),
    }
    s = summarise(_chain(), status, TODAY)
    assert (s.indicators, s.with_data, s.on_track) == (2, 2, 1)
    assert [(k, n) for k, _s, _w, n in s.statuses] == [("substantial_progress", 1), ("deterioration", 1)]
    assert [(k, n) for k, _s, _w, n in s.measures] == [("abgeschlossen", 1), ("verzoegert", 1)]
    facts = measure_facts(_chain(), TODAY)
    assert facts["m2"]["ressourcen"][0]["betrag"] == "12.000 € je Jahr" and facts["m2"]["beginn"] == "01.01.2021"
    assert facts["m1"]["word"] == "verzögert"


def test_overview_of_a_generated_town() -> None:
    store = EmbeddedStore(None)
    store.native.extend(municipality(1, 0))
    o = overview(store, dataset_name(1), TODAY)
    assert o.fictional and o.field_count == len(o.fields) == 8
    assert o.indicators == sum(f.indicators for f in o.fields) and o.with_data == o.indicators
    assert overview(store, dataset_name(1), TODAY, fields=False).fields == []
