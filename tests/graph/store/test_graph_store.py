"""Whole graphs over the Graph Store Protocol of a real Oxigraph server: reading, and `load --bulk`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.core.errors import ValidationFailed
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.remote import RemoteStore
from integrationsgraph.graph.write.load import load_files
from integrationsgraph.graph.write.path import WritePath
from tests.paths import REPO

MUSTERSTADT = ROOT / "data" / "musterstadt"


@pytest.fixture
def gsp_store(remote_store: RemoteStore, oxigraph_server: str) -> Iterator[RemoteStore]:
    """The emptied server, reached also through its Graph Store endpoint."""
    store = RemoteStore(remote_store.query_url, remote_store.update_url, graph_store_url=f"{oxigraph_server}/store")
    yield store
    store.close()


def test_a_bulk_load_over_the_graph_store_equals_a_normal_load(
    gsp_store: RemoteStore, shapes: Shapes, tmp_path: Path
) -> None:
    g = graph_iri("musterstadt")
    before = gsp_store.revision()
    load_files(WritePath(gsp_store, shapes), [MUSTERSTADT], g, bulk=True)
    assert gsp_store.revision() != before
    reference = EmbeddedStore(tmp_path / "store")
    load_files(WritePath(reference, shapes), [MUSTERSTADT], g)
    construct = RemoteStore(gsp_store.query_url)
    for graph in (g, g + "/privat"):
        read = set(gsp_store.triples(graph))  # GET ?graph=… over the Graph Store Protocol
        assert read == set(reference.triples(graph)), graph
        assert read == set(construct.triples(graph))  # the same as CONSTRUCT gives
    construct.close()
    reference.close()
    assert gsp_store.count(g + "/privat") > 0  # the fictional person went to the companion graph
    assert list(gsp_store.triples(graph_iri("gibt-es-nicht"))) == []


def test_a_bulk_load_with_one_invalid_file_writes_nothing_on_the_server(gsp_store: RemoteStore, shapes: Shapes) -> None:
    bad = REPO / "tests" / "data" / "core" / "handlungsziel-ohne-leitziel.ttl"
    with pytest.raises(ValidationFailed):
        load_files(WritePath(gsp_store, shapes), [MUSTERSTADT, bad], graph_iri("probe"), bulk=True)
    assert gsp_store.graphs() == []
