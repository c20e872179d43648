"""JSON ↔ triples for one resource, following the field table of :mod:`graph.resources.kinds`.

The JSON is plain data (the API's Pydantic models validate it first): language maps for texts
(``{"de": …, "en": …}``), IRIs as strings (or ``kind/slug`` relative to the dataset), dates as
``YYYY-MM-DD``, decimals as strings, controlled values by their short name (``laufend``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.errors import IntegrationsgraphError
from integrationsgraph.graph.core.iris import ORG, PREFIXES, RDF, TIME, XSD
from integrationsgraph.graph.resources.kinds import INTERVAL_FIELDS, VOCABS, Field, Kind, vocab_name

RDF_TYPE = ox.NamedNode(RDF + "type")


class ResourceError(IntegrationsgraphError):
    """A write that is refused before validation (``api/errors.py`` maps each kind to its HTTP status)."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class InvalidValue(ResourceError):
    """A value that cannot become RDF (an IRI with spaces, a text with a lone surrogate)."""


def value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The lexical value of a term (an RDF-star triple as N-Triples text)."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def local_name(iri: str) -> str:
    """``Massnahme`` for ``…ontology#Massnahme``, ``Post`` for ``…/org#Post``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_json(kind: Kind, iri: str, dataset: str, triples: list[ox.Triple]) -> dict[str, Any]:
    """The JSON of a resource from its triples (and those of the ``#`` nodes it owns)."""
    values: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = {}
    by_subject: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        by_subject.setdefault(value(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)
        if value(t.subject) == iri:
            values.setdefault(t.predicate.value, []).append(t.object)
    types = sorted(o.value for o in values.get(RDF_TYPE.value, []) if isinstance(o, ox.NamedNode))
    out: dict[str, Any] = {
        "iri": iri,
        "slug": iri.rsplit("/", 1)[-1],
        "datensatz": dataset,
        "typ": [local_name(t) for t in types if t in kind.classes],
    }
    for f in kind.fields:
        if f.name in INTERVAL_FIELDS:
            date = _interval(by_subject, iri, f.predicate)
            if date is not None:
                out[f.name] = date
            continue
        objs = sorted(values.get(f.predicate, []), key=str)
        converted = _out(f, objs)
        if converted is not None:
            out[f.name] = converted
    return out


def _interval(by_subject: dict[str, dict[str, list[Any]]], iri: str, predicate: str) -> str | None:
    for period in by_subject.get(iri, {}).get(ORG + "memberDuring", []):
        for instant in by_subject.get(period.value, {}).get(predicate, []):
            for date in by_subject.get(instant.value, {}).get(TIME + "inXSDDate", []):
                return str(date.value)
    return None


def _out(f: Field, objs: list[Any]) -> Any:
    literals = [o for o in objs if isinstance(o, ox.Literal)]
    nodes = [o.value for o in objs if isinstance(o, ox.NamedNode)]
    if f.type == "lang":
        texts: dict[str, str] = {}
        for lit in literals:
            texts.setdefault(lit.language or "und", lit.value)
        return texts or None
    if f.type == "lang_many":
        many: dict[str, list[str]] = {}
        for lit in literals:
            many.setdefault(lit.language or "und", []).append(lit.value)
        return many or None
    if f.type in ("iri", "vocab"):
        names = [vocab_name(f.vocab, n) if f.vocab else n for n in nodes]
        return (names or None) if f.many else (names[0] if names else None)
    if not literals:
        return None
    lit = literals[0]
    if f.type == "boolean":
        return lit.value in ("true", "1")
    if f.type == "integer":
        try:
            return int(lit.value)
        except ValueError:
            return lit.value
    return lit.value


def from_json(
    kind: Kind,
    iri: str,
    data: dict[str, Any],
    base_iri: str,
    dataset: str,
    *,
    keep_type: bool = False,
    partial: bool = False,
) -> list[ox.Triple]:
    """The triples for ``data``; with ``partial`` only for the fields present (a PATCH)."""
    subject = ox.NamedNode(iri)
    out: list[ox.Triple] = []
    if kind.typed and data.get("typ"):
        out += [ox.Triple(subject, RDF_TYPE, ox.NamedNode(VOCABS["akteurstyp"][t])) for t in data["typ"]]
    elif not keep_type and not partial:
        out.append(ox.Triple(subject, RDF_TYPE, ox.NamedNode(kind.classes[0])))
    for f in kind.fields:
        value = data.get(f.name)
        if value is None or f.name in INTERVAL_FIELDS:
            continue
        pred = ox.NamedNode(f.predicate)
        out += [ox.Triple(subject, pred, o) for o in _objects(f, value, base_iri, dataset)]
    out += _interval_triples(iri, data)
    return out


def _interval_triples(iri: str, data: dict[str, Any]) -> list[ox.Triple]:
    dates = {name: data.get(name) for name in INTERVAL_FIELDS}
    if not any(dates.values()):
        return []
    period = ox.NamedNode(iri + "#zeitraum")
    out = [
        ox.Triple(ox.NamedNode(iri), ox.NamedNode(ORG + "memberDuring"), period),
        ox.Triple(period, RDF_TYPE, ox.NamedNode(TIME + "Interval")),
    ]
    for name, value in dates.items():
        if value is None:
            continue
        instant = ox.NamedNode(iri + ("#beginn" if name == "mitglied_seit" else "#ende"))
        out += [
            ox.Triple(period, ox.NamedNode(INTERVAL_FIELDS[name]), instant),
            ox.Triple(instant, RDF_TYPE, ox.NamedNode(TIME + "Instant")),
            ox.Triple(instant, ox.NamedNode(TIME + "inXSDDate"), _date(name, value)),
        ]
    return out


def _objects(f: Field, value: Any, base_iri: str, dataset: str) -> list[ox.NamedNode | ox.Literal]:
    if f.type == "lang":
        return [ox.Literal(_text(f.name, text), language=lang) for lang, text in value.items() if text]
    if f.type == "lang_many":
        return [ox.Literal(_text(f.name, t), language=lang) for lang, texts in value.items() for t in texts or []]
    items = value if isinstance(value, list) else [value]
    if f.type == "iri":
        return [resolve(f.name, v, base_iri, dataset) for v in items]
    if f.type == "vocab":
        assert f.vocab is not None
        return [ox.NamedNode(VOCABS[f.vocab][v]) for v in items]
    return [_literal(f, v) for v in items]


def _literal(f: Field, value: Any) -> ox.Literal:
    if f.type == "string":
        return ox.Literal(_text(f.name, value))
    if f.type == "date":
        return _date(f.name, value)
    if f.type == "boolean":
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if f.type == "integer":
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidValue(f"„{f.name}“ ist keine Dezimalzahl.", [{"field": f.name}]) from exc
    if not number.is_finite():
        raise InvalidValue(f"„{f.name}“ muss eine endliche Dezimalzahl sein.", [{"field": f.name}])
    text = format(number, "f")
    return ox.Literal(text if "." in text else text + ".0", datatype=ox.NamedNode(XSD + "decimal"))


def _date(name: str, value: Any) -> ox.Literal:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise InvalidValue(f"„{name}“ ist kein Datum (JJJJ-MM-TT).", [{"field": name}]) from exc
    return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _text(name: str, text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidValue(f"„{name}“ enthält Zeichen, die kein gültiges Unicode sind.", [{"field": name}]) from exc
    return text


def resolve(name: str, value: str, base_iri: str, dataset: str) -> ox.NamedNode:
    """An IRI from a field: absolute as given, or ``kind/slug`` relative to the dataset's base."""
    text = _text(name, value)
    if ":" not in text:
        text = f"{base_iri}{dataset}/{text.lstrip('/')}"
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise InvalidValue(f"„{name}“: {value!r} ist keine gültige IRI.", [{"field": name, "value": value}]) from exc


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context that turns the API's JSON into RDF (served at ``/api/context.jsonld``)."""
    from integrationsgraph.graph.resources.kinds import KINDS

    ctx: dict[str, Any] = {prefix: ns for prefix, ns in PREFIXES.items()}
    ctx.update({"iri": "@id", "typ": "@type", "items": "@graph"})
    for name in ("slug", "datensatz", "total", "limit", "offset", "next", *INTERVAL_FIELDS):
        ctx[name] = None
    for kind in KINDS.values():
        for cls in kind.classes:
            ctx.setdefault(local_name(cls), cls)
        for f in kind.fields:
            if f.name in INTERVAL_FIELDS:
                continue
            term: dict[str, Any] = {"@id": f.predicate}
            if f.type in ("lang", "lang_many"):
                term["@container"] = "@language"
            elif f.type == "iri":
                term["@type"] = "@id"
            elif f.type == "vocab":
                term["@type"] = "@vocab"
            elif f.type in ("date", "decimal", "integer"):
                term["@type"] = XSD + {"date": "date", "decimal": "decimal", "integer": "integer"}[f.type]
            if f.many:
                term["@container"] = "@set"
            previous = ctx.setdefault(f.name, term)
            assert previous == term, f"field {f.name} means two things"
    for vocab in VOCABS.values():
        for short, iri in vocab.items():
            ctx.setdefault(short, iri)
    return {"@context": ctx}
