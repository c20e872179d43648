"""The SPARQL endpoint's run on a remote store: the query goes to the server with an HTTP time limit.

The embedded store runs endpoint queries in worker processes that are killed at the deadline
(:mod:`graph.sparql.pool`). A remote server runs them itself, so here the limit is the HTTP timeout
(the server should have its own, e.g. ``oxigraph serve --timeout-s``). The answer is serialised by
the same pyoxigraph code as the embedded one (:mod:`graph.sparql.worker`), rows past the limit cut.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.errors import InvalidQuery
from integrationsgraph.graph.sparql.pool import QueryTimeout
from integrationsgraph.graph.sparql.worker import RESULTS_FORMATS, _solutions, _triples, term_from_json
from integrationsgraph.graph.store.remote import RemoteStore, RemoteTimeout


def execute_remote(store: RemoteStore, job: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
    """Run ``job`` (the endpoint's job dict) on the server; same header and body as ``sparql_worker.execute``."""
    try:
        result = store.query(
            job["query"],
            bindings={k: term_from_json(v) for k, v in (job.get("bindings") or {}).items()},
            default_graphs=job.get("default_graphs"),
            named_graphs=job.get("named_graphs"),
            base_iri=job.get("base_iri"),
            timeout=timeout,
        )
    except RemoteTimeout as exc:
        raise QueryTimeout(
            f"Die Abfrage hat das Zeitlimit von {timeout:g} s überschritten und wurde abgebrochen."
        ) from exc
    except InvalidQuery as exc:
        return {"ok": False, "error": "syntax", "message": str(exc)}, b""
    limit = int(job["limit"])
    if isinstance(result, ox.QueryBoolean):
        fmt = job["results_format"]
        body = result.serialize(format=RESULTS_FORMATS[fmt]) or b""
        return {"ok": True, "kind": "boolean", "format": fmt, "rows": 1, "truncated": False}, body
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, job["results_format"], limit)
    return _triples(result, job["rdf_format"], limit)
