"""The monitoring settings of an indicator in the workbook (sheet "Indikatoren"): Berichtsstatus, Basisjahr, a
progress status set by hand with its reason and the four thresholds have columns, so export → import keeps them
without "Weitere Angaben"; rates may be typed in per cent; workbooks of the older template still import."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.columns import BERICHTSSTATUS, BY_NAME, EXTRA, FORTSCHRITTSSTATUS, MONITORING
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.read import read_workbook
from integrationsgraph.graph.sheets.to_rdf import build
from integrationsgraph.graph.sheets.workbook import export_workbook, graph_triples, import_workbook
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.path import WritePath
from tests.data.sheets.make_bad import cell, good, good_bytes

BASE = "https://w3id.org/integrationsgraph/id/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
G = graph_iri("probe")
INDICATOR = ox.NamedNode(f"{BASE}probe/indikator/i1-1-1-1")
REASON = "Die Quote wird seit 2023 anders berechnet; die Werte sind nicht vergleichbar (fiktiv)."


def _decimal(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(f"{XSD}decimal"))


SETTINGS = {
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}basisjahr"), ox.Literal("2020", datatype=ox.NamedNode(f"{XSD}integer"))),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}berichtsstatus"), ox.NamedNode(f"{KIO}inBearbeitung")),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}manuellerFortschrittsstatus"), ox.NamedNode(f"{KIO}nichtBewertbar")),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}begruendungFortschrittsstatus"), ox.Literal(REASON, language="de")),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}schwelleAufKurs"), _decimal("0.9")),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}schwelleFortschritt"), _decimal("0.5")),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}schwelleRateAufKurs"), _decimal("0.02")),
    ox.Triple(INDICATOR, ox.NamedNode(f"{KIO}schwelleRateFortschritt"), _decimal("0.004")),
}
"""Every setting on the one indicator of gut.xlsx (I1.1.1.1)."""


def _bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _settings_of(triples: set[ox.Triple]) -> set[ox.Triple]:
    props = {c.prop for c in MONITORING}
    return {t for t in triples if t.subject == INDICATOR and t.predicate.value in props}


@pytest.fixture(scope="module")
def with_settings(shapes: Shapes) -> EmbeddedStore:
    """gut.xlsx imported, then every setting added to its indicator (as REST or SPARQL Update would)."""
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    import_workbook(writer, good_bytes(), G, "probe", BASE)
    store.apply(G, add=SETTINGS)
    return store


def test_the_choices_are_the_concepts_of_the_ontology() -> None:
    g = rdflib.Graph().parse(ROOT / "ontology" / "monitoring.ttl")
    for scheme, choices in (("Fortschrittsstatus", FORTSCHRITTSSTATUS), ("Berichtsstatus", BERICHTSSTATUS)):
        concepts = set(g.subjects(rdflib.URIRef(f"{SKOS}inScheme"), rdflib.URIRef(KIO + scheme)))
        assert {rdflib.URIRef(iri) for _label, iri in choices} == concepts, scheme
        for label, iri in choices:
            assert rdflib.Literal(label, lang="de") in set(
                g.objects(rdflib.URIRef(iri), rdflib.URIRef(f"{SKOS}prefLabel"))
            )


def test_the_template_has_the_settings_columns_with_german_notes() -> None:
    headers = [c.header for c in BY_NAME["Indikatoren"].columns]
    assert headers[-2:] == ["Fiktiv", "Kennung"]
    assert [c.header for c in MONITORING] == [
        "Berichtsstatus",
        "Basisjahr",
        "Fortschrittsstatus (von Hand)",
        "Begründung des Fortschrittsstatus",
        "Schwelle auf Kurs",
        "Schwelle Fortschritt",
        "Wachstumsschwelle auf Kurs",
        "Wachstumsschwelle Fortschritt",
    ]
    assert all(c.note and c.newer and not c.required for c in MONITORING)


def test_an_indicator_with_every_setting_survives_export_and_import(
    with_settings: EmbeddedStore, shapes: Shapes
) -> None:
    data = export_workbook(with_settings, G, "probe", BASE, skip=[G])
    wb = load_workbook(io.BytesIO(data))
    assert wb[EXTRA].max_row == 1, "every setting has its column; 'Weitere Angaben' stays empty"
    ws = wb["Indikatoren"]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert row["Code"] == "I1.1.1.1"
    assert {c.header: row[c.header] for c in MONITORING} == {
        "Berichtsstatus": "in Bearbeitung",
        "Basisjahr": 2020,
        "Fortschrittsstatus (von Hand)": "Nicht bewertbar",
        "Begründung des Fortschrittsstatus": REASON,
        "Schwelle auf Kurs": 0.9,
        "Schwelle Fortschritt": 0.5,
        "Wachstumsschwelle auf Kurs": 0.02,
        "Wachstumsschwelle Fortschritt": 0.004,
    }
    store = EmbeddedStore(None)
    import_workbook(WritePath(store, shapes), data, G, "probe", BASE)
    before, after = set(graph_triples(with_settings, G)), set(graph_triples(store, G))
    assert _settings_of(after) == SETTINGS
    assert after == before


def test_rates_may_be_typed_as_decimals_or_in_per_cent() -> None:
    wb = good()
    cell(wb, "Indikatoren", 2, "Wachstumsschwelle auf Kurs", "1,5 %")
    cell(wb, "Indikatoren", 2, "Wachstumsschwelle Fortschritt", 0.005)  # a number cell (or one formatted as %)
    cell(wb, "Indikatoren", 2, "Schwelle auf Kurs", "95%")
    cell(wb, "Indikatoren", 2, "Schwelle Fortschritt", "0,6")
    cell(wb, "Indikatoren", 2, "Basisjahr", "2021")
    built = build(read_workbook(_bytes(wb), "prozent.xlsx"), "probe", BASE)
    got = {t.predicate.value[len(KIO) :]: t.object for t in _settings_of(built.triples)}
    assert got == {
        "schwelleRateAufKurs": _decimal("0.015"),
        "schwelleRateFortschritt": _decimal("0.005"),
        "schwelleAufKurs": _decimal("0.95"),
        "schwelleFortschritt": _decimal("0.6"),
        "basisjahr": ox.Literal("2021", datatype=ox.NamedNode(f"{XSD}integer")),
    }


def test_a_workbook_of_the_older_template_without_the_settings_columns_still_imports() -> None:
    wb = good()
    ws = wb["Indikatoren"]
    for header in reversed([c.header for c in MONITORING]):
        ws.delete_cols([c.value for c in ws[1]].index(header) + 1)
    assert "Basisjahr" not in [c.value for c in ws[1]]
    built = build(read_workbook(_bytes(wb), "alt.xlsx"), "probe", BASE)
    reference = build(read_workbook(good_bytes(), "gut.xlsx"), "probe", BASE)
    assert built.triples == reference.triples and not _settings_of(built.triples)


def test_a_status_by_hand_in_weitere_angaben_without_reason_comes_back_at_the_reason_cell(shapes: Shapes) -> None:
    wb = good()
    extra = wb[EXTRA]
    extra.append(["<indikator/i1-1-1-1>", "kio:manuellerFortschrittsstatus", "kio:nichtBewertbar"])
    store = EmbeddedStore(None)
    with pytest.raises(ImportFailed) as info:
        import_workbook(WritePath(store, shapes), _bytes(wb), G, "probe", BASE)
    assert store.count() == 0
    [e] = info.value.errors
    reason = "Begründung des Fortschrittsstatus"
    letter = [c.value for c in wb["Indikatoren"][1]].index(reason) + 1
    assert (e.sheet, e.row, e.header, e.kind) == ("Indikatoren", 2, reason, "regel")
    assert e.column == wb["Indikatoren"].cell(1, letter).column_letter
    assert e.value == "Nicht bewertbar" and "aber ohne Begründung" in e.message
