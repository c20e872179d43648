"""One table of labels for terms: the live pages, the published site and its CSV tables name a term alike."""

from __future__ import annotations

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import DCT, KIO, PROV, RDF, SKOS
from integrationsgraph.graph.core.labels import TERM_LABELS, german_labels
from integrationsgraph.graph.publish.pages import Linker, render_resource
from integrationsgraph.graph.publish.tables import TABLES, GraphIndex
from integrationsgraph.graph.resources.describe import describe
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore

BASE = "https://w3id.org/integrationsgraph/id/"
FIELD = ox.NamedNode(f"{BASE}probe/handlungsfeld/hf1")
TRIPLES = [
    ox.Triple(FIELD, ox.NamedNode(RDF + "type"), ox.NamedNode(KIO + "Handlungsfeld")),
    ox.Triple(FIELD, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Sprache", language="de")),
    ox.Triple(FIELD, ox.NamedNode(SKOS + "notation"), ox.Literal("HF1")),
    ox.Triple(FIELD, ox.NamedNode(DCT + "description"), ox.Literal("Deutsch lernen", language="de")),
    ox.Triple(FIELD, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode("https://example.org/folie-3")),
]
SHOWN = [SKOS + "notation", DCT + "description", PROV + "wasDerivedFrom"]


def live_labels(lang: str = "de") -> dict[str, str]:
    """Property → label on the live page (``/id/…``, :mod:`graph.resources.describe`)."""
    store = EmbeddedStore(None)
    store.commit([Change(graph_iri("probe"), add=TRIPLES)])
    page = describe(store, graph_iri("probe"), FIELD.value, lang)
    return {p.predicate: p.label for p in page.properties}


def site_labels() -> dict[str, str]:
    """Property → label on the published page (``id/….html``, :mod:`graph.publish.pages`)."""
    linker = Linker(BASE, [FIELD.value], set(), german_labels([]))
    _path, context, _turtle = render_resource(FIELD.value, [FIELD], GraphIndex(TRIPLES), [], linker)
    return {row.iri: row.label for block in context["blocks"] for row in block.rows}


def test_skos_notation_is_code_on_the_live_page_and_in_the_published_site() -> None:
    assert live_labels()[SKOS + "notation"] == "Code"
    assert site_labels()[SKOS + "notation"] == "Code"


def test_live_pages_and_the_published_site_label_every_shown_property_alike() -> None:
    live, site = live_labels(), site_labels()
    for predicate in SHOWN:
        assert live[predicate] == site[predicate] == TERM_LABELS[predicate][0], predicate


def test_english_pages_take_the_english_label_of_the_same_table() -> None:
    assert live_labels("en")[SKOS + "notation"] == TERM_LABELS[SKOS + "notation"][1] == "code"


def test_the_csv_tables_head_their_columns_with_the_same_labels() -> None:
    coded = [{c.predicate: c.header for c in columns} for *_, columns in TABLES.values()]
    coded = [headers for headers in coded if SKOS + "notation" in headers]
    assert coded, "no table shows skos:notation"
    for headers in coded:
        assert headers[SKOS + "notation"] == "Code"
        assert headers[SKOS + "prefLabel"] == TERM_LABELS[SKOS + "prefLabel"][0]
