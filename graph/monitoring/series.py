"""Indicators with their series, targets and settings, read from a dataset graph in one go.

:func:`indicators` reads the properties it needs from the dataset's graph (``Store.having``: one index scan per
property on the embedded store, one query on a SPARQL server; a dataset's actors, measures and networks are not
read at all) and picks out, in Python, every ``kio:Indikator`` with its properties, what points at it (the goals
measured by it, its Zielvorgaben, its Messwerte), the concept's adoption year and municipality, and the labels of
data sources and areas. That costs the same on both backends and does not grow with the other datasets in the
store (SPARQL joins here did: benchmarks/progress.py). :func:`indicator` reads one indicator with a few look-ups
of the nodes around it instead (its page need not read the whole graph).

The headline series is the values without breakdown: their area (``sdmx-dimension:refArea``) is the
municipality of the concept (``kio:gemeinde``) or not given, and they carry no ``kio:geschlecht`` or
``kio:altersgruppe``. Any other area becomes the breakdown ``("Gebiet", its label)``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import DCT, KIO, RDF, SDMX_DIM, SKOS
from integrationsgraph.graph.monitoring.model import (
    REPORTING_CONCEPT,
    STATUS_CONCEPT,
    Indicator,
    Observation,
    Target,
    Thresholds,
)
from integrationsgraph.graph.store.embedded import Pairs, Store

PROPERTIES = {
    SKOS + "prefLabel": "label",
    SKOS + "notation": "code",
    SKOS + "definition": "definition",
    KIO + "einheit": "unit",
    KIO + "zielrichtung": "direction",
    KIO + "indikatortyp": "kind",
    DCT + "source": "source",
    DCT + "accrualPeriodicity": "frequency",
    KIO + "berichtsstatus": "reporting",
    KIO + "basisjahr": "base_year",
    KIO + "schwelleAufKurs": "substantial",
    KIO + "schwelleFortschritt": "moderate",
    KIO + "schwelleRateAufKurs": "rate_substantial",
    KIO + "schwelleRateFortschritt": "rate_moderate",
    KIO + "manuellerFortschrittsstatus": "manual_status",
    KIO + "begruendungFortschrittsstatus": "manual_reason",
}
"""Indicator property → its name here (the fields of :class:`Indicator`, the thresholds' of :class:`Thresholds`)."""
_KEYS = {key: prop for prop, key in PROPERTIES.items()}
TYPE = ox.NamedNode(RDF + "type")
INDICATOR = ox.NamedNode(KIO + "Indikator")
CONCEPT = ox.NamedNode(KIO + "Integrationskonzept")
TARGET = KIO + "Zielvorgabe"
SOURCE = ox.NamedNode(DCT + "source")
AREA = ox.NamedNode(SDMX_DIM + "refArea")
LINKS = {
    ox.NamedNode(KIO + "gemessenDurch"): "goal",
    ox.NamedNode(KIO + "fuerIndikator"): "target",
    ox.NamedNode(KIO + "indikator"): "value",
}
"""What points at an indicator: a goal measured by it, its Zielvorgabe, its Messwert."""
_LINK_KEYS = {p.value: key for p, key in LINKS.items()}
NEEDED = tuple(
    ox.NamedNode(p)
    for p in dict.fromkeys(
        [
            RDF + "type",
            *PROPERTIES,
            *(p.value for p in LINKS),
            *(KIO + p for p in ("stichtag", "wert", "einheit", "geschlecht", "altersgruppe", "gemeinde")),
            *(KIO + p for p in ("zieldatum", "zielwert", "ausgangsdatum", "ausgangswert")),
            SDMX_DIM + "refArea",
            DCT + "issued",
        ]
    )
)
"""Every property :func:`indicators` reads (the labels of sources and areas are ``skos:prefLabel``, among
:data:`PROPERTIES`): a dataset's other triples (actors, measures, networks …) are never turned into Python
objects."""
_STATUS_BY_CONCEPT = {KIO + local: key for key, local in STATUS_CONCEPT.items()}
_REPORTING_BY_CONCEPT = {KIO + local: key for key, local in REPORTING_CONCEPT.items()}
Props = dict[str, list[Any]]


def indicators(store: Store, dataset: str, lang: str = "de") -> list[Indicator]:
    """Every indicator of the dataset ``dataset`` (a name such as ``musterstadt``), sorted by code."""
    return _read(store, dataset, None, lang)


def indicator(store: Store, dataset: str, iri: str, lang: str = "de") -> Indicator | None:
    """The indicator ``iri`` of the dataset, or None when the dataset has no such indicator."""
    found = _read(store, dataset, iri, lang)
    return found[0] if found else None


def _text(term: Any) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def _number(term: Any) -> float | None:
    try:
        return float(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _year(term: Any) -> int | None:
    text = _text(term)
    return int(text[:4]) if text and text[:4].isdigit() else None


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else None


def _label(labels: dict[str, str], lang: str, fallback: str) -> str:
    return labels.get(lang) or labels.get("de") or next(iter(sorted(labels.values())), fallback)


def _first(props: Props, predicate: str) -> Any:
    values = props.get(predicate)
    if not values:
        return None
    return values[0] if len(values) == 1 else min(values, key=str)


def _texts(props: Props, predicate: str) -> dict[str, str]:
    return {o.language or "": o.value for o in props.get(predicate, []) if isinstance(o, ox.Literal)}


def _read(store: Store, dataset: str, only: str | None, lang: str) -> list[Indicator]:
    graph = graph_iri(dataset)
    if only is None:
        return _build(store.having(graph, NEEDED), dataset, None, lang)
    pairs: Pairs = {}
    for t in _around(store, graph, ox.NamedNode(only)):
        pairs.setdefault(t.predicate.value, []).append((t.subject, t.object))
    return _build(pairs, dataset, only, lang)


def _around(store: Store, graph: str, node: ox.NamedNode) -> list[ox.Triple]:
    """The triples one indicator needs, in a few look-ups (instead of the whole graph)."""
    own = store.outgoing(graph, [node])
    if not any(t.predicate == TYPE and t.object == INDICATOR for t in own):
        return []
    pointing = [t for t in store.incoming(graph, [node]) if t.predicate in LINKS]
    concepts = [t for t in store.incoming(graph, [CONCEPT]) if t.predicate == TYPE]
    subjects = {t.subject for t in (*pointing, *concepts) if isinstance(t.subject, ox.NamedNode)}
    more = store.outgoing(graph, sorted(subjects, key=str))
    named = {t.object for t in (*own, *more) if t.predicate in (SOURCE, AREA) and isinstance(t.object, ox.NamedNode)}
    return list(dict.fromkeys([*own, *pointing, *concepts, *more, *store.outgoing(graph, sorted(named, key=str))]))


def _build(pairs: Pairs, dataset: str, only: str | None, lang: str) -> list[Indicator]:
    """Indicators from the triples of a dataset graph (its :data:`NEEDED` properties, or what :func:`_around`
    gathered) by predicate: one pass indexes them by subject and predicate, as strings (hashing strings is cheaper
    than hashing pyoxigraph terms), then each indicator is put together from look-ups."""
    props: dict[str, Props] = {}
    pointing: list[tuple[str, str, str]] = []
    for p, found in pairs.items():
        link = _LINK_KEYS.get(p)
        for subject, o in found:
            if type(subject) is not ox.NamedNode:
                continue
            props.setdefault(subject.value, {}).setdefault(p, []).append(o)
            if link is not None and type(o) is ox.NamedNode:
                pointing.append((link, subject.value, o.value))
    kinds: dict[str, set[str]] = defaultdict(set)
    for node, own in props.items():
        for o in own.get(TYPE.value, ()):
            kinds[o.value].add(node)
    indicators = kinds[INDICATOR.value]
    if only is not None:
        indicators &= {only}
    if not indicators:
        return []
    concepts = kinds[CONCEPT.value]
    links: dict[str, dict[str, list[str]]] = {"goal": {}, "target": {}, "value": {}}
    for kind, subject_iri, object_iri in pointing:
        if object_iri in indicators:
            links[kind].setdefault(object_iri, []).append(subject_iri)
    adopted = [y for c in concepts if (y := _year(_first(props[c], DCT + "issued"))) is not None]
    towns = {v for c in concepts if (v := _text(_first(props[c], KIO + "gemeinde")))}
    base_year = max(adopted) if adopted else None
    out = []
    for i in indicators:
        targets = [zv for n in links["target"].get(i, []) if (zv := _target(props, n))]
        values = [ob for n in links["value"].get(i, []) if (ob := _observation(props, n, towns, lang))]
        out.append(_indicator(props, dataset, i, lang, base_year, links["goal"].get(i, []), targets, values))
    return sorted(out, key=lambda i: (_code_key(i.code), i.iri))


def _indicator(
    props: dict[str, Props],
    dataset: str,
    iri: str,
    lang: str,
    adopted: int | None,
    goals: list[str],
    targets: list[Target],
    values: list[Observation],
) -> Indicator:
    p = props[iri]

    def first(key: str) -> Any:
        return _first(p, _KEYS[key])

    source = _text(first("source"))
    base_year = _number(first("base_year"))
    default = Thresholds()
    thresholds = Thresholds(
        **{k: v if (v := _number(first(k))) is not None else getattr(default, k) for k in default.__dict__}
    )
    return Indicator(
        iri=iri,
        dataset=dataset,
        code=_text(first("code")),
        label=_label(_texts(p, _KEYS["label"]), lang, _local(iri) or iri),
        definition=_label(_texts(p, _KEYS["definition"]), lang, "") or None,
        unit=_text(first("unit")),
        direction=_local(_text(first("direction"))),
        kind=_local(_text(first("kind"))),
        source=(_label(_texts(props.get(source, {}), SKOS + "prefLabel"), lang, "") or None) if source else None,
        frequency=_text(first("frequency")),
        reporting=_REPORTING_BY_CONCEPT.get(_text(first("reporting")) or ""),
        base_year=int(base_year) if base_year is not None else adopted,
        thresholds=thresholds,
        manual_status=_STATUS_BY_CONCEPT.get(_text(first("manual_status")) or ""),
        manual_reason=_label(_texts(p, _KEYS["manual_reason"]), lang, "") or None,
        goals=tuple(sorted(set(goals))),
        targets=tuple(sorted(set(targets), key=lambda t: (t.target_year, t.iri))),
        observations=tuple(sorted(values, key=lambda o: (o.year, o.date, o.breakdown, o.iri))),
    )


def _target(props: dict[str, Props], iri: str) -> Target | None:
    p = props.get(iri, {})
    year, value = _year(_first(p, KIO + "zieldatum")), _number(_first(p, KIO + "zielwert"))
    if year is None or value is None or TARGET not in {_text(o) for o in p.get(TYPE.value, [])}:
        return None
    return Target(iri, _year(_first(p, KIO + "ausgangsdatum")), _number(_first(p, KIO + "ausgangswert")), year, value)


def _observation(props: dict[str, Props], iri: str, towns: set[str], lang: str) -> Observation | None:
    p = props.get(iri, {})
    date = _first(p, KIO + "stichtag")
    day, number, year = _text(date), _number(_first(p, KIO + "wert")), _year(date)
    if day is None or number is None or year is None:
        return None
    breakdown: list[tuple[str, str]] = []
    place = _text(_first(p, SDMX_DIM + "refArea"))
    if place is not None and place not in towns:
        labels = _texts(props.get(place, {}), SKOS + "prefLabel")
        breakdown.append(("Gebiet", _label(labels, lang, _local(place) or place)))
    if (text := _text(_first(p, KIO + "geschlecht"))) is not None:
        breakdown.append(("Geschlecht", text))
    if (text := _text(_first(p, KIO + "altersgruppe"))) is not None:
        breakdown.append(("Altersgruppe", text))
    return Observation(iri, year, day, number, _text(_first(p, KIO + "einheit")), tuple(breakdown))


def _code_key(code: str | None) -> tuple[Any, ...]:
    """I1.2.10 after I1.2.9: numbers compared as numbers; indicators without a code last."""
    if not code:
        return (1, ())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p))
