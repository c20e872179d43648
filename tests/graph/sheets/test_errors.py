"""Bad workbooks, one problem per file (made by tests/data/sheets/make_bad.py into a temporary folder): each a
clear German error per cell, and nothing written — the store's quads are the same before and after."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.columns import BY_NAME
from integrationsgraph.graph.sheets.errors import CellError, ImportFailed, column_letter
from integrationsgraph.graph.sheets.workbook import import_workbook
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"
G = graph_iri("probe")


Probe = tuple[EmbeddedStore, WritePath, Path]
"""The store, its write path and the folder of test workbooks."""


@pytest.fixture(scope="module")
def probe(shapes: Shapes, workbooks: Path) -> Probe:
    """A store whose dataset "probe" came from gut.xlsx (the bad files are variants of it)."""
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    import_workbook(writer, workbooks / "gut.xlsx", G, "probe", BASE)
    return store, writer, workbooks


def failing(probe: Probe, name: str) -> list[CellError]:
    store, writer, folder = probe
    before: set[ox.Quad] = set(store.native)
    with pytest.raises(ImportFailed) as info:
        import_workbook(writer, folder / name, G, "probe", BASE)
    assert set(store.native) == before, "a rejected workbook must not change the store"
    assert "nichts wurde geschrieben" in str(info.value)
    return info.value.errors


def where(e: CellError) -> tuple[str, int, str, str]:
    return (e.sheet, e.row, e.column, e.header)


def test_the_good_workbook_is_in_the_store(probe: Probe) -> None:
    store, _, _ = probe
    assert store.count(G) > 50


def test_a_missing_sheet(probe: Probe) -> None:
    [e] = failing(probe, "fehlendes-blatt.xlsx")
    assert e.sheet == "Leitziele" and "Das Blatt „Leitziele“ fehlt" in e.message


def test_a_renamed_column(probe: Probe) -> None:
    errors = failing(probe, "umbenannte-spalte.xlsx")
    assert [(e.sheet, e.header) for e in errors] == [("Maßnahmen", "Code"), ("Maßnahmen", "Kennziffer")]
    assert "Die Spalte „Code“ fehlt" in errors[0].message
    assert errors[1].column == "A" and "Unbekannte Spalte „Kennziffer“" in errors[1].message


def test_a_duplicate_code(probe: Probe) -> None:
    [e] = failing(probe, "doppelter-code.xlsx")
    assert where(e) == ("Leitziele", 3, "A", "Code") and e.value == "LZ1.1"
    assert "doppelt" in e.message and "Zeile 2" in e.message


def test_a_reference_to_a_missing_leitziel(probe: Probe) -> None:
    [e] = failing(probe, "fehlendes-leitziel.xlsx")
    assert where(e) == ("Handlungsziele", 2, "F", "Leitziel") and e.value == "LZ9.9"
    assert e.kind == "verweis" and "Verweis ins Leere" in e.message


def test_a_date_in_the_wrong_format(probe: Probe) -> None:
    [e] = failing(probe, "falsches-datum.xlsx")
    assert where(e) == ("Maßnahmen", 2, "K", "Beginn") and e.value == "2025/01/31"
    assert "TT.MM.JJJJ" in e.message


def test_text_in_a_number_column(probe: Probe) -> None:
    [e] = failing(probe, "text-in-zahl.xlsx")
    assert where(e) == ("Messwerte", 2, "D", "Wert") and e.value == "ungefähr fünfzig"
    assert "Keine Zahl" in e.message


def test_a_shacl_violation_comes_back_at_its_row_and_column(probe: Probe) -> None:
    [e] = failing(probe, "regelverstoss.xlsx")
    assert where(e) == ("Maßnahmen", 2, "K", "Beginn") and e.value == "01.01.2027"
    assert e.kind == "regel" and "Beginn der Maßnahme liegt nach ihrem Ende" in e.message


def column_of(header: str) -> str:
    """The letter of an Indikatoren column in the template."""
    return column_letter([c.header for c in BY_NAME["Indikatoren"].columns].index(header) + 1)


def test_a_base_year_that_is_not_a_year(probe: Probe) -> None:
    [e] = failing(probe, "basisjahr-kein-jahr.xlsx")
    assert where(e) == ("Indikatoren", 2, column_of("Basisjahr"), "Basisjahr") and e.value == "2O20"
    assert e.kind == "eingabe" and "Kein Jahr" in e.message and "2020" in e.message


def test_a_base_year_out_of_range_comes_back_at_its_cell(probe: Probe) -> None:
    [e] = failing(probe, "basisjahr-unplausibel.xlsx")
    assert where(e) == ("Indikatoren", 2, column_of("Basisjahr"), "Basisjahr") and e.value == "1800"
    assert e.kind == "regel" and "Das Basisjahr" in e.message and "zwischen 1900 und 2100" in e.message


def test_an_unknown_reporting_status_names_the_allowed_ones(probe: Probe) -> None:
    [e] = failing(probe, "unbekannter-berichtsstatus.xlsx")
    assert where(e) == ("Indikatoren", 2, column_of("Berichtsstatus"), "Berichtsstatus") and e.value == "fertig"
    assert "„Daten verfügbar“, „in Bearbeitung“, „Datenquellenanalyse“" in e.message


def test_a_status_set_by_hand_needs_its_reason(probe: Probe) -> None:
    [e] = failing(probe, "status-ohne-begruendung.xlsx")
    reason = "Begründung des Fortschrittsstatus"
    assert where(e) == ("Indikatoren", 2, column_of(reason), reason) and e.value == ""
    assert "Pflichtfeld, weil „Fortschrittsstatus (von Hand)“ ausgefüllt ist" in e.message
    assert f"{e.text()}".startswith(f"Blatt „Indikatoren“, Zeile 2, Spalte {column_of(reason)} („{reason}“)")


def test_thresholds_in_the_wrong_order_come_back_at_the_row(probe: Probe) -> None:
    [e] = failing(probe, "schwellen-vertauscht.xlsx")
    assert where(e) == ("Indikatoren", 2, column_of("Schwelle Fortschritt"), "Schwelle Fortschritt")
    assert e.kind == "regel" and "muss kleiner sein als die Schwelle „auf Kurs“" in e.message


def test_every_error_is_reported_not_only_the_first(probe: Probe) -> None:
    errors = failing(probe, "mehrere-fehler.xlsx")
    assert [(e.sheet, e.header) for e in errors] == [
        ("Handlungsziele", "Leitziel"),
        ("Maßnahmen", "Beginn"),
        ("Messwerte", "Wert"),
    ]


def test_a_workbook_over_the_size_limit(probe: Probe) -> None:
    assert (probe[2] / "zu-gross.xlsx").stat().st_size >= 10 * 1024 * 1024
    [e] = failing(probe, "zu-gross.xlsx")
    assert "zu groß" in e.message and "höchstens 5 MB" in e.message


def test_a_file_that_is_not_a_workbook(probe: Probe) -> None:
    [e] = failing(probe, "keine-arbeitsmappe.xlsx")
    assert e.kind == "datei" and "keine Excel-Arbeitsmappe" in e.message


def test_cell_reference_and_rule_errors_come_in_one_pass(probe: Probe, tmp_path: Path) -> None:
    """Issue 15: a user got a workbook's errors in three rounds. A wrong date, a reference into the void and a
    broken rule elsewhere come back together, the reference naming the sheet as the user sees it."""
    from tests.data.sheets.make_bad import _thresholds_swapped, _wrong_date, cell, good

    wb = good()
    _wrong_date(wb)  # Maßnahmen row 2: a cell error
    _thresholds_swapped(wb)  # Indikatoren row 2: a rule (IndikatorSchwellenReihenfolge)
    cell(wb, "Indikatoren", 2, "Datenquellen", "Kursstatistk")  # a typo: a reference into the void
    wb.save(tmp_path / "drei-fehler.xlsx")
    store, writer, _ = probe
    before = set(store.native)
    with pytest.raises(ImportFailed) as info:
        import_workbook(writer, tmp_path / "drei-fehler.xlsx", G, "probe", BASE)
    assert set(store.native) == before
    kinds = {(e.sheet, e.header, e.kind) for e in info.value.errors}
    assert ("Maßnahmen", "Beginn", "eingabe") in kinds, kinds
    assert ("Indikatoren", "Datenquellen", "verweis") in kinds, kinds
    assert any(e.sheet == "Indikatoren" and e.kind == "regel" for e in info.value.errors), info.value.errors
    [ref] = [e for e in info.value.errors if e.kind == "verweis"]
    assert "dieser Bezeichnung oder Kennung im Blatt „Weitere Einträge“ (Art „Datenquelle“)" in ref.message


def test_a_missing_data_source_is_named_in_the_first_pass_once(probe: Probe, tmp_path: Path) -> None:
    from tests.data.sheets.make_bad import _wrong_date, good

    wb = good()
    _wrong_date(wb)
    ws = wb["Indikatoren"]
    ws.cell(2, [c.value for c in ws[1]].index("Datenquellen") + 1).value = None  # (ws.cell(…, None) keeps it)
    wb.save(tmp_path / "ohne-quelle.xlsx")
    _, writer, _ = probe
    with pytest.raises(ImportFailed) as info:
        import_workbook(writer, tmp_path / "ohne-quelle.xlsx", G, "probe", BASE)
    at_source = [e for e in info.value.errors if (e.sheet, e.row, e.header) == ("Indikatoren", 2, "Datenquellen")]
    assert len(at_source) == 1, info.value.errors  # the required cell, not the same again as a broken rule
    assert any(e.header == "Beginn" for e in info.value.errors)
