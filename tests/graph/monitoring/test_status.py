"""Status at a glance: read from the stored assessments, the same as judged live, and live where none is stored."""

from __future__ import annotations

import re

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.datasets.generate import dataset_name, municipality
from integrationsgraph.graph.monitoring.assessments import assessment_graph, refresh
from integrationsgraph.graph.monitoring.status import glances, has_indicators, live
from integrationsgraph.graph.store.embedded import EmbeddedStore

BASE = "https://w3id.org/integrationsgraph/id/"
NAME = dataset_name(1)


def town() -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.native.extend(municipality(1, 0))
    return store


def test_stored_and_live_agree() -> None:
    store = town()
    judged_live = glances(store, NAME)  # nothing stored yet: every one judged live
    assert len(judged_live) > 20
    refresh(store, NAME, BASE)
    assert ox.NamedNode(assessment_graph(graph_iri(NAME))) in set(store.native.named_graphs())
    stored = glances(store, NAME)
    assert stored == judged_live
    some = sorted(stored)[:3]
    assert glances(store, NAME, some) == {i: stored[i] for i in some}
    assert glances(store, NAME, []) == {}


def test_a_glance_says_it_in_german() -> None:
    store = town()
    refresh(store, NAME, BASE)
    g = next(iter(glances(store, NAME).values()))
    assert g.reporting == "complete" and g.reporting_word == "Daten verfügbar" and g.reporting_symbol == "●"
    assert g.status_word and g.symbol
    assert re.fullmatch(r"\d[\d.]*(,\d)?( %)? \(20\d\d\)", g.latest or ""), g.latest  # 62,8 % (2025)
    assert g.target is not None and " bis 2027" in g.target


def test_unknown_indicator_and_a_town_without_indicators() -> None:
    store = town()
    assert live(store, NAME, BASE + f"{NAME}/indikator/gibt-es-nicht") is None
    assert glances(store, NAME, [BASE + f"{NAME}/indikator/gibt-es-nicht"]) == {}
    assert has_indicators(store, NAME) and not has_indicators(store, "rheine")
