"""Every read-only feature answers the same on the embedded store and on a real Oxigraph server.

Two apps side by side on the same data (Rheine, Musterstadt and the fictional Kleinstadt): network analysis
and maps, the field tree and scorecard, search, linked-data pages, the live publication (catalog, dumps,
VoID, ontology). Each answer must be the same byte for byte, except where blank nodes of the ontology and the
shapes travel (their labels differ from store to store): there the graphs must be isomorphic.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings, graph_iri
from integrationsgraph.graph.rdf.io import parse_file, rdflib_graph
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.remote import RemoteStore

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis" / "kleinstadt.ttl"
ERIKA = "https://w3id.org/integrationsgraph/id/musterstadt/person/integrationsbeauftragte"
NEEDLES = ["Erika Mustermann", "erika.mustermann@musterstadt.example", ERIKA]

PAGES = [
    # network analysis and maps
    "/api/analysis?dataset=rheine",
    "/api/analysis/actors?dataset=kleinstadt&sort=zwischenzentralitaet",
    "/api/analysis/actors",
    "/api/analysis/fields?dataset=rheine",
    "/api/analysis/communities?dataset=rheine",
    "/api/analysis/gaps",
    "/maps",
    "/maps/actors?dataset=rheine",
    "/maps/actors.json?dataset=kleinstadt",
    "/maps/actors.json?dataset=musterstadt&top=5",
    "/maps/actors/table?dataset=rheine&sort=label&order=asc",
    "/maps/fields?dataset=rheine",
    "/maps/chain/HF1?dataset=rheine",
    "/maps/chain/arbeit?dataset=kleinstadt",
    # the field tree and its scorecard
    "/api/rheine/felder/sprachfoerderung/baum",
    "/api/rheine/felder/sprachfoerderung/vollstaendigkeit",
    "/api/rheine/felder/interreligioeser-dialog/vollstaendigkeit?lang=en",
    "/felder",
    # search
    "/api/suche?q=Sprachfoerderung",
    "/api/suche?q=Integration&datensatz=musterstadt&limit=50",
    "/suche?q=Beratung",
    # linked-data pages
    "/id/rheine/handlungsfeld/sprachfoerderung",
    "/id/rheine/handlungsfeld/sprachfoerderung?lang=en",
    "/id/rheine/handlungsfeld/sprachfoerderung.ttl",
    "/id/rheine/handlungsfeld/sprachfoerderung.jsonld",
    "/id/rheine/quelle/praesentation.nt",
    "/id/rheine/akteur/stadt-rheine",
    "/id/musterstadt/akteur/agentur-fuer-arbeit",
    # the live publication
    "/catalog",
    "/catalog.ttl",
    "/dumps",
    "/dumps/rheine.ttl",
    "/dumps/musterstadt.jsonld",
    "/dumps/musterstadt.rdf",
    "/.well-known/void",
    "/ontology",
]
WITH_BLANK_NODES = {"/ontology.ttl": "ttl", "/dumps/alle.trig": "trig", "/dumps/alle.nt.gz": "nt"}


@pytest.fixture(scope="module")
def clients(
    tmp_path_factory: pytest.TempPathFactory, backend_settings: Callable[[str], dict[str, Any]]
) -> Iterator[dict[str, TestClient]]:
    """Two apps on the same data: the embedded store and a real Oxigraph server (``oxigraph serve``)."""
    kleinstadt = [q.triple for q in parse_file(ANALYSIS)]
    out: dict[str, TestClient] = {}
    for kind in ("embedded", "remote"):
        settings = Settings(store=tmp_path_factory.mktemp(f"same-{kind}") / "store", **backend_settings(kind))
        out[kind] = TestClient(create_app(settings)).__enter__()
        out[kind].app.state.ctx.store.apply(graph_iri("kleinstadt"), add=kleinstadt)  # type: ignore[attr-defined]
    try:
        assert isinstance(out["embedded"].app.state.ctx.store, EmbeddedStore)  # type: ignore[attr-defined]
        assert isinstance(out["remote"].app.state.ctx.store, RemoteStore)  # type: ignore[attr-defined]
        yield out
    finally:
        for c in out.values():
            c.__exit__(None, None, None)


@pytest.mark.parametrize("path", PAGES)
def test_the_answer_is_the_same(clients: dict[str, TestClient], path: str) -> None:
    embedded, remote = (clients[k].get(path) for k in ("embedded", "remote"))
    assert embedded.status_code == 200, embedded.text
    assert (remote.status_code, remote.headers["content-type"]) == (200, embedded.headers["content-type"])
    assert remote.text == embedded.text
    assert not any(n in remote.text for n in NEEDLES), path  # Musterstadt's person stays in her private graph


@pytest.mark.parametrize("path", sorted(WITH_BLANK_NODES))
def test_what_carries_blank_nodes_is_the_same_graph(clients: dict[str, TestClient], path: str) -> None:
    graphs = []
    for kind in ("embedded", "remote"):
        r = clients[kind].get(path)
        assert r.status_code == 200, r.text
        data = gzip.decompress(r.content) if path.endswith(".gz") else r.content
        assert not any(n.encode() in data for n in NEEDLES), path
        graphs.append(
            rdflib_graph([q.triple for q in ox.parse(data, ox.RdfFormat.from_extension(WITH_BLANK_NODES[path]))])
        )
    assert len(graphs[0]) > 300
    assert isomorphic(graphs[0], graphs[1])


def test_an_unknown_resource_is_the_same_404(clients: dict[str, TestClient]) -> None:
    for path in ("/id/rheine/handlungsfeld/gibt-es-nicht", "/maps/chain/HF9?dataset=rheine", ERIKA.split("/id")[1]):
        answers = [clients[k].get(path, headers={"Accept": "application/json"}) for k in ("embedded", "remote")]
        assert [a.status_code for a in answers] == [404, 404], path
        assert answers[0].json() == answers[1].json()


def test_the_private_person_is_found_nowhere(clients: dict[str, TestClient]) -> None:
    for kind in ("embedded", "remote"):
        c = clients[kind]
        assert c.get("/api/suche", params={"q": "Mustermann"}).json()["treffer"] == [], kind
        assert c.get(ERIKA.split("/id", 1)[1] + ".ttl").status_code == 404, kind
        dump = c.get("/dumps/alle.trig").text
        assert "Mustermann" not in dump and "/privat>" not in dump, kind
