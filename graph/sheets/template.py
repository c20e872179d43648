"""Writing the workbook: the empty template (one example row per sheet) or a dataset's rows.

German headers with a note on each, drop-down lists for controlled values and for references (the codes or
names of the other sheets), an instructions sheet first and a hidden sheet "Listen" with the values. Text from
the data never becomes a formula: a cell that would start one gets a single quote (:mod:`graph.core.cells`), which
the import takes off again.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from integrationsgraph.graph.core.cells import neutralise
from integrationsgraph.graph.sheets.columns import (
    EXAMPLE_MARK,
    EXTRA,
    EXTRA_HEADERS,
    GUIDE,
    LISTS,
    SHEETS,
    Column,
    Kind,
    Sheet,
    target_sheets,
)
from integrationsgraph.graph.sheets.from_rdf import ExRow, Extracted

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
EXAMPLE_FONT = Font(italic=True, color="808080")
MIN_ROWS = 1000
"""Rows that drop-down lists and list formulas cover beyond the data."""

EXAMPLES: dict[str, dict[str, object]] = {
    "Konzept": {"Bezeichnung": f"{EXAMPLE_MARK}: Integrationskonzept der Stadt Musterstadt", "Status": "Entwurf"},
    "Handlungsfelder": {"Code": f"{EXAMPLE_MARK}-HF1", "Bezeichnung": "Sprache", "Position": 1},
    "Leitziele": {"Code": f"{EXAMPLE_MARK}-LZ1.1", "Bezeichnung": "Alle sprechen Deutsch", "Handlungsfeld": "HF1"},
    "Handlungsziele": {
        "Code": f"{EXAMPLE_MARK}-HZ1.1.1",
        "Bezeichnung": "Mehr Abschlüsse im Integrationskurs",
        "Leitziel": "LZ1.1",
        "Indikatoren": "I1.1.1.1",
    },
    "Maßnahmen": {
        "Code": f"{EXAMPLE_MARK}-M1.1.1.1",
        "Bezeichnung": "Kinderbetreuung während der Kurse",
        "Handlungsziele": "HZ1.1.1",
        "Federführung": "Kommunales Integrationszentrum",
        "Kooperationspartner": "Volkshochschule; Caritasverband",
        "Umsetzungsstatus": "laufend",
        "Beginn": date(2025, 1, 1),
    },
    "Indikatoren": {
        "Code": f"{EXAMPLE_MARK}-I1.1.1.1",
        "Bezeichnung": "Anteil der Kursabschlüsse mit B1",
        "Definition": "Abschlüsse mit B1 geteilt durch alle Prüfungen, in Prozent",
        "Einheit": "Prozent",
        "Zielrichtung": "steigend",
        "Turnus": "jährlich",
        "Datenquellen": "Bundesamt für Migration und Flüchtlinge",
        "Berichtsstatus": "Daten verfügbar",
        "Basisjahr": 2024,
    },
    "Ressourcen": {
        "Bezeichnung": f"{EXAMPLE_MARK}: Mittel für die Kinderbetreuung",
        "Betrag (Euro je Jahr)": Decimal("38000"),
        "Zusätzlich": "ja",
        "Bewilligungsstatus": "beantragt",
    },
    "Zielvorgaben": {
        "Handlungsziel": f"{EXAMPLE_MARK}-HZ1.1.1",
        "Indikator": "I1.1.1.1",
        "Ausgangswert": Decimal("52"),
        "Ausgangsdatum": date(2024, 12, 31),
        "Zielwert": Decimal("66"),
        "Zieldatum": date(2028, 12, 31),
    },
    "Messwerte": {
        "Indikator": f"{EXAMPLE_MARK}-I1.1.1.1",
        "Gebiet": "Musterstadt",
        "Stichtag": date(2024, 12, 31),
        "Wert": Decimal("52.5"),
    },
    "Akteure": {"Bezeichnung": f"{EXAMPLE_MARK}: Kommunales Integrationszentrum", "Typ": "Dienststelle"},
    "Gremien und Netzwerke": {
        "Bezeichnung": f"{EXAMPLE_MARK}: Netzwerk Sprache",
        "Typ": "Netzwerk",
        "Zweck (Handlungsfelder)": "HF1",
        "Aufgaben": "Austausch der Kursträger\nGemeinsame Kursplanung",
    },
    "Mitgliedschaften": {
        "Organisation": f"{EXAMPLE_MARK}: Netzwerk Sprache",
        "Mitglied": "Volkshochschule",
        "Beginn": date(2024, 1, 1),
    },
    "Weitere Einträge": {"Art": f"{EXAMPLE_MARK}: Zielgruppe", "Bezeichnung": "Neuzugewanderte"},
}


def workbook_bytes(extracted: Extracted | None = None, notice: str | None = None) -> bytes:
    """The template (``extracted`` None: one example row per sheet) or a dataset's workbook, as xlsx bytes;
    ``notice`` stands at the top of the first sheet (whether the workbook holds personal data)."""
    wb = Workbook()
    guide = wb.active
    assert isinstance(guide, Worksheet)
    guide.title = GUIDE
    _guide(guide, notice)
    lists = wb.create_sheet(LISTS)
    list_ranges: dict[tuple[str, ...], str] = {}
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        rows = extracted.rows.get(spec.name, []) if extracted else []
        _header(ws, spec.columns)
        if extracted is None:
            _write_row(ws, 2, spec, EXAMPLES.get(spec.name, {}), example=True)
        for n, r in enumerate(rows, start=2):
            _write_row(ws, n, spec, _cells(r))
        _validations(ws, spec, max(MIN_ROWS, len(rows) + 500), lists, list_ranges)
    extra = wb.create_sheet(EXTRA)
    _header(extra, [Column(h, Kind.STRING) for h in EXTRA_HEADERS])
    for n, triple in enumerate(extracted.extra if extracted else [], start=2):
        for c, text in enumerate(triple, start=1):
            extra.cell(n, c, neutralise(text))
    for c, width in enumerate((45, 30, 80), start=1):
        extra.column_dimensions[get_column_letter(c)].width = width
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cells(r: ExRow) -> dict[str, object]:
    cells = dict(r.cells)
    chooser = r.sheet.first(Kind.TYPE)
    if chooser is not None and r.type_iri is not None:
        cells[chooser.header] = chooser.choice_label(r.type_iri)
    return cells


def _header(ws: Worksheet, columns: tuple[Column, ...] | list[Column]) -> None:
    for c, col in enumerate(columns, start=1):
        cell = ws.cell(1, c, col.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        note = ("Pflichtfeld. " if col.required else "") + col.note
        if note.strip():
            cell.comment = Comment(note.strip(), "integrationsgraph")
        wide = col.kind in (Kind.TEXT_DE, Kind.TEXT_EN, Kind.TEXTS_DE, Kind.REFS)
        ws.column_dimensions[get_column_letter(c)].width = 40 if wide else 18
    ws.freeze_panes = "B2"


def _write_row(ws: Worksheet, n: int, spec: Sheet, cells: dict[str, object], *, example: bool = False) -> None:
    for c, col in enumerate(spec.columns, start=1):
        if col.header not in cells:
            continue
        cell = ws.cell(n, c, _excel(col, cells[col.header]))
        if isinstance(cell.value, date):
            cell.number_format = "DD.MM.YYYY"
        if col.kind in (Kind.TEXT_DE, Kind.TEXT_EN, Kind.TEXTS_DE):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if example:
            cell.font = EXAMPLE_FONT


def _excel(col: Column, value: object) -> str | int | float | date | None:
    """The cell value for ``value``: numbers and dates as such, text through :func:`neutralise`."""
    if isinstance(value, list):
        return neutralise(("\n" if col.kind == Kind.TEXTS_DE else "; ").join(str(v) for v in value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float
        return format(value, "f").replace(".", ",")  # more digits than a float keeps: German text
    if isinstance(value, str):
        return neutralise(value)
    if value is None or isinstance(value, int | float | date):
        return value
    return neutralise(str(value))


def _validations(ws: Worksheet, spec: Sheet, rows: int, lists: Worksheet, ranges: dict[tuple[str, ...], str]) -> None:
    for c, col in enumerate(spec.columns, start=1):
        source = None
        if col.choices:
            source = _list_range(lists, ranges, ("choices", col.header, *(label for label, _ in col.choices)))
        elif col.kind in (Kind.REF, Kind.REFS):
            source = _list_range(lists, ranges, ("refs", *col.targets), rows)
        if source is None:
            continue
        dv = DataValidation(type="list", formula1=source, allow_blank=True)
        if col.kind == Kind.REFS or (col.kind == Kind.TYPE and spec.name == "Weitere Einträge"):
            dv.showErrorMessage = False  # several values per cell: the list is a help, not a limit
        else:
            dv.error = "Bitte einen Wert aus der Liste wählen."
            dv.errorTitle = "Ungültiger Wert"
        dv.prompt = col.note or col.header
        ws.add_data_validation(dv)
        letter = get_column_letter(c)
        dv.add(f"{letter}2:{letter}{rows}")


def _list_range(lists: Worksheet, ranges: dict[tuple[str, ...], str], key: tuple[str, ...], rows: int = 0) -> str:
    """The cells a drop-down offers: the names column of one sheet, or a column of the hidden sheet "Listen"
    (fixed values, or formulas that gather the names of several sheets)."""
    if key in ranges:
        return ranges[key]
    sources = []
    if key[0] == "refs":
        for target in key[1:]:
            for sheet, _art in target_sheets(Column("", Kind.REF, targets=(target,))):
                name_col = sheet.first(Kind.CODE) if sheet.ref_by == "code" else None
                idx = [col.header for col in sheet.columns].index(name_col.header if name_col else "Bezeichnung")
                src = f"'{sheet.name}'!${get_column_letter(idx + 1)}$"
                if src not in sources:
                    sources.append(src)
        if len(sources) == 1:
            ranges[key] = f"{sources[0]}2:{sources[0]}{rows}"
            return ranges[key]
    c = len([k for k in ranges.values() if k.startswith(f"'{LISTS}'")]) + 1
    letter = get_column_letter(c)
    if key[0] == "choices":
        lists.cell(1, c, key[1])
        for n, label in enumerate(key[2:], start=2):
            lists.cell(n, c, label)
        end = len(key) - 1
    else:
        lists.cell(1, c, " + ".join(key[1:]))
        n = 2
        for src in sources:
            for i in range(2, rows + 1):
                lists.cell(n, c, f'=IF({src}{i}="","",{src}{i})')
                n += 1
        end = n - 1
    ranges[key] = f"'{LISTS}'!${letter}$2:${letter}${end}"
    return ranges[key]


GUIDE_LINES = (
    "Anleitung: Integrationskonzept als Arbeitsmappe",
    "",
    (
        "Diese Arbeitsmappe beschreibt ein ganzes Integrationskonzept. Jedes Blatt enthält eine Art von "
        "Einträgen, jede Zeile einen Eintrag."
    ),
    "Einlesen: integrationsgraph import konzept.xlsx --dataset NAME (oder über POST /api/import).",
    "Ausgeben: integrationsgraph export konzept.xlsx --dataset NAME.",
    "",
    "Wichtig",
    (
        "• Die Arbeitsmappe ist der ganze Datensatz: Was hier fehlt, wird beim Einlesen aus dem Datensatz "
        "entfernt. Am besten zuerst exportieren, dann bearbeiten."
    ),
    ("• Blätter und Spaltenüberschriften nicht umbenennen oder löschen. Die Reihenfolge der Spalten ist egal."),
    (
        "• Zeilen, deren erste Zelle mit „BEISPIEL“ beginnt, sind Beispiele und werden beim Einlesen "
        "übersprungen (grau und kursiv in der Vorlage)."
    ),
    "• Pflichtfelder sind in der Notiz zur Überschrift markiert. Leere Zeilen werden übersprungen.",
    (
        "• Codes (HF1, LZ1.1, HZ1.1.1, M1.1.1.1, I1.1.1.1) sind je Blatt eindeutig. Verweise auf "
        "Handlungsfelder, Ziele, Maßnahmen und Indikatoren schreiben den Code, Verweise auf Akteure, Gremien "
        "und weitere Einträge den Namen (oder die Kennung)."
    ),
    (
        "• Mehrere Verweise in einer Zelle mit „;“ trennen (z. B. „HZ1.1.1; HZ1.1.2“). Mehrere Aufgaben: eine"
        " je Zeile in der Zelle (Alt+Eingabe)."
    ),
    ("• Zahlen deutsch oder als Zahl: 1.234,5 oder 12,5. Datumsangaben als Datum oder TT.MM.JJJJ (27.06.2017)."),
    (
        "• Spalte „Kennung“: letzter Teil der Internetadresse (IRI) des Eintrags. Leer lassen, dann wird sie "
        "aus dem Code gebildet (LZ1.1 → lz1-1), sonst aus der Bezeichnung. Eine vergebene Kennung nicht mehr "
        "ändern: Sonst gilt der Eintrag als gelöscht und neu angelegt."
    ),
    (
        "• Blatt „Messwerte“: eine Zeile je Wert; eine Zeitreihe sind mehrere Zeilen desselben Indikators mit "
        "verschiedenem Stichtag. Die Kennung wird aus Indikator, Stichtag und Aufschlüsselung gebildet "
        "(i1-1-1-1-2025, i1-1-1-1-2025-nordstadt). Aufschlüsselungen: Gebiet = ein Sozialraum statt der Kommune, "
        "Geschlecht (weiblich, männlich, divers), Altersgruppe; ohne sie ist es die Hauptreihe der ganzen Gemeinde."
    ),
    (
        "• Blatt „Indikatoren“, Fortschrittsbewertung: „Berichtsstatus“, „Basisjahr“ und die vier Schwellen nur "
        "ausfüllen, wenn die Vorgabe nicht passt (leer = Vorgabe, siehe Notiz). Ein „Fortschrittsstatus (von Hand)“ "
        "ersetzt den berechneten und braucht eine „Begründung des Fortschrittsstatus“. Schwellen als Dezimalzahl "
        "oder in Prozent (0,015 oder 1,5 %)."
    ),
    "• Spalte „Fiktiv“: „ja“ nur bei erfundenen Beispieldaten.",
    (
        "• Blatt „Weitere Angaben“: alles, wofür es keine Spalte gibt (z. B. Herkunftsangaben), als Subjekt /"
        " Eigenschaft / Wert in RDF-Schreibweise (Turtle). Nur ändern, wer RDF kennt."
    ),
    (
        "• Beim Einlesen wird alles geprüft: Jeder Fehler wird mit Blatt, Zeile, Spalte und Wert gemeldet. "
        "Ist ein Fehler dabei, wird nichts geschrieben."
    ),
    (
        "• Mit --version 2025 wird eine eigene Fassung (Fortschreibung) gespeichert; integrationsgraph diff "
        "--dataset NAME 2020 2025 zeigt, was sich geändert hat."
    ),
    "",
    "Die Blätter",
)


def _guide(ws: Worksheet, notice: str | None = None) -> None:
    lines = list(GUIDE_LINES)
    if notice:
        lines.insert(1, notice)
    lines += [f"• {s.name}: {s.description}" for s in SHEETS]
    lines.append(f"• {EXTRA}: alles, wofür es keine Spalte gibt.")
    for n, line in enumerate(lines, start=1):
        cell = ws.cell(n, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if n == 1 or line in ("Wichtig", "Die Blätter"):
            cell.font = Font(bold=True, size=14 if n == 1 else 12)
        elif notice and n == 2:
            cell.font = Font(bold=True, color="9C0006")
    ws.column_dimensions["A"].width = 140
