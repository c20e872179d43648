"""Reading indicators with their series, targets and settings: Musterstadt, and a small fictional dataset with every
property, on the embedded store and on a SPARQL server — in a fixed number of queries, not one per indicator."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrationsgraph.graph.core.config import Settings, graph_iri
from integrationsgraph.graph.datasets.generate import municipalities
from integrationsgraph.graph.monitoring.model import Observation, Target, Thresholds
from integrationsgraph.graph.monitoring.series import PROPERTIES, _language, _nt, _value, indicator, indicators
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore, Store
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath

ID = "https://w3id.org/integrationsgraph/id/probe/"
MS = "https://w3id.org/integrationsgraph/id/musterstadt/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROBE = f"""
@base <{ID}> .
@prefix kio: <{KIO}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix freq: <http://publications.europa.eu/resource/authority/frequency/> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .

<konzept/k> a kio:Integrationskonzept ; dct:issued "2022-05-01"^^xsd:date ; kio:gemeinde <akteur/stadt> .
<akteur/stadt> skos:prefLabel "Probestadt (fiktiv)"@de .
<sozialraum/altstadt> a kio:Sozialraum ; skos:prefLabel "Altstadt"@de , "Old town"@en .
<datenquelle/d> a kio:Datenquelle ; skos:prefLabel "Statistikstelle (fiktiv)"@de .
<handlungsziel/h> a kio:Handlungsziel ; kio:gemessenDurch <indikator/a> .

<indikator/a> a kio:Indikator ;
    skos:prefLabel "Quote A (fiktiv)"@de , "Rate A"@en ; skos:notation "I1.10" ;
    skos:definition "Fiktive Quote."@de ;
    kio:einheit unit:PERCENT ; kio:zielrichtung kio:fallend ; kio:indikatortyp kio:Kontextindikator ;
    dct:source <datenquelle/d> ; dct:accrualPeriodicity freq:ANNUAL ;
    kio:basisjahr 2020 ; kio:schwelleAufKurs 0.9 ; kio:schwelleRateFortschritt 0.004 ;
    kio:manuellerFortschrittsstatus kio:verschlechterung ;
    kio:begruendungFortschrittsstatus "Neue Zählweise ab 2023 (fiktiv)."@de ;
    kio:berichtsstatus kio:datenVerfuegbar .
<zielvorgabe/a> a kio:Zielvorgabe ; kio:fuerIndikator <indikator/a> ;
    kio:ausgangswert 40.0 ; kio:ausgangsdatum "2020-12-31"^^xsd:date ;
    kio:zielwert 30.0 ; kio:zieldatum "2028-12-31"^^xsd:date .
<messwert/a-2020> a kio:Messwert ; kio:indikator <indikator/a> ; sdmx-dimension:refArea <akteur/stadt> ;
    kio:stichtag "2020-12-31"^^xsd:date ; kio:wert 40.0 ; kio:einheit unit:PERCENT .
<messwert/a-2021> a kio:Messwert ; kio:indikator <indikator/a> ;
    kio:stichtag "2021-12-31"^^xsd:date ; kio:wert 38.5 .
<messwert/a-2021-altstadt> a kio:Messwert ; kio:indikator <indikator/a> ; sdmx-dimension:refArea <sozialraum/altstadt> ;
    kio:stichtag "2021-12-31"^^xsd:date ; kio:wert 45.0 .
<messwert/a-2021-w> a kio:Messwert ; kio:indikator <indikator/a> ; kio:geschlecht "weiblich" ;
    kio:altersgruppe "18 bis unter 25" ; kio:stichtag "2021-12-31"^^xsd:date ; kio:wert 36.0 .

<indikator/b> a kio:Indikator ; skos:prefLabel "Zahl B (fiktiv)"@de ; skos:notation "I1.9" ;
    kio:zielrichtung kio:halten ; kio:berichtsstatus kio:datenquellenanalyse .
"""


def load_probe(store: Store) -> None:
    triples = [q.triple for q in ox.parse(PROBE.encode(), format=ox.RdfFormat.TURTLE)]
    store.apply(graph_iri("probe"), add=triples, replace=True)


@pytest.fixture
def store(backend: Store) -> Store:
    load_probe(backend)
    return backend


def test_every_property_is_read(store: Store) -> None:
    found = indicators(store, "probe")
    assert [i.code for i in found] == ["I1.9", "I1.10"]  # numbers compared as numbers
    a = found[1]
    assert (a.iri, a.dataset, a.label, a.definition) == (
        f"{ID}indikator/a",
        "probe",
        "Quote A (fiktiv)",
        "Fiktive Quote.",
    )
    assert a.unit == "http://qudt.org/vocab/unit/PERCENT"
    assert (a.direction, a.kind, a.source) == ("fallend", "Kontextindikator", "Statistikstelle (fiktiv)")
    assert a.frequency == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert a.reporting == "complete"
    assert a.base_year == 2020  # kio:basisjahr beats the concept's 2022
    assert a.thresholds == Thresholds(substantial=0.9, moderate=0.6, rate_substantial=0.015, rate_moderate=0.004)
    assert (a.manual_status, a.manual_reason) == ("deterioration", "Neue Zählweise ab 2023 (fiktiv).")
    assert a.goals == (f"{ID}handlungsziel/h",)
    assert a.targets == (Target(f"{ID}zielvorgabe/a", 2020, 40.0, 2028, 30.0),)


def test_headline_and_breakdowns(store: Store) -> None:
    a = indicator(store, "probe", f"{ID}indikator/a")
    assert a is not None
    unit = "http://qudt.org/vocab/unit/PERCENT"
    assert a.headline == (
        Observation(f"{ID}messwert/a-2020", 2020, "2020-12-31", 40.0, unit),  # area = the municipality
        Observation(f"{ID}messwert/a-2021", 2021, "2021-12-31", 38.5),  # no area
    )
    breakdowns = {o.breakdown: o.value for o in a.observations if o.breakdown}
    assert breakdowns == {
        (("Gebiet", "Altstadt"),): 45.0,
        (("Geschlecht", "weiblich"), ("Altersgruppe", "18 bis unter 25")): 36.0,
    }
    english = indicator(store, "probe", f"{ID}indikator/a", lang="en")
    assert english is not None and english.label == "Rate A"
    assert {o.breakdown for o in english.observations} >= {(("Gebiet", "Old town"),)}


def test_without_values_or_override(store: Store) -> None:
    b = indicator(store, "probe", f"{ID}indikator/b")
    assert b is not None
    assert (b.base_year, b.reporting, b.observations, b.targets, b.thresholds) == (
        2022,  # the concept's dct:issued
        "notstarted",
        (),
        (),
        Thresholds(),
    )
    assert (b.manual_status, b.unit, b.source) == (None, None, None)


def test_unknown_indicator_or_dataset(store: Store) -> None:
    assert indicator(store, "probe", f"{ID}indikator/zzz") is None
    assert indicators(store, "gibt-es-nicht") == []


class Counting:
    """A store that counts its look-ups (queries and index look-ups of many nodes at once)."""

    def __init__(self, inner: Store) -> None:
        self.inner, self.calls = inner, 0

    def __getattr__(self, name: str) -> Any:
        if name in ("query", "outgoing", "incoming", "triples", "having"):
            self.calls += 1
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def musterstadt(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    settings = Settings(store=tmp_path_factory.mktemp("series") / "store")
    store = EmbeddedStore(settings.store)
    bootstrap(WritePath(store, Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)), settings)
    return store


def test_musterstadt(musterstadt: EmbeddedStore) -> None:
    found = indicators(musterstadt, "musterstadt")
    assert len(found) == 23
    first = found[0]
    assert (first.code, first.label) == ("I1.1.1.1", "Anteil der Integrationskursabschlüsse mit Niveau B1")
    assert first.base_year == 2021  # the concept was adopted on 18.03.2021
    assert [(o.year, o.value) for o in first.headline][-1] == (2025, 62.8)
    assert first.targets[0].target_value == 66.0 and first.targets[0].target_year == 2027
    assert first.source == "Kursstatistik der Volkshochschule Musterstadt"
    assert first.goals == (f"{MS}handlungsziel/hz1-1-1",)
    assert indicators(musterstadt, "rheine") == []  # Rheine's indicators are still being worked out


def test_a_fixed_number_of_queries_not_one_per_indicator(musterstadt: EmbeddedStore) -> None:
    counting = Counting(musterstadt)
    assert len(indicators(counting, "musterstadt")) == 23  # type: ignore[arg-type]
    assert counting.calls == 1  # the graph read once (one request on a SPARQL server)


TRICKY = f"""
@base <{ID}> .
@prefix kio: <{KIO}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<konzept/k> a kio:Integrationskonzept ; dct:issued "2020-01-01"^^xsd:date .
<indikator/t> a kio:Indikator ; skos:notation "I9" ; kio:zielrichtung kio:steigend ;
    skos:prefLabel "Quote \\"B1\\"\\tmit \\\\ und\\nZeile, ü € \\u0007 (fiktiv)"@de , "Rate"@en-GB ;
    kio:schwelleAufKurs "0.90"^^xsd:decimal .
<messwert/t-2020> kio:indikator <indikator/t> ; kio:stichtag "2020-12-31"^^xsd:date ; kio:wert "054.50"^^xsd:decimal .
<messwert/t-2021> kio:indikator <indikator/t> ; kio:stichtag "2021-12-31"^^xsd:date ; kio:wert "6.1E1"^^xsd:double .
<messwert/t-2022> kio:indikator <indikator/t> ; kio:stichtag "2022-12-31"^^xsd:date ; kio:wert 62 , 63.5 .
<messwert/t-2023> kio:indikator <indikator/t> ; kio:stichtag "2023-12-31"^^xsd:date ; kio:wert "k. A." .
<messwert/t-2024> kio:indikator "indikator/t" ; kio:stichtag "2024-12-31"^^xsd:date ; kio:wert 70 .
[] kio:indikator <indikator/t> ; kio:stichtag "2024-12-31"^^xsd:date ; kio:wert 71 .
"""
"""Literals that need escaping, numbers written in every way, two values where one belongs (the first in N-Triples
order counts, 62), a value that is no number, a link that is a literal and a Messwert without IRI (the last three are
not read)."""


def test_terms_are_read_exactly(backend: Store) -> None:
    triples = [q.triple for q in ox.parse(TRICKY.encode(), format=ox.RdfFormat.TURTLE)]
    backend.apply(graph_iri("probe"), add=triples, replace=True)
    (found,) = indicators(backend, "probe")
    assert found.label == 'Quote "B1"\tmit \\ und\nZeile, ü € \u0007 (fiktiv)'
    assert found.thresholds.substantial == 0.9
    assert [(o.year, o.value) for o in found.observations] == [(2020, 54.5), (2021, 61.0), (2022, 62.0)]
    english = indicators(backend, "probe", lang="en-gb")
    assert english[0].label == "Rate"
    assert indicator(backend, "probe", found.iri) == found  # the look-ups of one indicator read the same
    assert indicator(backend, "probe", found.iri, lang="en-gb") == english[0]


def test_reading_all_and_reading_one_agree(backend: Store, musterstadt: EmbeddedStore) -> None:
    """The bulk read (one SELECT, terms as text) and the look-ups of one indicator (pyoxigraph terms) build the same
    indicators: on Musterstadt and on a generated municipality, on both backends."""
    generated = graph_iri("fiktiv-001")
    backend.apply(
        generated, add=[q.triple for q in municipalities(1, 0) if q.graph_name == ox.NamedNode(generated)], replace=True
    )
    for store, dataset, count in ((musterstadt, "musterstadt", 23), (backend, "fiktiv-001", None)):
        for lang in ("de", "en"):
            found = indicators(store, dataset, lang)
            assert found and (count is None or len(found) == count)
            assert sum(len(i.observations) for i in found) > len(found)
            assert [indicator(store, dataset, i.iri, lang) for i in found] == found


def test_an_indicator_with_nothing_but_its_type(backend: Store) -> None:
    bare = ox.Triple(ox.NamedNode(f"{ID}indikator/leer"), ox.NamedNode(RDF_TYPE), ox.NamedNode(KIO + "Indikator"))
    backend.apply(graph_iri("probe"), add=[bare], replace=True)
    (found,) = indicators(backend, "probe")
    assert (found.iri, found.code, found.label, found.base_year, found.observations) == (
        f"{ID}indikator/leer",
        None,
        "leer",  # the IRI's last segment
        None,
        (),
    )
    assert indicator(backend, "probe", found.iri) == found


XSD = "http://www.w3.org/2001/XMLSchema#"
TEXTS = st.text(max_size=10)
LITERALS = st.one_of(
    st.builds(ox.Literal, TEXTS),
    st.builds(lambda t, lang: ox.Literal(t, language=lang), TEXTS, st.sampled_from(["de", "en", "de-DE"])),
    st.builds(
        lambda t, kind: ox.Literal(t, datatype=ox.NamedNode(XSD + kind)),
        st.one_of(
            st.text(alphabet="0123456789.-+eE", min_size=1, max_size=6),
            st.sampled_from(["true", "false", "2021-12-31", "2022-06-30", "2020", "INF", "NaN", "054.50"]),
        ),
        st.sampled_from(["integer", "decimal", "double", "boolean", "date", "string", "gYear"]),
    ),
)


@given(LITERALS)
def test_a_literal_read_as_tsv_is_the_literal_read_as_a_term(literal: ox.Literal) -> None:
    store, g = ox.Store(), ox.NamedNode("http://g")
    store.add(ox.Quad(g, g, literal, g))
    (stored,) = [q.object for q in store.quads_for_pattern(None, None, None, g)]
    found = store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph=[g])
    assert isinstance(found, ox.QuerySolutions)
    tsv = (found.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode().split("\n")[1]
    assert isinstance(stored, ox.Literal)
    assert _nt(tsv) == _nt(str(stored)) == str(stored)  # so several values are ordered alike
    assert _value(tsv) == _value(str(stored)) == stored.value
    assert _language(tsv) == _language(str(stored)) == (stored.language or "")


NODES = [f"{ID}{n}" for n in ("indikator/a", "indikator/b", "messwert/1", "messwert/2", "zielvorgabe/z", "konzept/k")]
PREDICATES = [
    RDF_TYPE,
    *PROPERTIES,
    *(KIO + p for p in ("indikator", "fuerIndikator", "gemessenDurch", "stichtag", "wert", "einheit", "gemeinde")),
    *(KIO + p for p in ("geschlecht", "altersgruppe", "zieldatum", "zielwert", "ausgangsdatum", "ausgangswert")),
    "http://purl.org/linked-data/sdmx/2009/dimension#refArea",
    "http://purl.org/dc/terms/issued",
]
OBJECTS = st.one_of(
    LITERALS,
    st.sampled_from(
        [ox.NamedNode(n) for n in NODES]
        + [ox.NamedNode(KIO + k) for k in ("Indikator", "Zielvorgabe", "Integrationskonzept", "steigend", "fallend")]
        + [ox.NamedNode(KIO + k) for k in ("verschlechterung", "inBearbeitung")]
        + [ox.BlankNode("b")]
    ),
)
SUBJECTS = st.sampled_from([*(ox.NamedNode(n) for n in NODES), ox.BlankNode("b")])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.builds(ox.Triple, SUBJECTS, st.sampled_from([ox.NamedNode(p) for p in PREDICATES]), OBJECTS)))
def test_any_graph_reads_alike_in_bulk_and_one_by_one(triples: list[ox.Triple]) -> None:
    """Whatever a dataset graph holds (several values, wrong kinds of term, missing parts): the one SELECT read as
    text and the look-ups of one indicator as pyoxigraph terms build the same indicators."""
    store = EmbeddedStore(None)
    typed = [ox.Triple(ox.NamedNode(NODES[0]), ox.NamedNode(RDF_TYPE), ox.NamedNode(KIO + "Indikator"))]
    store.apply(graph_iri("probe"), add=typed + triples, replace=True)
    for lang in ("de", "en"):
        found = indicators(store, "probe", lang)
        assert NODES[0] in [i.iri for i in found]
        assert [indicator(store, "probe", i.iri, lang) for i in found] == found
