"""A real OParl 1.1 test server: ``http.server`` in a thread on a free loopback port, serving the fictional
fixtures of this folder (``@BASE@`` replaced by its own address) under one path prefix per scenario.

Scenarios (the first path segment): ``ok`` (everything well), ``broken`` (page 2 of the papers is missing: 404),
``notjson`` (the system answers HTML), ``wrongtype`` (the system says it is a Body), ``oldversion`` (OParl 1.0 type),
``loop`` (page 3's ``links.next`` leads back to page 1), ``foreign`` (page 2's ``links.next`` leads to another host),
``endless`` (every page links to one more: 10,000 pages), ``flaky`` (page 2 answers 503 once, then works),
``offtopic`` (papers no integration dataset matches), ``moved`` (every address redirects to another host),
``hang`` (never answers while the server runs).
``modified_since`` filters papers by their ``modified`` and stays in the ``links.next`` of every page, as the
specification asks of a server.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

HERE = Path(__file__).parent
PAPER = "https://schema.oparl.org/1.1/Paper"


@dataclass
class State:
    """What the tests may change while the server runs, and what it saw."""

    port: int = 0
    new_paper: bool = False
    """Show ``paper-new.json`` on the last page (a paper that appeared between two runs)."""
    deleted_17: bool = False
    """Paper 17 is deleted (``"deleted": true`` with a new ``modified``), as a server lists it after deletion."""
    requests: list[str] = field(default_factory=list)
    failed_once: set[str] = field(default_factory=set)
    release: threading.Event = field(default_factory=threading.Event)
    """Set when the server stops: until then the ``hang`` scenario never answers."""

    def base(self, scenario: str) -> str:
        return f"http://127.0.0.1:{self.port}/{scenario}"


def fixture(name: str, base: str) -> Any:
    return json.loads((HERE / name).read_text(encoding="utf-8").replace("@BASE@", base))


def modified_since(items: list[Any], since: str) -> list[Any]:
    limit = dt.datetime.fromisoformat(since)
    return [i for i in items if "modified" in i and dt.datetime.fromisoformat(i["modified"]) >= limit]


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.state.requests.append(self.path)
        parts = urlsplit(self.path)
        scenario, _, rest = parts.path.strip("/").partition("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        base = self.state.base(scenario)
        if scenario == "hang":
            self.state.release.wait()
            return
        obj = self.answer(scenario, rest, query, base)
        if scenario == "moved":
            self.send_response(301)
            self.send_header("Location", f"http://localhost:{self.state.port}/ok/{rest}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif obj is None:
            self.send(404, b'{"error": "not found"}')
        elif isinstance(obj, bytes):
            self.send(503 if obj.startswith(b"busy") else 200, obj, "text/html; charset=utf-8")
        else:
            self.send(200, json.dumps(obj).encode())

    def answer(self, scenario: str, rest: str, query: dict[str, str], base: str) -> Any:
        if rest == "system":
            if scenario == "notjson":
                return b"<!doctype html><title>Sitzungsdienst</title><p>Willkommen</p>"
            system = fixture("system.json", base)
            if scenario == "wrongtype":
                system["type"] = "https://schema.oparl.org/1.1/Body"
            elif scenario == "oldversion":
                system["type"] = "http://oparl.org/schema/1.0/System"
            return system
        if rest == "bodies":
            return fixture("bodies.json", base)
        if rest == "body/1/organizations":
            return fixture("organizations.json", base)
        if rest == "body/1/papers":
            return self.papers(scenario, query, base)
        return None

    def papers(self, scenario: str, query: dict[str, str], base: str) -> Any:
        page = int(query.get("page", "1"))
        if scenario == "endless":
            nxt = f"{base}/body/1/papers?page={page + 1}" if page < 10_000 else None
            return {"data": [], "pagination": {"currentPage": page}, "links": {"next": nxt} if nxt else {}}
        if scenario == "offtopic":
            return fixture("papers-offtopic.json", base)
        if page not in (1, 2, 3) or (scenario == "broken" and page == 2):
            return None
        if scenario == "flaky" and page == 2 and self.path not in self.state.failed_once:
            self.state.failed_once.add(self.path)
            return b"busy: try again"
        listing = fixture(f"papers-{page}.json", base)
        if page == 1 and self.state.deleted_17:
            listing["data"][0] = {
                "id": f"{base}/paper/17",
                "type": PAPER,
                "deleted": True,
                "modified": "2025-07-01T08:00:00+02:00",
            }
        if page == 3 and self.state.new_paper:
            listing["data"].append(fixture("paper-new.json", base))
        links = listing["links"]
        if scenario == "loop" and page == 3:
            links["next"] = f"{base}/body/1/papers"
        if scenario == "foreign" and page == 2:
            links["next"] = f"http://localhost:{self.state.port}/ok/body/1/papers?page=3"
        if "modified_since" in query:
            listing["data"] = modified_since(listing["data"], query["modified_since"])
            if "next" in links:
                links["next"] += ("&" if "?" in links["next"] else "?") + urlencode(
                    {"modified_since": query["modified_since"]}
                )
        return listing


@contextmanager
def serving() -> Iterator[State]:
    """The server on a free loopback port for the block; yields its :class:`State`."""
    state = State()
    handler = type("FixtureHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
