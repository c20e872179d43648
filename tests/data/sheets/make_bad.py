"""The test workbooks, made from code: ``gut.xlsx`` (small, valid, fictional) and one bad file per problem.

Nothing is checked in: the session fixture ``workbooks`` (``tests/conftest.py``) calls :func:`make` once per test
run into a temporary folder, and :func:`good_bytes` gives ``gut.xlsx`` in memory. To look at the files:
``.venv/bin/python tests/data/sheets/make_bad.py /tmp/mappen``.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from integrationsgraph.graph.sheets.workbook import template_bytes

GOOD: dict[str, list[dict[str, object]]] = {
    "Konzept": [
        {"Bezeichnung": "Integrationskonzept Probestadt (fiktiv)", "Gemeinde": "Probestadt", "Status": "Entwurf"}
    ],
    "Handlungsfelder": [{"Code": "HF1", "Bezeichnung": "Sprache", "Position": 1}],
    "Leitziele": [{"Code": "LZ1.1", "Bezeichnung": "Alle sprechen Deutsch", "Handlungsfeld": "HF1"}],
    "Handlungsziele": [
        {"Code": "HZ1.1.1", "Bezeichnung": "Mehr Kursabschlüsse", "Leitziel": "LZ1.1", "Indikatoren": "I1.1.1.1"}
    ],
    "Maßnahmen": [
        {
            "Code": "M1.1.1.1",
            "Bezeichnung": "Kinderbetreuung während der Kurse",
            "Handlungsziele": "HZ1.1.1",
            "Federführung": "Volkshochschule Probestadt",
            "Kooperationspartner": "Probestadt",
            "Umsetzungsstatus": "laufend",
            "Beginn": "01.01.2025",
            "Ende": "31.12.2026",
        }
    ],
    "Indikatoren": [
        {
            "Code": "I1.1.1.1",
            "Bezeichnung": "Anteil der Kursabschlüsse mit B1",
            "Definition": "Abschlüsse mit B1 geteilt durch alle Prüfungen, in Prozent",
            "Einheit": "Prozent",
            "Zielrichtung": "steigend",
            "Turnus": "jährlich",
            "Datenquellen": "Kursstatistik",
        }
    ],
    "Messwerte": [{"Indikator": "I1.1.1.1", "Gebiet": "Probestadt", "Stichtag": "31.12.2024", "Wert": "52,5"}],
    "Akteure": [
        {"Bezeichnung": "Probestadt", "Typ": "Kommune"},
        {"Bezeichnung": "Volkshochschule Probestadt", "Typ": "Verband, Verein, Träger"},
    ],
    "Gremien und Netzwerke": [{"Bezeichnung": "Netzwerk Sprache", "Typ": "Netzwerk", "Zweck (Handlungsfelder)": "HF1"}],
    "Mitgliedschaften": [
        {"Organisation": "Netzwerk Sprache", "Mitglied": "Volkshochschule Probestadt", "Beginn": "01.01.2024"}
    ],
    "Weitere Einträge": [{"Art": "Datenquelle", "Bezeichnung": "Kursstatistik"}],
}


def good() -> Workbook:
    """The template with the example rows replaced by a small valid fictional concept (every row „Fiktiv: ja“)."""
    wb = load_workbook(io.BytesIO(template_bytes()))
    for name, rows in GOOD.items():
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        ws.delete_rows(2, ws.max_row)
        for n, row in enumerate(rows, start=2):
            for header, value in {**row, "Fiktiv": "ja"}.items():
                ws.cell(n, headers.index(header) + 1, value)  # type: ignore[arg-type]
    return wb


@cache
def good_bytes() -> bytes:
    """``gut.xlsx`` as bytes, made once per process (the same bytes for every test that uploads it)."""
    buffer = io.BytesIO()
    good().save(buffer)
    return buffer.getvalue()


def cell(wb: Workbook, sheet: str, row: int, header: str, value: object) -> None:
    ws = wb[sheet]
    ws.cell(row, [c.value for c in ws[1]].index(header) + 1, value)  # type: ignore[arg-type]


def _missing_sheet(wb: Workbook) -> None:
    del wb["Leitziele"]


def _renamed_column(wb: Workbook) -> None:
    cell(wb, "Maßnahmen", 1, "Code", "Kennziffer")


def _duplicate_code(wb: Workbook) -> None:
    cell(wb, "Leitziele", 3, "Code", "LZ1.1")
    cell(wb, "Leitziele", 3, "Bezeichnung", "Noch ein Leitziel mit demselben Code")
    cell(wb, "Leitziele", 3, "Handlungsfeld", "HF1")


def _missing_leitziel(wb: Workbook) -> None:
    cell(wb, "Handlungsziele", 2, "Leitziel", "LZ9.9")


def _wrong_date(wb: Workbook) -> None:
    cell(wb, "Maßnahmen", 2, "Beginn", "2025/01/31")


def _text_in_number(wb: Workbook) -> None:
    cell(wb, "Messwerte", 2, "Wert", "ungefähr fünfzig")


def _rule_broken(wb: Workbook) -> None:
    cell(wb, "Maßnahmen", 2, "Beginn", "01.01.2027")  # after the end: a SHACL Violation (MassnahmeLaufzeitShape)


def _base_year_not_a_year(wb: Workbook) -> None:
    cell(wb, "Indikatoren", 2, "Basisjahr", "2O20")  # a letter O for the zero


def _base_year_out_of_range(wb: Workbook) -> None:
    cell(wb, "Indikatoren", 2, "Basisjahr", 1800)  # a whole number, but no plausible year (IndikatorBasisjahrShape)


def _unknown_reporting_status(wb: Workbook) -> None:
    cell(wb, "Indikatoren", 2, "Berichtsstatus", "fertig")


def _manual_status_without_reason(wb: Workbook) -> None:
    cell(wb, "Indikatoren", 2, "Fortschrittsstatus (von Hand)", "Nicht bewertbar")


def _thresholds_swapped(wb: Workbook) -> None:
    cell(
        wb, "Indikatoren", 2, "Schwelle auf Kurs", "0,6"
    )  # below "Schwelle Fortschritt" (IndikatorSchwellenReihenfolge)
    cell(wb, "Indikatoren", 2, "Schwelle Fortschritt", "0,95")


def _several(wb: Workbook) -> None:
    _wrong_date(wb)
    _text_in_number(wb)
    _missing_leitziel(wb)


BAD: dict[str, Callable[[Workbook], None]] = {
    "fehlendes-blatt.xlsx": _missing_sheet,
    "umbenannte-spalte.xlsx": _renamed_column,
    "doppelter-code.xlsx": _duplicate_code,
    "fehlendes-leitziel.xlsx": _missing_leitziel,
    "falsches-datum.xlsx": _wrong_date,
    "text-in-zahl.xlsx": _text_in_number,
    "regelverstoss.xlsx": _rule_broken,
    "mehrere-fehler.xlsx": _several,
    "basisjahr-kein-jahr.xlsx": _base_year_not_a_year,
    "basisjahr-unplausibel.xlsx": _base_year_out_of_range,
    "unbekannter-berichtsstatus.xlsx": _unknown_reporting_status,
    "status-ohne-begruendung.xlsx": _manual_status_without_reason,
    "schwellen-vertauscht.xlsx": _thresholds_swapped,
}
BIG = "zu-gross.xlsx"
NOT_A_WORKBOOK = "keine-arbeitsmappe.xlsx"


def make(folder: Path) -> None:
    """Write every test workbook into ``folder`` (a temporary one: never the checkout)."""
    (folder / "gut.xlsx").write_bytes(good_bytes())
    for name, change in BAD.items():
        wb = good()
        change(wb)
        wb.save(folder / name)
    (folder / NOT_A_WORKBOOK).write_text("Subjekt;Eigenschaft;Wert\nDas ist Text, keine Arbeitsmappe.\n")
    make_big(folder / BIG)


def make_big(path: Path, size: int = 10 * 1024 * 1024) -> None:
    """A valid workbook of ``size`` bytes: gut.xlsx plus an incompressible picture-sized part."""
    with zipfile.ZipFile(io.BytesIO(good_bytes())) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(zipfile.ZipInfo("xl/media/image1.bin"), os.urandom(size), compress_type=zipfile.ZIP_STORED)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Aufruf: make_bad.py ORDNER (ein Ordner außerhalb des Checkouts)")
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    make(target)
    print(f"Arbeitsmappen in {target} geschrieben.")
