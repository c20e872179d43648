"""Several API processes on one SPARQL server: nothing lost, nothing written twice (real processes, real Oxigraph).

Two ``integrationsgraph serve`` processes share one ``oxigraph serve``; threads write through both at the same
time. Each process holds only its own lock, so what keeps the writes apart is the store's revision
(``graph.write.path.WritePath.transact``). And ``serve --workers 2`` itself.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
API = "/api/musterstadt"
KIO = "https://w3id.org/integrationsgraph/ontology#"
GRAPH = "https://w3id.org/integrationsgraph/graph/musterstadt"


class Cluster:
    def __init__(self, sparql: str, apis: list[str]) -> None:
        self.sparql = sparql
        self.apis = apis

    def ask_oxigraph(self, query: str) -> list[dict[str, Any]]:
        r = httpx.post(
            f"{self.sparql}/query",
            content=query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        r.raise_for_status()
        return list(r.json()["results"]["bindings"])


def env_for(sparql: str, folder: Path) -> dict[str, str]:
    return {
        "INTEGRATIONSGRAPH_STORE": str(folder / "unused"),
        "INTEGRATIONSGRAPH_STORE_URL": f"{sparql}/query",
        "INTEGRATIONSGRAPH_UPDATE_URL": f"{sparql}/update",
        "INTEGRATIONSGRAPH_WRITE_TOKEN": TOKEN,
    }


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
    start_oxigraph: Callable[..., AbstractContextManager[Any]],
    start_serve: Callable[..., AbstractContextManager[Any]],
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("workers")
    with ExitStack() as stack:
        oxigraph = stack.enter_context(start_oxigraph(folder / "db", folder, "--timeout-s", "60"))
        first = stack.enter_context(start_serve(env_for(oxigraph.base, folder / "a"), folder / "a"))
        second = stack.enter_context(start_serve(env_for(oxigraph.base, folder / "b"), folder / "b"))
        yield Cluster(oxigraph.base, [first.base, second.base])


def run_together(calls: list[Callable[[], int]]) -> list[int]:
    """Run the calls in threads released at the same moment; their HTTP statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []
    lock = threading.Lock()

    def go(call: Callable[[], int]) -> None:
        barrier.wait()
        status = call()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=go, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def post(base: str, kind: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}{API}/{kind}", json=body, headers=AUTH, timeout=120)


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def chain(cluster: Cluster) -> dict[str, str]:
    base = cluster.apis[0]
    field = created(post(base, "felder", {"label": {"de": "Workerfeld"}, "code": "TEST-W-HF", "fiktiv": True}))
    goal = created(
        post(
            base,
            "leitziele",
            {"label": {"de": "Workerleitziel"}, "code": "TEST-W-LZ", "handlungsfeld": field["iri"], "fiktiv": True},
        )
    )
    objective = created(
        post(
            base,
            "handlungsziele",
            {"label": {"de": "Workerziel"}, "code": "TEST-W-HZ", "leitziel": goal["iri"], "fiktiv": True},
        )
    )
    actor = created(post(base, "akteure", {"label": {"de": "Workerverein"}, "typ": ["FormalOrganization"]}))
    return {"handlungsziel": objective["iri"], "akteur": actor["iri"]}


def measure(chain: dict[str, str], code: str, slug: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "label": {"de": f"Workermaßnahme {code}"},
        "code": code,
        "fiktiv": True,
        "handlungsziele": [chain["handlungsziel"]],
        "federfuehrend": chain["akteur"],
        "status": "geplant",
    }
    if slug is not None:
        body["slug"] = slug
    return body


def test_writes_through_two_processes_at_once_are_all_kept_once(cluster: Cluster, chain: dict[str, str]) -> None:
    codes = [f"TEST-W-M{n}" for n in range(24)]
    calls = [
        (lambda base=cluster.apis[n % 2], code=code: post(base, "massnahmen", measure(chain, code)).status_code)
        for n, code in enumerate(codes)
    ]
    assert run_together(calls) == [201] * len(codes)
    rows = cluster.ask_oxigraph(
        f"""SELECT ?code (COUNT(DISTINCT ?m) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{
            ?m a <{KIO}Massnahme> ; <http://www.w3.org/2004/02/skos/core#notation> ?code
            FILTER(STRSTARTS(?code, "TEST-W-M")) }} }} GROUP BY ?code"""
    )
    assert sorted(r["code"]["value"] for r in rows) == sorted(codes)
    assert {r["n"]["value"] for r in rows} == {"1"}


def create_status(base: str, body: dict[str, Any]) -> int:
    return post(base, "massnahmen", body).status_code


def patch_status(base: str, url: str, etag: str, text: str) -> int:
    body = {"beschreibung": {"de": text}}
    return httpx.patch(base + url, json=body, headers={**AUTH, "If-Match": etag}, timeout=120).status_code


def test_the_same_new_resource_at_two_processes_is_created_once(cluster: Cluster, chain: dict[str, str]) -> None:
    for n in range(4):
        slug = f"test-w-gleich-{n}"
        body = measure(chain, f"TEST-W-G{n}", slug)
        assert sorted(run_together([functools.partial(create_status, base, body) for base in cluster.apis])) == [
            201,
            409,
        ]
        one = httpx.get(f"{cluster.apis[1]}{API}/massnahmen/{slug}", timeout=60).json()
        assert one["code"] == f"TEST-W-G{n}"


def test_the_same_etag_at_two_processes_lets_one_win(cluster: Cluster) -> None:
    """Four writers (two per process) send the same If-Match at once, ten times: exactly one wins each round.

    Oxigraph's updates are not serialisable, so a revision guard alone let two win (seen once in CI); the write
    lease (graph/store/lease.py) is what keeps them apart."""
    field = created(post(cluster.apis[0], "felder", {"label": {"de": "Etagfeld"}, "code": "TEST-W-ETAG"}))
    url = f"{API}/felder/{field['slug']}"
    for round_ in range(10):
        etag = httpx.get(cluster.apis[0] + url, timeout=60).headers["etag"]
        calls = [
            functools.partial(patch_status, cluster.apis[n % 2], url, etag, f"Runde {round_}, Schreiber {n}")
            for n in range(4)
        ]
        assert sorted(run_together(calls)) == [200, 412, 412, 412]
        text = httpx.get(cluster.apis[1] + url, timeout=60).json()["beschreibung"]["de"]
        assert text.startswith(f"Runde {round_}, Schreiber ")


def test_read_modify_write_updates_through_two_processes_lose_nothing(cluster: Cluster) -> None:
    """Twenty SPARQL updates each add one to a counter: every one counts, whichever process ran it."""
    counter = "https://w3id.org/integrationsgraph/graph/zaehlertest"
    start = f"INSERT DATA {{ GRAPH <{counter}> {{ <urn:x:zaehler> <urn:x:stand> 0 }} }}"
    headers = {**AUTH, "Content-Type": "application/sparql-update"}
    assert httpx.post(f"{cluster.apis[0]}/sparql", content=start, headers=headers).status_code == 200
    step = f"""DELETE {{ GRAPH <{counter}> {{ <urn:x:zaehler> <urn:x:stand> ?n }} }}
        INSERT {{ GRAPH <{counter}> {{ <urn:x:zaehler> <urn:x:stand> ?m }} }}
        WHERE {{ GRAPH <{counter}> {{ <urn:x:zaehler> <urn:x:stand> ?n }} BIND(?n + 1 AS ?m) }}"""
    calls = [
        (
            lambda base=cluster.apis[n % 2]: (
                httpx.post(f"{base}/sparql", content=step, headers=headers, timeout=120).status_code
            )
        )
        for n in range(20)
    ]
    assert run_together(calls) == [200] * 20
    rows = cluster.ask_oxigraph(f"SELECT ?n WHERE {{ GRAPH <{counter}> {{ <urn:x:zaehler> <urn:x:stand> ?n }} }}")
    assert [r["n"]["value"] for r in rows] == ["20"]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_serve_with_workers_runs_several_processes_on_one_server(
    cluster: Cluster, tmp_path: Path, start_serve: Callable[..., AbstractContextManager[Any]]
) -> None:
    with start_serve(env_for(cluster.sparql, tmp_path), tmp_path, "--workers", "2") as served:
        assert len(children(served.pid)) >= 2  # uvicorn's workers (plus, maybe, its resource tracker)
        pids = set()
        for n in range(6):
            r = post(served.base, "felder", {"label": {"de": f"Mehrprozessfeld {n}"}, "code": f"TEST-W-P{n}"})
            created(r)
            pids.add(httpx.get(f"{served.base}/health", timeout=30).json()["pid"])
        assert pids <= set(children(served.pid))
        listed = httpx.get(f"{served.base}{API}/felder", params={"limit": 500}, timeout=60).json()
        codes = [item["code"] for item in listed["items"] if item["code"].startswith("TEST-W-P")]
        assert sorted(codes) == [f"TEST-W-P{n}" for n in range(6)]


def test_serve_with_workers_on_the_embedded_store_is_refused(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"INTEGRATIONSGRAPH_STORE": str(tmp_path / "store"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "integrationsgraph", "serve", "--workers", "2", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "SPARQL-Server" in done.stderr and "INTEGRATIONSGRAPH_STORE_URL" in done.stderr
