"""Workbook round trip: Musterstadt → xlsx → store gives the same graph; re-import changes nothing; an edit
changes exactly what was edited."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from openpyxl import load_workbook
from rdflib.compare import isomorphic

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.rdf.io import rdflib_graph
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.columns import EXTRA, GUIDE, SHEETS
from integrationsgraph.graph.sheets.workbook import (
    export_workbook,
    graph_triples,
    import_workbook,
    normalized,
    template_bytes,
)
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write import history
from integrationsgraph.graph.write.load import load_files
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"
G = graph_iri("musterstadt")
KIO = "https://w3id.org/integrationsgraph/ontology#"


@pytest.fixture(scope="module")
def musterstadt(shapes: Shapes) -> EmbeddedStore:
    """Musterstadt loaded from its Turtle files, as `integrationsgraph serve` does."""
    store = EmbeddedStore(None)
    load_files(WritePath(store, shapes), [ROOT / "data" / "musterstadt"], G)
    return store


@pytest.fixture(scope="module")
def workbook(musterstadt: EmbeddedStore) -> bytes:
    return export_workbook(musterstadt, G, "musterstadt", BASE, skip=[G])


@pytest.fixture(scope="module")
def imported(workbook: bytes, shapes: Shapes) -> tuple[EmbeddedStore, WritePath]:
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    import_workbook(writer, workbook, G, "musterstadt", BASE, source="musterstadt.xlsx")
    return store, writer


def quads(store: EmbeddedStore) -> set[ox.Quad]:
    """The store's data (not its bookkeeping, nor the history where every write adds its entry)."""
    return {
        q
        for q in store.native
        if not (isinstance(q.graph_name, ox.NamedNode) and history.is_history_graph(q.graph_name.value))
    }


def test_export_then_import_gives_an_isomorphic_graph(
    musterstadt: EmbeddedStore, imported: tuple[EmbeddedStore, WritePath]
) -> None:
    store, _ = imported
    before, after = graph_triples(musterstadt, G), graph_triples(store, G)
    assert len(after) == len(before) > 3000
    assert isomorphic(rdflib_graph(before), rdflib_graph(after))
    assert set(store.triples(G)) == set(musterstadt.triples(G))  # personal data went to the same companion


def test_the_chain_actors_memberships_indicators_and_values_have_columns(workbook: bytes) -> None:
    wb = load_workbook(io.BytesIO(workbook))
    counts = {name: wb[name].max_row - 1 for name in ("Leitziele", "Maßnahmen", "Messwerte", "Mitgliedschaften")}
    assert counts == {"Leitziele": 11, "Maßnahmen": 29, "Messwerte": 142, "Mitgliedschaften": 28}
    extra = [tuple(c.value for c in row) for row in wb[EXTRA].iter_rows(min_row=2)]
    chain = ("<leitziel/", "<handlungsziel/", "<massnahme/", "<indikator/", "<messwert/", "<mitgliedschaft/")
    assert not [t for t in extra if str(t[0]).startswith(chain)], "the chain needs no 'Weitere Angaben'"


def test_the_checked_in_workbook_is_musterstadt(shapes: Shapes) -> None:
    store = EmbeddedStore(None)
    import_workbook(WritePath(store, shapes), ROOT / "data" / "musterstadt.xlsx", G, "musterstadt", BASE)
    files = normalized(
        q.triple for p in sorted((ROOT / "data" / "musterstadt").glob("*.ttl")) for q in ox.parse(path=str(p))
    )
    assert isomorphic(rdflib_graph(graph_triples(store, G)), rdflib_graph(files)), (
        "data/musterstadt.xlsx is out of date: integrationsgraph export data/musterstadt.xlsx --dataset musterstadt"
    )


def test_importing_the_same_workbook_again_changes_nothing(
    workbook: bytes, imported: tuple[EmbeddedStore, WritePath]
) -> None:
    store, writer = imported
    before = quads(store)
    result = import_workbook(writer, workbook, G, "musterstadt", BASE)
    assert (result.added, result.removed) == (0, 0)
    assert quads(store) == before


def test_an_edited_workbook_changes_exactly_what_was_edited(
    workbook: bytes, imported: tuple[EmbeddedStore, WritePath]
) -> None:
    store, writer = imported
    before = quads(store)
    wb = load_workbook(io.BytesIO(workbook))
    ws = wb["Maßnahmen"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "M1.1.1.1")
    assert ws.cell(row, headers.index("Umsetzungsstatus") + 1).value == "laufend"
    ws.cell(row, headers.index("Umsetzungsstatus") + 1).value = "abgeschlossen"
    edited = io.BytesIO()
    wb.save(edited)
    result = import_workbook(writer, edited.getvalue(), G, "musterstadt", BASE)
    m = ox.NamedNode(f"{BASE}musterstadt/massnahme/m1-1-1-1")
    status = ox.NamedNode(f"{KIO}umsetzungsstatus")
    g = ox.NamedNode(G)
    assert (result.added, result.removed) == (1, 1)
    assert quads(store) - before == {ox.Quad(m, status, ox.NamedNode(f"{KIO}abgeschlossen"), g)}
    assert before - quads(store) == {ox.Quad(m, status, ox.NamedNode(f"{KIO}laufend"), g)}
    import_workbook(writer, workbook, G, "musterstadt", BASE)  # and back
    assert quads(store) == before


def test_the_template_has_a_guide_every_sheet_and_only_example_rows(shapes: Shapes, tmp_path: Path) -> None:
    data = template_bytes()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == GUIDE
    assert {s.name for s in SHEETS} | {EXTRA} <= set(wb.sheetnames)
    assert "Anleitung" in str(wb[GUIDE]["A1"].value) and "BEISPIEL" in "\n".join(str(c.value) for c in wb[GUIDE]["A"])
    for spec in SHEETS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        assert str(ws.cell(2, 1).value).startswith("BEISPIEL"), spec.name
    store = EmbeddedStore(None)
    result = import_workbook(WritePath(store, shapes), data, graph_iri("leer"), "leer", BASE)
    assert (result.rows, result.added) == (0, 0) and store.count() == 0


def test_the_template_offers_drop_downs_for_controlled_values_and_references() -> None:
    wb = load_workbook(io.BytesIO(template_bytes()))
    ws = wb["Maßnahmen"]
    headers = [c.value for c in ws[1]]
    by_column = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}
    status = by_column[chr(65 + headers.index("Umsetzungsstatus"))]
    lists = wb["Listen"]
    column = status.formula1.split("!")[1].split(":")[0].strip("$").rstrip("$0123456789")
    values = [c.value for c in lists[column][1:] if c.value]
    assert values == ["geplant", "laufend", "abgeschlossen", "ausgesetzt"]
    goal = by_column[chr(65 + headers.index("Handlungsziele"))]
    assert goal.formula1.startswith("'Handlungsziele'!$A$2")
    assert wb["Listen"].sheet_state == "hidden"


SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
HOSTILE = {
    "massnahme/m1-1-1-1": (SKOS_LABEL, "=Ziel"),  # would be a formula (and come back empty)
    "massnahme/m1-1-1-2": (DESCRIPTION, "-5 % Wartezeit"),  # a text that looks like a number with a sign
    "akteur/volkshochschule": (SKOS_LABEL, "@Volkshochschule"),  # a name that references carry
    "massnahme/m1-1-2-1": (SKOS_LABEL, "'=schon mit Hochkomma"),  # a text that starts with the quote itself
}


@pytest.fixture(scope="module")
def hostile(musterstadt: EmbeddedStore) -> EmbeddedStore:
    """Musterstadt with German texts that a spreadsheet would read as formulas."""
    store = EmbeddedStore(None)
    for graph in musterstadt.graphs():
        triples = set(musterstadt.triples(graph))
        for key, (prop, text) in HOSTILE.items():
            node = ox.NamedNode(f"{BASE}musterstadt/{key}")
            old = {
                t
                for t in triples
                if (t.subject, t.predicate) == (node, prop) and getattr(t.object, "language", None) == "de"
            }
            if old:
                triples = (triples - old) | {ox.Triple(node, prop, ox.Literal(text, language="de"))}
        store.apply(graph, add=triples)
    return store


def test_an_exported_workbook_runs_no_text_as_a_formula_and_reads_back_exactly(
    hostile: EmbeddedStore, shapes: Shapes
) -> None:
    data = export_workbook(hostile, G, "musterstadt", BASE, skip=[G])
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets if ws.title != "Listen" for row in ws for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'=Ziel", "'-5 % Wartezeit", "'@Volkshochschule", "''=schon mit Hochkomma"} <= texts
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    store = EmbeddedStore(None)
    import_workbook(WritePath(store, shapes), data, G, "musterstadt", BASE)
    assert isomorphic(rdflib_graph(graph_triples(store, G)), rdflib_graph(graph_triples(hostile, G)))
    texts = {t.object.value for t in store.triples(G) if isinstance(t.object, ox.Literal)}
    assert {text for _prop, text in HOSTILE.values()} <= texts
