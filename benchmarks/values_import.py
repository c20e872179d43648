"""Indicator values in (issue 14): a 1,000-line tidy CSV for one indicator, and the same values in the workbook.

Run: .venv/bin/python benchmarks/values_import.py [--lines 1000] [--repeat 3]
Each run starts from Musterstadt loaded from Turtle (a fresh in-memory store per repetition) and measures
- the CSV import (`import-werte`): the file replaces the indicator's series, one validated change;
- the baseline in the same run: the same values typed into Musterstadt's exported workbook (sheet "Messwerte")
  and imported (`import`), which reads, builds and diffs the whole dataset;
- Musterstadt's workbook import on its own (into an empty store), for a before/after comparison across commits
  (with PYTHONPATH pointing at an older checkout the CSV part is skipped when it does not exist there).
Everything generated here is fictional.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from itertools import product

import pyoxigraph as ox
from openpyxl import load_workbook

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.workbook import export_workbook, import_workbook
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import load_files
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
G = graph_iri("musterstadt")
CODE = "I1.1.1.1"
AREAS = ("", "Nordstadt", "Innenstadt", "Südviertel")
SEXES = ("", "weiblich", "männlich", "divers")
AGES = ("", "unter 18", "18 bis unter 65", "65 und älter")


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rows(lines: int) -> list[tuple[int, str, str, str, str]]:
    """``lines`` distinct values of I1.1.1.1 (year, area, sex, age, value), years 2001–2025, fictional."""
    combos = product(range(2001, 2026), AREAS, SEXES, AGES)
    out = []
    for n, (year, area, sex, age) in enumerate(combos):
        if n == lines:
            break
        out.append((year, area, sex, age, f"{40 + (n * 7) % 50}.5"))
    if len(out) < lines:
        raise SystemExit(f"höchstens {n + 1} verschiedene Werte möglich")
    return out


def csv_text(values: list[tuple[int, str, str, str, str]]) -> bytes:
    lines = ["Jahr,Gebiet,Geschlecht,Altersgruppe,Wert", *(",".join(map(str, v)) for v in values)]
    return ("\n".join(lines) + "\n").encode()


def workbook_with(base: bytes, values: list[tuple[int, str, str, str, str]]) -> bytes:
    """Musterstadt's workbook with I1.1.1.1's rows replaced by ``values``."""
    wb = load_workbook(io.BytesIO(base))
    ws = wb["Messwerte"]
    headers = [c.value for c in ws[1]]
    keep = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[headers.index("Indikator")] != CODE]
    ws.delete_rows(2, ws.max_row)
    for r in keep:
        ws.append(list(r))
    for year, area, sex, age, value in values:
        row: dict[str, object] = {
            "Indikator": CODE,
            "Gebiet": area or "Musterstadt (fiktiv)",
            "Stichtag": f"31.12.{year}",
            "Wert": value.replace(".", ","),
            "Geschlecht": sex or None,
            "Altersgruppe": age or None,
            "Fiktiv": "ja",
        }
        ws.append([row.get(str(h)) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    loaded = EmbeddedStore(None)
    load_files(WritePath(loaded, shapes), [ROOT / "data" / "musterstadt"], G)
    graphs = {g: list(loaded.triples(g)) for g in loaded.graphs()}  # the dataset and its private companion

    def fresh() -> WritePath:
        store = EmbeddedStore(None)
        for g, triples in graphs.items():
            store.apply(g, add=triples)
        return WritePath(store, shapes)

    book = (ROOT / "data" / "musterstadt.xlsx").read_bytes()
    whole = median_time(
        lambda: import_workbook(WritePath(EmbeddedStore(None), shapes), book, G, "musterstadt", BASE), args.repeat
    )
    print(f"Musterstadt-Arbeitsmappe einlesen (leerer Speicher): {whole * 1000:.0f} ms (Median aus {args.repeat})")
    try:
        from integrationsgraph.graph.sheets.tidy import import_values
    except ImportError:
        print("CSV-Import gibt es in diesem Stand nicht; nur die Arbeitsmappe gemessen.")
        return
    values = rows(args.lines)
    data = csv_text(values)
    sheet = workbook_with(export_workbook(loaded, G, "musterstadt", BASE, skip=[G]), values)
    writers = [fresh() for _ in range(args.repeat)]
    csv_time = median_time(
        lambda: import_values(writers.pop(), data, G, BASE, "musterstadt", CODE, source="werte.csv"), args.repeat
    )
    writers = [fresh() for _ in range(args.repeat)]
    book_time = median_time(lambda: import_workbook(writers.pop(), sheet, G, "musterstadt", BASE), args.repeat)
    check = fresh()
    result = import_values(check, data, G, BASE, "musterstadt", CODE, source="werte.csv")
    count = sum(1 for t in check.store.triples(G) if t.predicate == ox.NamedNode(f"{KIO}indikator"))
    print(f"CSV, {args.lines} Zeilen eines Indikators: {csv_time * 1000:.0f} ms ({result.text()})")
    print(f"Dieselben Werte per Arbeitsmappe (Basis): {book_time * 1000:.0f} ms")
    print(f"Verhältnis CSV / Arbeitsmappe: {csv_time / book_time:.2f} ({count} Messwerte danach im Datensatz)")


if __name__ == "__main__":
    main()
