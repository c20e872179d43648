"""One writer at a time across processes that share a SPARQL server: a lease in the store's system graph.

Oxigraph runs each update in a transaction, but two updates at the same moment both read the state from before
either (repeatable read, not serializable): a "write only if the revision is still R" guard let two writers with
the same ETag both win (tests/api/test_workers.py caught it). So a writer first takes a lease:

1. it adds ``LEASE dct:identifier "owner|expires"`` (and removes leases past their expiry, left by a crashed process);
2. it reads all leases; if its own is the only one, it holds the lease. Otherwise it removes its own, waits a random
   moment and tries again.

Each request sees every update answered before it, so of two writers that both added a lease, whoever reads second
sees both and steps back — two never hold it together (both may step back; the random wait sorts that out).
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterator

import pyoxigraph as ox

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import WriteBusy
from integrationsgraph.graph.store.embedded import DCT_IDENTIFIER

LEASE = ox.NamedNode(SYSTEM_GRAPH + "#lease")
XSD_DECIMAL = "<http://www.w3.org/2001/XMLSchema#decimal>"
LEASE_SECONDS = 120.0
"""A lease older than this is taken to be left by a crashed process and removed."""
ATTEMPTS = 200


class LeaseBusy(WriteBusy):
    """Other processes kept the write lease; nothing was written."""


def _graph() -> str:
    return str(ox.NamedNode(SYSTEM_GRAPH))


@contextlib.contextmanager
def write_lease(
    update: Callable[[str], None], select: Callable[[str], ox.QuerySolutions], *, attempts: int = ATTEMPTS
) -> Iterator[None]:
    """Hold the store-wide write lease for the ``with`` block (``update``/``select`` talk to the server)."""
    owner = uuid.uuid4().hex
    held: str | None = None
    for attempt in range(attempts):
        now = time.time()
        mine = f"{owner}|{now + LEASE_SECONDS:.3f}"
        update(
            f"DELETE {{ GRAPH {_graph()} {{ {LEASE} {DCT_IDENTIFIER} ?old }} }} "
            f"WHERE {{ GRAPH {_graph()} {{ {LEASE} {DCT_IDENTIFIER} ?old }} "
            f'FILTER({XSD_DECIMAL}(STRAFTER(STR(?old), "|")) < {now:.3f}) }} ;\n'
            f"INSERT DATA {{ GRAPH {_graph()} {{ {LEASE} {DCT_IDENTIFIER} {ox.Literal(mine)} }} }}"
        )
        rows = select(f"SELECT ?l WHERE {{ GRAPH {_graph()} {{ {LEASE} {DCT_IDENTIFIER} ?l }} }}")
        leases = [r["l"].value for r in rows if isinstance(r["l"], ox.Literal)]
        if leases == [mine]:
            held = mine
            break
        update(f"DELETE DATA {{ GRAPH {_graph()} {{ {LEASE} {DCT_IDENTIFIER} {ox.Literal(mine)} }} }}")
        time.sleep(random.uniform(0.001, 0.004 * min(attempt + 1, 10)))
    if held is None:
        raise LeaseBusy()
    try:
        yield
    finally:
        update(f"DELETE DATA {{ GRAPH {_graph()} {{ {LEASE} {DCT_IDENTIFIER} {ox.Literal(held)} }} }}")
