"""What only the remote store does: refuse what a VALUES block cannot carry, name an unreachable server."""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.core.errors import InvalidQuery
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.remote import RemoteStore, RemoteStoreError, connect, values_block


def test_values_block_is_written_by_pyoxigraph() -> None:
    hostile = ox.Literal('x" } ; DROP ALL ; SELECT * { "')
    block = values_block({"v": hostile, "s": ox.NamedNode("http://example.org/a")})
    assert block == f"\nVALUES (?v ?s) {{ ({hostile} <http://example.org/a>) }}\n"
    assert '\\"' in block  # the quote inside the literal is escaped


def test_blank_nodes_and_bad_names_cannot_be_bound() -> None:
    with pytest.raises(InvalidQuery, match="leeren Knoten"):
        values_block({"v": ox.BlankNode()})
    with pytest.raises(InvalidQuery, match="Variablenname"):
        values_block({"v } DROP": ox.Literal("x")})


def test_an_unreachable_server_is_named_in_german() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/query"
    store = RemoteStore(url, timeout=2)
    with pytest.raises(RemoteStoreError, match="nicht erreichbar"):
        store.graphs()
    store.close()


def test_connect_picks_the_server_when_a_url_is_set(oxigraph_server: str, tmp_path: Path) -> None:
    remote = connect(Settings(store=tmp_path / "store", store_url=f"{oxigraph_server}/query"))
    assert isinstance(remote, RemoteStore)
    remote.close()
    local = connect(Settings(store=tmp_path / "store"))
    assert isinstance(local, EmbeddedStore)
    local.close()
