"""Reading a workbook (xlsx with openpyxl, or a folder of CSV files) into plain rows, and cell values.

Formulas give their cached values (what Excel or LibreOffice showed when the file was saved), merged
cells spanning rows give their value to every row, empty rows are skipped, whitespace around a value
is dropped, and German numbers (``1.234,5``) and dates (``27.06.2017``) are understood.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers.expat import ExpatError

import defusedxml
import openpyxl.xml
from defusedxml.ElementTree import DefusedXMLParser
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.sheets.columns import EXTRA, EXTRA_HEADERS, SHEETS
from integrationsgraph.graph.sheets.errors import CellError, ImportFailed, column_letter

if not openpyxl.xml.DEFUSEDXML:  # openpyxl parses with defusedxml when it is installed (no entities, no DTD fetch)
    raise ImportError("openpyxl findet defusedxml nicht: bitte `pip install defusedxml`.")

MAX_BYTES = Settings.model_construct().import_max_bytes
"""Largest workbook accepted: the default of ``Settings.import_max_bytes`` (5 MiB; Musterstadt is about 60 KiB,
5,000 rows about 400 KiB)."""


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold before openpyxl opens it (against zip, cell and style bombs; see Settings)."""

    unpacked_bytes: int
    entries: int
    cells: int
    elements: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        s = settings
        return cls(s.import_max_unpacked_bytes, s.import_max_entries, s.import_max_cells, s.import_max_elements)


DEFAULT_LIMITS = Limits.of(Settings.model_construct())
"""The defaults of :class:`Settings` (no environment read)."""

Value = str | int | float | Decimal | date | datetime | bool | None


@dataclass
class Row:
    """One non-empty row: its number in the sheet and its values by header."""

    number: int
    values: dict[str, Value]
    letters: dict[str, str] = field(default_factory=dict)


@dataclass
class RawSheet:
    name: str
    rows: list[Row]
    letters: dict[str, str]
    """Header → column letter."""


@dataclass
class RawBook:
    source: str
    sheets: dict[str, RawSheet]


def read_workbook(
    data: bytes | Path,
    source: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    limits: Limits = DEFAULT_LIMITS,
    check: Callable[[], None] | None = None,
) -> RawBook:
    """Read an xlsx file (path or bytes) or a folder of CSV files; raise :class:`ImportFailed` when unusable.

    ``check`` is called between the steps (it raises to stop: a time limit, a client that hung up)."""
    if isinstance(data, Path):
        source = source or data.name
        if data.is_dir():
            return _read_csv_folder(data, source)
        if not data.exists():
            raise ImportFailed(source, [_file_error(source, "Die Datei wurde nicht gefunden.")])
        if data.stat().st_size > max_bytes:
            raise ImportFailed(source, [_too_big(source, data.stat().st_size, max_bytes)])
        data = data.read_bytes()
    source = source or "Arbeitsmappe"
    if len(data) > max_bytes:
        raise ImportFailed(source, [_too_big(source, len(data), max_bytes)])
    _check_zip(data, source, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read (e.g. slicers)
            book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, InvalidFileException, ...)
        raise ImportFailed(source, [_file_error(source, f"Die Arbeitsmappe lässt sich nicht lesen ({exc}).")]) from exc
    _check_extent(book.worksheets, source, limits)
    sheets: dict[str, RawSheet] = {}
    for ws in book.worksheets:
        if check is not None:
            check()
        grid = [[clean(v) for v in r] for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            # A value merged over several rows belongs to each of them; across columns only to the first.
            top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
            for r in range(merged.min_row + 1, min(merged.max_row, len(grid)) + 1):
                if merged.min_col - 1 < len(grid[r - 1]):
                    grid[r - 1][merged.min_col - 1] = top
        sheets[ws.title.strip()] = _sheet(ws.title.strip(), grid)
    return RawBook(source, sheets)


def _sheet(name: str, grid: list[list[Value]]) -> RawSheet:
    if not grid:
        return RawSheet(name, [], {})
    headers = [clean(h) for h in grid[0]]
    letters = {str(h): column_letter(i + 1) for i, h in enumerate(headers) if h not in (None, "")}
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        values = {str(h): clean(v) for h, v in zip(headers, cells, strict=False) if h not in (None, "")}
        if any(v not in (None, "") for v in values.values()):
            rows.append(Row(number, values, letters))
    return RawSheet(name, rows, letters)


def clean(value: object) -> Value:
    """Strip whitespace (also non-breaking spaces) from text; empty text becomes ``None``."""
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").strip()
        return text or None
    if value is None or isinstance(value, int | float | Decimal | date | datetime | bool):
        return value
    return clean(str(value))  # rich text, times: as text


def _read_csv_folder(folder: Path, source: str) -> RawBook:
    sheets: dict[str, RawSheet] = {}
    for path in sorted(folder.glob("*.csv")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")  # what German Excel writes as "CSV (Trennzeichen-getrennt)"
        delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
        grid: list[list[Value]] = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
        sheets[path.stem.strip()] = _sheet(path.stem.strip(), grid)
    if not sheets:
        raise ImportFailed(source, [_file_error(source, "Der Ordner enthält keine CSV-Dateien (ein Blatt je Datei).")])
    return RawBook(source, sheets)


def check_layout(book: RawBook) -> list[CellError]:
    """Every sheet of the template is there, and every column under its header (missing or renamed → error)."""
    errors = []
    for spec in SHEETS:
        sheet = book.sheets.get(spec.name)
        if sheet is None:
            errors.append(
                CellError(
                    spec.name,
                    0,
                    "",
                    "",
                    "",
                    f"Das Blatt „{spec.name}“ fehlt. Bitte die Vorlage verwenden "
                    "(`integrationsgraph template`) und kein Blatt löschen oder umbenennen.",
                    "datei",
                )
            )
            continue
        expected = [c.header for c in spec.columns]
        errors += _headers(sheet, expected, {c.header for c in spec.columns if c.newer})
    extra = book.sheets.get(EXTRA)
    if extra is not None:
        errors += _headers(extra, list(EXTRA_HEADERS))
    return errors


def _headers(sheet: RawSheet, expected: list[str], may_lack: Collection[str] = ()) -> list[CellError]:
    """Unknown and missing headers; ``may_lack`` are columns that workbooks of older templates do not have."""
    errors = []
    known = {h.casefold(): h for h in expected}
    for header, letter in sheet.letters.items():
        if header.casefold() not in known:
            errors.append(
                CellError(
                    sheet.name,
                    1,
                    letter,
                    header,
                    header,
                    f"Unbekannte Spalte „{header}“. Erwartet werden: {', '.join(expected)}.",
                    "datei",
                )
            )
    present = {h.casefold() for h in sheet.letters}
    for header in expected:
        if header.casefold() not in present and header not in may_lack:
            errors.append(
                CellError(
                    sheet.name,
                    1,
                    "",
                    header,
                    "",
                    f"Die Spalte „{header}“ fehlt (umbenannt oder gelöscht?). Bitte die Überschrift aus der Vorlage "
                    "wiederherstellen.",
                    "datei",
                )
            )
    if not errors:
        # Headers matched case-insensitively: key the rows by the template's spelling.
        for row in sheet.rows:
            row.values = {known[h.casefold()]: v for h, v in row.values.items() if h.casefold() in known}
            row.letters = {known[h.casefold()]: v for h, v in sheet.letters.items()}
    return errors


def _check_zip(data: bytes, source: str, limits: Limits) -> None:
    """The zip's size, file count and XML (no DTD; cells and elements counted) before openpyxl opens it.

    The sizes are the zip's own figures; Python's zipfile stops at them when unpacking (CRC error beyond),
    so a lying entry cannot unpack to more. Every part that looks like XML is parsed with defusedxml, whatever
    its name (openpyxl follows the relationships to any name), with ``forbid_dtd``: no spreadsheet program
    writes a DTD, and one is where entity bombs live.
    """
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        message = "Das ist eine alte Excel-Datei (.xls). Bitte als .xlsx speichern."
        raise ImportFailed(source, [_file_error(source, message)])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise zipfile.BadZipFile("xl/workbook.xml fehlt")
            unpacked = sum(i.file_size for i in infos)
            if len(infos) > limits.entries:
                _refuse(source, f"Die Arbeitsmappe enthält {len(infos)} Dateien (erlaubt sind {_de(limits.entries)}).")
            if unpacked > limits.unpacked_bytes:
                _refuse(
                    source,
                    f"Die Arbeitsmappe ist entpackt zu groß ({_mb(unpacked)} MB; erlaubt sind "
                    f"{_mb(limits.unpacked_bytes)} MB).",
                )
            counter = _Counter(limits)
            for info in infos:
                _scan_part(z, info, counter, source)
    except zipfile.BadZipFile:
        raise ImportFailed(
            source,
            [_file_error(source, "Das ist keine Excel-Arbeitsmappe (.xlsx). Bitte die Vorlage als .xlsx speichern.")],
        ) from None


class _TooMany(Exception):
    pass


@dataclass
class _Counter:
    """An XML target that counts elements and cells (``c``) and stops past the limits."""

    limits: Limits
    elements: int = 0
    cells: int = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.elements += 1
        name = tag.rpartition("}")[2]
        if name in ("c", "mergeCell"):
            # openpyxl makes a cell for every cell a merged range covers (and we copy values down it)
            self.cells += _range_size(attrib.get("ref", "")) if name == "mergeCell" else 1
            if self.cells > self.limits.cells:
                raise _TooMany(f"mehr als {_de(self.limits.cells)} Zellen (verbundene Zellen mitgezählt)")
        if self.elements > self.limits.elements:
            raise _TooMany(f"mehr als {_de(self.limits.elements)} XML-Elemente (Zellen, Formate, Namen, …)")

    def end(self, _tag: str) -> None:
        pass

    def data(self, _data: str) -> None:
        pass

    def close(self) -> None:
        pass


def _range_size(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return 1  # openpyxl refuses it when it opens the file
    if None in (min_col, min_row, max_col, max_row):
        return 1
    return (int(max_col or 0) - int(min_col or 0) + 1) * (int(max_row or 0) - int(min_row or 0) + 1)


_XML_START = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<")


def _scan_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, counter: _Counter, source: str) -> None:
    with z.open(info) as part:
        chunk = part.read(1 << 16)
        if not chunk.lstrip(b" \t\r\n").startswith(_XML_START):
            return  # pictures, printer settings, macros: nothing openpyxl parses as XML
        parser = DefusedXMLParser(target=counter, forbid_dtd=True)
        try:
            while chunk:
                parser.feed(chunk)
                chunk = part.read(1 << 16)
        except defusedxml.DefusedXmlException:
            line = parser.parser.CurrentLineNumber
            _refuse(
                source,
                f"{info.filename}, Zeile {line}: Die Arbeitsmappe enthält eine DTD (<!DOCTYPE …>). Das schreibt "
                "kein Tabellenprogramm; sie wird aus Sicherheitsgründen nicht gelesen. Bitte die Daten in eine "
                "neue Vorlage kopieren.",
            )
        except _TooMany as exc:
            _refuse(
                source,
                f"Die Arbeitsmappe ist zu groß: {exc} (gezählt bis {info.filename}). Bitte leere Zeilen, Spalten, "
                "Formate und unnötige Blätter entfernen oder die Daten aufteilen.",
            )
        except ExpatError:
            return  # not well-formed: openpyxl stops there too (and says so, if it reads this part at all)


def _check_extent(sheets: list[Any], source: str, limits: Limits) -> None:
    """The used range (rows × columns) of the sheets within the cell limit (merged ranges were counted before).

    ``iter_rows`` walks the whole used range: two cells, in A1 and XFD1048576, would be 17 billion."""
    total = 0
    for ws in sheets:
        total += ws.max_row * ws.max_column
        if total > limits.cells:
            _refuse(
                source,
                f"Das Blatt „{ws.title}“ reicht bis Zeile {ws.max_row}, Spalte {column_letter(ws.max_column)}: "
                f"zusammen mehr als {_de(limits.cells)} Zellen. Bitte leere Zeilen und Spalten am Ende löschen.",
            )


def _refuse(source: str, message: str) -> NoReturn:
    raise ImportFailed(source, [_file_error(source, message)])


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def _de(number: int) -> str:
    return f"{number:_}".replace("_", ".")


def _file_error(source: str, message: str) -> CellError:
    return CellError("", 0, "", "", "", message, "datei")


def _too_big(source: str, size: int, limit: int) -> CellError:
    shown = f"{size / 1048576:.1f}".replace(".", ",")
    return _file_error(
        source,
        f"Die Datei ist zu groß ({shown} MB; erlaubt sind höchstens {limit // 1048576} MB). "
        "Bitte Bilder und unnötige Blätter entfernen oder die Daten aufteilen.",
    )


# ---------------------------------------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------------------------------------

_GERMAN_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+(,\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def to_decimal(value: Value) -> Decimal:
    """A number cell, or text such as ``1.234,5``, ``12,5`` or ``12.5``; raise ``ValueError`` otherwise."""
    if isinstance(value, bool | date):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).replace(" ", "").replace("\u00a0", "")
    if text.endswith("%"):
        text = text[:-1]
    if "," in text and _GERMAN_NUMBER.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if _PLAIN_NUMBER.match(text):
        return Decimal(text)
    if _GERMAN_NUMBER.match(text):  # 1.234.567 (thousands only)
        return Decimal(text.replace(".", ""))
    raise ValueError(value)


def to_integer(value: Value) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def to_date(value: Value) -> date:
    """A date cell, or text ``27.06.2017`` or ``2017-06-27``; raise ``ValueError`` otherwise."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(value)
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    m = _GERMAN_DATE.match(text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _ISO_DATE.match(text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(value)


def to_text(value: Value) -> str:
    """Text of a cell as the user sees it (dates German, whole numbers without ``.0``)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return "" if value is None else str(value)
