"""REST resources on the real store: CRUD round trips, validation, auth, ETags, JSON-LD, concurrency.

Writes go to Musterstadt, but only to resources these tests create themselves (codes ``TEST-…``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings, graph_iri

MAX_BODY = Settings.model_construct().resource_max_bytes
TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ID = "https://w3id.org/integrationsgraph/id/musterstadt/"
API = "/api/musterstadt"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client(request.param, "rest", write_token=TOKEN) as c:
        yield c


def quads(client: TestClient) -> set[ox.Quad]:
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    return {
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in store.graphs() for t in store.triples(g)
    }


def post(client: TestClient, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"{API}/{kind}", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture(scope="module")
def chain(client: TestClient) -> dict[str, str]:
    """A small chain of our own in Musterstadt: field → Leitziel → Handlungsziel, and an actor."""
    field = post(client, "felder", {"label": {"de": "Testfeld Sprachfoerderung"}, "code": "TEST-HF", "fiktiv": True})
    goal = post(
        client,
        "leitziele",
        {"label": {"de": "Testleitziel"}, "code": "TEST-LZ", "handlungsfeld": field["iri"], "fiktiv": True},
    )
    objective = post(
        client,
        "handlungsziele",
        {"label": {"de": "Testhandlungsziel"}, "code": "TEST-HZ", "leitziel": goal["iri"], "fiktiv": True},
    )
    actor = post(client, "akteure", {"label": {"de": "Testverein"}, "typ": ["FormalOrganization"], "fiktiv": True})
    return {"feld": field["iri"], "leitziel": goal["iri"], "handlungsziel": objective["iri"], "akteur": actor["iri"]}


def measure(chain: dict[str, str], code: str, **extra: Any) -> dict[str, Any]:
    return {
        "label": {"de": f"Testmaßnahme {code}", "en": f"Test measure {code}"},
        "code": code,
        "fiktiv": True,
        "handlungsziele": [chain["handlungsziel"]],
        "federfuehrend": chain["akteur"],
        "status": "geplant",
        "beginn": "2025-01-01",
        **extra,
    }


def test_create_read_patch_replace_delete_round_trip(client: TestClient, chain: dict[str, str]) -> None:
    created = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M1"), headers=AUTH)
    assert created.status_code == 201
    body = created.json()
    assert body["iri"] == ID + "massnahme/testmassnahme-test-m1"
    assert created.headers["location"].endswith("/api/musterstadt/massnahmen/testmassnahme-test-m1")
    url = created.headers["location"]

    read = client.get(url)
    assert read.json() == body
    assert read.headers["etag"] == created.headers["etag"]
    assert read.json()["label"] == {"de": "Testmaßnahme TEST-M1", "en": "Test measure TEST-M1"}
    assert client.get(url, headers={"If-None-Match": read.headers["etag"]}).status_code == 304

    patched = client.patch(url, json={"status": "laufend"}, headers={**AUTH, "If-Match": read.headers["etag"]})
    assert patched.status_code == 200
    assert patched.json()["status"] == "laufend"
    assert patched.json()["beginn"] == "2025-01-01"

    replacement = measure(chain, "TEST-M1", status="abgeschlossen", beginn=None, ende="2025-12-31")
    replaced = client.put(url, json=replacement, headers={**AUTH, "If-Match": patched.headers["etag"]})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["status"] == "abgeschlossen"
    assert "beginn" not in replaced.json()
    assert replaced.json()["iri"] == body["iri"], "the IRI stays when the label changes"

    listed = client.get(f"{API}/massnahmen", params={"handlungsfeld": chain["feld"], "status": "abgeschlossen"})
    assert [i["iri"] for i in listed.json()["items"]] == [body["iri"]]

    deleted = client.delete(url, headers=AUTH)
    assert deleted.json() == {"geloescht": [body["iri"]]}
    assert client.get(url).status_code == 404


def test_rejected_write_leaves_the_store_unchanged(client: TestClient, chain: dict[str, str]) -> None:
    before = quads(client)
    r = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M2", federfuehrend=None), headers=AUTH)
    assert r.status_code == 422
    body = r.json()
    assert set(body) == {"status", "error", "errors"}
    lead = [e for e in body["errors"] if e["path"] == "kio:federfuehrend"]
    assert lead and lead[0]["message_de"].startswith("Jede Maßnahme braucht genau eine federführende Stelle")
    assert lead[0]["message_en"].startswith("Every measure needs exactly one lead")
    assert quads(client) == before


def test_malformed_body_is_422_naming_the_field(client: TestClient, chain: dict[str, str]) -> None:
    r = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M3", beginn="nächste Woche"), headers=AUTH)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "beginn"]
    r = client.post(f"{API}/massnahmen", json={**measure(chain, "TEST-M3"), "farbe": "blau"}, headers=AUTH)
    assert r.json()["errors"][0]["loc"] == ["body", "farbe"]


def test_writes_need_the_token(client: TestClient, chain: dict[str, str]) -> None:
    r = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M4"))
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["status"] == 401
    wrong = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M4"), headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401


def test_without_a_configured_token_writes_are_forbidden(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store", datasets=[])
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/musterstadt/felder", json={"label": {"de": "x"}}, headers=AUTH)
    assert r.status_code == 403
    assert "weder ein Schreib-Token noch ein Konto" in r.json()["error"]


def test_oversized_body_is_413(client: TestClient) -> None:
    big = json.dumps({"label": {"de": "x" * (MAX_BODY + 10)}})
    r = client.post(f"{API}/felder", content=big, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["status"] == 413


def test_stale_if_match_is_412_and_changes_nothing(client: TestClient, chain: dict[str, str]) -> None:
    created = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M5"), headers=AUTH)
    url, etag = created.headers["location"], created.headers["etag"]
    assert client.patch(url, json={"status": "laufend"}, headers={**AUTH, "If-Match": etag}).status_code == 200
    before = quads(client)
    stale = client.patch(url, json={"status": "ausgesetzt"}, headers={**AUTH, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["errors"][0]["if_match"] == etag
    assert quads(client) == before


def test_delete_of_a_resource_others_point_to_is_409_naming_them(client: TestClient, chain: dict[str, str]) -> None:
    slug = chain["leitziel"].rsplit("/", 1)[-1]
    r = client.delete(f"{API}/leitziele/{slug}", headers=AUTH)
    assert r.status_code == 409
    assert [e["iri"] for e in r.json()["errors"]] == [chain["handlungsziel"]]
    assert r.json()["errors"][0]["label"] == "Testhandlungsziel"


def test_cascade_delete(client: TestClient) -> None:
    field = post(client, "felder", {"label": {"de": "Kaskadenfeld"}, "code": "TEST-HF9", "fiktiv": True})
    goal = post(client, "leitziele", {"label": {"de": "Kaskade"}, "code": "TEST-LZ9", "handlungsfeld": field["iri"]})
    objective = post(
        client, "handlungsziele", {"label": {"de": "Kaskade HZ"}, "code": "TEST-HZ9", "leitziel": goal["iri"]}
    )
    r = client.delete(f"{API}/leitziele/{goal['slug']}", params={"cascade": "true"}, headers=AUTH)
    assert r.status_code == 200
    assert sorted(r.json()["geloescht"]) == sorted([goal["iri"], objective["iri"]])
    assert client.get(f"{API}/handlungsziele/{objective['slug']}").status_code == 404


def test_jsonld_is_the_same_resource_as_rdf(client: TestClient, chain: dict[str, str]) -> None:
    created = client.post(f"{API}/massnahmen", json=measure(chain, "TEST-M6"), headers=AUTH)
    doc = client.get(created.headers["location"], headers={"Accept": "application/ld+json"})
    assert doc.headers["content-type"].startswith("application/ld+json")
    assert doc.json()["@context"].endswith("/api/context.jsonld")
    inline = {**doc.json(), "@context": client.get("/api/context.jsonld").json()["@context"]}
    parsed = {q.triple for q in ox.parse(json.dumps(inline).encode(), format=ox.RdfFormat.JSON_LD)}
    iri = ox.NamedNode(created.json()["iri"])
    stored = set(client.app.state.ctx.store.outgoing(graph_iri("musterstadt"), [iri]))  # type: ignore[attr-defined]
    assert parsed == stored


def test_list_pages_with_a_next_link(client: TestClient) -> None:
    first = client.get(f"{API}/felder", params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["total"] > 1
    second = client.get(first["next"]).json()
    assert second["offset"] == 1 and second["items"][0]["iri"] != first["items"][0]["iri"]


def test_unknown_things_are_404_in_the_one_error_shape(client: TestClient) -> None:
    for url in (f"{API}/massnahmen/gibt-es-nicht", "/api/nirgendwo/massnahmen", f"{API}/felder/nix/baum"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert set(r.json()) == {"status", "error", "errors"}


def test_field_tree_and_scorecard_over_http(client: TestClient, chain: dict[str, str]) -> None:
    slug = chain["feld"].rsplit("/", 1)[-1]
    tree = client.get(f"{API}/felder/{slug}/baum").json()
    assert [lz["iri"] for lz in tree["leitziele"]] == [chain["leitziel"]]
    card = client.get(f"{API}/felder/{slug}/vollstaendigkeit").json()
    arten = {g["art"] for g in card["luecken"] if g["iri"] == chain["handlungsziel"]}
    assert {"handlungsziel_nicht_messbar", "handlungsziel_nicht_terminiert"} <= arten


def test_search_sees_writes_at_once(client: TestClient) -> None:
    before = client.get("/api/suche", params={"q": "Sprachförderliche Elterncafés"}).json()["treffer"]
    assert before == []
    post(client, "felder", {"label": {"de": "Sprachfoerderliche Elterncafes"}, "code": "TEST-HF7", "fiktiv": True})
    hits = client.get("/api/suche", params={"q": "Sprachförderliche Elterncafés"}).json()["treffer"]
    assert [h["label"] for h in hits] == ["Sprachfoerderliche Elterncafes"]
    assert hits[0]["fiktiv"] is True


def _patch(base: str, url: str, etag: str, text: str, barrier: threading.Barrier, statuses: list[int]) -> None:
    with httpx.Client(base_url=base, headers=AUTH, timeout=60) as own:
        barrier.wait()
        body = {"beschreibung": {"de": text}}
        statuses.append(own.patch(url, json=body, headers={"If-Match": etag}).status_code)


def test_two_writers_with_the_same_etag_one_wins(live_server: str) -> None:
    """Real concurrency: two threads PATCH one resource of ours with the same If-Match on the live server."""
    with httpx.Client(base_url=live_server, headers=AUTH, timeout=60) as http:
        field = http.post(f"{API}/felder", json={"label": {"de": "Nebenläufigkeitstest"}, "code": "TEST-HF-RACE"})
        assert field.status_code == 201, field.text
        url = f"{API}/felder/{field.json()['slug']}"
        for round_ in range(4):
            etag = http.get(url).headers["etag"]
            barrier = threading.Barrier(2)
            statuses: list[int] = []
            threads = [
                threading.Thread(
                    target=_patch, args=(live_server, url, etag, f"Runde {round_}, Schreiber {n}", barrier, statuses)
                )
                for n in range(2)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(statuses) == [200, 412], statuses
            assert http.get(url).json()["beschreibung"]["de"].startswith(f"Runde {round_}, Schreiber ")
