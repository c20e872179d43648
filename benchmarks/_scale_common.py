"""Helpers of ``benchmarks/scale.py``: cached data, servers on free loopback ports, timing, memory, load.

Nothing here asserts anything; every server started here is stopped by its context manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.remote_store import free_port  # noqa: E402

BIN = Path(sys.executable).parent
CACHE = Path(tempfile.gettempdir()) / "integrationsgraph-scale-cache"
WRITE_TOKEN = "scale-benchmark-token"


def data_file(n: int, seed: int = 0) -> Path:
    """``n`` fictional municipalities as TriG, written once by ``integrationsgraph generate`` and cached."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"fiktiv-{n}-seed{seed}.trig"
    if not path.exists():
        part = path.with_suffix(".part.trig")
        cmd = [str(BIN / "integrationsgraph"), "generate", "--municipalities", str(n), "--seed", str(seed)]
        subprocess.run([*cmd, "-o", str(part)], check=True, capture_output=True)
        part.rename(path)
    return path


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_ms(fn: Callable[[], object], repeat: int, budget: float = 5.0) -> float:
    """Median of ``repeat`` runs in ms after one warm-up run; a warm-up longer than ``budget`` s is the answer."""
    first = timed(fn)
    if first > budget:
        return first * 1000
    return statistics.median(timed(fn) for _ in range(repeat)) * 1000


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def wait_http(url: str, proc: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def process(cmd: list[str], ready: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` until ``ready`` answers, yield it, and always stop it (terminate, then kill)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(ready, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def serve(store: Path) -> Iterator[tuple[str, int]]:
    """A real ``integrationsgraph serve`` on ``store``: (base URL, pid). Answers are not cut (RESULT_LIMIT)."""
    port = free_port()
    env = {
        **os.environ,
        "INTEGRATIONSGRAPH_STORE": str(store),
        "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN,
        "INTEGRATIONSGRAPH_RESULT_LIMIT": "10000000",
        "INTEGRATIONSGRAPH_QUERY_TIMEOUT": "300",
    }
    env.pop("INTEGRATIONSGRAPH_STORE_URL", None)
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "integrationsgraph", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with process(cmd, f"{base}/health", env) as proc:
        yield base, proc.pid


@contextlib.contextmanager
def oxigraph_serve(location: Path, nquads: Path) -> Iterator[str]:
    """Oxigraph's own server (PyPI ``oxigraph``) on ``nquads``, default graph = union of all graphs."""
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(nquads)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    cmd = [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with process([*cmd, "--union-default-graph"], f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def rdflib_endpoint(nquads: Path) -> Iterator[str]:
    """rdflib-endpoint (``pip install -e '.[bench]'``) serving ``nquads`` from rdflib's memory store."""
    port = free_port()
    cmd = [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(nquads)]
    with process(cmd, f"http://127.0.0.1:{port}/?query=ASK%7B%7D"):
        yield f"http://127.0.0.1:{port}/"


def have(exe: str) -> bool:
    return (BIN / exe).exists()


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants, from ``/proc``."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(entry.path, "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * page
    wanted, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, p in parents.items():
            if p == parent and child not in wanted:
                wanted.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in wanted)


class PeakRSS:
    """Samples :func:`tree_rss` of a process every ``interval`` s in a thread; ``.peak`` is the highest."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.pid))


@dataclass
class Throughput:
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


async def _client(host: str, port: int, request: bytes, until: float, counts: list[int]) -> None:
    """One keep-alive connection sending ``request`` until ``until``; a tiny HTTP/1.1 reader (length or chunked)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            lower = head.lower()
            if b"transfer-encoding: chunked" in lower:
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                start = lower.index(b"content-length:") + len(b"content-length:")
                await reader.readexactly(int(lower[start : lower.index(b"\r\n", start)]))
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()


def throughput(url: str, clients: int, seconds: float) -> Throughput:
    """Requests per second of GET ``url`` (SPARQL JSON) from ``clients`` concurrent keep-alive connections."""
    parsed = httpx.URL(url)
    target = parsed.raw_path.decode()
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parsed.host}:{parsed.port}\r\nAccept: application/sparql-results+json\r\n\r\n"
    ).encode()

    async def run() -> Throughput:
        counts = [0, 0]
        start = time.perf_counter()
        until = start + seconds
        await asyncio.gather(*(_client(parsed.host, parsed.port or 80, request, until, counts) for _ in range(clients)))
        return Throughput(counts[0], counts[1], time.perf_counter() - start)

    return asyncio.run(run())
