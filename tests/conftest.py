"""Shared fixtures: real ontology and shapes, a store per test, a real server, a real browser.

Settings are built per test and passed in; nothing changes ``os.environ`` at import time.

Tests stand alone: nothing outside the checkout is read, and nothing inside it is written. Generated test data
(the workbooks) goes to a temporary folder, screenshots to :func:`artifacts`, Hypothesis's cache to a temporary one;
the session fails when ``git status`` shows a file the run wrote (:mod:`tests.checkout_guard`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore, Store
from integrationsgraph.graph.store.remote import RemoteStore
from integrationsgraph.graph.write.path import WritePath
from tests import checkout_guard
from tests.paths import REPO

DATA = Path(__file__).parent / "data"
WRITE_TOKEN = "test-token"
ARTIFACTS_ENV = "INTEGRATIONSGRAPH_TEST_ARTIFACTS"
"""A folder outside the checkout for screenshots and the like; unset: a new temporary folder per run."""

_ARTIFACTS = pytest.StashKey[Path]()
_HYPOTHESIS = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps a cache and its examples in ``./.hypothesis`` (here: the checkout), some of it while the
    tests are collected: give it a temporary folder, removed at the end (``HYPOTHESIS_STORAGE_DIRECTORY`` wins)."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    folder = Path(tempfile.mkdtemp(prefix="integrationsgraph-hypothesis-"))
    config.stash[_HYPOTHESIS] = folder
    set_hypothesis_home_dir(folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_HYPOTHESIS, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_sessionstart(session: pytest.Session) -> None:
    checkout_guard.session_start(session, REPO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    checkout_guard.session_finish(session, REPO)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(_ARTIFACTS, None)
    if folder is not None and folder.is_dir() and any(folder.iterdir()):
        terminalreporter.write_line(f"Screenshots and other test artefacts: {folder}  (set {ARTIFACTS_ENV} to choose)")
    checkout_guard.summary(terminalreporter, config)


@pytest.fixture(scope="session")
def artifacts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests keep screenshots: ``$INTEGRATIONSGRAPH_TEST_ARTIFACTS``, else a temporary folder of this run.

    The folder is named at the end of the session. It must be outside the checkout.
    """
    chosen = os.environ.get(ARTIFACTS_ENV)
    folder = Path(chosen).expanduser().resolve() if chosen else tmp_path_factory.getbasetemp() / "artifacts"
    if folder.is_relative_to(REPO.resolve()):
        pytest.fail(f"{ARTIFACTS_ENV}={chosen}: choose a folder outside the checkout")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[_ARTIFACTS] = folder
    return folder


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test workbooks (``gut.xlsx`` and one bad file per problem, ``tests/data/sheets/make_bad.py``),
    made once per session in a temporary folder."""
    from tests.data.sheets.make_bad import make

    folder = tmp_path_factory.mktemp("sheets")
    make(folder)
    return folder


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


class Served(NamedTuple):
    """A server process the tests started: its address and process id."""

    base: str
    pid: int


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Any, what: str, seconds: float = 120) -> None:
    """Until ``url`` answers; fail with the process's log when it exits or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"{what} exited: {log.read()}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"{what} did not come up within {seconds:.0f} s")


@contextmanager
def _process(cmd: list[str], logdir: Path, name: str, ready: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """Run ``cmd`` (output in ``logdir/name.log``) until ``ready`` answers; yield its pid; stop it afterwards."""
    logdir.mkdir(parents=True, exist_ok=True)
    with (logdir / f"{name}.log").open("w+") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(ready, proc, log, name)
            yield proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@contextmanager
def serve_process(env: dict[str, str], logdir: Path, *options: str) -> Iterator[Served]:
    """``integrationsgraph serve [options]`` on a free loopback port, with ``env`` added to the environment."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "integrationsgraph", "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    with _process(cmd, logdir, "serve", f"{base}/health", {**os.environ, **env}) as pid:
        yield Served(base, pid)


@contextmanager
def oxigraph_process(location: Path, logdir: Path, *options: str) -> Iterator[Served]:
    """Oxigraph's own SPARQL server (``oxigraph serve`` from the PyPI package) on a free loopback port."""
    exe = Path(sys.executable).parent / "oxigraph"
    if not exe.exists():
        pytest.fail("the oxigraph server is missing: .venv/bin/pip install -e '.[dev]'")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *options]
    with _process(cmd, logdir, "oxigraph", base + "/") as pid:
        yield Served(base, pid)


@pytest.fixture(scope="session")
def start_serve() -> Callable[..., AbstractContextManager[Served]]:
    """:func:`serve_process` for test modules (they cannot import this file)."""
    return serve_process


@pytest.fixture(scope="session")
def start_oxigraph() -> Callable[..., AbstractContextManager[Served]]:
    """:func:`oxigraph_process` for test modules."""
    return oxigraph_process


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``integrationsgraph serve`` as a real process on a free loopback port (store in a temp folder).

    Shared by the whole session: tests that write through it must only add resources of their own.
    """
    folder = tmp_path_factory.mktemp("server")
    env = {"INTEGRATIONSGRAPH_STORE": str(folder / "store"), "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN}
    with serve_process(env, folder) as served:
        yield served.base


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's own SPARQL server on a free loopback port.

    Yields its base address (``/query``, ``/update``, ``/store``). Session-wide: tests that use it
    through :func:`remote_store` get it emptied first.
    """
    folder = tmp_path_factory.mktemp("oxigraph")
    with oxigraph_process(folder / "db", folder) as served:
        yield served.base


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


@pytest.fixture(scope="session")
def app_client(
    tmp_path_factory: pytest.TempPathFactory, backend_settings: Callable[[str], dict[str, Any]]
) -> Callable[..., AbstractContextManager[Any]]:
    """``app_client(backend, name, **settings)``: the app in a ``TestClient`` on that backend, its store in a
    fresh folder. A module's ``client`` fixture with ``params=["embedded", "remote"]`` runs on both."""
    from fastapi.testclient import TestClient

    from integrationsgraph.api.main import create_app

    @contextmanager
    def make(backend: str, name: str, **fields: Any) -> Iterator[TestClient]:
        settings = Settings(store=tmp_path_factory.mktemp(name) / "store", **fields, **backend_settings(backend))
        with TestClient(create_app(settings)) as c:
            yield c

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
    folder = tmp_path_factory.mktemp("remote-live")
    with oxigraph_process(folder / "db", folder, "--timeout-s", "60") as oxigraph:
        sparql = oxigraph.base
        env = {
            "INTEGRATIONSGRAPH_STORE": str(folder / "unused"),
            "INTEGRATIONSGRAPH_STORE_URL": f"{sparql}/query",
            "INTEGRATIONSGRAPH_UPDATE_URL": f"{sparql}/update",
            "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN,
        }
        with serve_process(env, folder) as served:
            yield served.base


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
