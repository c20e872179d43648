"""A query time limit that really stops the work: worker processes that are killed at the deadline.

pyoxigraph has no way to cancel a query (a query runs in Rust until it is done), and a thread cannot
be stopped. So queries run in a small pool of worker processes (``graph.sparql.worker``). When a query
passes the deadline, its worker gets SIGKILL — the CPU is free at once — and a fresh worker takes its
place; the other workers keep answering.

Workers cannot open the live store (RocksDB allows one writer, and a read-only view of a folder that
another process writes is undefined behaviour). They read *snapshots*: RocksDB checkpoints made by
``Store.backup`` (hard links, about 20 ms). A snapshot is renewed when the store folder has changed
since (its file names, sizes and times: a commit always appends to the write-ahead log), checked
before every query in about 0.1 ms — so a client reads its own writes. Old snapshots are removed when
no worker has them open.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import IntegrationsgraphError
from integrationsgraph.graph.store.privacy import is_private_graph

SNAPSHOT_PREFIX = ".sparql-snapshot-"
OWNER = "owner"
"""The file in a snapshot folder that names the store it belongs to (servers may share a parent folder)."""


class QueryTimeout(IntegrationsgraphError):
    """The query ran past the time limit and was stopped."""


class QueryBusy(IntegrationsgraphError):
    """No worker became free within the time limit."""


class WorkerFailed(IntegrationsgraphError):
    """A worker process ended without an answer."""


class SandboxUnavailable(IntegrationsgraphError):
    """The worker processes cannot be cut off the network here, and the settings require it."""


def fingerprint(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the store folder's files: changes with every commit."""
    out = []
    for entry in os.scandir(path):
        with contextlib.suppress(FileNotFoundError):
            st = entry.stat()
            out.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


class Snapshots:
    """Read-only checkpoints of a live on-disk store, renewed when the store has changed."""

    def __init__(self, store: ox.Store, live: Path, write_lock: Any | None = None) -> None:
        self.store = store
        self.live = live
        self.root = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX, dir=live.parent))
        (self.root / OWNER).write_text(str(live.resolve()), encoding="utf-8")
        self._lock = threading.Lock()
        self._write_lock = write_lock if write_lock is not None else contextlib.nullcontext()
        self._seen: tuple[tuple[str, int, int], ...] | None = None
        self._current: Path | None = None
        self._public: Path | None = None
        self._n = 0
        self.made = 0

    def current(self, *, public: bool = False) -> Path:
        """The newest snapshot, made now if the store changed since the last one.

        With ``public``, its public variant: the same checkpoint without the private companion graphs, so a
        public query can read the union of all graphs — as fast as a query gets on Oxigraph — instead of
        listing every visible graph as the default graph (10–50× slower at a million triples).
        """
        with self._lock:
            if self._current is None or fingerprint(self.live) != self._seen:
                # Hold the write path's lock so that no commit lands between the checkpoint and the
                # fingerprint taken after it (the checkpoint itself flushes and so changes the folder).
                with self._write_lock:
                    self._n += 1
                    target = self.root / str(self._n)
                    self.store.backup(str(target))
                    self._seen = fingerprint(self.live)
                _drop_system_graph(target)  # no query reads the revision, the lease or the accounts' hashes
                self._current = target
                self._public = None
                self.made += 1
            if not public:
                return self._current
            if self._public is None:
                self._public = _without_private(self._current, self.root / f"{self._n}-public")
            return self._public

    def collect(self, in_use: set[str]) -> None:
        """Remove snapshots that are neither the newest nor open in a worker."""
        with self._lock:
            keep = in_use | {str(p) for p in (self._current, self._public) if p is not None}
            for child in self.root.iterdir():
                if str(child) not in keep and child.name != OWNER:
                    shutil.rmtree(child, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _drop_system_graph(snapshot: Path) -> None:
    """Remove the store's system graph from a fresh snapshot (a few triples; the snapshot is ours alone)."""
    copy = ox.Store(str(snapshot))
    try:
        system = ox.NamedNode(SYSTEM_GRAPH)
        if any(True for _ in copy.quads_for_pattern(None, None, None, system)):
            copy.remove_graph(system)
            copy.flush()
    finally:
        del copy


def _without_private(full: Path, target: Path) -> Path:
    """A copy of the checkpoint ``full`` (hard links again, no system graph: :func:`_drop_system_graph`) from
    which the private graphs are removed."""
    snapshot = ox.Store.read_only(str(full))
    try:
        snapshot.backup(str(target))
    finally:
        del snapshot
    public = ox.Store(str(target))
    try:
        for g in list(public.named_graphs()):
            if isinstance(g, ox.NamedNode) and is_private_graph(g.value):
                public.remove_graph(g)
        public.flush()
    finally:
        del public
    return target


def remove_stale_snapshots(live: Path) -> None:
    """Snapshot folders that a crashed server of *this* store left behind (the store's lock says that no other
    server has it open); those of other stores in the same parent folder stay."""
    me = str(live.resolve())
    for child in live.parent.glob(f"{SNAPSHOT_PREFIX}*"):
        try:
            owner = (child / OWNER).read_text(encoding="utf-8")
        except OSError:
            continue  # not ours to judge (another server's, or one from before snapshots named their store)
        if owner == me:
            shutil.rmtree(child, ignore_errors=True)


@dataclass(frozen=True)
class Sandbox:
    """How worker processes are walled in (:mod:`graph.sparql.sandbox`)."""

    network: str = "required"
    """``required``: cut off the network or refuse to work; ``preferred``: cut it off where the system can;
    ``off``: leave it."""
    memory_mb: int = 0
    """Address space a worker may use (0: no bound)."""


class Worker:
    """One ``python -m graph.sparql.worker`` process and its pipes."""

    def __init__(self, sandbox: Sandbox = Sandbox()) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "integrationsgraph.graph.sparql.worker",
                "--sandbox",
                sandbox.network,
                "--memory-mb",
                str(sandbox.memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.ready = False
        self.isolation = ""
        self.snapshot: str | None = None

    def start(self) -> None:
        """Wait for the worker's first frame (start-up, imports and the sandbox are not a query's time)."""
        if self.ready:
            return
        header, _ = self._frame(time.monotonic() + 60)
        self.isolation = str(header.get("isolation", ""))
        if not header.get("ready"):
            self.kill()
            raise SandboxUnavailable(
                "Die Abfrage-Prozesse lassen sich hier nicht vom Netz trennen "
                f"({self.isolation.removeprefix('failed: ')}). Ohne diese Sperre startet der Dienst nicht; wer "
                "sie bewusst abschaltet: INTEGRATIONSGRAPH_SANDBOX=preferred (Sperre, wo möglich) oder off."
            )
        self.ready = True

    def _read(self, n: int, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise QueryTimeout("deadline")
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
            if not chunk:
                raise WorkerFailed(f"Der Abfrage-Prozess ist beendet (Code {self.proc.poll()}).")
            buf += chunk
        return bytes(buf)

    def _frame(self, deadline: float) -> tuple[dict[str, Any], bytes]:
        import json

        header = json.loads(self._read(struct.unpack(">I", self._read(4, deadline))[0], deadline))
        body = self._read(struct.unpack(">I", self._read(4, deadline))[0], deadline)
        return header, body

    def call(self, job: dict[str, Any], deadline: float, body: bytes = b"") -> tuple[dict[str, Any], bytes]:
        import json

        assert self.proc.stdin is not None
        self.start()
        data = json.dumps(job).encode()
        # Mark the snapshot as in use BEFORE the query runs: another request may make a newer snapshot and
        # collect the old ones meanwhile, and must not delete the folder this worker is reading.
        self.snapshot = job.get("snapshot") or self.snapshot
        try:
            self.proc.stdin.write(struct.pack(">I", len(data)) + data + struct.pack(">I", len(body)) + body)
        except BrokenPipeError as exc:
            raise WorkerFailed("Der Abfrage-Prozess ist nicht mehr erreichbar.") from exc
        header, body = self._frame(deadline)
        self.snapshot = header.get("snapshot") or self.snapshot
        return header, body

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()

    def stop(self) -> None:
        """Close its input (the worker ends by itself), then make sure."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.kill()


class QueryPool:
    """``size`` worker processes over snapshots of one on-disk store."""

    def __init__(
        self, store: ox.Store, live: Path, size: int, write_lock: Any | None = None, sandbox: Sandbox = Sandbox()
    ) -> None:
        remove_stale_snapshots(live)
        self.snapshots = Snapshots(store, live, write_lock)
        self.sandbox = sandbox
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0
        for _ in range(max(size, 1)):
            self._add()
        try:
            for worker in list(self._all):
                worker.start()  # all started at once above; here each is waited for, and its sandbox checked
        except BaseException:
            self.close()
            raise

    def _add(self) -> None:
        worker = Worker(self.sandbox)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def run(self, job: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Run ``job`` in a free worker; :class:`QueryTimeout` after ``timeout`` seconds (the worker is killed)."""
        start = time.monotonic()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as exc:
            raise QueryBusy("Alle Abfrage-Prozesse sind belegt.") from exc
        healthy = True
        try:
            job = {**job, "snapshot": str(self.snapshots.current(public=bool(job.get("public"))))}
            return worker.call(job, start + timeout)
        except (QueryTimeout, WorkerFailed):
            healthy = False
            raise
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                self._replace(worker)
            self.snapshots.collect(self._open_snapshots())

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            self.killed += 1
        self._add()

    def _open_snapshots(self) -> set[str]:
        with self._lock:
            return {w.snapshot for w in self._all if w.snapshot}

    def pids(self) -> list[int]:
        with self._lock:
            return [w.proc.pid for w in self._all]

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop()
        self.snapshots.close()


class UpdateRunner:
    """One worker process for SPARQL updates (:mod:`graph.sparql.delta`): killed at the time limit and when it
    runs out of memory, replaced by a fresh one for the next update. Updates come one at a time (the write
    path's lock), so one process is enough."""

    def __init__(self, sandbox: Sandbox = Sandbox(), snapshots: Snapshots | None = None) -> None:
        self.sandbox = sandbox
        self.snapshots = snapshots
        self._lock = threading.Lock()
        self._worker: Worker | None = Worker(sandbox)
        self.killed = 0
        try:
            self._worker.start()
        except BaseException:
            self._worker = None
            raise

    def run(self, job: dict[str, Any], body: bytes, timeout: float) -> tuple[dict[str, Any], bytes]:
        """The answer of ``job``; QueryTimeout past ``timeout`` seconds, WorkerFailed when the worker died."""
        with self._lock:
            worker = self._worker or Worker(self.sandbox)
            self._worker = None
            try:
                if self.snapshots is not None:
                    job = {**job, "snapshot": str(self.snapshots.current())}
                header, out = worker.call(job, time.monotonic() + timeout, body)
            except BaseException:
                worker.kill()
                self.killed += 1
                raise
            self._worker = worker
            return header, out

    def pid(self) -> int | None:
        return self._worker.proc.pid if self._worker is not None else None

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.stop()
                self._worker = None
