"""Shared fixtures: real ontology and shapes, a store per test, a real server, a real browser.

Settings are built per test and passed in; nothing changes ``os.environ`` at import time.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.config import ROOT, Settings
from graph.remote import RemoteStore
from graph.store import EmbeddedStore, Store
from graph.validate import Shapes
from graph.write import WritePath

DATA = Path(__file__).parent / "data"
WRITE_TOKEN = "test-token"
ARTIFACTS = ROOT / "test-artifacts"
"""Screenshots and other artefacts tests keep (ignored by git, kept by CI's workspace)."""


@pytest.fixture(scope="session")
def shapes() -> Shapes:
    return Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", write_token=WRITE_TOKEN)


@pytest.fixture
def store() -> EmbeddedStore:
    return EmbeddedStore(None)


@pytest.fixture
def writer(store: EmbeddedStore, shapes: Shapes) -> WritePath:
    return WritePath(store, shapes)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``integrationsgraph serve`` as a real process on a free loopback port (store in a temp folder).

    Shared by the whole session: tests that write through it must only add resources of their own.
    """
    port = free_port()
    store = tmp_path_factory.mktemp("server") / "store"
    env = {**os.environ, "INTEGRATIONSGRAPH_STORE": str(store), "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN}
    log = (tmp_path_factory.mktemp("server-log") / "server.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"server exited: {log.read()}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not come up within 120 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Any, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"{what} exited: {log.read()}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"{what} did not come up within 60 s")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's own SPARQL server (``oxigraph serve`` from the PyPI package) on a free loopback port.

    Yields its base address (``/query``, ``/update``, ``/store``). Session-wide: tests that use it
    through :func:`remote_store` get it emptied first.
    """
    exe = Path(sys.executable).parent / "oxigraph"
    if not exe.exists():
        pytest.fail("the oxigraph server is missing: .venv/bin/pip install -e '.[dev]'")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    log = (tmp_path_factory.mktemp("oxigraph-log") / "oxigraph.log").open("w+")
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/", proc, log, "oxigraph serve")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def empty_oxigraph(base: str) -> None:
    httpx.post(
        f"{base}/update", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
    ).raise_for_status()


@pytest.fixture
def remote_store(oxigraph_server: str) -> Iterator[RemoteStore]:
    """A :class:`RemoteStore` on the Oxigraph server, emptied before the test."""
    remote = RemoteStore(f"{oxigraph_server}/query", f"{oxigraph_server}/update")
    empty_oxigraph(oxigraph_server)
    yield remote
    remote.close()


@pytest.fixture(scope="session")
def backend_settings(request: pytest.FixtureRequest) -> Callable[[str], dict[str, Any]]:
    """``backend_settings("embedded" | "remote")``: extra ``Settings`` fields for that backend.

    For ``remote`` the Oxigraph server is started (once) and emptied; an app on these settings uses it.
    A module-scoped ``client`` fixture with ``params=["embedded", "remote"]`` runs its tests on both.
    """

    def make(kind: str) -> dict[str, Any]:
        if kind == "embedded":
            return {}
        base: str = request.getfixturevalue("oxigraph_server")
        empty_oxigraph(base)
        return {"store_url": f"{base}/query", "update_url": f"{base}/update"}

    return make


@pytest.fixture(params=["embedded", "remote"])
def backend(request: pytest.FixtureRequest) -> Store:
    """Each store implementation in turn: the embedded store in memory, and a real Oxigraph server over HTTP.

    A test module runs its store tests on both with ``store = backend`` as its own ``store`` fixture.
    """
    if request.param == "embedded":
        return EmbeddedStore(None)
    remote: RemoteStore = request.getfixturevalue("remote_store")
    return remote


@pytest.fixture(scope="session")
def remote_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``integrationsgraph serve`` on a SPARQL server of its own (``oxigraph serve``), Rheine + Musterstadt loaded.

    Like :func:`live_server` (write token ``test-token``; only add resources of your own), but every
    query and write goes over HTTP to Oxigraph's server, which nothing else in the session empties.
    """
    exe = Path(sys.executable).parent / "oxigraph"
    ox_port, port = free_port(), free_port()
    logs = tmp_path_factory.mktemp("remote-live")
    ox_log, log = (logs / "oxigraph.log").open("w+"), (logs / "server.log").open("w+")
    oxigraph = subprocess.Popen(
        [str(exe), "serve", "--location", str(logs / "db"), "--bind", f"127.0.0.1:{ox_port}", "--timeout-s", "60"],
        stdout=ox_log,
        stderr=subprocess.STDOUT,
    )
    sparql = f"http://127.0.0.1:{ox_port}"
    env = {
        **os.environ,
        "INTEGRATIONSGRAPH_STORE": str(logs / "unused"),
        "INTEGRATIONSGRAPH_STORE_URL": f"{sparql}/query",
        "INTEGRATIONSGRAPH_UPDATE_URL": f"{sparql}/update",
        "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN,
    }
    proc: subprocess.Popen[bytes] | None = None
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(sparql + "/", oxigraph, ox_log, "oxigraph serve")
        proc = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_for(f"{base}/health", proc, log, "integrationsgraph serve")
        yield base
    finally:
        for p in (proc, oxigraph):
            if p is not None:
                p.terminate()
                p.wait(timeout=30)
        ox_log.close()
        log.close()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup as root (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
