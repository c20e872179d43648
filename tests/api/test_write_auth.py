"""Every write route checks the token before it reads a byte of the request body (issue 12, part 5).

FastAPI reads and parses a route's body (JSON, or a multipart form spooled to disk) before its dependencies
run: an unauthenticated 1 GB upload to ``/api/import`` was read in full before the 401. The routes are taken
from the app's route table, so a new write route cannot be forgotten; each gets a body that never ends, handed
to the app in 64 KiB pieces, and must answer 401 having asked for none of them.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

TOKEN = "test-token"
WRITES = {"POST", "PUT", "DELETE", "PATCH"}
CHUNK = b"x" * 65536
CONTENT_TYPES = {
    "/api/import": "multipart/form-data; boundary=grenze",
    "/store": "text/turtle",
    "/sparql": "application/sparql-update",
}
PUBLIC = {("POST", "/sparql"), ("POST", "/anmelden")}
"""Write methods anyone may use: a POST to /sparql is a query unless it is an update (checked separately); the
login form, whose body is the name and password (two bounded fields)."""
REFUSED = {("PUT", "/sparql"), ("DELETE", "/sparql"), ("PATCH", "/sparql")}
"""Methods the SPARQL protocol forbids: 405 for everyone, body unread."""


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client("embedded", "write-auth", write_token=TOKEN, datasets=["musterstadt"]) as c:
        yield c


def write_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every route that takes a write method, from the app's route table (included routers
    walked: FastAPI ≥ 0.13x keeps them as included-router entries, its ``iter_route_contexts`` lists their routes)."""
    app: Any = client.app
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        routes: list[Any] = [r for r in app.routes if isinstance(r, APIRoute)]
    else:
        routes = [r for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)]
    return sorted({(method, str(r.path)) for r in routes for method in (r.methods or set()) & WRITES})


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "musterstadt" if m.group(1) == "dataset" else "probe", path)


def call(
    client: TestClient, method: str, url: str, headers: dict[str, str], length: int | None = 1_000_000_000
) -> tuple[int, int]:
    """Send ``method url`` with a body (announced as ``length`` bytes, or chunked when None) that the app gets
    only on request, 64 KiB at a time; (status, pieces the app asked for)."""
    parts = urlsplit(url)
    asked = 0
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > 64:  # 4 MiB: enough to see that the body is being read; then the body ends
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": CHUNK, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    async def run() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "root_path": "",
            "query_string": parts.query.encode(),
            "headers": [
                (b"host", b"testserver"),
                *([(b"content-length", str(length).encode())] if length is not None else []),
                *((k.lower().encode(), v.encode()) for k, v in headers.items()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": dict(client.app_state),
        }
        await client.app(scope, receive, send)

    assert client.portal is not None
    client.portal.call(run)
    start = next(m for m in messages if m["type"] == "http.response.start")
    return int(start["status"]), asked


def test_the_route_table_has_the_write_routes_we_expect(client: TestClient) -> None:
    routes = write_routes(client)
    paths = {p for _, p in routes}
    assert {"/api/import", "/api/analysis/metriken", "/store", "/sparql"} <= paths
    assert ("PATCH", "/api/{dataset}/akteure/{slug}") in routes and len(routes) > 20


@pytest.mark.parametrize("auth", [None, "Bearer falsch", "Basic dGVzdDp0ZXN0"])
def test_every_write_route_refuses_before_reading_the_body(client: TestClient, auth: str | None) -> None:
    failures = []
    for method, path in write_routes(client):
        if (method, path) in PUBLIC:
            continue
        url = concrete(path) + ("?graph=http://example.org/g" if path == "/store" and method != "POST" else "")
        headers = {"Content-Type": CONTENT_TYPES.get(path, "application/json")}
        if auth:
            headers["Authorization"] = auth
        status, asked = call(client, method, url, headers)
        expected = 405 if (method, path) in REFUSED else 401
        if (status, asked) != (expected, 0):
            failures.append(f"{method} {path}: {status}, {asked} Stücke gelesen")
    assert not failures, failures


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "application/sparql-update"}, {"Content-Type": "application/sparql-update; charset=utf-8"}],
)
def test_a_sparql_update_without_the_token_is_refused_unread(client: TestClient, headers: dict[str, str]) -> None:
    assert call(client, "POST", "/sparql", headers, length=None) == (401, 0)  # chunked: no 413 by its length
    assert call(client, "POST", "/sparql", headers, length=1000) == (401, 0)


def test_a_sparql_query_by_post_still_reads_its_body(client: TestClient) -> None:
    status, asked = call(client, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, length=None)
    assert asked > 0 and status in (400, 413)  # read (bounded), then refused: too big, or no query


def test_without_a_configured_token_writes_are_off_before_the_body_is_read(app_client: Callable[..., Any]) -> None:
    with app_client("embedded", "write-off", datasets=[]) as off:
        assert call(off, "POST", "/api/import", {"Content-Type": CONTENT_TYPES["/api/import"]}) == (403, 0)
        assert call(off, "POST", "/api/musterstadt/akteure", {"Content-Type": "application/json"}) == (403, 0)


def test_an_unauthenticated_upload_over_http_gets_401_before_it_is_sent(live_server: str) -> None:
    """A real server, a real socket: 1 GB announced, 1 MiB sent, then the answer must already be there."""
    address = urlsplit(live_server)
    head = (
        "POST /api/import HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        "Content-Type: multipart/form-data; boundary=grenze\r\n"
        "Content-Length: 1000000000\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=20) as sock:
        sock.sendall(head.encode() + b"--grenze\r\n" + CHUNK * 16)
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            piece = sock.recv(65536)
            if not piece:
                break
            received += piece
        answer = received.decode("utf-8")
    assert answer.startswith("HTTP/1.1 401"), answer[:200]
    assert "Schreib-Token" in answer
