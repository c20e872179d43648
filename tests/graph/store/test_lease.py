"""The write lease on a real Oxigraph server: one holder at a time, stale leases cleared."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.store.lease import DCT_IDENTIFIER, LEASE, LeaseBusy, write_lease
from integrationsgraph.graph.store.remote import RemoteStore


def lease(store: RemoteStore, attempts: int = 200) -> AbstractContextManager[None]:
    return write_lease(store._update, store._select, attempts=attempts)


def test_one_holder_at_a_time(remote_store: RemoteStore) -> None:
    inside = 0
    most = 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        for _ in range(5):
            with lease(remote_store):
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.005)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1
    rows = remote_store._select(f"SELECT ?l WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ {LEASE} {DCT_IDENTIFIER} ?l }} }}")
    assert list(rows) == []  # every lease was given back


def test_a_held_lease_keeps_others_out_and_a_stale_one_does_not(remote_store: RemoteStore) -> None:
    with lease(remote_store), pytest.raises(LeaseBusy, match="anderen Prozessen"), lease(remote_store, attempts=3):
        pass
    stale = ox.Literal(f"crashed|{time.time() - 1:.3f}")
    remote_store._update(f"INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ {LEASE} {DCT_IDENTIFIER} {stale} }} }}")
    with lease(remote_store, attempts=3):
        pass
