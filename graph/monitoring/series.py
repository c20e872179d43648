"""Indicators with their series, targets and settings, read from a dataset graph in one go.

:func:`indicators` reads what it needs from the dataset's graph with one SELECT (:data:`QUERY`, restricted to that
graph: one request on a SPARQL server too): one row per indicator property, per goal, per Zielvorgabe and per
Messwert — a Messwert's five triples are one row — plus the concept's adoption date and municipality and the labels
of data sources and areas; actors, measures and networks are not read at all. The rows come as SPARQL TSV, so the
terms reach Python as text, not as one pyoxigraph object per term (which cost more than everything else), and are
put together in Python: every ``kio:Indikator`` with its properties and what points at it. :func:`indicator` reads
one indicator with a few look-ups of the nodes around it instead (its page need not read the whole graph); both
build from the same structure (:class:`_Read`), and the tests hold them equal.

The headline series is the values without breakdown: their area (``sdmx-dimension:refArea``) is the
municipality of the concept (``kio:gemeinde``) or not given, and they carry no ``kio:geschlecht`` or
``kio:altersgruppe``. Any other area becomes the breakdown ``("Gebiet", its label)``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import DCT, KIO, RDF, SDMX_DIM, SKOS, XSD
from integrationsgraph.graph.monitoring.model import (
    REPORTING_CONCEPT,
    STATUS_CONCEPT,
    Indicator,
    Observation,
    Target,
    Thresholds,
)
from integrationsgraph.graph.store.embedded import Store

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
_STATUS_BY_CONCEPT = {KIO + local: key for key, local in STATUS_CONCEPT.items()}
_REPORTING_BY_CONCEPT = {KIO + local: key for key, local in REPORTING_CONCEPT.items()}
Props = dict[str, list[str]]
"""Predicate IRI → the objects of one node, as terms in N-Triples syntax (see :func:`_value`)."""


def _sub(predicate: str, var: str) -> str:
    return f"{{ SELECT ?s ?{var} WHERE {{ ?s <{predicate}> ?{var} }} }}"


def _typed(kind: str) -> str:
    return f"{{ SELECT ?s WHERE {{ ?s <{RDF}type> <{kind}> }} }}"


VARIABLES = ("k", "s", "p", "o", "a", "b", "c", "d", "e", "f")
_TARGET_COLUMNS = tuple(KIO + p for p in ("zieldatum", "zielwert", "ausgangsdatum", "ausgangswert"))
_VALUE_COLUMNS = (
    *(KIO + p for p in ("stichtag", "wert")),
    SDMX_DIM + "refArea",
    *(KIO + p for p in ("einheit", "geschlecht", "altersgruppe")),
)
_CONCEPT_COLUMNS = (DCT + "issued", KIO + "gemeinde")
_BRANCHES = {
    # every property of an indicator, one row each (?p ?o; its types too, so one without properties is found)
    "i": f"?s <{RDF}type> <{INDICATOR.value}> ; ?p ?o "
    f"FILTER(?p IN ({', '.join(f'<{p}>' for p in (TYPE.value, *PROPERTIES))}))",
    # a goal measured by ?o
    "g": f"?s <{KIO}gemessenDurch> ?o",
    # a Zielvorgabe for ?o with its target date and value (without them it is not used), ?c ?d its base
    "z": _sub(KIO + "fuerIndikator", "o")
    + _typed(TARGET)
    + _sub(_TARGET_COLUMNS[0], "a")
    + _sub(_TARGET_COLUMNS[1], "b")
    + f" OPTIONAL {_sub(_TARGET_COLUMNS[2], 'c')} OPTIONAL {_sub(_TARGET_COLUMNS[3], 'd')}",
    # a Messwert of ?o with its Stichtag and value (without them it is not used), area, unit, breakdowns
    "m": _sub(KIO + "indikator", "o")
    + "".join(_sub(p, v) for p, v in zip(_VALUE_COLUMNS[:2], "ab", strict=True))
    + "".join(f" OPTIONAL {_sub(p, v)}" for p, v in zip(_VALUE_COLUMNS[2:], "cdef", strict=True)),
    # the concept: adopted when, for which municipality
    "c": _typed(CONCEPT.value)
    + "".join(f" OPTIONAL {_sub(p, v)}" for p, v in zip(_CONCEPT_COLUMNS, "ab", strict=True)),
    # the labels of data sources and areas
    "l": f"{{ SELECT DISTINCT ?s WHERE {{ {{ ?x <{DCT}source> ?s }} UNION {{ ?x <{SDMX_DIM}refArea> ?s }} }} }}"
    + _sub(SKOS + "prefLabel", "o"),
}
QUERY = (
    f"SELECT {' '.join('?' + v for v in VARIABLES)} WHERE {{\n  "
    + "\n  UNION ".join(f"{{ {pattern} BIND('{kind}' AS ?k) }}" for kind, pattern in _BRANCHES.items())
    + "\n}"
)
"""Everything :func:`indicators` needs from a dataset graph, one row per node and kind (``?k``) — a Messwert is one
row, not five triples — and nothing of actors, measures or networks. Each property of a Messwert or Zielvorgabe is
its own sub-select, so Oxigraph joins them by hashing (one scan per property) rather than by one index look-up per
node: about three times faster on the on-disk store for the Messwerte. An indicator's properties are looked up per
indicator instead: as fast on disk, and three times faster in memory than a join."""


@dataclass
class _Read:
    """What a dataset graph says about its indicators: the nodes' properties, who is of which kind, the links."""

    nodes: dict[str, Props] = field(default_factory=dict)  # subject IRI → its properties
    kinds: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # rdf:type IRI → subjects
    pointing: list[tuple[str, str, str]] = field(default_factory=list)  # (link key, subject IRI, object IRI)

    def add(self, subject: str, predicate: str, term: str) -> None:
        found = self.nodes.setdefault(subject, {}).setdefault(predicate, [])
        if term not in found:  # rows of a join repeat a value
            found.append(term)


def _iri(token: str) -> str | None:
    """The IRI of a term written ``<…>``; None for anything else (a literal, a blank node, a triple term)."""
    return token[1:-1] if token[:1] == "<" and token[1:2] != "<" else None


def _selected(store: Store, graph: str) -> _Read:
    """The rows of :data:`QUERY` on one dataset graph, as SPARQL TSV (terms as text: no Python object per term)."""
    found = store.query(QUERY, default_graphs=[graph], named_graphs=[])
    if not isinstance(found, ox.QuerySolutions):
        raise TypeError("SELECT gave no solutions")
    return _rows((found.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode())


def _rows(tsv: str) -> _Read:
    """:data:`QUERY`'s result in SPARQL TSV, put together by node."""
    lines = tsv.split("\n")
    order = [lines[0].split("\t").index("?" + v) for v in VARIABLES] if lines[0] else []
    shuffled = order != list(range(len(VARIABLES)))
    read = _Read()
    add, nodes, pointing = read.add, read.nodes, read.pointing
    indicators, targets, concepts = (read.kinds[k] for k in (INDICATOR.value, TARGET, CONCEPT.value))
    for line in lines[1:]:
        if not line:
            continue
        row = line.split("\t")
        if shuffled:
            row = [row[i] for i in order]
        kind, s, p, o = row[0], _iri(row[1]), row[2], row[3]
        if s is None:
            continue
        if kind == '"i"':
            if (predicate := _iri(p)) is not None:
                add(s, predicate, o)
                indicators.add(s)
        elif kind == '"m"' or kind == '"z"':
            if (target := _iri(o)) is None:
                continue
            columns = _VALUE_COLUMNS if kind == '"m"' else _TARGET_COLUMNS
            if s in nodes:  # a second row: some property has several values
                for predicate, term in zip(columns, row[4:], strict=False):
                    if term:
                        add(s, predicate, term)
            else:
                nodes[s] = {predicate: [term] for predicate, term in zip(columns, row[4:], strict=False) if term}
            if kind == '"z"':
                targets.add(s)
                add(s, TYPE.value, f"<{TARGET}>")
            pointing.append(("value" if kind == '"m"' else "target", s, target))
        elif kind == '"g"':
            if (target := _iri(o)) is not None:
                pointing.append(("goal", s, target))
        elif kind == '"c"':
            concepts.add(s)
            for predicate, term in zip(_CONCEPT_COLUMNS, row[4:6], strict=True):
                if term:
                    add(s, predicate, term)
        elif kind == '"l"':
            add(s, SKOS + "prefLabel", o)
    return read


def _from_triples(triples: list[ox.Triple]) -> _Read:
    """The same from triples (one indicator's, :func:`_around`): terms in N-Triples syntax."""
    read = _Read()
    for t in triples:
        if type(t.subject) is not ox.NamedNode:
            continue
        s, p, o = t.subject.value, t.predicate.value, t.object
        read.add(s, p, str(o))
        if type(o) is ox.NamedNode:
            if p == TYPE.value:
                read.kinds[o.value].add(s)
            elif (link := _LINK_KEYS.get(p)) is not None:
                read.pointing.append((link, s, o.value))
    return read


def indicators(store: Store, dataset: str, lang: str = "de") -> list[Indicator]:
    """Every indicator of the dataset ``dataset`` (a name such as ``musterstadt``), sorted by code."""
    return _build(_selected(store, graph_iri(dataset)), dataset, None, lang)


def indicator(store: Store, dataset: str, iri: str, lang: str = "de") -> Indicator | None:
    """The indicator ``iri`` of the dataset, or None when the dataset has no such indicator."""
    found = _build(_from_triples(_around(store, graph_iri(dataset), ox.NamedNode(iri))), dataset, iri, lang)
    return found[0] if found else None


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    return _ESCAPE.sub(
        lambda m: chr(int(m[1] or m[2], 16)) if m[3] is None else _ECHAR.get(m[3], m[0]),
        text,
    )


def _value(token: str | None) -> str | None:
    """The IRI or the lexical form of a term in N-Triples syntax — or SPARQL TSV, which writes integers, decimals
    and booleans bare (``54.5``); None for a blank node, a triple term or no term.

    >>> _value('"Quote"@de'), _value("54.5"), _value("<https://x/a>"), _value('"a\\\\tb"'), _value("_:b0")
    ('Quote', '54.5', 'https://x/a', 'a\\tb', None)
    """
    if not token:
        return None
    first = token[0]
    if first == '"':
        raw = token[1 : token.rindex('"')]
        return _unescape(raw) if "\\" in raw else raw
    if first == "<":
        return _iri(token)
    return None if first == "_" else token


def _is_literal(token: str) -> bool:
    first = token[:1]
    return first == '"' or first not in ("<", "_", "")


def _language(token: str) -> str:
    tail = token[token.rindex('"') + 1 :] if token[:1] == '"' else ""
    return tail[1:] if tail[:1] == "@" else ""


_NT_ESCAPES = {
    **{c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)},
    **{ord(c): e for c, e in (("\b", "\\b"), ("\t", "\\t"), ("\n", "\\n"), ("\f", "\\f"), ("\r", "\\r"))},
    ord('"'): '\\"',
    ord("\\"): "\\\\",
}
"""How pyoxigraph escapes a literal's text in N-Triples (``str(term)``); SPARQL TSV escapes fewer characters."""


def _nt(token: str) -> str:
    """A term as ``str()`` of its pyoxigraph term writes it (N-Triples; a bare TSV number gets its datatype): the
    order among several values is the same whichever way they were read."""
    first = token[:1]
    if first == '"':
        return '"' + (_value(token) or "").translate(_NT_ESCAPES) + token[token.rindex('"') :]
    if first in ("<", "_", ""):
        return token
    kind = "boolean" if token in ("true", "false") else "double" if "e" in token.lower() else "decimal"
    return f'"{token}"^^<{XSD}{kind if kind != "decimal" or "." in token else "integer"}>'


def _text(token: str | None) -> str | None:
    return _value(token)


def _number(token: str | None) -> float | None:
    try:
        return float(_value(token) or "") if token and _is_literal(token) else None
    except ValueError:
        return None


def _year(token: str | None) -> int | None:
    text = _text(token)
    return int(text[:4]) if text and text[:4].isdigit() else None


def _local(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else None


def _label(labels: dict[str, str], lang: str, fallback: str) -> str:
    return labels.get(lang) or labels.get("de") or next(iter(sorted(labels.values())), fallback)


def _first(props: Props, predicate: str) -> str | None:
    """The value of a property meant to have one; of several, the first in N-Triples order (deterministic)."""
    values = props.get(predicate)
    if not values:
        return None
    return values[0] if len(values) == 1 else min(values, key=_nt)


def _texts(props: Props, predicate: str) -> dict[str, str]:
    """Language → the text in it (of several in one language, the first in N-Triples order)."""
    values = props.get(predicate, [])
    out: dict[str, str] = {}
    for token in sorted(values, key=_nt) if len(values) > 1 else values:
        if _is_literal(token):
            out.setdefault(_language(token), _value(token) or "")
    return out


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


def _build(read: _Read, dataset: str, only: str | None, lang: str) -> list[Indicator]:
    """Indicators from what :func:`_selected` or :func:`_from_triples` read: each put together from look-ups."""
    props = read.nodes
    indicators = set(read.kinds.get(INDICATOR.value, ()))
    if only is not None:
        indicators &= {only}
    if not indicators:
        return []
    concepts = read.kinds.get(CONCEPT.value, set())
    links: dict[str, dict[str, list[str]]] = {"goal": {}, "target": {}, "value": {}}
    for kind, subject_iri, object_iri in dict.fromkeys(read.pointing):
        if object_iri in indicators:
            links[kind].setdefault(object_iri, []).append(subject_iri)
    adopted = [y for c in concepts if (y := _year(_first(props.get(c, {}), DCT + "issued"))) is not None]
    towns = {v for c in concepts if (v := _text(_first(props.get(c, {}), KIO + "gemeinde")))}
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
