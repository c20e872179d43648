"""Network metrics on tiny graphs with values computed by hand, the metrics graph and ``integrationsgraph analyze``."""

from __future__ import annotations

import csv
import doctest
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import RDF, RDFS, SKOS

from integrationsgraph.cli import analysis as cli_analysis
from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.network import maps, vis
from integrationsgraph.graph.network import metrics as analysis
from integrationsgraph.graph.network import read as network
from integrationsgraph.graph.network.metrics import (
    analyse,
    betweenness,
    communities,
    degree,
    metric_triples,
    pagerank,
    participation,
    weighted_degree,
    write_metrics,
)
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.store.embedded import EmbeddedStore

DATA = Path(__file__).parents[2] / "data" / "analysis"
KIO = "https://w3id.org/integrationsgraph/ontology#"
ID = "https://w3id.org/integrationsgraph/id/kleinstadt/"


def load(store: EmbeddedStore, *names: str) -> None:
    for name in names:
        store.apply(graph_iri(name), add=[q.triple for q in parse_file(DATA / f"{name}.ttl")])


@pytest.mark.parametrize("module", [analysis, network, maps, vis, cli_analysis])
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


def test_degree_and_weighted_degree() -> None:
    g = nx.Graph()
    g.add_edge("a", "b", weight=3.0)
    g.add_edge("b", "c", weight=0.5)
    g.add_node("d")
    assert degree(g) == {"a": 1, "b": 2, "c": 1, "d": 0}
    assert weighted_degree(g) == {"a": 3.0, "b": 3.5, "c": 0.5, "d": 0.0}


def test_betweenness_of_a_path_is_exact_below_the_limit() -> None:
    # path 0-1-2-3-4: node 1 lies on 3 of the 6 pairs not involving it, node 2 on 4; normalised by 2/((n-1)(n-2)) = 1/6
    values, method = betweenness(nx.path_graph(5))
    assert method == {"verfahren": "exakt"}
    assert values == pytest.approx({0: 0.0, 1: 0.5, 2: 4 / 6, 3: 0.5, 4: 0.0})


def test_betweenness_is_sampled_above_the_limit_with_a_fixed_seed() -> None:
    g = nx.path_graph(6)
    values, method = betweenness(g, exact_limit=5, k=3, seed=7)
    assert method == {"verfahren": "stichprobe", "k": 3, "seed": 7, "komponenten": 1}
    assert values == betweenness(g, exact_limit=5, k=3, seed=7)[0]
    assert values[0] == 0.0 and values[5] == 0.0  # end points lie on no path, whichever sources are drawn


def test_betweenness_per_component_is_normalised_for_the_whole_graph() -> None:
    # two paths 0-1-2 and 3-4-5: the middle nodes lie on 1 pair each; normalised by 2/((6-1)(6-2)) = 1/10
    g = nx.disjoint_union(nx.path_graph(3), nx.path_graph(3))
    values, method = betweenness(g)
    assert method == {"verfahren": "exakt"}
    assert values == pytest.approx(nx.betweenness_centrality(g))
    assert values == pytest.approx({1: 0.1, 4: 0.1, 0: 0, 2: 0, 3: 0, 5: 0})
    big = nx.disjoint_union(nx.path_graph(6), nx.path_graph(3))
    values, method = betweenness(big, exact_limit=5, k=6, seed=1)  # k = the whole component: the estimate is exact
    assert method["komponenten"] == 1
    assert values == pytest.approx(nx.betweenness_centrality(big))


def test_pagerank_of_a_star() -> None:
    # centre c, leaves l: c = 0.15/3 + 0.85·2l and l = 0.15/3 + 0.85·c/2 with c + 2l = 1 → c = 0.9/1.85
    values = pagerank(nx.star_graph(2))
    assert values[0] == pytest.approx(0.9 / 1.85, abs=1e-6)
    assert values[1] == pytest.approx((1 - 0.9 / 1.85) / 2, abs=1e-6)
    assert pagerank(nx.Graph()) == {}


def test_pagerank_follows_the_weights() -> None:
    g = nx.Graph()
    g.add_edge("a", "b", weight=1.0)
    g.add_edge("a", "c", weight=9.0)
    values = pagerank(g)
    assert values["c"] > values["b"]
    assert sum(values.values()) == pytest.approx(1.0)


def test_participation_coefficient() -> None:
    links = {"even3": {"F1": 1, "F2": 1, "F3": 1}, "skewed": {"F1": 3, "F2": 1}, "one": {"F1": 5}, "none": {}}
    assert participation(links) == pytest.approx({"even3": 2 / 3, "skewed": 1 - (9 + 1) / 16, "one": 0, "none": 0})


def test_communities_of_two_triangles_and_a_loner() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    g.add_node("solo")
    found = communities(g)
    assert found == communities(g)  # seeded: the same every time
    assert found["a"] == found["b"] == found["c"]
    assert found["x"] == found["y"] == found["z"] != found["a"]
    assert found["solo"] == 3  # the smallest group gets the highest number
    assert communities(nx.Graph()) == {}


def tiny_network() -> nx.Graph:
    """Two measures in two fields: A leads M1 (F1) with B; C leads M2 (F2) alone; network N serves F1, B is in it."""
    k = nx.Graph()
    for a, typ in (("A", "kommune"), ("B", "organisation"), ("C", "organisation"), ("N", "netzwerk")):
        k.add_node(a, kind="akteur", typ=typ, label=a)
    k.add_node("M1", kind="massnahme", label="M1", notation="M1", von=2020, bis=None)
    k.add_node("M2", kind="massnahme", label="M2", notation="M2", von=None, bis=None)
    k.add_node("F1", kind="handlungsfeld", label="F1", notation="HF1", leitziele=1)
    k.add_node("F2", kind="handlungsfeld", label="F2", notation="HF2", leitziele=0)
    k.add_edges_from([("M1", "A", {"rel": "federfuehrend"}), ("M1", "B", {"rel": "kooperationspartner"})])
    k.add_edge("M2", "C", rel="federfuehrend")
    k.add_edges_from([("M1", "F1"), ("M2", "F2")], rel="handlungsfeld")
    k.add_edge("N", "F1", rel="zweck")
    k.add_edge("B", "N", rel="mitglied", member="B", von=2018, bis=None)
    return k


def test_analyse_a_tiny_network() -> None:
    result = analyse(tiny_network())
    by = {a.iri: a for a in result.actors}
    # collaboration: A–B (M1), B–N (member); C alone
    assert {a: by[a].grad for a in by} == {"A": 1, "B": 2, "C": 0, "N": 1}
    assert by["B"].zwischenzentralitaet == pytest.approx(1 / 3)  # 1 of the 3 pairs among 4 nodes, ×2/(3·2)
    assert by["A"].handlungsfelder == ["F1"] and by["C"].handlungsfelder == ["F2"]
    assert by["B"].partizipation == 0.0  # M1 and the network are both in F1
    assert result.counts == {
        "akteure": 4,
        "verbindungen": 2,
        "massnahmen": 2,
        "handlungsfelder": 2,
        "gemeinschaften": 2,
    }
    gaps = {key: [g["iri"] for g in v] for key, v in result.gaps.items()}
    assert gaps == {
        "felder_ohne_leitziel": ["F2"],
        "felder_ohne_netzwerk": ["F2"],
        "felder_ohne_federfuehrung": [],
        "isolierte_akteure": ["C"],
        "massnahmen_ohne_feldbruecke": ["M1", "M2"],
    }
    assert [a.iri for a in result.central(1)] == ["B"]
    assert result.bridging() == []


def test_metric_triples_describe_every_actor_and_gap(store: EmbeddedStore) -> None:
    load(store, "kleinstadt")
    result = analyse(network.knowledge_graph(store, [graph_iri("kleinstadt")]))
    when = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    triples = metric_triples(result, graph_iri("kleinstadt/metriken"), graph_iri("kleinstadt"), when)
    assert len(triples) == 4 + 6 * 7 + 1 + 2 + 1 + 2 + 1  # run, 6 metrics × 7 actors, the gaps
    stadt = ox.NamedNode(ID + "akteur/stadt")
    values = {t.predicate.value[len(KIO) :]: t.object for t in triples if t.subject == stadt}
    assert values["zwischenzentralitaet"] == ox.Literal("0.2", datatype=ox.NamedNode(analysis.XSD + "double"))
    assert values["grad"] == ox.Literal("3", datatype=ox.NamedNode(analysis.XSD + "integer"))
    gap = ox.Triple(
        ox.NamedNode(ID + "massnahme/m3"), ox.NamedNode(KIO + "luecke"), ox.NamedNode(KIO + "ohneFeldbruecke")
    )
    assert gap in triples


def test_every_metric_term_is_defined_in_ontology_metriken() -> None:
    vocab = rdflib.Graph().parse(ROOT / "ontology" / "metriken.ttl")
    ontology = rdflib.URIRef("https://w3id.org/integrationsgraph/ontology")
    used = {"grad", "gewichteterGrad", "zwischenzentralitaet", "pagerank", "partizipationskoeffizient"}
    used |= {"gemeinschaft", "luecke", "berechnungsverfahren", "Netzwerkanalyse", *analysis.GAP_CONCEPTS.values()}
    for name in sorted(used):
        term = rdflib.URIRef(KIO + name)
        assert (term, RDFS.isDefinedBy, ontology) in vocab, name
        labels = {o.language for o in vocab.objects(term, RDFS.label)}
        definitions = {o.language for o in vocab.objects(term, SKOS.definition)}
        assert labels >= {"de", "en"} and definitions >= {"de", "en"}, name
    concepts = set(vocab.subjects(SKOS.inScheme, rdflib.URIRef(KIO + "Luecken")))
    assert concepts == {rdflib.URIRef(KIO + c) for c in analysis.GAP_CONCEPTS.values()}
    assert (rdflib.URIRef(KIO + "Luecken"), RDF.type, SKOS.ConceptScheme) in vocab


def test_write_metrics_replaces_the_metrics_graph_and_sparql_sees_it(store: EmbeddedStore) -> None:
    load(store, "kleinstadt", "zweitstadt")
    first = write_metrics(store, [graph_iri("kleinstadt")], datetime(2026, 1, 1, tzinfo=UTC))
    again = write_metrics(store, [graph_iri("kleinstadt")], datetime(2026, 1, 2, tzinfo=UTC))
    target = graph_iri("kleinstadt/metriken")
    assert first == again == {graph_iri("kleinstadt"): store.count(target)}
    rows = store.query(
        "PREFIX kio: <https://w3id.org/integrationsgraph/ontology#> "
        "SELECT ?g ?a ?pr WHERE { GRAPH ?g { ?a kio:pagerank ?pr } } ORDER BY DESC(?pr) LIMIT 1",
        bindings={"g": ox.NamedNode(target)},
    )
    assert isinstance(rows, ox.QuerySolutions)
    assert [r["a"] for r in rows] == [ox.NamedNode(ID + "akteur/stadt")]
    assert network.analysis_graphs(store) == [graph_iri("kleinstadt"), graph_iri("zweitstadt")]


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    s = EmbeddedStore(path)
    load(s, "kleinstadt", "zweitstadt")
    s.close()
    return path


def analyze(store_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner(env={"INTEGRATIONSGRAPH_DATASETS": "[]"}).invoke(
        main, ["analyze", "--store", str(store_path), *args]
    )
    return result.exit_code, result.output


def test_analyze_prints_central_bridging_actors_and_gaps(cli_store: Path) -> None:
    code, out = analyze(cli_store, "--dataset", "kleinstadt", "--top", "3")
    assert code == 0, out
    assert "7 Akteure, 6 Verbindungen" in out and "Zwischenzentralität: exakt" in out
    central = out.split("Zentrale Akteure")[1].split("Brückenakteure")[0]
    assert central.index("Stadt Kleinstadt") < central.index("Volkshochschule")
    assert "Handlungsfeld ohne Leitziel: 1 — Wohnen (fiktiv)" in out
    assert "Akteur ohne Verbindung: 2 — Integrationsrat (fiktiv), Verein ohne Verbindung (fiktiv)" in out


def test_analyze_json_and_csv(cli_store: Path) -> None:
    code, out = analyze(cli_store, "--dataset", "kleinstadt", "--format", "json")
    assert code == 0, out
    body = json.loads(out)
    assert body["dataset"] == "kleinstadt" and body["betweenness"] == {"verfahren": "exakt"}
    assert len(body["actors"]) == 7
    code, out = analyze(cli_store, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 9  # both datasets together
    assert {r["dataset"] for r in rows} == {"kleinstadt", "zweitstadt"}
    assert float(rows[0]["pagerank"]) >= float(rows[-1]["pagerank"])


def test_analyze_write_stores_the_metrics_and_unknown_dataset_fails(cli_store: Path) -> None:
    code, out = analyze(cli_store, "--dataset", "kleinstadt", "--write")
    assert code == 0, out
    assert f"nach <{graph_iri('kleinstadt/metriken')}> geschrieben" in out
    s = EmbeddedStore(cli_store)
    try:
        assert s.count(graph_iri("kleinstadt/metriken")) > 40
    finally:
        s.close()
    code, out = analyze(cli_store, "--dataset", "gibtesnicht")
    assert code == 2 and "gibtesnicht" in out
