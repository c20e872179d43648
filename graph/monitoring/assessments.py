"""The assessments as RDF in the derived named graph ``…/graph/{dataset}/fortschritt``, always current.

Each indicator of a dataset gets one ``kio:Fortschrittsbewertung`` at ``{base}{dataset}/fortschritt/{key}`` (the
key is the last segment of the indicator's IRI): the method, the status (a concept of ``kio:Fortschrittsstatus``),
whether it was set by hand, the inputs and intermediate results, the thresholds, the reason, the values used
(``prov:used``) and when it was computed (``prov:generatedAtTime``). Terms: ``ontology/monitoring.ttl``.

The graph is derived: written straight to the store with ``replace`` (never through the shapes), public, and left
out of the network analysis like ``…/metriken``. :func:`deriver` gives the write path (:mod:`graph.write.path`) a
hook that rebuilds it after every write that changes the dataset — REST, SPARQL Update, Graph Store, workbook
import, load — so pages, report, SPARQL and the published dumps never show a stale verdict.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.cells import neutralise
from integrationsgraph.graph.core.config import GRAPH_BASE, dataset_name, graph_iri
from integrationsgraph.graph.core.iris import DCT, KIO, PROV, RDF, SDMX_DIM, SKOS, XSD
from integrationsgraph.graph.monitoring.model import STATUS_CONCEPT, STATUS_DE, Assessment, Indicator
from integrationsgraph.graph.monitoring.progress import assess_all
from integrationsgraph.graph.monitoring.series import LINKS, PROPERTIES, indicators
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.store.graphs import dataset_graphs

SUFFIX = "/fortschritt"
METHOD = ox.NamedNode(KIO + "OpenSdgFortschritt")
_SAFE = re.compile(r"[^A-Za-z0-9._~-]+")


def assessment_graph(dataset_graph: str) -> str:
    """``…/graph/musterstadt/fortschritt`` for ``…/graph/musterstadt``."""
    return dataset_graph + SUFFIX


def keys(iris: Sequence[str]) -> dict[str, str]:
    """Indicator IRI → the key of its assessment: the IRI's last segment, made unique with a hash if need be.

    >>> keys(["https://x/id/m/indikator/i1-1", "https://x/id/n/i1-1"])["https://x/id/m/indikator/i1-1"]
    'i1-1-51c49774'
    """
    plain = {iri: _SAFE.sub("-", iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]) or "indikator" for iri in iris}
    seen: dict[str, int] = {}
    for key in plain.values():
        seen[key] = seen.get(key, 0) + 1
    return {
        iri: key if seen[key] == 1 else f"{key}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"
        for iri, key in plain.items()
    }


CONTRACT_KEYS = (
    "indicator",
    "label",
    "direction",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "cagr_observed",
    "cagr_required",
    "ratio",
    "status",
    "manual",
)
"""The keys of ``progress --format json`` and ``GET /api/{dataset}/fortschritt``, in this order (the CSV's columns);
a contract others build on (docs/monitoring.md)."""


def record(a: Assessment) -> dict[str, Any]:
    """One assessment as the JSON contract: exactly :data:`CONTRACT_KEYS`."""
    return {key: getattr(a, key) for key in CONTRACT_KEYS}


def records_csv(assessments: Sequence[Assessment]) -> str:
    """The assessments as CSV with the contract's columns; no cell a spreadsheet would run (graph/core/cells.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CONTRACT_KEYS)
    for a in assessments:
        row = record(a)
        writer.writerow(
            [
                neutralise(v) if isinstance(v, str) else ("true" if v else "false") if isinstance(v, bool) else v
                for v in ("" if row[k] is None else row[k] for k in CONTRACT_KEYS)
            ]
        )
    return buffer.getvalue()


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{Decimal(repr(value)):f}", datatype=ox.NamedNode(XSD + "decimal"))


def _double(value: float) -> ox.Literal:
    return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def triples(
    assessments: Sequence[Assessment],
    base_iri: str,
    dataset: str,
    generated: datetime,
    codes: dict[str, str] | None = None,
) -> list[ox.Triple]:
    """The assessments of ``dataset`` as triples (``codes``: indicator IRI → its code, for the labels)."""
    out: list[ox.Triple] = []
    by_iri = keys([a.indicator for a in assessments])
    when = ox.Literal(generated.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    for a in assessments:
        node = ox.NamedNode(f"{base_iri}{dataset}/fortschritt/{by_iri[a.indicator]}")

        def add(p: str, o: ox.NamedNode | ox.Literal, node: ox.NamedNode = node) -> None:
            out.append(ox.Triple(node, ox.NamedNode(p), o))

        name = (codes or {}).get(a.indicator) or a.label
        add(RDF + "type", ox.NamedNode(KIO + "Fortschrittsbewertung"))
        add(SKOS + "prefLabel", ox.Literal(f"Fortschrittsbewertung {name}: {STATUS_DE[a.status]}", language="de"))
        add(KIO + "bewerteterIndikator", ox.NamedNode(a.indicator))
        add(KIO + "fortschrittsverfahren", METHOD)
        add(KIO + "fortschrittsstatus", ox.NamedNode(KIO + STATUS_CONCEPT[a.status]))
        add(KIO + "manuellGesetzt", ox.Literal("true" if a.manual else "false", datatype=ox.NamedNode(XSD + "boolean")))
        for p, year in (("basisjahr", a.base_year), ("aktuellesJahr", a.latest_year), ("zieljahr", a.target_year)):
            if year is not None:
                add(KIO + p, _integer(year))
        for p, num in (
            ("basiswert", a.base_value),
            ("aktuellerWert", a.latest_value),
            ("angestrebterWert", a.target_value),
        ):
            if num is not None:
                add(KIO + p, _decimal(num))
        for p, rate in (
            ("cagrBeobachtet", a.cagr_observed),
            ("cagrErforderlich", a.cagr_required),
            ("fortschrittsverhaeltnis", a.ratio),
        ):
            if rate is not None:
                add(KIO + p, _double(rate))
        t = a.thresholds
        add(KIO + "schwelleAufKurs", _decimal(t.substantial))
        add(KIO + "schwelleFortschritt", _decimal(t.moderate))
        add(KIO + "schwelleRateAufKurs", _decimal(t.rate_substantial))
        add(KIO + "schwelleRateFortschritt", _decimal(t.rate_moderate))
        if a.reason:
            add(KIO + "begruendungFortschrittsstatus", ox.Literal(a.reason, language="de"))
        for used in a.used:
            add(PROV + "used", ox.NamedNode(used))
        add(PROV + "generatedAtTime", when)
    return out


def refresh(store: Store, dataset: str, base_iri: str, generated: datetime | None = None) -> int:
    """Assess every indicator of ``dataset`` (a name) and replace its assessment graph; the triples written."""
    found: list[Indicator] = indicators(store, dataset)
    written = triples(
        assess_all(found),
        base_iri,
        dataset,
        generated or datetime.now(UTC),
        {i.iri: i.code for i in found if i.code},
    )
    graph = assessment_graph(graph_iri(dataset))
    if written:
        store.apply(graph, add=written, replace=True)
    elif graph in store.graphs():
        store.drop(graph)  # no indicators, no assessments (and no empty graph on one backend only)
    return len(written)


def datasets_of(graphs: Sequence[str]) -> list[str]:
    """The dataset names whose assessments a change to ``graphs`` affects: a dataset graph ``…/graph/{name}``, or its
    assessment graph itself (an edit there is overwritten: the graph is derived)."""
    names = []
    for g in graphs:
        if not g.startswith(GRAPH_BASE):
            continue
        name = dataset_name(g)
        name = name.removesuffix(SUFFIX) if name.endswith(SUFFIX) else name
        if name and "/" not in name and name not in names:
            names.append(name)
    return names


WATCHED_TYPES = frozenset(
    KIO + t for t in ("Indikator", "Messwert", "Zielvorgabe", "Integrationskonzept", "Datenquelle", "Sozialraum")
)
"""The kinds of resource whose triples an assessment reads (series.py): a change to anything else leaves it as is."""
WATCHED_PREDICATES = frozenset(
    {
        *PROPERTIES,
        *(p.value for p in LINKS),
        DCT + "issued",
        KIO + "gemeinde",
        SDMX_DIM + "refArea",
        *(KIO + p for p in ("stichtag", "wert", "geschlecht", "altersgruppe")),
        *(KIO + p for p in ("ausgangswert", "ausgangsdatum", "zielwert", "zieldatum")),
    }
)
"""Every predicate series.py reads; a triple with one of them (on a subject not typed otherwise in the same change)
makes a change relevant."""


def relevant(change: Change) -> bool:
    """Whether ``change`` may alter an assessment: a whole-graph replace always; else a triple typing a watched kind,
    or a watched predicate on a subject the change does not show to be of another kind (a new Maßnahme's label does
    not count; a label patched alone might be an indicator's, so it does)."""
    if change.replace or change.graph.endswith(SUFFIX):  # an edit of the derived graph itself is undone
        return True
    triples = [*change.add, *change.remove]
    kinds: dict[Any, set[str]] = {}
    for t in triples:
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
            kinds.setdefault(t.subject, set()).add(t.object.value)
    for t in triples:
        if t.predicate.value == RDF + "type":
            if isinstance(t.object, ox.NamedNode) and t.object.value in WATCHED_TYPES:
                return True
        elif t.predicate.value in WATCHED_PREDICATES:
            known = kinds.get(t.subject)
            if known is None or known & WATCHED_TYPES:
                return True
    return False


class Deriver:
    """The write path's hook (:data:`graph.write.path.Deriver`): rebuild the assessments of every changed dataset,
    for the changes that may alter them (:func:`relevant`)."""

    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri

    def __repr__(self) -> str:
        return "assessments.Deriver"

    def wants(self, change: Change) -> bool:
        return relevant(change)

    def __call__(self, store: Store, graphs: Sequence[str]) -> None:
        for name in datasets_of(graphs):
            if name in ("ontology", "shapes", "system"):
                continue
            try:
                refresh(store, name, self.base_iri)
            except Exception:
                # No stale verdict: without a fresh assessment the old one goes too.
                store.apply(assessment_graph(graph_iri(name)), replace=True)
                raise


def deriver(base_iri: str) -> Deriver:
    """The deriver to hand to ``WritePath(…, derivers=[…])``."""
    return Deriver(base_iri)


def missing(store: Store) -> list[str]:
    """The dataset graphs with indicators but without an assessment graph (a store loaded before assessments
    existed): hand them to ``WritePath.derive`` at start-up."""
    present = set(store.graphs())
    return [
        g
        for g in dataset_graphs(store)
        if assessment_graph(g) not in present and g.startswith(GRAPH_BASE) and _has_indicators(store, g)
    ]


def _has_indicators(store: Store, graph: str) -> bool:
    found = store.query(f"ASK {{ ?i a <{KIO}Indikator> }}", default_graphs=[graph], named_graphs=[])
    return isinstance(found, ox.QueryBoolean) and bool(found)
