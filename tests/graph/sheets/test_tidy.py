"""Tidy CSV import of one indicator's values into Musterstadt: the file is the whole series (added, changed,
removed counted), the value IRIs are the workbook's, and every bad file is refused with its line and column,
in German, with nothing written."""

from __future__ import annotations

import datetime as dt
import io

import pyoxigraph as ox
import pytest
from openpyxl import load_workbook

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.errors import CellError, ImportFailed
from integrationsgraph.graph.sheets.tidy import ValuesResult, import_values
from integrationsgraph.graph.sheets.workbook import export_workbook, import_workbook
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import load_files
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"
G = graph_iri("musterstadt")
M = f"{BASE}musterstadt/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
IND = ox.NamedNode(f"{M}indikator/i1-1-1-1")


@pytest.fixture(scope="module")
def musterstadt(shapes: Shapes) -> dict[str, list[ox.Triple]]:
    """Musterstadt's graphs (the dataset and its private companion)."""
    store = EmbeddedStore(None)
    load_files(WritePath(store, shapes), [ROOT / "data" / "musterstadt"], G)
    return {g: list(store.triples(g)) for g in store.graphs()}


@pytest.fixture
def town(musterstadt: dict[str, list[ox.Triple]], shapes: Shapes) -> tuple[EmbeddedStore, WritePath]:
    store = EmbeddedStore(None)
    for graph, triples in musterstadt.items():
        store.apply(graph, add=triples)
    return store, WritePath(store, shapes)


def run(town: tuple[EmbeddedStore, WritePath], text: str, code: str = "I1.1.1.1") -> ValuesResult:
    return import_values(town[1], text.encode(), G, BASE, "musterstadt", code, source="werte.csv")


def series(store: EmbeddedStore) -> dict[str, dict[str, str]]:
    """The indicator's values: Kennung → property local name → value."""
    subjects = {t.subject for t in store.triples(G) if t.predicate.value == f"{KIO}indikator" and t.object == IND}
    out: dict[str, dict[str, str]] = {}
    for t in store.triples(G):
        if t.subject in subjects:
            local = t.predicate.value.rpartition("#")[2].rpartition("/")[2]
            out.setdefault(t.subject.value.removeprefix(f"{M}messwert/"), {})[local] = t.object.value
    return out


def refused(town: tuple[EmbeddedStore, WritePath], text: str, code: str = "I1.1.1.1") -> list[CellError]:
    store = town[0]
    before = set(store.native)
    with pytest.raises(ImportFailed) as info:
        run(town, text, code)
    assert set(store.native) == before, "a refused file must not change the store"
    assert "Fehler in der CSV-Datei; nichts wurde geschrieben" in str(info.value)
    return info.value.errors


def test_the_file_is_the_whole_series(town: tuple[EmbeddedStore, WritePath]) -> None:
    before = series(town[0])
    assert len(before) >= 6 and "i1-1-1-1-2020" in before
    result = run(town, "Jahr,Wert\n2020,52.0\n2021,54.9\n2026,64\n")
    assert (result.added, result.changed, result.removed, result.unchanged) == (1, 1, len(before) - 2, 1)
    after = series(town[0])
    assert set(after) == {"i1-1-1-1-2020", "i1-1-1-1-2021", "i1-1-1-1-2026"}
    assert after["i1-1-1-1-2021"]["wert"] == "54.9"
    assert after["i1-1-1-1-2026"] == {
        "type": f"{KIO}Messwert",
        "prefLabel": "I1.1.1.1 Musterstadt 2026",
        "indikator": IND.value,
        "stichtag": "2026-12-31",
        "wert": "64",
        "refArea": f"{M}akteur/musterstadt",
        "einheit": "http://qudt.org/vocab/unit/PERCENT",
        "fiktiv": "true",
    }
    assert after["i1-1-1-1-2020"] == before["i1-1-1-1-2020"]
    assert "4 entfernt" in result.text() and "ganze Reihe" in result.text()


def test_importing_the_same_file_again_changes_nothing(town: tuple[EmbeddedStore, WritePath]) -> None:
    text = "Jahr,Stichtag,Einheit,Gebiet,Geschlecht,Altersgruppe,Wert\n2024,31.12.2024,PERCENT,,,,60.2\n"
    run(town, text)
    before = set(town[0].native)
    result = run(town, text)
    assert (result.added, result.changed, result.removed, result.unchanged) == (0, 0, 0, 1)
    assert set(town[0].native) == before


def test_breakdowns_get_the_workbooks_value_iris(town: tuple[EmbeddedStore, WritePath], shapes: Shapes) -> None:
    text = (
        "Jahr,Gebiet,Geschlecht,Altersgruppe,Wert\n"
        "2024,,,,60.2\n"
        "2024,Nordstadt,,,48.5\n"
        "2024,suedviertel,Weiblich,,51\n"
        "2024,,,'- unter 25,40\n"
    )
    run(town, text)
    got = series(town[0])
    assert set(got) == {
        "i1-1-1-1-2024",
        "i1-1-1-1-2024-nordstadt",
        "i1-1-1-1-2024-suedviertel-weiblich",
        "i1-1-1-1-2024-unter-25",
    }
    assert got["i1-1-1-1-2024-nordstadt"]["refArea"] == f"{M}sozialraum/nordstadt"
    assert got["i1-1-1-1-2024-suedviertel-weiblich"]["geschlecht"] == "weiblich"
    assert got["i1-1-1-1-2024-unter-25"]["altersgruppe"] == "- unter 25"  # the export's quote taken off
    assert got["i1-1-1-1-2024-nordstadt"]["prefLabel"] == "I1.1.1.1 Nordstadt 2024"
    # The workbook names the same resources: export, import, nothing changes.
    store, writer = town
    data = export_workbook(store, G, "musterstadt", BASE, skip=[G])
    ws = load_workbook(io.BytesIO(data))["Messwerte"]
    headers = [c.value for c in ws[1]]
    keys = {r[headers.index("Kennung")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert "i1-1-1-1-2024-suedviertel-weiblich" in keys
    result = import_workbook(writer, data, G, "musterstadt", BASE)
    assert (result.added, result.removed) == (0, 0)


def test_the_indicator_may_be_named_by_its_kennung(town: tuple[EmbeddedStore, WritePath]) -> None:
    assert run(town, "Jahr,Wert\n2024,60.2\n", code="i1-1-1-1").code == "I1.1.1.1"


def where(e: CellError) -> tuple[int, str]:
    return (e.row, e.header)


def test_an_unknown_indicator(town: tuple[EmbeddedStore, WritePath]) -> None:
    [e] = refused(town, "Jahr,Wert\n2024,1\n", code="I9.9")
    assert "Einen Indikator „I9.9“ gibt es im Datensatz „musterstadt“ nicht" in e.message
    assert e.text().startswith("Datei – Wert „I9.9“")


def test_an_unknown_column(town: tuple[EmbeddedStore, WritePath]) -> None:
    [e] = refused(town, "Jahr,Region,Wert\n2024,Nord,1\n")
    assert where(e) == (1, "Region")
    assert "Unbekannte Spalte „Region“" in e.message
    assert "Jahr, Stichtag, Einheit, Gebiet, Geschlecht, Altersgruppe, Wert" in e.message
    assert e.text().startswith("Zeile 1, Spalte „Region“")


def test_jahr_first_and_wert_last(town: tuple[EmbeddedStore, WritePath]) -> None:
    errors = refused(town, "Wert,Jahr\n1,2024\n")
    assert {where(e) for e in errors} == {(1, "Wert"), (1, "Jahr")}
    assert any("erste Spalte muss „Jahr“" in e.message for e in errors)
    assert any("letzte Spalte muss „Wert“" in e.message for e in errors)


@pytest.mark.parametrize(
    ("text", "line", "header", "words"),
    [
        ("Jahr,Wert\n2024,sechzig\n", 2, "Wert", "Keine Zahl"),
        ("Jahr,Wert\n2024,60\n24,61\n", 3, "Jahr", "Kein Jahr"),
        ("Jahr,Stichtag,Wert\n2024,2024-13-45,60\n", 2, "Stichtag", "Kein Datum"),
        ("Jahr,Stichtag,Wert\n2024,31.12.2023,60\n", 2, "Stichtag", "nicht im Jahr 2024"),
        ("Jahr,Gebiet,Wert\n2024,Oststadt,60\n", 2, "Gebiet", "Kein Sozialraum des Datensatzes"),
        ("Jahr,Geschlecht,Wert\n2024,Frauen,60\n", 2, "Geschlecht", "„weiblich“, „männlich“, „divers“"),
        ("Jahr,Einheit,Wert\n2024,NUM,60\n", 2, "Einheit", "nicht die des Indikators (PERCENT)"),
        ("Jahr,Wert\n2024,60\n2023,59\n2024,61\n", 4, "Jahr", "Zeile 2 und Zeile 4"),
        ("Jahr,Wert\n2024,60,1\n", 2, "", "3 Spalten, die Kopfzeile 2"),
    ],
)
def test_a_bad_line_is_named(
    town: tuple[EmbeddedStore, WritePath], text: str, line: int, header: str, words: str
) -> None:
    [e] = refused(town, text)
    assert where(e) == (line, header)
    assert words in e.message


def test_a_future_year_is_refused_by_the_rule_at_its_line(town: tuple[EmbeddedStore, WritePath]) -> None:
    future = dt.date.today().year + 1
    [e] = refused(town, f"Jahr,Wert\n2024,60\n{future},61\n")
    assert (e.row, e.header, e.kind) == (3, "Stichtag", "regel")
    assert "Zukunft" in e.message and e.value == f"31.12.{future}"


def test_a_percentage_above_100_is_refused_by_the_rule_at_its_line(town: tuple[EmbeddedStore, WritePath]) -> None:
    [e] = refused(town, "Jahr,Wert\n2024,160\n")
    assert (e.row, e.header, e.kind) == (2, "Wert", "regel")


def test_not_utf8(town: tuple[EmbeddedStore, WritePath]) -> None:
    writer = town[1]
    with pytest.raises(ImportFailed) as info:
        import_values(
            writer, "Jahr,Geschlecht,Wert\n2024,männlich,1\n".encode("cp1252"), G, BASE, "musterstadt", "I1.1.1.1"
        )
    assert "nicht in UTF-8" in info.value.errors[0].message
