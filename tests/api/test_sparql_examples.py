"""The example queries against Musterstadt, through ``/api/queries`` on the real server.

Expected rows are derived from the Turtle in ``data/musterstadt/`` by plain Python over the parsed
triples (no SPARQL), plus facts checked by hand in the files: the Kommunales Integrationszentrum leads
4 measures and takes part in 9; HZ5.2.2 has no indicator (a deliberate gap), so M5.2.2.1 lacks one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest
import rdflib

from integrationsgraph.graph.core.config import ROOT

KIO = rdflib.Namespace("https://w3id.org/integrationsgraph/ontology#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
MS = "https://w3id.org/integrationsgraph/id/musterstadt/"
GRAPH = "https://w3id.org/integrationsgraph/graph/musterstadt"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def live_server(request: pytest.FixtureRequest) -> str:
    """The session's real server on the embedded store, then one on a real Oxigraph server."""
    return str(request.getfixturevalue("live_server" if request.param == "embedded" else "remote_live_server"))


@pytest.fixture(scope="module")
def turtle() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((ROOT / "data" / "musterstadt").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def run(live_server: str, name: str, **params: str) -> list[dict[str, str]]:
    r = httpx.get(
        f"{live_server}/api/queries/{name}",
        params={**params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def musterstadt(rows: list[dict[str, str]], *keys: str) -> list[dict[str, str]]:
    return [r for r in rows if any(r.get(k, "").startswith(MS) for k in keys)]


def code(g: rdflib.Graph, node: Any) -> str:
    return str(g.value(node, SKOS.notation))


def test_listing_has_every_query_with_de_and_en(live_server: str) -> None:
    listing = httpx.get(f"{live_server}/api/queries").json()
    names = {q["name"] for q in listing}
    assert len(names) == 11 == len(list((ROOT / "queries").glob("*.rq")))
    assert all(q["description"]["de"] and q["description"]["en"] for q in listing)
    chain = next(q for q in listing if q["name"] == "kette-eines-feldes")
    assert list(chain["parameters"]) == ["feld"]


def participation(g: rdflib.Graph) -> dict[Any, set[Any]]:
    out: dict[Any, set[Any]] = defaultdict(set)
    for m in g.subjects(rdflib.RDF.type, KIO.Massnahme):
        for p in (KIO.federfuehrend, KIO.kooperationspartner):
            for a in g.objects(m, p):
                out[a].add(m)
    return out


def test_zentrale_akteure(live_server: str, turtle: rdflib.Graph) -> None:
    rows = musterstadt(run(live_server, "zentrale-akteure"), "akteur")
    expected = {str(a): len(ms) for a, ms in participation(turtle).items()}
    assert {r["akteur"]: int(r["massnahmen"]) for r in rows} == expected
    kiz = next(r for r in rows if r["akteur"] == MS + "akteur/kommunales-integrationszentrum")
    assert (kiz["massnahmen"], kiz["federfuehrend"]) == ("9", "4")
    counts = [int(r["massnahmen"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_akteure_in_mehreren_feldern(live_server: str, turtle: rdflib.Graph) -> None:
    rows = musterstadt(run(live_server, "akteure-in-mehreren-feldern"), "akteur")
    fields: dict[str, set[str]] = defaultdict(set)
    for a, ms in participation(turtle).items():
        for m in ms:
            fields[str(a)] |= {code(turtle, f) for f in turtle.objects(m, KIO.imHandlungsfeld)}
    expected = {a: fs for a, fs in fields.items() if len(fs) > 1}
    assert {r["akteur"]: set(r["codes"].split(", ")) for r in rows} == expected


def test_querverbindungen_zwischen_feldern(live_server: str, turtle: rdflib.Graph) -> None:
    rows = run(live_server, "querverbindungen-zwischen-feldern")
    ms_codes = {code(turtle, f) for f in turtle.subjects(rdflib.RDF.type, KIO.Handlungsfeld)}
    got = {(r["feldA"], r["feldB"]): int(r["gemeinsameAkteure"]) for r in rows if r["feldA"] in ms_codes}
    by_field: dict[str, set[Any]] = defaultdict(set)
    for a, ms in participation(turtle).items():
        for m in ms:
            for f in turtle.objects(m, KIO.imHandlungsfeld):
                by_field[code(turtle, f)].add(a)
    expected = {
        (a, b): len(by_field[a] & by_field[b])
        for a in by_field
        for b in by_field
        if a < b and by_field[a] & by_field[b]
    }
    # Rheine uses the same codes (HF1 …) but has no measures, so only Musterstadt's pairs count here.
    assert got == expected


def test_handlungsziele_ohne_massnahme(live_server: str, turtle: rdflib.Graph) -> None:
    rows = musterstadt(run(live_server, "handlungsziele-ohne-massnahme"), "handlungsziel")
    served = set(turtle.objects(None, KIO.traegtBeiZu))
    expected = {str(h) for h in turtle.subjects(rdflib.RDF.type, KIO.Handlungsziel) if h not in served}
    assert {r["handlungsziel"] for r in rows} == expected


def test_massnahmen_ohne_indikator_oder_federfuehrung(live_server: str, turtle: rdflib.Graph) -> None:
    rows = musterstadt(run(live_server, "massnahmen-ohne-indikator-oder-federfuehrung"), "massnahme")
    expected = set()
    for m in turtle.subjects(rdflib.RDF.type, KIO.Massnahme):
        if turtle.value(m, KIO.federfuehrend) is None:
            expected.add((code(turtle, m), "federfuehrend"))
        if not any(turtle.value(h, KIO.gemessenDurch) for h in turtle.objects(m, KIO.traegtBeiZu)):
            expected.add((code(turtle, m), "indikator"))
    assert {(r["code"], r["fehlt"]) for r in rows} == expected
    assert ("M5.2.2.1", "indikator") in expected


def latest(g: rdflib.Graph) -> dict[Any, tuple[str, float]]:
    out: dict[Any, tuple[str, float]] = {}
    for w in g.subjects(KIO.indikator, None):
        i, day, value = g.value(w, KIO.indikator), str(g.value(w, KIO.stichtag)), float(g.value(w, KIO.wert))
        if i not in out or day > out[i][0]:
            out[i] = (day, value)
    return out


def test_kette_eines_feldes_with_the_feld_parameter(live_server: str, turtle: rdflib.Graph) -> None:
    feld = rdflib.URIRef(MS + "handlungsfeld/sprache")
    rows = run(live_server, "kette-eines-feldes", feld=str(feld))
    assert rows and {r["feld"] for r in rows} == {str(feld)}
    newest = latest(turtle)
    expected = set()
    for lz in turtle.subjects(KIO.imHandlungsfeld, feld):
        if (lz, rdflib.RDF.type, KIO.Leitziel) not in turtle:
            continue
        for hz in turtle.subjects(KIO.konkretisiert, lz):
            measures = [code(turtle, m) for m in turtle.subjects(KIO.traegtBeiZu, hz)] or [""]
            indicators = list(turtle.objects(hz, KIO.gemessenDurch)) or [None]
            for m in measures:
                for i in indicators:
                    value = newest.get(i) if i is not None else None
                    expected.add(
                        (code(turtle, lz), code(turtle, hz), m, code(turtle, i) if i is not None else "", value)
                    )
    got = {
        (
            r["leitziel"],
            r["handlungsziel"],
            r.get("massnahme", ""),
            r.get("indikator", ""),
            (r["stichtag"], float(r["wert"])) if "wert" in r else None,
        )
        for r in rows
    }
    assert got == expected


def test_kette_refuses_a_parameter_that_is_no_iri(live_server: str) -> None:
    r = httpx.get(f"{live_server}/api/queries/kette-eines-feldes", params={"feld": "HF1 } ; DROP ALL"})
    assert r.status_code == 400
    assert "braucht eine IRI" in r.json()["error"]


def test_indikatoren_hinter_zielvorgabe(live_server: str, turtle: rdflib.Graph) -> None:
    rows = musterstadt(run(live_server, "indikatoren-hinter-zielvorgabe"), "indikator")
    newest = latest(turtle)
    expected = set()
    for zv in turtle.subjects(rdflib.RDF.type, KIO.Zielvorgabe):
        i, target = turtle.value(zv, KIO.fuerIndikator), float(turtle.value(zv, KIO.zielwert))
        direction = turtle.value(i, KIO.zielrichtung)
        if i not in newest:
            continue
        value = newest[i][1]
        if (direction == KIO.steigend and value < target) or (direction == KIO.fallend and value > target):
            expected.add(code(turtle, i))
    assert {r["code"] for r in rows} == expected


def test_wer_sitzt_in_welchem_gremium(live_server: str, turtle: rdflib.Graph) -> None:
    rows = musterstadt(run(live_server, "wer-sitzt-in-welchem-gremium"), "gremium")
    kinds = {KIO.Gremium, KIO.PolitischesGremium, KIO.Netzwerk, KIO.Tandem}
    bodies = {s for k in kinds for s in turtle.subjects(rdflib.RDF.type, k)}
    foaf_person = rdflib.URIRef("http://xmlns.com/foaf/0.1/Person")
    private = {
        p for p in turtle.subjects(rdflib.RDF.type, foaf_person) if not turtle.value(p, KIO.oeffentlich, default=False)
    }
    members = {
        (str(turtle.value(ms, ORG.organization)), turtle.value(ms, ORG.member))
        for ms in turtle.subjects(ORG.organization, None)
        if turtle.value(ms, ORG.organization) in bodies
    }
    # The public endpoint does not show private persons (graph.store.privacy): their memberships are private too.
    expected = {(g, str(m)) for g, m in members if m not in private}
    assert private and len(expected) < len(members)
    assert {(r["gremium"], r["mitglied"]) for r in rows} == expected
    steuerung = {r["mitgliedName"]: r.get("rolle") for r in rows if r["gremium"] == MS + "akteur/steuerungsgruppe"}
    assert steuerung["Kommunales Integrationszentrum Musterstadt"] == "Vorsitz"
