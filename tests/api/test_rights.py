"""Accounts and rights per dataset at every write door, on both backends (issue 15).

The role matrix: the configured write token, an admin account, an editor of Musterstadt, an editor of Rheine, a
reader of Musterstadt, a wrong token and nobody — each at the REST API, SPARQL Update, the Graph Store Protocol,
the workbook import (a dry run: it runs the whole write path and writes nothing) and the CSV values import,
against Musterstadt and Rheine: exact status codes, and nothing written where refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from integrationsgraph.graph.core.config import SYSTEM_GRAPH, graph_iri
from integrationsgraph.graph.store.privacy import private_graph
from integrationsgraph.graph.write import accounts
from integrationsgraph.graph.write.rights import Role
from tests.conftest import WRITE_TOKEN
from tests.data.sheets.make_bad import good_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATASETS = ["musterstadt", "rheine"]


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client(request.param, "rights", write_token=WRITE_TOKEN, datasets=DATASETS) as c:
        yield c


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, str | None]:
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    for name in ("chefin", "muster-red", "rheine-red", "muster-les"):  # made once per module's store
        if name in {s.account.name for s in accounts.accounts(store)}:
            accounts.remove(store, name)
    return {
        "write-token": WRITE_TOKEN,
        "admin": accounts.add(store, "chefin", Role.ADMIN, []),
        "editor-musterstadt": accounts.add(store, "muster-red", Role.EDITOR, ["musterstadt"]),
        "editor-rheine": accounts.add(store, "rheine-red", Role.EDITOR, ["rheine"]),
        "reader-musterstadt": accounts.add(store, "muster-les", Role.READER, ["musterstadt"]),
        "wrong": "ig_" + "x" * 43,
        "nobody": None,
    }


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def probe(dataset: str, who: str, door: str) -> str:
    return f"https://w3id.org/integrationsgraph/id/{dataset}/probe/{door}-{who}"


def rest(c: TestClient, token: str | None, dataset: str, who: str) -> int:
    body = {"label": {"de": f"Rechteprobe {who}"}, "code": f"RECHTE-{who}"}
    return c.post(f"/api/{dataset}/felder", json=body, headers=auth(token)).status_code


def sparql(c: TestClient, token: str | None, dataset: str, who: str) -> int:
    update = (
        f"INSERT DATA {{ GRAPH <{graph_iri(dataset)}> {{ <{probe(dataset, who, 'sparql')}> "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Rechteprobe" }} }}'
    )
    headers = {**auth(token), "Content-Type": "application/sparql-update"}
    return c.post("/sparql", content=update.encode(), headers=headers).status_code


def gsp(c: TestClient, token: str | None, dataset: str, who: str) -> int:
    turtle = f'<{probe(dataset, who, "gsp")}> <http://www.w3.org/2000/01/rdf-schema#label> "Rechteprobe" .'
    headers = {**auth(token), "Content-Type": "text/turtle"}
    return c.post("/store", params={"graph": graph_iri(dataset)}, content=turtle.encode(), headers=headers).status_code


def workbook(c: TestClient, token: str | None, dataset: str, who: str) -> int:
    files = {"file": ("konzept.xlsx", good_bytes(), XLSX)}
    r = c.post("/api/import", params={"dry_run": "true"}, files=files, data={"dataset": dataset}, headers=auth(token))
    return r.status_code


def values(c: TestClient, token: str | None, dataset: str, who: str) -> int:
    headers = {**auth(token), "Content-Type": "text/csv"}
    url = f"/api/{dataset}/indikatoren/gibt-es-nicht/werte"  # allowed: 404 (no such indicator), refused: 401/403
    return c.post(url, content=b"Jahr,Wert\n2024,1\n", headers=headers).status_code


DOORS = {"rest": (rest, 201), "sparql": (sparql, 200), "gsp": (gsp, 204), "workbook": (workbook, 200)}
ALLOWED = {
    "write-token": {"musterstadt", "rheine"},
    "admin": {"musterstadt", "rheine"},
    "editor-musterstadt": {"musterstadt"},
    "editor-rheine": {"rheine"},
    "reader-musterstadt": set(),
    "wrong": set(),
    "nobody": set(),
}


def refused_code(who: str) -> int:
    return 401 if who in ("wrong", "nobody") else 403


@pytest.mark.parametrize("door", sorted(DOORS))
def test_the_role_matrix(client: TestClient, tokens: dict[str, str | None], door: str) -> None:
    call, ok = DOORS[door]
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    for who, token in tokens.items():
        for dataset in DATASETS:
            before = set(store.triples(graph_iri(dataset)))
            code = call(client, token, dataset, who)
            allowed = dataset in ALLOWED[who]
            expected = ok if allowed else refused_code(who)
            assert code == expected, (door, who, dataset, code)
            if not allowed or door == "workbook":  # refused, or a dry run: nothing written
                assert set(store.triples(graph_iri(dataset))) == before, (door, who, dataset)


def test_the_values_import_checks_the_dataset_before_the_body(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    for who, token in tokens.items():
        for dataset in DATASETS:
            expected = 404 if dataset in ALLOWED[who] else refused_code(who)
            assert values(client, token, dataset, who) == expected, (who, dataset)


def test_an_editor_is_told_which_datasets_it_edits(client: TestClient, tokens: dict[str, str | None]) -> None:
    r = client.post("/api/rheine/felder", json={"label": {"de": "x"}}, headers=auth(tokens["editor-musterstadt"]))
    assert r.status_code == 403
    assert r.json()["error"] == (
        "Das Konto „muster-red“ darf den Datensatz „rheine“ nicht ändern (es bearbeitet „musterstadt“); nichts wurde "
        "geschrieben."
    )
    reader = client.post(
        "/api/musterstadt/felder", json={"label": {"de": "x"}}, headers=auth(tokens["reader-musterstadt"])
    )
    assert reader.status_code == 403 and "darf nur lesen" in reader.json()["error"]


def test_sparql_update_cannot_reach_another_dataset_by_create_or_drop(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    editor = {**auth(tokens["editor-musterstadt"]), "Content-Type": "application/sparql-update"}
    for update in (
        f"CREATE GRAPH <{graph_iri('rheine')}/neu>",
        f"DROP GRAPH <{graph_iri('rheine')}>",
        f"DELETE WHERE {{ GRAPH <{graph_iri('rheine')}> {{ ?s ?p ?o }} }}",
        # one graph of its own and one of another's: all or nothing
        f"INSERT DATA {{ GRAPH <{graph_iri('musterstadt')}> {{ <urn:x:a> <urn:x:p> 1 }} "
        f"GRAPH <{graph_iri('rheine')}> {{ <urn:x:a> <urn:x:p> 1 }} }}",
    ):
        store = client.app.state.ctx.store  # type: ignore[attr-defined]
        before = {g: set(store.triples(g)) for g in store.graphs()}
        r = client.post("/sparql", content=update.encode(), headers=editor)
        assert r.status_code == 403, (update, r.text)
        assert {g: set(store.triples(g)) for g in store.graphs()} == before, update


def test_nobody_writes_the_system_graph_where_the_accounts_live(
    client: TestClient, tokens: dict[str, str | None]
) -> None:
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    before = set(store.triples(SYSTEM_GRAPH))
    forged = f'<{SYSTEM_GRAPH}#konto-boese> <{SYSTEM_GRAPH}#rolle> "admin" .'
    for token in (tokens["write-token"], tokens["admin"]):
        update = f"INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ {forged} }} }}"
        r = client.post(
            "/sparql", content=update.encode(), headers={**auth(token), "Content-Type": "application/sparql-update"}
        )
        assert r.status_code == 403, r.text
        r = client.post(
            "/store",
            params={"graph": SYSTEM_GRAPH},
            content=forged.encode(),
            headers={**auth(token), "Content-Type": "text/turtle"},
        )
        assert r.status_code == 403, r.text
    assert set(store.triples(SYSTEM_GRAPH)) == before


def test_no_door_reads_the_token_hashes(client: TestClient, tokens: dict[str, str | None]) -> None:
    pattern = f"?s <{SYSTEM_GRAPH}#tokenHash> ?h"
    query = f"SELECT ?s ?h WHERE {{ {{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }} }}"
    for token in (None, tokens["admin"], tokens["write-token"]):
        r = client.get(
            "/sparql", params={"query": query}, headers={**auth(token), "Accept": "application/sparql-results+json"}
        )
        assert r.status_code == 200 and r.json()["results"]["bindings"] == [], r.text
        assert client.get("/store", params={"graph": SYSTEM_GRAPH}, headers=auth(token)).status_code == 404


def test_a_reader_sees_the_private_data_of_its_dataset_only(client: TestClient, tokens: dict[str, str | None]) -> None:
    def private_count(token: str | None, dataset: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{private_graph(graph_iri(dataset))}> {{ ?s ?p ?o }} }}"
        r = client.get(
            "/sparql", params={"query": query}, headers={**auth(token), "Accept": "application/sparql-results+json"}
        )
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    everything = private_count(tokens["admin"], "musterstadt")
    assert everything > 0
    assert private_count(tokens["reader-musterstadt"], "musterstadt") == everything
    assert private_count(tokens["editor-musterstadt"], "musterstadt") == everything
    assert private_count(tokens["editor-rheine"], "musterstadt") == 0
    assert private_count(None, "musterstadt") == 0
    gsp_read = client.get(
        "/store", params={"graph": private_graph(graph_iri("musterstadt"))}, headers=auth(tokens["editor-rheine"])
    )
    assert gsp_read.status_code == 404
    own = client.get(
        "/store", params={"graph": private_graph(graph_iri("musterstadt"))}, headers=auth(tokens["reader-musterstadt"])
    )
    assert own.status_code == 200 and own.content


def test_a_removed_account_and_a_renewed_token_stop_working(client: TestClient) -> None:
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    old = accounts.add(store, "zeitweise", Role.EDITOR, ["musterstadt"])
    assert rest(client, old, "musterstadt", "zeitweise-1") == 201
    new = accounts.renew(store, "zeitweise")
    assert rest(client, old, "musterstadt", "zeitweise-2") == 401
    assert rest(client, new, "musterstadt", "zeitweise-3") == 201
    accounts.remove(store, "zeitweise")
    assert rest(client, new, "musterstadt", "zeitweise-4") == 401
