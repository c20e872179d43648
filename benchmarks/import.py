"""Spreadsheet figures (issue 7): import time of Musterstadt and of a generated 5,000-row workbook, and the diff of
two Musterstadt versions as an example.

Run: .venv/bin/python benchmarks/import.py [--rows 5000] [--repeat 3]
Baseline in the same run: loading the same graph from Turtle through the same write path (`load_files`).
Everything generated here is fictional.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from openpyxl import load_workbook

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.datasets.versions import diff, version_graph, version_record
from integrationsgraph.graph.rdf.io import serialize_triples
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.workbook import export_workbook, graph_triples, import_workbook, template_bytes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import load_files
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generated(rows: int) -> bytes:
    """A fictional concept of about ``rows`` rows: 10 fields × 5 Leitziele × 4 Handlungsziele × 5 Maßnahmen,
    one indicator per Handlungsziel with a target, yearly values, 100 actors, 200 memberships."""
    wb = load_workbook(io.BytesIO(template_bytes()))
    sheets: dict[str, list[dict[str, object]]] = {name: [] for name in wb.sheetnames}
    sheets["Konzept"].append({"Bezeichnung": "Integrationskonzept Fiktivstadt", "Gemeinde": "Fiktivstadt"})
    sheets["Akteure"].append({"Bezeichnung": "Fiktivstadt", "Typ": "Kommune"})
    sheets["Akteure"] += [{"Bezeichnung": f"Träger {a:03d}", "Typ": "Verband, Verein, Träger"} for a in range(99)]
    sheets["Weitere Einträge"].append({"Art": "Datenquelle", "Bezeichnung": "Kommunalstatistik"})
    indicators = []
    for f in range(1, 11):
        sheets["Handlungsfelder"].append({"Code": f"HF{f}", "Bezeichnung": f"Handlungsfeld {f}", "Position": f})
        sheets["Gremien und Netzwerke"].append(
            {"Bezeichnung": f"Netzwerk {f}", "Typ": "Netzwerk", "Zweck (Handlungsfelder)": f"HF{f}"}
        )
        for m in range(20):
            sheets["Mitgliedschaften"].append(
                {"Organisation": f"Netzwerk {f}", "Mitglied": f"Träger {(f * 7 + m) % 99:03d}", "Beginn": "01.01.2020"}
            )
        for lz in range(1, 6):
            sheets["Leitziele"].append(
                {"Code": f"LZ{f}.{lz}", "Bezeichnung": f"Leitziel {f}.{lz}", "Handlungsfeld": f"HF{f}"}
            )
            for hz in range(1, 5):
                code = f"{f}.{lz}.{hz}"
                indicators.append(f"I{code}.1")
                sheets["Handlungsziele"].append(
                    {
                        "Code": f"HZ{code}",
                        "Bezeichnung": f"Handlungsziel {code}",
                        "Leitziel": f"LZ{f}.{lz}",
                        "Indikatoren": f"I{code}.1",
                    }
                )
                sheets["Indikatoren"].append(
                    {
                        "Code": f"I{code}.1",
                        "Bezeichnung": f"Indikator {code}.1",
                        "Definition": "Anteil in Prozent",
                        "Einheit": "Prozent",
                        "Zielrichtung": "steigend",
                        "Turnus": "jährlich",
                        "Datenquellen": "Kommunalstatistik",
                    }
                )
                sheets["Zielvorgaben"].append(
                    {
                        "Handlungsziel": f"HZ{code}",
                        "Indikator": f"I{code}.1",
                        "Ausgangswert": "40,0",
                        "Ausgangsdatum": "31.12.2020",
                        "Zielwert": "60,0",
                        "Zieldatum": "31.12.2030",
                        "Kennung": f"zv{code.replace('.', '-')}",
                    }
                )
                for m in range(1, 6):
                    sheets["Maßnahmen"].append(
                        {
                            "Code": f"M{code}.{m}",
                            "Bezeichnung": f"Maßnahme {code}.{m}",
                            "Handlungsziele": f"HZ{code}",
                            "Federführung": f"Träger {(f * 13 + m) % 99:03d}",
                            "Umsetzungsstatus": "laufend",
                            "Beginn": "01.01.2021",
                        }
                    )
    used = sum(len(v) for v in sheets.values())
    years = max(1, (rows - used) // len(indicators))
    for code in indicators:
        for y in range(years):
            sheets["Messwerte"].append(
                {
                    "Indikator": code,
                    "Gebiet": "Fiktivstadt",
                    "Stichtag": f"31.12.{2000 + y}",
                    "Wert": f"{40 + y % 20},5",
                    "Kennung": f"{code.lower().replace('.', '-')}-{2000 + y}",
                }
            )
    for name, items in sheets.items():
        if name in ("Anleitung", "Listen", "Weitere Angaben"):
            continue
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        ws.delete_rows(2, ws.max_row)
        for n, row in enumerate(items, start=2):
            for header, value in {**row, "Fiktiv": "ja"}.items():
                ws.cell(n, headers.index(header) + 1, value)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def figures(name: str, data: bytes, shapes: Shapes, repeat: int) -> None:
    """Import into an empty store (full validation), again (no change), one edit, export; Turtle as baseline."""
    graph = graph_iri(name)
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    start = time.perf_counter()
    result = import_workbook(writer, data, graph, name, BASE)
    first = time.perf_counter() - start
    again = median_time(lambda: import_workbook(writer, data, graph, name, BASE), repeat)
    edited = one_edit(data)
    start = time.perf_counter()
    delta = import_workbook(writer, edited, graph, name, BASE)
    edit = time.perf_counter() - start
    import_workbook(writer, data, graph, name, BASE)
    export = median_time(lambda: export_workbook(store, graph, name, BASE), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        ttl = Path(tmp) / f"{name}.ttl"
        ttl.write_bytes(serialize_triples(graph_triples(store, graph), ox.RdfFormat.TURTLE))
        start = time.perf_counter()
        load_files(WritePath(EmbeddedStore(None), shapes), [ttl], graph)
        baseline = time.perf_counter() - start
    print(
        f"{name}: {result.rows} Zeilen, {result.triples} Tripel, {len(data) / 1024:.0f} KiB | "
        f"Import in leeren Speicher {first:.2f} s (Turtle-Laden desselben Graphen {baseline:.2f} s, "
        f"Verhältnis {first / baseline:.2f}) | erneuter Import ohne Änderung {again:.2f} s | "
        f"eine Zelle geändert {edit:.2f} s (+{delta.added}/−{delta.removed} Tripel) | Export {export:.2f} s",
        flush=True,
    )


def one_edit(data: bytes) -> bytes:
    """The workbook with the Umsetzungsstatus of its first Maßnahme changed."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Maßnahmen"]
    column = [c.value for c in ws[1]].index("Umsetzungsstatus") + 1
    ws.cell(2, column).value = "ausgesetzt" if ws.cell(2, column).value != "ausgesetzt" else "laufend"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def version_example(shapes: Shapes) -> None:
    """Musterstadt as version 2020, and an edited copy as 2025: the diff as text."""
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    load_files(writer, [ROOT / "data" / "musterstadt"], graph_iri("musterstadt"))
    data = export_workbook(store, graph_iri("musterstadt"), "musterstadt", BASE)
    wb = load_workbook(io.BytesIO(data))

    def put(sheet: str, code: str, header: str, value: object) -> None:
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == code)
        ws.cell(row, headers.index(header) + 1).value = value  # type: ignore[arg-type]

    put("Leitziele", "LZ1.1", "Bezeichnung", "Alle Neuzugewanderten erreichen in zwei Jahren das Sprachniveau B1")
    put("Maßnahmen", "M1.1.1.1", "Umsetzungsstatus", "abgeschlossen")
    put("Maßnahmen", "M1.1.1.1", "Ende", "31.12.2024")
    put("Indikatoren", "I1.1.1.1", "Zielrichtung", "halten")
    ms = wb["Maßnahmen"]
    headers = [c.value for c in ms[1]]
    last = ms.max_row
    ms.delete_rows(last)
    new = {
        "Code": "M1.1.1.9",
        "Bezeichnung": "Sprachcafé in der Stadtbibliothek",
        "Handlungsziele": "HZ1.1.1",
        "Federführung": "Volkshochschule Musterstadt",
        "Umsetzungsstatus": "geplant",
        "Beginn": "01.03.2025",
        "Fiktiv": "ja",
    }
    for header, value in new.items():
        ms.cell(last, headers.index(header) + 1, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    for version, content in (("2020", data), ("2025", buffer.getvalue())):
        record = version_record(store, "musterstadt", version)
        import_workbook(
            writer, content, version_graph("musterstadt", version), "musterstadt", BASE, extra_triples=record
        )
    print(diff(store, "musterstadt", "2020", "2025", BASE).to_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    figures("musterstadt", (ROOT / "data" / "musterstadt.xlsx").read_bytes(), shapes, args.repeat)
    figures("fiktivstadt", generated(args.rows), shapes, args.repeat)
    version_example(shapes)


if __name__ == "__main__":
    main()
