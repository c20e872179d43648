"""One SPARQL query, run and serialised by pyoxigraph — in a worker process that can be killed.

pyoxigraph cannot cancel a running query, so the endpoint runs each query in a worker process
(``python -m graph.sparql.worker``) that the server kills at the deadline (``graph.sparql.pool``).
The worker reads jobs from standard input and writes replies to standard output, each framed as a
4-byte length and a JSON header, then a 4-byte length and the body bytes. It opens a read-only
*snapshot* of the store (a RocksDB checkpoint the server makes with ``Store.backup``), never the
live folder, which another process writes.

:func:`execute` is the same code the server runs in-process for a store without a folder.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import struct
import sys
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, cast

import pyoxigraph as ox

from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.rdf.io import serialize_triples

RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}
Term = ox.NamedNode | ox.BlankNode | ox.Literal


WORKER_NICENESS = 10


class _Enough(Exception):
    """Raised by the counting writer to stop pyoxigraph's serialiser (and so the query) at the row limit."""


class _LineLimitedWriter:
    """Collects TSV output and stops after the header line plus ``limit`` rows (TSV escapes line breaks)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.chunks: list[bytes] = []
        self.truncated = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        newlines = chunk.count(b"\n")
        if self.lines + newlines > self.limit:
            keep = self.limit + 1 - self.lines  # header line + limit rows
            cut = -1
            for _ in range(keep):
                cut = chunk.index(b"\n", cut + 1)
            self.chunks.append(chunk[: cut + 1])
            self.lines = self.limit + 1
            self.truncated = True
            raise _Enough
        self.chunks.append(chunk)
        self.lines += newlines
        return len(chunk)

    def flush(self) -> None:
        pass


def term_from_json(data: dict[str, str]) -> Term:
    """A term from its SPARQL-JSON shape (how bindings travel to the worker)."""
    kind, value = data["type"], data["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in data:
        return ox.Literal(value, language=data["xml:lang"])
    if "datatype" in data:
        return ox.Literal(value, datatype=ox.NamedNode(data["datatype"]))
    return ox.Literal(value)


def term_to_json(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    else:
        out["datatype"] = term.datatype.value
    return out


def run(store: ox.Store, job: dict[str, Any]) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    default = job.get("default_graphs")
    named = job.get("named_graphs")
    subs = {ox.Variable(k): term_from_json(v) for k, v in (job.get("bindings") or {}).items()}
    kwargs: dict[str, Any] = {
        "base_iri": job.get("base_iri"),
        "named_graphs": [ox.NamedNode(g) for g in named] if named is not None else None,
        "substitutions": subs or None,
    }
    if default is None:
        return store.query(job["query"], use_default_graph_as_union=True, **kwargs)
    return store.query(job["query"], default_graph=[ox.NamedNode(g) for g in default], **kwargs)


def execute(store: ox.Store, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run ``job`` and serialise its result; the header says the kind, the format, rows and truncation."""
    try:
        result = run(store, job)
    except SyntaxError as exc:
        return {"ok": False, "error": "syntax", "message": str(exc.msg or exc)}, b""
    except (OSError, ValueError, TypeError) as exc:
        return {"ok": False, "error": "evaluation", "message": str(exc)}, b""
    limit = int(job["limit"])
    if isinstance(result, ox.QueryBoolean):
        fmt = job["results_format"]
        body = result.serialize(format=RESULTS_FORMATS[fmt])
        assert body is not None
        return {"ok": True, "kind": "boolean", "format": fmt, "rows": 1, "truncated": False}, body
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, job["results_format"], limit)
    return _triples(result, job["rdf_format"], limit)


def _solutions(result: ox.QuerySolutions, fmt: str, limit: int) -> tuple[dict[str, Any], bytes]:
    # Stream as TSV through a writer that stops at the limit (one line per row), then let pyoxigraph
    # turn the kept rows into the asked format: every byte is written by pyoxigraph's serialisers.
    writer = _LineLimitedWriter(limit)
    with contextlib.suppress(_Enough):
        result.serialize(cast(IO[bytes], writer), ox.QueryResultsFormat.TSV)
    tsv = b"".join(writer.chunks)
    rows = max(writer.lines - 1, 0)
    if fmt == "tsv":
        body = tsv
    else:
        body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=RESULTS_FORMATS[fmt]) or b""
    return {"ok": True, "kind": "solutions", "format": fmt, "rows": rows, "truncated": writer.truncated}, body


def _triples(result: ox.QueryTriples, fmt: str, limit: int) -> tuple[dict[str, Any], bytes]:
    state = {"truncated": False, "rows": 0}

    def limited() -> Iterator[ox.Triple]:
        it = iter(result)
        for t in itertools.islice(it, limit):
            state["rows"] += 1
            yield t
        if next(it, None) is not None:
            state["truncated"] = True

    body = serialize_triples(list(limited()), RDF_FORMATS[fmt], PREFIXES)
    return {"ok": True, "kind": "triples", "format": fmt, **state}, body


def write_frame(out: BinaryIO, header: dict[str, Any], body: bytes = b"") -> None:
    data = json.dumps(header).encode()
    out.write(struct.pack(">I", len(data)) + data + struct.pack(">I", len(body)) + body)
    out.flush()


def _read_exact(src: BinaryIO, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = src.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_frame(src: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """One frame from ``src``; None at end of input (the server went away)."""
    parts: list[bytes] = []
    for _ in range(2):
        size = _read_exact(src, 4)
        if size is None:
            return None
        data = _read_exact(src, struct.unpack(">I", size)[0])
        if data is None:
            return None
        parts.append(data)
    return json.loads(parts[0]), parts[1]


def main(argv: list[str] | None = None) -> None:
    """Serve jobs until standard input closes: queries over a snapshot, or updates (``op: update``) on a copy.

    Before the first job the worker cuts itself off the network and bounds its memory (:mod:`graph.sparql.sandbox`):
    ``--sandbox required`` ends it at once when the network cannot be cut, ``preferred`` goes on without.
    """
    import argparse

    from integrationsgraph.graph.sparql.delta import compute
    from integrationsgraph.graph.sparql.sandbox import bound_memory, cut_network

    parser = argparse.ArgumentParser(prog="python -m integrationsgraph.graph.sparql.worker")
    parser.add_argument("--sandbox", choices=["required", "preferred", "off"], default="required")
    parser.add_argument("--memory-mb", type=int, default=0)
    args = parser.parse_args(argv)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the reply stream
    isolation = "off" if args.sandbox == "off" else cut_network()
    if args.sandbox == "required" and isolation.startswith("failed"):
        write_frame(stdout, {"ok": False, "ready": False, "isolation": isolation})
        return
    bound_memory(args.memory_mb)
    # Below the server in the CPU's favour: on a small machine a few heavy queries must not starve the
    # process that answers everyone else (/health, pages, the 503 of a full queue).
    os.nice(WORKER_NICENESS)
    store: ox.Store | None = None
    opened: str | None = None
    write_frame(stdout, {"ok": True, "ready": True, "isolation": isolation})
    while (frame := read_frame(stdin)) is not None:
        job, data = frame
        try:
            if job.get("op") == "update":
                header, body = compute(job, data)
            else:
                if job["snapshot"] != opened:
                    store, opened = None, None
                    store = ox.Store.read_only(job["snapshot"])
                    opened = job["snapshot"]
                assert store is not None
                header, body = execute(store, job)
        except MemoryError:
            header, body = {"ok": False, "error": "memory", "message": "Speichergrenze erreicht"}, b""
        except Exception as exc:  # a worker must answer every job; the server decides what to do
            header, body = {"ok": False, "error": "internal", "message": f"{type(exc).__name__}: {exc}"}, b""
        header["snapshot"] = opened
        write_frame(stdout, header, body)


if __name__ == "__main__":
    main()
