"""What the monitoring pages show: an indicator's page, the status at a glance on a field's page, the
municipality overview — read from the store, every value already German text.

The words and symbols are the report's (:mod:`graph.monitoring.report`: the same indicator view, the same
status symbols), so a page and the Sachstandsbericht never disagree. A status is always shown as symbol and word,
never by colour alone. Measures: the ontology knows geplant, laufend, abgeschlossen and ausgesetzt; a measure
whose ``kio:ende`` has passed and that is not abgeschlossen is shown as **verzögert** (:func:`delivery`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import KIO, SKOS, sparql_prefixes
from integrationsgraph.graph.monitoring import progress, series
from integrationsgraph.graph.monitoring.charts import FORMAT_LOCALE, TIME_FORMAT_LOCALE, chart_spec, svg_of
from integrationsgraph.graph.monitoring.model import STATUS_DE, STATUS_KEYS, Assessment, Indicator
from integrationsgraph.graph.monitoring.report import SYMBOLS, IndicatorView, indicator_view
from integrationsgraph.graph.monitoring.report_format import day, number, with_unit
from integrationsgraph.graph.monitoring.status import ON_TRACK, Glance, glances
from integrationsgraph.graph.resources.chain import scorecard, tree
from integrationsgraph.graph.store.embedded import Store

DELIVERY = {
    "geplant": ("○", "geplant"),
    "laufend": ("▶", "laufend"),
    "abgeschlossen": ("✔", "abgeschlossen"),
    "verzoegert": ("⚠", "verzögert"),
    "ausgesetzt": ("‖", "ausgesetzt"),
    "ohne_angabe": ("–", "ohne Angabe"),
}
"""Delivery of a measure: key → (symbol, word), in the order the pages count them."""
DELAYED_NOTE = "„verzögert“: das geplante Ende (Enddatum) ist vorbei, die Maßnahme ist aber nicht abgeschlossen."
KIND_WORDS = {
    "Kontextindikator": "Kontextindikator – Monitoring: die Lage in der Stadt, die Maßnahmen nur mit beeinflussen",
    "Wirkungsindikator": "Wirkungsindikator – Controlling: misst, was die Maßnahmen bewirken",
}
APPROVAL = {
    "inErarbeitung": "in Erarbeitung",
    "beantragt": "beantragt",
    "bewilligt": "bewilligt",
    "abgelehnt": "abgelehnt",
}


def reporting(ind: Indicator) -> str:
    """The reporting status key: explicit ``kio:berichtsstatus``, else values → complete, none → notstarted."""
    return ind.reporting or ("complete" if ind.headline else "notstarted")


def delivery(measure: dict[str, Any], today: date) -> str:
    """A measure's delivery key (:data:`DELIVERY`) from its status and its end date (``verzoegert`` is derived)."""
    status = measure.get("status")
    if status == "abgeschlossen":
        return "abgeschlossen"
    if status == "ausgesetzt":
        return "ausgesetzt"
    end = measure.get("ende")
    if end and str(end)[:10] < today.isoformat():
        return "verzoegert"
    return status if status in DELIVERY else "ohne_angabe"


# --- the indicator page -------------------------------------------------------------------------------------


@dataclass
class Breakdown:
    """The values of one kind of breakdown (``Gebiet``, ``Geschlecht``, …) as a table."""

    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class IndicatorPage:
    view: IndicatorView
    assessment: Assessment
    spec: dict[str, Any]
    svg: str | None
    kind: str
    goals: list[dict[str, str | None]]
    breakdowns: list[Breakdown]
    locale: dict[str, Any] = field(default_factory=lambda: dict(format=FORMAT_LOCALE, time=TIME_FORMAT_LOCALE))


def breakdowns(ind: Indicator) -> list[Breakdown]:
    """One table per combination of breakdown dimensions, in the order the data has them."""
    groups: dict[tuple[str, ...], list[Any]] = {}
    for o in ind.observations:
        if o.breakdown:
            groups.setdefault(tuple(k for k, _v in o.breakdown), []).append(o)
    out = []
    for dims, values in groups.items():
        rows = [
            [*(v for _k, v in o.breakdown), str(o.year), day(o.date), with_unit(o.value, o.unit or ind.unit)]
            for o in sorted(values, key=lambda o: (o.breakdown, o.year, o.date))
        ]
        out.append(Breakdown("nach " + " und ".join(dims), [*dims, "Jahr", "Stichtag", "Wert"], rows))
    return out


def _goals(store: Store, graph: str, iris: tuple[str, ...]) -> list[dict[str, str | None]]:
    props: dict[str, dict[str, list[Any]]] = {i: {} for i in iris}
    for t in store.outgoing(graph, [ox.NamedNode(i) for i in iris]) if iris else []:
        props[t.subject.value].setdefault(t.predicate.value, []).append(t.object)  # type: ignore[union-attr]
    out = []
    for iri, p in props.items():
        labels = {o.language: o.value for o in p.get(SKOS + "prefLabel", []) if isinstance(o, ox.Literal)}
        codes = [o.value for o in p.get(SKOS + "notation", [])]
        types = {o.value for o in p.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])}
        kind = (
            "Leitziel" if KIO + "Leitziel" in types else "Handlungsziel" if KIO + "Handlungsziel" in types else "Ziel"
        )
        label = labels.get("de") or next(iter(labels.values()), iri.rsplit("/", 1)[-1])
        out.append({"iri": iri, "label": label, "code": codes[0] if codes else None, "kind": kind})
    return sorted(out, key=lambda g: (g["code"] or "", g["label"] or ""))


def indicator_page(store: Store, dataset: str, iri: str, lang: str = "de") -> IndicatorPage | None:
    """Everything the indicator page shows, or None when ``iri`` is no indicator of the dataset."""
    ind = series.indicator(store, dataset, iri, lang)
    if ind is None:
        return None
    a = progress.assess(ind)
    spec = chart_spec(ind, a)
    svg = svg_of(spec) if ind.headline else None
    view = indicator_view(ind, a, svg)
    return IndicatorPage(
        view=view,
        assessment=a,
        spec=spec,
        svg=svg,
        kind=KIND_WORDS.get(view.kind, view.kind),
        goals=_goals(store, graph_iri(dataset), ind.goals),
        breakdowns=breakdowns(ind),
    )


# --- status at a glance: a field's page -----------------------------------------------------------------------


def measure_facts(chain: dict[str, Any], today: date) -> dict[str, dict[str, Any]]:
    """Per measure of the tree: its delivery (key, symbol, word), dates and resources in German."""
    out: dict[str, dict[str, Any]] = {}
    for lz in chain["leitziele"]:
        for hz in lz["handlungsziele"]:
            for m in hz["massnahmen"]:
                key = delivery(m, today)
                resources = [
                    {
                        "iri": r["iri"],
                        "label": r["label"],
                        "betrag": f"{number(float(r['betrag_euro']), 0)} € je Jahr" if r.get("betrag_euro") else None,
                        "bewilligung": APPROVAL.get(r.get("bewilligung") or "", r.get("bewilligung")),
                    }
                    for r in m.get("ressourcen", [])
                ]
                out[m["iri"]] = {
                    "key": key,
                    "symbol": DELIVERY[key][0],
                    "word": DELIVERY[key][1],
                    "beginn": day(m["beginn"]) if m.get("beginn") else None,
                    "ende": day(m["ende"]) if m.get("ende") else None,
                    "ressourcen": resources,
                }
    return out


# --- the municipality overview --------------------------------------------------------------------------------

FIELDS_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?f (SAMPLE(?code) AS ?c) (MIN(?pos) AS ?p) WHERE {
  ?f a kio:Handlungsfeld . OPTIONAL { ?f skos:notation ?code } OPTIONAL { ?f kio:position ?pos }
} GROUP BY ?f
"""
)
TOWN_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?town (SAMPLE(?f) AS ?fiktiv) WHERE {
  OPTIONAL { ?k a kio:Integrationskonzept ; kio:gemeinde/skos:prefLabel ?town FILTER(LANG(?town) = "de") }
  OPTIONAL { ?s kio:fiktiv ?f FILTER(?f = true) }
} GROUP BY ?town
"""
)


@dataclass
class FieldSummary:
    iri: str
    code: str | None
    label: str
    indicators: int
    with_data: int
    on_track: int
    statuses: list[tuple[str, str, str, int]]  # key, symbol, word, count (only counts > 0)
    measures: list[tuple[str, str, str, int]]  # delivery key, symbol, word, count
    measure_total: int
    gaps: list[dict[str, Any]]
    indicator_links: list[tuple[str, str, Glance]]  # iri, code/label, status


@dataclass
class Overview:
    dataset: str
    town: str
    fictional: bool
    fields: list[FieldSummary]
    field_count: int
    indicators: int
    with_data: int
    on_track: int

    @property
    def has_indicators(self) -> bool:
        return self.indicators > 0


def _sort_code(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p)


def field_iris(store: Store, graph: str) -> list[str]:
    """The dataset's Handlungsfelder in their order (``kio:position``, then code)."""
    result = store.query(FIELDS_QUERY, default_graphs=[graph])
    assert isinstance(result, ox.QuerySolutions)
    found = []
    for row in result:
        pos, code, f = row["p"], row["c"], row["f"]
        position = int(pos.value) if isinstance(pos, ox.Literal) and pos.value.isdigit() else 999
        found.append((position, _sort_code(code.value if isinstance(code, ox.Literal) else ""), _value(f)))
    return [iri for *_key, iri in sorted(found)]


def _value(term: Any) -> str:
    return str(getattr(term, "value", term))


def _town(store: Store, graph: str, dataset: str) -> tuple[str, bool]:
    result = store.query(TOWN_QUERY, default_graphs=[graph])
    assert isinstance(result, ox.QuerySolutions)
    town, fictional = dataset, False
    for row in result:
        if isinstance(row["town"], ox.Literal):
            town = row["town"].value
        fictional = fictional or isinstance(row["fiktiv"], ox.Literal)
    return town, fictional


def summarise(chain: dict[str, Any], status: dict[str, Glance], today: date) -> FieldSummary:
    """One field's column of the overview (pure: from its tree and the indicators' status)."""
    seen: dict[str, tuple[str, Glance]] = {}
    for lz in chain["leitziele"]:
        for ref in [*lz["indikatoren"], *(i for hz in lz["handlungsziele"] for i in hz["indikatoren"])]:
            if ref["iri"] in status:
                name = f"{ref['code']} {ref['label']}" if ref.get("code") else ref["label"]
                seen.setdefault(ref["iri"], (name, status[ref["iri"]]))
    counts = Counter(g.status for _n, g in seen.values())
    facts = measure_facts(chain, today)
    delivered = Counter(f["key"] for f in facts.values())
    node = chain["feld"]
    return FieldSummary(
        iri=node["iri"],
        code=node["code"],
        label=node["label"],
        indicators=len(seen),
        with_data=sum(g.reporting == "complete" for _n, g in seen.values()),
        on_track=sum(counts[k] for k in ON_TRACK),
        statuses=[(k, SYMBOLS[k], STATUS_DE[k], counts[k]) for k in STATUS_KEYS if counts[k]],
        measures=[(k, s, w, delivered[k]) for k, (s, w) in DELIVERY.items() if delivered[k]],
        measure_total=len(facts),
        gaps=scorecard(chain)["luecken"],
        indicator_links=[(iri, name, g) for iri, (name, g) in seen.items()],
    )


def overview(
    store: Store, dataset: str, today: date | None = None, lang: str = "de", *, fields: bool = True
) -> Overview:
    """All Handlungsfelder of the dataset side by side (``fields=False``: only the totals, for the list)."""
    graph = graph_iri(dataset)
    when = today or date.today()
    status = glances(store, dataset)
    iris = field_iris(store, graph)
    summaries = [summarise(tree(store, graph, f, lang), status, when) for f in iris] if fields else []
    town, fictional = _town(store, graph, dataset)
    return Overview(
        dataset=dataset,
        town=town,
        fictional=fictional,
        fields=summaries,
        field_count=len(iris),
        indicators=len(status),
        with_data=sum(g.reporting == "complete" for g in status.values()),
        on_track=sum(g.status in ON_TRACK for g in status.values()),
    )
