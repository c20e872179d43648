"""A yearly series in the "Messwerte" sheet: one row per Stichtag (German text or a real Excel date), breakdowns by
Sozialraum, Geschlecht and Altersgruppe, the value IRI formed from indicator, date and breakdown, a true duplicate
refused naming both rows; older workbooks without the breakdown columns still import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from openpyxl.workbook import Workbook

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.workbook import import_workbook
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.path import WritePath
from tests.data.sheets.make_bad import cell, good

BASE = "https://w3id.org/integrationsgraph/id/"
G = graph_iri("probe")
KIO = "https://w3id.org/integrationsgraph/ontology#"
P = f"{BASE}probe/messwert/"


def values(wb: Workbook, rows: list[dict[str, object]]) -> None:
    """Replace the Messwerte rows of ``wb`` (row 2 on)."""
    ws = wb["Messwerte"]
    ws.delete_rows(2, ws.max_row)
    for n, row in enumerate(rows, start=2):
        for header, value in {**row, "Fiktiv": "ja"}.items():
            cell(wb, "Messwerte", n, header, value)


def sozialraum(wb: Workbook) -> None:
    ws = wb["Weitere Einträge"]
    n = ws.max_row + 1
    cell(wb, "Weitere Einträge", n, "Art", "Sozialraum")
    cell(wb, "Weitere Einträge", n, "Bezeichnung", "Nordstadt")
    cell(wb, "Weitere Einträge", n, "Fiktiv", "ja")


def load(shapes: Shapes, wb: Workbook, tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "reihe.xlsx"
    wb.save(path)
    store = EmbeddedStore(None)
    import_workbook(WritePath(store, shapes), path, G, "probe", BASE)
    return store


def stored(store: EmbeddedStore) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for t in store.triples(G):
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(P):
            out.setdefault(t.subject.value[len(P) :], {})[t.predicate.value.rpartition("#")[2]] = t.object.value
    return out


ROW = {"Indikator": "I1.1.1.1", "Gebiet": "Probestadt"}


def test_a_yearly_series_imports_as_typed_with_text_and_excel_dates(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    values(
        wb,
        [
            {**ROW, "Stichtag": "31.12.2023", "Wert": "50,1"},
            {**ROW, "Stichtag": dt.datetime(2024, 12, 31), "Wert": 52.5},
            {**ROW, "Stichtag": "30.06.2025", "Wert": "53"},
        ],
    )
    got = stored(load(shapes, wb, tmp_path))
    assert set(got) == {"i1-1-1-1-2023", "i1-1-1-1-2024", "i1-1-1-1-2025-06-30"}
    assert got["i1-1-1-1-2024"]["stichtag"] == "2024-12-31" and got["i1-1-1-1-2024"]["wert"] == "52.5"


def test_breakdowns_by_sozialraum_geschlecht_and_altersgruppe(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    sozialraum(wb)
    day = "31.12.2024"
    values(
        wb,
        [
            {**ROW, "Stichtag": day, "Wert": "52,5"},
            {**ROW, "Stichtag": day, "Wert": "55", "Geschlecht": "weiblich"},
            {**ROW, "Stichtag": day, "Wert": "50", "Geschlecht": "Männlich"},
            {"Indikator": "I1.1.1.1", "Gebiet": "Nordstadt", "Stichtag": day, "Wert": "40"},
            {**ROW, "Stichtag": day, "Wert": "45", "Altersgruppe": "18 bis unter 25"},
        ],
    )
    got = stored(load(shapes, wb, tmp_path))
    assert set(got) == {
        "i1-1-1-1-2024",
        "i1-1-1-1-2024-weiblich",
        "i1-1-1-1-2024-maennlich",
        "i1-1-1-1-2024-nordstadt",
        "i1-1-1-1-2024-18-bis-unter-25",
    }
    assert got["i1-1-1-1-2024-maennlich"]["geschlecht"] == "männlich"
    assert got["i1-1-1-1-2024-18-bis-unter-25"]["altersgruppe"] == "18 bis unter 25"
    assert got["i1-1-1-1-2024-nordstadt"]["refArea"] == f"{BASE}probe/sozialraum/nordstadt"


def test_a_duplicate_value_is_refused_naming_both_rows(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    values(
        wb,
        [
            {**ROW, "Stichtag": "31.12.2024", "Wert": "52,5"},
            {**ROW, "Stichtag": "31.12.2025", "Wert": "53"},
            {**ROW, "Stichtag": dt.datetime(2024, 12, 31), "Wert": "54"},
        ],
    )
    with pytest.raises(ImportFailed) as info:
        load(shapes, wb, tmp_path)
    [e] = info.value.errors
    assert (e.sheet, e.row, e.header) == ("Messwerte", 4, "Stichtag")
    assert "Zeile 2" in e.message and "Zeile 4" in e.message
    assert "„Indikator“, „Gebiet“, „Stichtag“" in e.message
    assert "Bezeichnung" not in e.message


def test_a_gender_outside_the_list_is_refused(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    values(wb, [{**ROW, "Stichtag": "31.12.2024", "Wert": "1", "Geschlecht": "Frauen"}])
    with pytest.raises(ImportFailed) as info:
        load(shapes, wb, tmp_path)
    [e] = info.value.errors
    assert (e.row, e.header, e.value) == (2, "Geschlecht", "Frauen")
    assert "„weiblich“, „männlich“, „divers“" in e.message


def test_an_older_workbook_without_breakdown_columns_still_imports(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    values(wb, [{**ROW, "Stichtag": "31.12.2024", "Wert": "52,5"}, {**ROW, "Stichtag": "31.12.2025", "Wert": "53"}])
    ws = wb["Messwerte"]
    headers = [c.value for c in ws[1]]
    for header in ("Altersgruppe", "Geschlecht"):
        ws.delete_cols(headers.index(header) + 1)
        headers.remove(header)
    assert set(stored(load(shapes, wb, tmp_path))) == {"i1-1-1-1-2024", "i1-1-1-1-2025"}


def test_a_future_stichtag_is_refused_at_its_cell(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    future = dt.date.today().year + 1
    values(wb, [{**ROW, "Stichtag": f"31.12.{future}", "Wert": "52,5"}])
    with pytest.raises(ImportFailed) as info:
        load(shapes, wb, tmp_path)
    [e] = info.value.errors
    assert (e.sheet, e.row, e.header, e.kind) == ("Messwerte", 2, "Stichtag", "regel")
    assert "Zukunft" in e.message


def test_a_unit_other_than_the_indicators_is_refused_at_its_cell(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    values(wb, [{**ROW, "Stichtag": "31.12.2024", "Wert": "52,5", "Einheit": "Euro"}])
    with pytest.raises(ImportFailed) as info:
        load(shapes, wb, tmp_path)
    [e] = info.value.errors
    assert (e.sheet, e.row, e.header) == ("Messwerte", 2, "Einheit")


def test_a_target_date_before_the_base_date_is_refused_at_its_cell(shapes: Shapes, tmp_path: Path) -> None:
    wb = good()
    n = 2
    for header, value in {
        "Handlungsziel": "HZ1.1.1",
        "Indikator": "I1.1.1.1",
        "Ausgangswert": "52",
        "Ausgangsdatum": "31.12.2024",
        "Zielwert": "60",
        "Zieldatum": "31.12.2020",
        "Fiktiv": "ja",
    }.items():
        cell(wb, "Zielvorgaben", n, header, value)
    with pytest.raises(ImportFailed) as info:
        load(shapes, wb, tmp_path)
    [e] = info.value.errors
    assert (e.sheet, e.row, e.header) == ("Zielvorgaben", 2, "Ausgangsdatum")
