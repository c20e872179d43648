"""The real thing: `integrationsgraph serve` as a process on a loopback port, asked over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    store = tmp_path_factory.mktemp("server") / "store"
    env = {**os.environ, "INTEGRATIONSGRAPH_STORE": str(store)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"server exited: {out}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not come up within 90 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_server_serves_landing_page_with_both_datasets(server: str) -> None:
    response = httpx.get(server + "/")
    assert response.status_code == 200
    assert "Musterstadt" in response.text and 'data-dataset="rheine"' in response.text


def test_server_health_over_http(server: str) -> None:
    assert httpx.get(server + "/health").json()["status"] == "ok"


def test_server_keeps_its_store_on_disk(server: str, tmp_path: Path) -> None:
    body = httpx.get(server + "/api/datasets").json()
    assert {d["name"] for d in body} == {"rheine", "musterstadt"}
