"""The Sachstandsbericht for the Sozialausschuss: what it says, collected from the store for one dataset.

:func:`sachstand` reads the concept (municipality, title, version, adoption), the Handlungsfelder in their order
with their goal chain and scorecard (:mod:`graph.resources.chain`), the indicators with their series
(:func:`graph.monitoring.series.indicators`), judges them as of the reporting date
(:func:`graph.monitoring.progress.assess`, only values up to that date) and draws their charts
(:func:`graph.monitoring.charts.chart_svg`). :func:`compose` is the pure part that turns those into a
:class:`Sachstand` with every number already in German (``62,8 %``, ``31.12.2025``).

Good practice (KGSt, Difu, Hannover) keeps the two kinds of indicators apart: measure indicators
(``kio:Wirkungsindikator``, Controlling) stand with their goals in each field's section; context indicators
(``kio:Kontextindikator``, Monitoring: the state of society the town only partly influences) have a part of their
own. :mod:`graph.monitoring.report_pdf` renders the result as HTML and PDF.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.iris import CV, KIO, ORG, sparql_prefixes
from integrationsgraph.graph.monitoring import charts, progress, series
from integrationsgraph.graph.monitoring.model import (
    REPORTING_DE,
    STATUS_DE,
    STATUS_KEYS,
    Assessment,
    Indicator,
    Thresholds,
)
from integrationsgraph.graph.monitoring.report_format import (
    DIRECTIONS,
    FREQUENCIES,
    UNIT_WORDS,
    day,
    local,
    number,
    rate,
    with_unit,
)
from integrationsgraph.graph.resources.chain import scorecard, tree
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs

SYMBOLS = {
    "target_achieved": "✔",
    "substantial_progress": "↑",
    "moderate_progress": "↗",
    "limited_progress": "→",
    "deterioration": "↓",
    "not_available": "○",
}
"""A symbol for each progress status: the report never says a status by colour alone (symbol and word)."""
MEASURE_STATUS = {
    "geplant": "geplant",
    "laufend": "laufend",
    "abgeschlossen": "abgeschlossen",
    "ausgesetzt": "ausgesetzt",
    "verzoegert": "verzögert",
}
NO_INDICATORS = "Indikatoren werden noch erarbeitet"
KIND_WORDS = {"Wirkungsindikator": "Wirkungsindikator", "Kontextindikator": "Kontextindikator"}
ACTOR_TYPES = {
    CV + "PublicOrganisation": "Kommune",
    KIO + "PolitischesGremium": "politisches Gremium",
    KIO + "Gremium": "Gremium",
    KIO + "Netzwerk": "Netzwerk",
    KIO + "Tandem": "Tandem",
    ORG + "OrganizationalUnit": "Stelle der Verwaltung",
    ORG + "FormalOrganization": "Organisation",
}
"""The kinds of actors the report lists (never persons), in this order."""

CONCEPT_QUERY = (
    sparql_prefixes("kio", "skos", "dct")
    + """SELECT ?k ?label ?title ?issued ?decided ?update ?town ?fiktiv WHERE {
  ?k a kio:Integrationskonzept .
  OPTIONAL { ?k skos:prefLabel ?label FILTER(LANG(?label) = "de") }
  OPTIONAL { ?k dct:title ?title FILTER(LANG(?title) = "de") }
  OPTIONAL { ?k dct:issued ?issued }
  OPTIONAL { ?k kio:beschlossenDurch/dct:date ?decided }
  OPTIONAL { ?k kio:fortschreibung ?update }
  OPTIONAL { ?k kio:gemeinde/skos:prefLabel ?town FILTER(LANG(?town) = "de") }
  OPTIONAL { ?k kio:fiktiv ?fiktiv }
}
"""
)
FIELDS_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?f (SAMPLE(?code) AS ?c) (MIN(?pos) AS ?p) WHERE {
  ?f a kio:Handlungsfeld . OPTIONAL { ?f skos:notation ?code } OPTIONAL { ?f kio:position ?pos }
} GROUP BY ?f
"""
)
ACTORS_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?a ?type ?label (GROUP_CONCAT(DISTINCT ?task; SEPARATOR = "|") AS ?tasks) WHERE {
  VALUES ?type { TYPES }
  ?a a ?type ; skos:prefLabel ?label FILTER(LANG(?label) = "de")
  OPTIONAL { ?a kio:aufgabe ?task }
} GROUP BY ?a ?type ?label
"""
)


@dataclass
class IndicatorView:
    """One indicator as the report shows it: status, inputs, chart and its table, all in German."""

    iri: str
    anchor: str
    code: str | None
    label: str
    kind: str  # Wirkungsindikator | Kontextindikator
    definition: str | None
    unit: str
    direction: str
    source: str | None
    frequency: str
    reporting: str  # key: complete | inprogress | notstarted
    reporting_word: str
    status: str
    status_word: str
    symbol: str
    manual: bool
    reason: str | None
    inputs: list[tuple[str, str]]
    chart: str | None
    rows: list[dict[str, str]]
    breakdown_rows: list[dict[str, str]]
    target: str | None

    @property
    def title(self) -> str:
        return f"{self.code} {self.label}" if self.code else self.label

    @property
    def chart_alt(self) -> str:
        return f"Liniendiagramm: {self.title}. Die Werte stehen in der Tabelle beim Diagramm."


@dataclass
class MeasureView:
    iri: str
    code: str | None
    label: str
    status: str
    lead: str | None
    partners: list[str]


@dataclass
class GoalView:
    """A Leitziel or Handlungsziel with its measure indicators, references to context indicators, measures."""

    iri: str
    code: str | None
    label: str
    indicators: list[IndicatorView]
    context: list[IndicatorView]
    measures: list[MeasureView] = field(default_factory=list)
    handlungsziele: list[GoalView] = field(default_factory=list)


@dataclass
class FieldView:
    iri: str
    anchor: str
    code: str | None
    label: str
    leitziele: list[GoalView]
    counts: dict[str, int]
    gaps: list[dict[str, Any]]
    networks: list[str]
    context: list[IndicatorView]
    indicators: int
    with_data: int
    on_track: int

    @property
    def title(self) -> str:
        return f"{self.code} {self.label}" if self.code else self.label


@dataclass
class Sachstand:
    """Everything the report says; strings are already German text."""

    dataset: str
    municipality: str
    concept: str
    version: str
    adopted: str
    reporting_date: str
    reporting_iso: str
    fictional: bool
    fields: list[FieldView]
    status_counts: dict[str, list[tuple[str, str, str, int]]]  # Controlling/Monitoring → (key, symbol, word, n)
    indicators: int
    with_data: int
    measures_by_status: list[tuple[str, int]]
    measures: int
    gap_counts: list[tuple[str, int]]
    context: list[tuple[str, list[IndicatorView]]]  # field title → its context indicators
    unassigned: list[IndicatorView]
    sources: list[dict[str, str]]
    actors: list[dict[str, str]]
    thresholds: list[tuple[str, str]]
    deviating: list[tuple[str, str]]

    @property
    def has_indicators(self) -> bool:
        return self.indicators > 0


def file_name(dataset: str, reporting_iso: str, suffix: str) -> str:
    """``sachstandsbericht-musterstadt-2025-12-31.pdf``: what a download is called."""
    return f"sachstandsbericht-{dataset}-{reporting_iso}.{suffix}"


def sachstand(store: Store, dataset: str, stichtag: date | None = None) -> Sachstand:
    """The report on ``dataset`` as of ``stichtag`` (default: today); NotFound for an unknown dataset."""
    graph = graph_iri(dataset)
    if graph not in dataset_graphs(store):
        known = ", ".join(sorted(g.rsplit("/", 1)[-1] for g in dataset_graphs(store) if "/privat" not in g))
        raise NotFound(f"Unbekannter Datensatz „{dataset}“; es gibt: {known}.")
    when = stichtag or date.today()
    found = [as_of(i, when) for i in series.indicators(store, dataset)]
    assessments = {i.iri: progress.assess(i) for i in found}
    chains = [(tree(store, graph, f), code) for f, code in _fields(store, graph)]
    return compose(
        dataset,
        _concept(store, graph),
        chains,
        found,
        assessments,
        {i.iri: charts.chart_svg(i, assessments[i.iri]) for i in found if i.headline},
        _actors(store, graph),
        when,
    )


def as_of(indicator: Indicator, when: date) -> Indicator:
    """The indicator with only the values up to the reporting date (a report as of 31.12.2024 shows no 2025)."""
    kept = tuple(o for o in indicator.observations if o.date[:10] <= when.isoformat())
    return indicator if len(kept) == len(indicator.observations) else replace(indicator, observations=kept)


def compose(
    dataset: str,
    concept: dict[str, str | None],
    chains: list[tuple[dict[str, Any], str | None]],
    indicators: list[Indicator],
    assessments: dict[str, Assessment],
    chart_svgs: dict[str, str],
    actors: list[dict[str, str]],
    when: date,
) -> Sachstand:
    """The report from what was read (pure): German text for every value, the summary's counts."""
    views = {i.iri: indicator_view(i, assessments.get(i.iri), chart_svgs.get(i.iri)) for i in indicators}
    placed: set[str] = set()
    fields, context = [], []
    for chain, _code in chains:
        f = _field(chain, views, placed)
        fields.append(f)
        if f.context:
            context.append((f.title, f.context))
    unassigned = [v for iri, v in views.items() if iri not in placed]
    measures = {m.iri: m for f in fields for lz in f.leitziele for hz in lz.handlungsziele for m in hz.measures}
    by_status = Counter(m.status for m in measures.values())
    order = [*MEASURE_STATUS.values(), "ohne Angabe"]
    gaps = Counter(g["text"] for f in fields for g in f.gaps)
    return Sachstand(
        dataset=dataset,
        municipality=concept.get("town") or dataset,
        concept=concept.get("label") or concept.get("title") or "Integrationskonzept",
        version=_version(concept.get("update")),
        adopted=day(concept.get("issued") or concept.get("decided")),
        reporting_date=day(when),
        reporting_iso=when.isoformat(),
        fictional=concept.get("fiktiv") in ("true", "1"),
        fields=fields,
        status_counts={
            "Controlling": _status_counts([v for v in views.values() if v.kind != "Kontextindikator"]),
            "Monitoring": _status_counts([v for v in views.values() if v.kind == "Kontextindikator"]),
        },
        indicators=len(views),
        with_data=sum(v.reporting == "complete" for v in views.values()),
        measures_by_status=[(s, by_status[s]) for s in order if by_status[s]],
        measures=len(measures),
        gap_counts=sorted(gaps.items(), key=lambda kv: (-kv[1], kv[0])),
        context=context,
        unassigned=unassigned,
        sources=[
            {"indicator": v.title, "anchor": v.anchor, "source": v.source or "–", "frequency": v.frequency}
            for v in views.values()
        ],
        actors=actors,
        thresholds=progress_defaults(),
        deviating=_deviating(indicators),
    )


def indicator_view(ind: Indicator, a: Assessment | None, chart: str | None) -> IndicatorView:
    """One indicator in German: its status with symbol and word, the method's inputs, the table of its chart."""
    status = a.status if a else "not_available"
    reporting = ind.reporting or ("complete" if ind.headline else "notstarted")
    unit = ind.unit
    target = ind.targets[0] if ind.targets else None
    inputs: list[tuple[str, str]] = []
    if a is not None:
        if a.base_year is not None:
            inputs.append(("Basis", f"{a.base_year}: {with_unit(a.base_value, unit)}"))
        if a.latest_year is not None:
            inputs.append(("Aktueller Wert", f"{a.latest_year}: {with_unit(a.latest_value, unit)}"))
        inputs.append(
            ("Ziel", f"{a.target_year}: {with_unit(a.target_value, unit)}" if a.target_year else "keine Zielvorgabe")
        )
        inputs.append(("Beobachtete Rate", rate(a.cagr_observed)))
        if a.cagr_required is not None:
            inputs.append(("Erforderliche Rate", rate(a.cagr_required)))
        if a.ratio is not None:
            inputs.append(("Verhältnis beobachtet/erforderlich", number(a.ratio, 2)))
        if a.manual:
            inputs.append(("Von Hand gesetzt", a.reason or "ohne Begründung"))
        elif a.reason and status == "not_available":
            inputs.append(("Warum nicht bewertbar", a.reason))
    rows = [
        {"year": str(o.year), "date": day(o.date), "value": with_unit(o.value, o.unit or unit)} for o in ind.headline
    ]
    breakdown = [
        {
            "year": str(o.year),
            "group": ", ".join(f"{k}: {v}" for k, v in o.breakdown),
            "value": with_unit(o.value, o.unit or unit),
        }
        for o in ind.observations
        if o.breakdown
    ]
    kind = ind.kind if ind.kind in KIND_WORDS else "Wirkungsindikator"
    return IndicatorView(
        iri=ind.iri,
        anchor="indikator-" + _slug(ind.code or ind.iri.rsplit("/", 1)[-1]),
        code=ind.code,
        label=ind.label,
        kind=kind,
        definition=ind.definition,
        unit=UNIT_WORDS.get(local(unit), local(unit) or "–"),
        direction=DIRECTIONS.get(ind.direction or "", "–"),
        source=ind.source,
        frequency=FREQUENCIES.get(local(ind.frequency), local(ind.frequency) or "–"),
        reporting=reporting,
        reporting_word=REPORTING_DE.get(reporting, reporting),
        status=status,
        status_word=STATUS_DE[status],
        symbol=SYMBOLS[status],
        manual=bool(a and a.manual),
        reason=a.reason if a else None,
        inputs=inputs,
        chart=chart if ind.headline else None,
        rows=rows,
        breakdown_rows=breakdown,
        target=f"{with_unit(target.target_value, unit)} bis {target.target_year}" if target else None,
    )


def _field(chain: dict[str, Any], views: dict[str, IndicatorView], placed: set[str]) -> FieldView:
    score = scorecard(chain)
    seen: dict[str, IndicatorView] = {}

    def split(refs: list[dict[str, Any]]) -> tuple[list[IndicatorView], list[IndicatorView]]:
        found = [views[r["iri"]] for r in refs if r["iri"] in views]
        for v in found:
            seen.setdefault(v.iri, v)
        return [v for v in found if v.kind != "Kontextindikator"], [v for v in found if v.kind == "Kontextindikator"]

    leitziele = []
    for lz in chain["leitziele"]:
        hzs = []
        for hz in lz["handlungsziele"]:
            own, ctx = split(hz["indikatoren"])
            hzs.append(GoalView(hz["iri"], hz["code"], hz["label"], own, ctx, [_measure(m) for m in hz["massnahmen"]]))
        own, ctx = split(lz["indikatoren"])
        leitziele.append(GoalView(lz["iri"], lz["code"], lz["label"], own, ctx, handlungsziele=hzs))
    node = chain["feld"]
    context = [v for v in seen.values() if v.kind == "Kontextindikator" and v.iri not in placed]
    placed.update(seen)
    return FieldView(
        iri=node["iri"],
        anchor="feld-" + _slug(node["code"] or node["iri"].rsplit("/", 1)[-1]),
        code=node["code"],
        label=node["label"],
        leitziele=leitziele,
        counts=score["zaehlung"],
        gaps=score["luecken"],
        networks=[n["label"] for n in chain["netzwerke"]],
        context=context,
        indicators=len(seen),
        with_data=sum(v.reporting == "complete" for v in seen.values()),
        on_track=sum(v.status in ("target_achieved", "substantial_progress") for v in seen.values()),
    )


def _measure(m: dict[str, Any]) -> MeasureView:
    lead = m.get("federfuehrend")
    return MeasureView(
        iri=m["iri"],
        code=m["code"],
        label=m["label"],
        status=MEASURE_STATUS.get(m.get("status") or "", m.get("status") or "ohne Angabe"),
        lead=lead["label"] if lead else None,
        partners=[p["label"] for p in m.get("kooperationspartner", [])],
    )


def _status_counts(views: list[IndicatorView]) -> list[tuple[str, str, str, int]]:
    n = Counter(v.status for v in views)
    return [(k, SYMBOLS[k], STATUS_DE[k], n[k]) for k in STATUS_KEYS if views]


def progress_defaults() -> list[tuple[str, str]]:
    """The method's default thresholds in words (the annex)."""
    t = Thresholds()
    return [
        ("Mit Zielvorgabe: auf Kurs ab Verhältnis", number(t.substantial, 2)),
        ("Mit Zielvorgabe: Fortschritt ab Verhältnis", number(t.moderate, 2)),
        ("Ohne Zielvorgabe: auf Kurs ab", rate(t.rate_substantial)),
        ("Ohne Zielvorgabe: Fortschritt ab", rate(t.rate_moderate)),
    ]


def _deviating(indicators: list[Indicator]) -> list[tuple[str, str]]:
    default = Thresholds()
    out = []
    for i in indicators:
        t = i.thresholds
        if t != default:
            text = (
                f"Verhältnis {number(t.substantial, 2)} / {number(t.moderate, 2)}, "
                f"Raten {rate(t.rate_substantial)} / {rate(t.rate_moderate)}"
            )
            out.append((f"{i.code} {i.label}" if i.code else i.label, text))
    return out


def _version(update: str | None) -> str:
    if update is None or not update.isdigit():
        return "–"
    return "Erstfassung" if int(update) == 0 else f"{int(update)}. Fortschreibung"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def _rows(store: Store, query: str, graph: str) -> list[dict[str, Any]]:
    result = store.query(query, default_graphs=[graph])
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def _concept(store: Store, graph: str) -> dict[str, str | None]:
    for row in _rows(store, CONCEPT_QUERY, graph):
        return {k: v.value for k, v in row.items() if k != "k"}
    return {}


def _fields(store: Store, graph: str) -> list[tuple[str, str | None]]:
    found = []
    for row in _rows(store, FIELDS_QUERY, graph):
        pos, code = row.get("p"), row.get("c")
        position = int(pos.value) if pos is not None and pos.value.isdigit() else 999
        found.append((position, code.value if code else "", row["f"].value))
    return [(iri, code or None) for _pos, code, iri in sorted(found, key=lambda r: (r[0], _natural(r[1]), r[2]))]


def _natural(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p)


def _actors(store: Store, graph: str) -> list[dict[str, str]]:
    types = " ".join(str(ox.NamedNode(t)) for t in ACTOR_TYPES)
    rank = {t: i for i, t in enumerate(ACTOR_TYPES)}
    best: dict[str, tuple[int, dict[str, str]]] = {}
    for row in _rows(store, ACTORS_QUERY.replace("TYPES", types), graph):
        kind = row["type"].value
        entry = {
            "label": row["label"].value,
            "kind": ACTOR_TYPES[kind],
            "tasks": ", ".join(sorted(t for t in row["tasks"].value.split("|") if t)) if "tasks" in row else "",
        }
        iri = row["a"].value
        if iri not in best or rank[kind] < best[iri][0]:
            best[iri] = (rank[kind], entry)
    return [e for _r, e in sorted(best.values(), key=lambda x: (x[0], x[1]["label"].casefold()))]
