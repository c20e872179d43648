"""Reading cells: German numbers and dates, formulas (cached values), merged cells, empty rows, whitespace, CSV."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.read import Limits, read_workbook, to_date, to_decimal
from integrationsgraph.graph.sheets.to_rdf import build, slug
from tests.data.sheets.make_bad import good_bytes

BASE = "https://w3id.org/integrationsgraph/id/"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234,5", "1234.5"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1.234.567", "1234567"),
        ("-0,25", "-0.25"),
        (" 7 ", "7"),
    ],
)
def test_german_and_plain_numbers(text: str, number: str) -> None:
    assert to_decimal(text.strip()) == Decimal(number)


def test_number_cells_keep_their_value() -> None:
    assert to_decimal(0.1) == Decimal("0.1") and to_decimal(42) == Decimal(42)


@pytest.mark.parametrize("text", ["viel", "1,2,3", "12.5.2020", "1.23,4"])
def test_text_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        to_decimal(text)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("27.06.2017", date(2017, 6, 27)),
        ("1.7.2017", date(2017, 7, 1)),
        ("2017-06-27", date(2017, 6, 27)),
        (datetime(2017, 6, 27), date(2017, 6, 27)),
    ],
)
def test_german_and_iso_dates(value: object, day: date) -> None:
    assert to_date(value) == day  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["2017/06/27", "31.02.2017", "27.06.17", "Juni 2017"])
def test_other_date_formats_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        to_date(text)


def test_slugs_from_codes_and_names() -> None:
    assert slug("LZ1.1") == "lz1-1"
    assert slug("M1.1.1.1") == "m1-1-1-1"
    assert slug("Fachstelle Migration & Integration") == "fachstelle-migration-und-integration"
    assert slug("Straße der Vielfalt, Süd") == "strasse-der-vielfalt-sued"


def _messy() -> bytes:
    """gut.xlsx with a formula, a merged cell over two rows, an empty row and stray whitespace."""
    wb = load_workbook(io.BytesIO(good_bytes()))
    ws = wb["Leitziele"]
    ws["A3"], ws["B3"] = "  LZ1.2 ", "Zweites Leitziel\u00a0"
    field = "ABCDEFGHIJ"[[c.value for c in ws[1]].index("Handlungsfeld")]
    ws.merge_cells(f"{field}2:{field}3")  # Handlungsfeld HF1 for both rows
    ws = wb["Messwerte"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("Wert") + 1).value = "=50+2.5"
    ws.insert_rows(2)  # an empty row before the data
    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl saves formulas without a result; put in the one Excel would have stored.
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if b"<f>50+2.5</f>" in content:
                content = content.replace(b"<f>50+2.5</f><v />", b"<f>50+2.5</f><v>52.5</v>")
            dst.writestr(item, content)
    return out.getvalue()


def test_formulas_merged_cells_empty_rows_and_whitespace() -> None:
    book = read_workbook(_messy(), "messy.xlsx")
    goals = book.sheets["Leitziele"].rows
    assert [(r.number, r.values["Code"], r.values["Handlungsfeld"]) for r in goals] == [
        (2, "LZ1.1", "HF1"),
        (3, "LZ1.2", "HF1"),
    ]
    assert goals[1].values["Bezeichnung"] == "Zweites Leitziel"
    values = book.sheets["Messwerte"].rows
    assert [(r.number, r.values["Wert"]) for r in values] == [(3, 52.5)]
    built = build(book, "probe", BASE)
    assert any(t.object.value == "52.5" for t in built.triples if t.predicate.value.endswith("#wert"))


def test_a_folder_of_csv_files_is_a_workbook(tmp_path: Path, workbooks: Path) -> None:
    wb = load_workbook(workbooks / "gut.xlsx")
    for ws in wb.worksheets:
        lines = [";".join("" if v is None else str(v) for v in row) for row in ws.iter_rows(values_only=True)]
        (tmp_path / f"{ws.title}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    from_csv = build(read_workbook(tmp_path), "probe", BASE)
    from_xlsx = build(read_workbook(workbooks / "gut.xlsx"), "probe", BASE)
    assert from_csv.triples == from_xlsx.triples


# ---------------------------------------------------------------------------------------------------------
# Bombs (issue 12, part 5): a 467 KB workbook that unpacked to 100 MB kept the server busy 7 minutes at 2.8 GB.
# Everything is checked before openpyxl opens the file; the bombs are built in memory.
# ---------------------------------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _template_with(parts: dict[str, bytes]) -> bytes:
    """The real template (``gut.xlsx``) with some parts replaced or added."""
    src = zipfile.ZipFile(io.BytesIO(good_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename not in parts:
                z.writestr(info.filename, src.read(info.filename))
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _first_sheet() -> str:
    names = zipfile.ZipFile(io.BytesIO(good_bytes())).namelist()
    return sorted(n for n in names if n.startswith("xl/worksheets/sheet"))[0]


def _sheet_xml(rows: int, cols: int, prolog: str = "") -> bytes:
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}"><v>1</v></c>' for c in range(cols)) + "</row>"
        for r in range(1, rows + 1)
    )
    head = f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
    return f"{head}<sheetData>{cells}</sheetData></worksheet>".encode()


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl must not even be asked to open the file."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("openpyxl opened a workbook that should have been refused before")

    monkeypatch.setattr("integrationsgraph.graph.sheets.read.load_workbook", refuse)


def _refused(data: bytes, **limits: int) -> str:
    with pytest.raises(ImportFailed) as info:
        read_workbook(
            data, "bombe.xlsx", limits=Limits.of(Settings(**{f"import_max_{k}": v for k, v in limits.items()}))
        )
    assert info.value.errors and all(e.kind == "datei" for e in info.value.errors)
    return " ".join(e.message for e in info.value.errors)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE worksheet [<!ENTITY a "Musterstadt">]>',
        '<!-- Kommentar --><?pi x?><!DOCTYPE worksheet [<!ENTITY a "&#38;#38;">]>',
        '<!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_a_dtd_in_any_part_is_refused_before_opening(prolog: str, no_openpyxl: None) -> None:
    message = _refused(_template_with({_first_sheet(): _sheet_xml(2, 2, prolog)}))
    assert "DTD" in message and _first_sheet() in message


def test_a_dtd_in_utf16_is_refused_too(no_openpyxl: None) -> None:
    xml = _sheet_xml(2, 2, '<!DOCTYPE worksheet [<!ENTITY a "x">]>').decode().replace("UTF-8", "UTF-16")
    message = _refused(_template_with({"xl/sharedStrings.xml": xml.encode("utf-16")}))
    assert "DTD" in message and "xl/sharedStrings.xml" in message


def test_too_many_files_in_the_zip(no_openpyxl: None) -> None:
    extra = {f"customXml/item{i}.xml": b"<a/>" for i in range(80)}
    assert "Dateien" in _refused(_template_with(extra), entries=100)


def test_unpacked_too_big(no_openpyxl: None) -> None:
    data = _template_with({"xl/media/leer.bin": b"\0" * 3_000_000})  # 3 MB of zeros pack to 3 KB
    assert len(data) < 200_000
    assert "entpackt" in _refused(data, unpacked_bytes=2_000_000)


def test_too_many_cells_are_refused_before_opening(no_openpyxl: None) -> None:
    message = _refused(_template_with({_first_sheet(): _sheet_xml(2000, 10)}), cells=10_000)
    assert "Zellen" in message and "10.000" in message


def test_a_styles_bomb_is_refused_before_opening(no_openpyxl: None) -> None:
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * 50_000
    styles = f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs count="50000">{xf}</cellXfs></styleSheet>'
    assert "Elemente" in _refused(_template_with({"xl/styles.xml": styles.encode()}), elements=40_000)


def test_a_sheet_part_under_another_name_is_counted_too(no_openpyxl: None) -> None:
    # openpyxl finds sheets through the relationships, whatever their name: every XML part is counted.
    message = _refused(_template_with({"xl/elsewhere/data.bin": _sheet_xml(2000, 10)}), cells=10_000)
    assert "Zellen" in message


def test_a_far_away_cell_makes_the_used_range_too_big() -> None:
    # Two cells only, but the sheet reaches row 30,000 in column Z: 780,000 cells to walk through.
    far = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    far += '<row r="30000"><c r="Z30000"><v>1</v></c></row></sheetData></worksheet>'
    message = _refused(_template_with({_first_sheet(): far.encode()}))
    assert "Zeile 30000" in message and "Spalte Z" in message


def test_overlapping_merged_ranges_are_counted_before_opening(no_openpyxl: None) -> None:
    # A2:A3000, A3:A3000, …: a used range of 3,000 cells, but openpyxl would make a cell for each covered cell
    # of each range (half a million), and the values would be copied down each of them.
    merges = "".join(f'<mergeCell ref="A{r}:A3000"/>' for r in range(2, 200))
    sheet = (
        _sheet_xml(3000, 1)
        .decode()
        .replace("</sheetData></worksheet>", f'</sheetData><mergeCells count="198">{merges}</mergeCells></worksheet>')
    )
    message = _refused(_template_with({_first_sheet(): sheet.encode()}), cells=50_000)
    assert "verbundene Zellen mitgezählt" in message


def test_the_template_and_a_large_workbook_pass_the_limits(workbooks: Path) -> None:
    assert read_workbook(workbooks / "gut.xlsx").sheets
    assert read_workbook(ROOT / "data" / "musterstadt.xlsx").sheets


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
