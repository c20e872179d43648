"""Reading cells: German numbers and dates, formulas (cached values), merged cells, empty rows, whitespace, CSV."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.sheets.read import read_workbook, to_date, to_decimal
from graph.sheets.to_rdf import build, slug

DATA = Path(__file__).parents[1] / "data" / "sheets"
BASE = "https://w3id.org/integrationsgraph/id/"


@pytest.fixture(scope="module", autouse=True)
def files() -> None:
    if not (DATA / "gut.xlsx").exists():
        import sys
        from importlib import import_module

        sys.path.insert(0, str(DATA))
        import_module("make_bad").make(DATA)


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
    wb = load_workbook(DATA / "gut.xlsx")
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


def test_a_folder_of_csv_files_is_a_workbook(tmp_path: Path) -> None:
    wb = load_workbook(DATA / "gut.xlsx")
    for ws in wb.worksheets:
        lines = [";".join("" if v is None else str(v) for v in row) for row in ws.iter_rows(values_only=True)]
        (tmp_path / f"{ws.title}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    from_csv = build(read_workbook(tmp_path), "probe", BASE)
    from_xlsx = build(read_workbook(DATA / "gut.xlsx"), "probe", BASE)
    assert from_csv.triples == from_xlsx.triples
