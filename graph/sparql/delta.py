"""What a SPARQL update would change, worked out on a copy — the part that runs in a worker process.

pyoxigraph applies an update straight to a store, past the SHACL check, and gives no way to stop it. So
the update runs on a copy, in a worker process (``graph.sparql.worker``, no network, bounded memory)
that the server kills at the time limit; the answer is the quads it added and removed and the named
graphs before and after. The server turns these into changes for the one write path
(:mod:`graph.sparql.update`).

The copy is in memory: the quads of the server's read-only snapshot (when the store is on disk) or of the
N-Quads the server sends, read once; the changes are the difference of two sets. Reading an on-disk store
costs about 10 µs per quad, an in-memory one a tenth of that, so this beats a writable on-disk copy compared
quad by quad (measured: 0.1 s against 0.3 s for the 6,000 quads of Rheine and Musterstadt).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyoxigraph as ox

NQ = ox.RdfFormat.N_QUADS


def _names(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def _key(quad: ox.Quad) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def _read(job: dict[str, Any], body: bytes) -> tuple[list[ox.Quad], list[str]]:
    """The quads and the named graphs (empty ones included) of the store as it is."""
    snapshot = job.get("snapshot")
    if snapshot:
        store = ox.Store.read_only(snapshot)
        try:
            return list(store.quads_for_pattern(None, None, None, None)), _names(store)
        finally:
            del store
    quads = list(ox.parse(body, format=NQ)) if body else []  # Store.load would rename the blank nodes
    return quads, list(job.get("graphs") or [])


def compute_on(quads: list[ox.Quad], graphs: list[str], job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run ``job["update"]`` on an in-memory copy of ``quads`` and ``graphs``; the header names the graphs
    before and after, the size of each touched graph and the byte count of the added quads; the body holds the
    added quads, then the removed ones, as N-Quads."""
    after = ox.Store()
    after.extend(quads)  # blank nodes keep their identifiers, so unchanged quads compare equal
    for g in graphs:
        after.add_graph(ox.NamedNode(g))
    try:
        after.update(job["update"], base_iri=job.get("base_iri"))
    except SyntaxError as exc:
        return {"ok": False, "error": "syntax", "message": str(exc.msg or exc)}, b""
    except (OSError, ValueError) as exc:
        return {"ok": False, "error": "evaluation", "message": str(exc)}, b""
    before_set = set(quads)
    after_set = set(after.quads_for_pattern(None, None, None, None))
    added = sorted(after_set - before_set, key=str)
    removed = sorted(before_set - after_set, key=str)
    touched = {_key(q) for q in (*added, *removed)}
    sizes = Counter(k for k in map(_key, quads) if k in touched)
    added_nq = ox.serialize(added, format=NQ) or b""
    removed_nq = ox.serialize(removed, format=NQ) or b""
    header = {
        "ok": True,
        "graphs_before": sorted(graphs),
        "graphs_after": _names(after),
        "sizes": {g: n for g, n in sizes.items() if g is not None},
        "added_bytes": len(added_nq),
    }
    return header, added_nq + removed_nq


def compute(job: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
    """:func:`compute_on` the snapshot named in the job, or the N-Quads in ``body`` (what the worker runs)."""
    quads, graphs = _read(job, body)
    return compute_on(quads, graphs, job)


def split(header: dict[str, Any], body: bytes) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The added and the removed quads of a :func:`compute` answer."""
    cut = int(header["added_bytes"])
    return list(ox.parse(body[:cut], format=NQ)), list(ox.parse(body[cut:], format=NQ))
