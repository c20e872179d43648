"""Fictional municipalities at any scale, for benchmarks and comparison tests.

Every municipality is a dataset of its own (``fiktiv-001`` …) with the shape of a real concept:
8 Handlungsfelder × ~3 Leitziele × ~3 Handlungsziele × ~4 Maßnahmen, ~2 Indikatoren per Handlungsziel with
~5 yearly values, ~150 actors in networks and committees. Every subject carries ``kio:fiktiv true`` and every
label says "(fiktiv)". The same seed gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_NS, graph_iri

ID = "https://w3id.org/integrationsgraph/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"
UNIT = "http://qudt.org/vocab/unit/"
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
SDMX_AREA = "http://purl.org/linked-data/sdmx/2009/dimension#refArea"
CV = "http://data.europa.eu/m8g/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

FIELDS = [
    "Sprache",
    "Bildung",
    "Arbeit und Wirtschaft",
    "Wohnen",
    "Teilhabe und Engagement",
    "Gesundheit",
    "Interkulturelle Öffnung",
    "Interreligiöser Dialog",
]
THEMES = ["sprache", "bildung", "arbeit", "wohnen", "teilhabe", "gesundheit", "oeffnung", "religion"]
"""The shared theme (ontology/vergleich.ttl, ``kio:thema-…``) each of :data:`FIELDS` maps to."""
INTMK = {
    "sprache": ["C3"],
    "bildung": ["C2a", "D4"],
    "arbeit": ["E1b", "E5"],
    "wohnen": ["G1"],
    "teilhabe": ["B2a", "A3"],
    "gesundheit": ["F1"],
}
"""The reference indicators (``kio:intmk-…``) the first indicators of a field's first Handlungsziel map to."""
ACTOR_KINDS = [
    (f"{ORG}FormalOrganization", "Verein"),
    (f"{ORG}FormalOrganization", "Träger"),
    (f"{ORG}OrganizationalUnit", "Amt"),
    (f"{ONTOLOGY_NS}Gremium", "Arbeitskreis"),
]
STATUS = ["geplant", "laufend", "abgeschlossen"]
YEARS = [2020, 2021, 2022, 2023, 2024]


def dataset_name(i: int) -> str:
    """The dataset name of the ``i``-th fictional municipality."""
    return f"fiktiv-{i:03d}"


class _Writer:
    def __init__(self, graph: str) -> None:
        self.graph = ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []

    def add(self, s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(s, ox.NamedNode(p), o, self.graph))

    def thing(self, iri: ox.NamedNode, cls: str, label: str, code: str | None = None) -> None:
        self.quads.append(ox.Quad(iri, RDF_TYPE, ox.NamedNode(cls), self.graph))
        self.add(iri, f"{SKOS}prefLabel", ox.Literal(f"{label} (fiktiv)", language="de"))
        self.add(iri, f"{ONTOLOGY_NS}fiktiv", ox.Literal("true", datatype=ox.NamedNode(f"{XSD}boolean")))
        if code is not None:
            self.add(iri, f"{SKOS}notation", ox.Literal(code))


def _dec(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.1f}", datatype=ox.NamedNode(f"{XSD}decimal"))


def _date(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(f"{XSD}date"))


def municipality(i: int, seed: int = 0) -> list[ox.Quad]:
    """The quads of the ``i``-th fictional municipality (in its own named graph)."""
    rnd = random.Random(seed * 100_003 + i)
    name = dataset_name(i)
    town = f"Fiktivstadt {i:03d}"
    w = _Writer(graph_iri(name))
    base = f"{ID}{name}/"

    def iri(kind: str, slug: str) -> ox.NamedNode:
        return ox.NamedNode(f"{base}{kind}/{slug}")

    k = ONTOLOGY_NS
    city = iri("akteur", "stadt")
    w.thing(city, f"{CV}PublicOrganisation", town)
    concept = iri("konzept", "integrationskonzept")
    w.thing(concept, f"{k}Integrationskonzept", f"Integrationskonzept {town}")
    w.add(concept, f"{k}gemeinde", city)
    w.add(concept, f"{DCT}issued", _date("2021-03-01"))

    source = iri("datenquelle", "statistikstelle")
    w.thing(source, f"{k}Datenquelle", f"Kommunale Statistikstelle {town}")
    actors = []
    for a in range(rnd.randint(140, 160)):
        cls, word = ACTOR_KINDS[a % len(ACTOR_KINDS)]
        actor = iri("akteur", f"akteur-{a:03d}")
        w.thing(actor, cls, f"{word} {a:03d} {town}")
        actors.append(actor)
    steering = iri("akteur", "steuerungsgruppe")
    w.thing(steering, f"{k}Gremium", f"Steuerungsgruppe Integration {town}")
    for m_no, member in enumerate([city, *rnd.sample(actors, 9)]):
        ms = iri("mitgliedschaft", f"steuerungsgruppe-{m_no}")
        w.thing(ms, f"{ORG}Membership", f"Mitgliedschaft {m_no} in der Steuerungsgruppe")
        w.add(ms, f"{ORG}member", member)
        w.add(ms, f"{ORG}organization", steering)
    networks = []
    for f_no, field_label in enumerate(FIELDS, start=1):
        field = iri("handlungsfeld", f"hf{f_no}")
        w.thing(field, f"{k}Handlungsfeld", field_label, f"HF{f_no}")
        w.add(field, f"{SKOS}closeMatch", ox.NamedNode(f"{k}thema-{THEMES[f_no - 1]}"))
        net = iri("akteur", f"netzwerk-hf{f_no}")
        w.thing(net, f"{k}Netzwerk", f"Netzwerk {field_label} {town}")
        w.add(net, f"{ORG}purpose", field)
        networks.append(net)
        for m_no, member in enumerate(rnd.sample(actors, 8)):
            ms = iri("mitgliedschaft", f"netzwerk-hf{f_no}-{m_no}")
            w.thing(ms, f"{ORG}Membership", f"Mitgliedschaft {m_no} im Netzwerk {field_label}")
            w.add(ms, f"{ORG}member", member)
            w.add(ms, f"{ORG}organization", net)
        for l_no in range(1, rnd.randint(2, 4) + 1):
            lz_code = f"{f_no}.{l_no}"
            lz = iri("leitziel", f"lz{lz_code.replace('.', '-')}")
            w.thing(lz, f"{k}Leitziel", f"Leitziel {lz_code} im Feld {field_label}", f"LZ{lz_code}")
            w.add(lz, f"{k}imHandlungsfeld", field)
            for h_no in range(1, rnd.randint(2, 4) + 1):
                _handlungsziel(w, rnd, iri, lz, f"{lz_code}.{h_no}", actors, city)
    return w.quads


def _handlungsziel(
    w: _Writer,
    rnd: random.Random,
    iri: Callable[[str, str], ox.NamedNode],
    lz: ox.NamedNode,
    code: str,
    actors: list[ox.NamedNode],
    city: ox.NamedNode,
) -> None:
    k = ONTOLOGY_NS
    slug = code.replace(".", "-")
    hz = iri("handlungsziel", f"hz{slug}")
    w.thing(hz, f"{k}Handlungsziel", f"Handlungsziel {code}", f"HZ{code}")
    w.add(hz, f"{k}konkretisiert", lz)
    for i_no in range(1, rnd.randint(1, 3) + 1):
        ind = iri("indikator", f"i{slug}-{i_no}")
        percent = rnd.random() < 0.6
        w.thing(ind, f"{k}Indikator", f"Indikator {code}.{i_no}", f"I{code}.{i_no}")
        w.add(ind, f"{SKOS}definition", ox.Literal(f"Fiktive Kennzahl {code}.{i_no}", language="de"))
        w.add(ind, f"{k}einheit", ox.NamedNode(f"{UNIT}{'PERCENT' if percent else 'NUM'}"))
        w.add(ind, f"{k}zielrichtung", ox.NamedNode(f"{k}steigend"))
        w.add(ind, f"{DCT}accrualPeriodicity", ox.NamedNode(f"{FREQ}ANNUAL"))
        w.add(ind, f"{DCT}source", iri("datenquelle", "statistikstelle"))
        w.add(hz, f"{k}gemessenDurch", ind)
        f_no, l_no, h_no = code.split(".")
        references = INTMK.get(THEMES[int(f_no) - 1], []) if (l_no, h_no) == ("1", "1") else []
        if i_no <= len(references):
            w.add(ind, f"{SKOS}closeMatch", ox.NamedNode(f"{k}intmk-{references[i_no - 1]}"))
        value = rnd.uniform(10, 60)
        for year in YEARS:
            mw = iri("messwert", f"i{slug}-{i_no}-{year}")
            w.thing(mw, f"{k}Messwert", f"Messwert {code}.{i_no} {year}")
            w.add(mw, f"{k}indikator", ind)
            w.add(mw, SDMX_AREA, city)
            w.add(mw, f"{k}stichtag", _date(f"{year}-12-31"))
            w.add(mw, f"{k}wert", _dec(value))
            value = min(99.0, value + rnd.uniform(-2, 4))
        zv = iri("zielvorgabe", f"i{slug}-{i_no}")
        w.thing(zv, f"{k}Zielvorgabe", f"Zielvorgabe {code}.{i_no}")
        w.add(zv, f"{k}fuerIndikator", ind)
        w.add(zv, f"{k}ausgangswert", _dec(value))
        w.add(zv, f"{k}ausgangsdatum", _date("2020-12-31"))
        w.add(zv, f"{k}zielwert", _dec(min(100.0, value + 10)))
        w.add(zv, f"{k}zieldatum", _date("2027-12-31"))
        w.add(hz, f"{k}hatZielvorgabe", zv)
    for m_no in range(1, rnd.randint(3, 5) + 1):
        m = iri("massnahme", f"m{slug}-{m_no}")
        w.thing(m, f"{k}Massnahme", f"Maßnahme {code}.{m_no}", f"M{code}.{m_no}")
        w.add(m, f"{k}traegtBeiZu", hz)
        lead, *partners = rnd.sample(actors, rnd.randint(1, 4))
        w.add(m, f"{k}federfuehrend", lead)
        for p in partners:
            w.add(m, f"{k}kooperationspartner", p)
        w.add(m, f"{k}umsetzungsstatus", ox.NamedNode(f"{k}{rnd.choice(STATUS)}"))
        w.add(m, f"{k}beginn", _date(f"{rnd.choice(YEARS)}-01-01"))


def municipalities(n: int, seed: int = 0) -> Iterator[ox.Quad]:
    """All quads of ``n`` fictional municipalities."""
    for i in range(1, n + 1):
        yield from municipality(i, seed)
