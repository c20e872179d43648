"""Which graphs a data-only update writes (so a SPARQL server need not be copied whole to work it out)."""

from __future__ import annotations

import pytest

from integrationsgraph.graph.sparql.text import data_graphs

G = "https://w3id.org/integrationsgraph/graph/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f'INSERT DATA {{ GRAPH <{G}a> {{ <s> <p> "x"@de , true , 42 ; a <C> }} }}', [f"{G}a"]),
        (
            f'PREFIX g: <{G}> DELETE DATA {{ GRAPH g:a {{ <s> <p> "x" }} }} ; '
            f"INSERT DATA {{ GRAPH g:b {{ _:x <p> <o> }} GRAPH <{G}a> {{ <s> <p> 1 }} }}",
            [f"{G}a", f"{G}b"],
        ),
        ("INSERT DATA { <s> <p> <o> }", []),
    ],
)
def test_data_only_updates_name_their_graphs(text: str, expected: list[str]) -> None:
    assert data_graphs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        f"DELETE {{ GRAPH <{G}a> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{G}a> {{ ?s ?p ?o }} }}",
        f"INSERT {{ GRAPH <{G}a> {{ ?s <p> 1 }} }} WHERE {{ ?s <q> 2 }}",
        f"DROP GRAPH <{G}a>",
        "CLEAR ALL",
        f"INSERT DATA {{ GRAPH <{G}a> {{ <s> <p> 1 }} }} ; PREFIX x: <{G}> INSERT DATA {{ GRAPH x:b {{ <s> <p> 2 }} }}",
        "INSERT DATA { GRAPH unknown:g { <s> <p> 1 } }",
        f"WITH <{G}a> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    ],
)
def test_anything_else_may_read_every_graph(text: str) -> None:
    assert data_graphs(text) is None
