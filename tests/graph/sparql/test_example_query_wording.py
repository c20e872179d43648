"""Regression checks for the example queries' speed that cannot be flaky: wording, and rows on generated data.

``benchmarks/example_queries.py`` measures them; FILTER NOT EXISTS and OPTIONAL + !BOUND grow
quadratically on Oxigraph (``docs/architecture.md``), so they must not come back. The row counts
on three fictional municipalities are derived from the generator's quads in plain Python (no SPARQL).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.datasets.generate import ONTOLOGY_NS, municipalities
from integrationsgraph.graph.sparql.examples import examples
from integrationsgraph.graph.store.embedded import EmbeddedStore

K = ONTOLOGY_NS
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize("name", [ex.name for ex in examples()])
def test_no_quadratic_wording(name: str) -> None:
    text = next(ex.text for ex in examples() if ex.name == name)
    code = "\n".join(
        line.split("#", 1)[0] if not line.lstrip().startswith("PREFIX") else "" for line in text.splitlines()
    )
    assert not re.search(r"NOT\s+EXISTS", code, re.IGNORECASE), "FILTER NOT EXISTS: use MINUS or GROUP BY"
    assert not re.search(r"!\s*BOUND", code, re.IGNORECASE), "OPTIONAL + !BOUND: use MINUS or GROUP BY/HAVING"


@pytest.fixture(scope="module")
def generated() -> tuple[EmbeddedStore, list[ox.Quad]]:
    quads = list(municipalities(3))
    store = EmbeddedStore(None)
    store.native.extend(quads)
    return store, quads


def rows(store: EmbeddedStore, name: str, **bindings: ox.NamedNode) -> list[ox.QuerySolution]:
    ex = next(ex for ex in examples() if ex.name == name)
    result = store.query(ex.text, bindings=dict(bindings))
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def of_type(quads: list[ox.Quad], cls: str) -> list[ox.NamedNode | ox.BlankNode]:
    return [q.subject for q in quads if q.predicate.value == TYPE and q.object.value == cls]


def test_generated_rows(generated: tuple[EmbeddedStore, list[ox.Quad]]) -> None:
    store, quads = generated
    out: dict[str, dict[object, list[object]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        out[q.predicate.value][q.subject].append(q.object)
    # Every Handlungsziel has 3–5 measures; every measure a lead; every objective 1–3 indicators.
    assert rows(store, "handlungsziele-ohne-massnahme") == []
    assert rows(store, "massnahmen-ohne-indikator-oder-federfuehrung") == []
    # Every target is the last value + 10 with polarity "steigend": every indicator is behind.
    behind = rows(store, "indikatoren-hinter-zielvorgabe")
    assert len(behind) == len(of_type(quads, f"{K}Zielvorgabe")) == len(of_type(quads, f"{K}Indikator"))
    assert {r["stichtag"].value for r in behind} == {"2024-12-31"}
    # Every actor who leads or supports a measure, with the number of its measures.
    measures: dict[object, set[object]] = defaultdict(set)
    for p in ("federfuehrend", "kooperationspartner"):
        for m, actors in out[f"{K}{p}"].items():
            for a in actors:
                measures[a].add(m)
    ranked = rows(store, "zentrale-akteure")
    assert {r["akteur"]: int(r["massnahmen"].value) for r in ranked} == {a: len(ms) for a, ms in measures.items()}
    # The chain of one field: per objective, (measures or 1) × (indicators or 1) rows.
    field = ox.NamedNode("https://w3id.org/integrationsgraph/id/fiktiv-002/handlungsfeld/hf3")
    goals = [lz for lz, fs in out[f"{K}imHandlungsfeld"].items() if field in fs]
    objectives = [hz for hz, lzs in out[f"{K}konkretisiert"].items() if lzs[0] in goals]
    by_hz: dict[object, int] = defaultdict(int)
    for hzs in out[f"{K}traegtBeiZu"].values():
        by_hz[hzs[0]] += 1
    expected = sum(max(by_hz[hz], 1) * max(len(out[f"{K}gemessenDurch"][hz]), 1) for hz in objectives)
    chain = rows(store, "kette-eines-feldes", feld=field)
    assert expected > 0 and len(chain) == expected
    assert all(r["wert"] is not None and r["stichtag"].value == "2024-12-31" for r in chain)
