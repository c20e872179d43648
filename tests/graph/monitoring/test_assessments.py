"""The assessments as RDF in ``…/graph/{dataset}/fortschritt``: what they say, and that every write refreshes them."""

from __future__ import annotations

import doctest
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest

from integrationsgraph.cli.common import opened
from integrationsgraph.graph.core.config import Settings, graph_iri
from integrationsgraph.graph.monitoring import assessments
from integrationsgraph.graph.monitoring.assessments import (
    CONTRACT_KEYS,
    assessment_graph,
    datasets_of,
    deriver,
    missing,
    records_csv,
    refresh,
    triples,
)
from integrationsgraph.graph.monitoring.model import Assessment
from integrationsgraph.graph.network.read import analysis_graphs
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore, Store
from integrationsgraph.graph.store.graphs import dataset_graphs
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"
MS = BASE + "musterstadt/"
G = graph_iri("musterstadt")
FORTSCHRITT = G + "/fortschritt"
KIO = "https://w3id.org/integrationsgraph/ontology#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, WritePath]]:
    """Rheine and Musterstadt loaded at start-up, the way the CLI and the app open a store."""
    settings = Settings(store=tmp_path_factory.mktemp("assessments") / "store")
    with opened(settings) as (store, writer):
        yield store, writer


def props(store: Store, node: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in store.outgoing(FORTSCHRITT, [ox.NamedNode(node)]):
        out.setdefault(t.predicate.value.rsplit("#", 1)[-1], []).append(t.object.value)
    return {k: sorted(v) for k, v in out.items()}


def test_loading_at_start_up_writes_the_assessments(loaded: tuple[Store, WritePath]) -> None:
    store, _writer = loaded
    assert FORTSCHRITT in store.graphs()
    assert graph_iri("rheine") + "/fortschritt" not in store.graphs()  # Rheine has no indicators (yet)
    p = props(store, MS + "fortschritt/i1-1-1-1")
    # base 2021 (concept adopted 18.03.2021): 54.5 → 62.8 in 2025, target 66 in 2027:
    # (62.8/54.5)^(1/4) − 1 = 0.036074; (66/54.5)^(1/6) − 1 = 0.032424; R = 1.1126 → aufKurs
    assert p["type"] == [KIO + "Fortschrittsbewertung"]
    assert p["bewerteterIndikator"] == [MS + "indikator/i1-1-1-1"]
    assert p["fortschrittsverfahren"] == [KIO + "OpenSdgFortschritt"]
    assert p["fortschrittsstatus"] == [KIO + "aufKurs"]
    assert p["manuellGesetzt"] == ["false"]
    assert (p["basisjahr"], p["basiswert"], p["aktuellesJahr"], p["aktuellerWert"]) == (
        ["2021"],
        ["54.5"],
        ["2025"],
        ["62.8"],
    )
    assert (p["zieljahr"], p["angestrebterWert"]) == (["2027"], ["66"])
    assert float(p["cagrBeobachtet"][0]) == pytest.approx(0.036074, abs=1e-6)
    assert float(p["cagrErforderlich"][0]) == pytest.approx(0.032424, abs=1e-6)
    assert float(p["fortschrittsverhaeltnis"][0]) == pytest.approx(1.1126, abs=1e-4)
    assert (p["schwelleAufKurs"], p["schwelleFortschritt"]) == (["0.95"], ["0.6"])
    assert (p["schwelleRateAufKurs"], p["schwelleRateFortschritt"]) == (["0.015"], ["0.005"])
    assert p["used"] == [MS + "messwert/i1-1-1-1-2021", MS + "messwert/i1-1-1-1-2025", MS + "zielvorgabe/zv1-1-1-1"]
    assert len(p["generatedAtTime"]) == 1
    rows = store.query(
        f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{FORTSCHRITT}> {{ ?a a <{KIO}Fortschrittsbewertung> }} }}"
    )
    assert [r["n"].value for r in rows] == ["23"]  # type: ignore[union-attr]


def test_the_graph_is_derived_not_a_dataset(loaded: tuple[Store, WritePath]) -> None:
    store, writer = loaded
    assert FORTSCHRITT not in dataset_graphs(store)  # not validated, not published as a dataset of its own
    assert FORTSCHRITT not in analysis_graphs(store)  # not in the network analysis
    assert missing(store) == []  # Rheine has no indicators: nothing to write
    store.drop(FORTSCHRITT)
    try:
        assert missing(store) == [G]  # a store from before the assessments
    finally:
        writer.derive(missing(store))
    assert FORTSCHRITT in store.graphs()


def _value_of(store: Store, node: str, name: str) -> str:
    return props(store, node)[name][0]


def test_every_write_refreshes_the_verdict(loaded: tuple[Store, WritePath]) -> None:
    store, writer = loaded
    node = MS + "fortschritt/i1-1-1-1"
    old = ox.Literal("62.8", datatype=ox.NamedNode(XSD + "decimal"))
    new = ox.Literal("50.5", datatype=ox.NamedNode(XSD + "decimal"))
    mw = ox.NamedNode(MS + "messwert/i1-1-1-1-2025")
    value = ox.NamedNode(KIO + "wert")
    stale = ox.Triple(ox.NamedNode(node), ox.NamedNode(KIO + "fortschrittsstatus"), ox.NamedNode(KIO + "zielErreicht"))
    store.apply(FORTSCHRITT, add=[stale])  # an edit of the derived graph does not survive the next write
    writer.write(Change(G, add=[ox.Triple(mw, value, new)], remove=[ox.Triple(mw, value, old)]))
    try:
        # 54.5 → 50.5: (50.5/54.5)^(1/4) − 1 = −0.0189 < 0 → Verschlechterung
        assert props(store, node)["fortschrittsstatus"] == [KIO + "verschlechterung"]
        assert _value_of(store, node, "aktuellerWert") == "50.5"
    finally:
        writer.write(Change(G, add=[ox.Triple(mw, value, old)], remove=[ox.Triple(mw, value, new)]))
    assert props(store, node)["fortschrittsstatus"] == [KIO + "aufKurs"]


def test_a_write_that_cannot_change_a_verdict_does_not_rebuild_them(loaded: tuple[Store, WritePath]) -> None:
    """A measure's status or a new measure leave the assessments alone (no cost on such writes); a value does not."""
    store, writer = loaded
    node = MS + "fortschritt/i1-1-1-1"
    when = _value_of(store, node, "generatedAtTime")
    measure = ox.NamedNode(MS + "massnahme/test-ohne-wirkung")
    label = ox.Triple(
        measure, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("x", language="de")
    )
    typed = ox.Triple(measure, ox.NamedNode(assessments.RDF + "type"), ox.NamedNode(KIO + "Massnahme"))
    assert not assessments.relevant(Change(G, add=[typed, label]))  # a new measure with its label
    assert assessments.relevant(Change(G, add=[label]))  # a label alone might be an indicator's
    assert assessments.relevant(Change(G, replace=True))
    assert assessments.relevant(Change(FORTSCHRITT, add=[label]))
    status = ox.NamedNode(KIO + "umsetzungsstatus")
    m = next(t.subject for t in store.triples(G) if t.predicate == status)
    before = next(t for t in store.outgoing(G, [m]) if t.predicate == status)
    after = ox.Triple(
        m, status, ox.NamedNode(KIO + "abgeschlossen" if before.object.value.endswith("laufend") else KIO + "laufend")
    )
    writer.write(Change(G, add=[after], remove=[before]), validate_change=False)
    try:
        assert _value_of(store, node, "generatedAtTime") == when
    finally:
        writer.write(Change(G, add=[before], remove=[after]), validate_change=False)
    mw = ox.NamedNode(MS + "messwert/i1-1-1-1-2025")
    label = ox.Triple(
        mw, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("Wert 2025", language="de")
    )
    writer.write(Change(G, add=[label]), validate_change=False)
    try:
        assert _value_of(store, node, "generatedAtTime") != when
    finally:
        writer.write(Change(G, remove=[label]), validate_change=False)


def test_an_edit_of_the_derived_graph_alone_is_overwritten(loaded: tuple[Store, WritePath]) -> None:
    store, writer = loaded
    node = ox.NamedNode(MS + "fortschritt/i1-1-1-1")
    stale = ox.Triple(node, ox.NamedNode(KIO + "fortschrittsstatus"), ox.NamedNode(KIO + "zielErreicht"))
    writer.write(Change(FORTSCHRITT, add=[stale]), validate_change=False)
    assert props(store, node.value)["fortschrittsstatus"] == [KIO + "aufKurs"]


def test_a_failing_refresh_leaves_no_stale_verdict(monkeypatch: pytest.MonkeyPatch, shapes: Shapes) -> None:
    store = EmbeddedStore(None)
    store.apply(FORTSCHRITT, add=[ox.Triple(ox.NamedNode(MS + "x"), ox.NamedNode(KIO + "p"), ox.Literal("alt"))])

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(assessments, "refresh", broken)
    with pytest.raises(RuntimeError):
        deriver(BASE)(store, [G])
    assert store.count(FORTSCHRITT) == 0


def test_a_failing_deriver_does_not_fail_the_write(caplog: pytest.LogCaptureFixture, shapes: Shapes) -> None:
    store = EmbeddedStore(None)

    def broken(_store: Store, _graphs: Sequence[str]) -> None:
        raise RuntimeError("kaputt")

    writer = WritePath(store, shapes, derivers=[broken])
    triple = ox.Triple(ox.NamedNode(MS + "x"), ox.NamedNode(KIO + "p"), ox.Literal("neu"))
    with caplog.at_level(logging.ERROR):
        writer.write(Change(G, add=[triple]), validate_change=False)
    assert store.count(G) == 1
    assert "Abgeleiteter Graph nicht aktualisiert" in caplog.text


def test_derivers_get_the_changed_graphs(shapes: Shapes) -> None:
    seen: list[list[str]] = []
    writer = WritePath(EmbeddedStore(None), shapes, derivers=[lambda _s, graphs: seen.append(list(graphs))])
    triple = ox.Triple(ox.NamedNode(MS + "x"), ox.NamedNode(KIO + "p"), ox.Literal("neu"))
    writer.write(Change(G, add=[triple]), validate_change=False)
    writer.derive([])  # nothing changed: nothing to do
    assert seen == [[G]]


def test_which_datasets_a_change_touches() -> None:
    assert datasets_of([G, FORTSCHRITT, G + "/privat", G + "/metriken", G + "/v/2025", "https://example.org/g"]) == [
        "musterstadt"
    ]
    assert assessment_graph(G) == FORTSCHRITT


def test_no_indicators_no_graph() -> None:
    store = EmbeddedStore(None)
    store.apply(
        graph_iri("leer") + "/fortschritt",
        add=[ox.Triple(ox.NamedNode(MS + "x"), ox.NamedNode(KIO + "p"), ox.Literal("alt"))],
    )
    assert refresh(store, "leer", BASE) == 0
    assert graph_iri("leer") + "/fortschritt" not in store.graphs()


def test_a_reason_and_a_status_set_by_hand() -> None:
    a = Assessment(
        MS + "indikator/i9",
        "Test (fiktiv)",
        "increase",
        2021,
        1.0,
        2022,
        2.0,
        None,
        None,
        1.0,
        None,
        None,
        "deterioration",
        manual=True,
        reason="Neue Zählweise (fiktiv).",
    )
    out = {
        (t.predicate.value.rsplit("#", 1)[-1], t.object.value)
        for t in triples([a], BASE, "musterstadt", datetime(2026, 1, 1, tzinfo=UTC))
    }
    assert ("manuellGesetzt", "true") in out
    assert ("begruendungFortschrittsstatus", "Neue Zählweise (fiktiv).") in out
    assert ("fortschrittsstatus", KIO + "verschlechterung") in out
    assert ("generatedAtTime", "2026-01-01T00:00:00+00:00") in out
    assert not any(p in ("zieljahr", "angestrebterWert", "cagrErforderlich") for p, _o in out)


def test_csv_has_the_contract_columns_and_is_spreadsheet_safe() -> None:
    a = Assessment(
        MS + "i", "=HYPERLINK(1)", None, None, None, None, None, None, None, None, None, None, "not_available"
    )
    lines = records_csv([a]).splitlines()
    assert lines[0] == ",".join(CONTRACT_KEYS)
    assert lines[1] == f"{MS}i,'=HYPERLINK(1),,,,,,,,,,,not_available,false"


def test_doctests() -> None:
    assert doctest.testmod(assessments).failed == 0
