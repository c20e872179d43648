"""Resources of one kind in one dataset: read as JSON, list, create, replace, patch, delete.

Every write goes through :meth:`graph.write.path.WritePath.write`, with the resource's ETag checked under
the write path's lock (``precondition``), so a stale ``If-Match`` never overwrites a newer state.
JSON ↔ triples follows the table in :mod:`graph.resources.kinds`; properties a kind does not model are kept
as they are on replace and patch (they show in the RDF, not in the JSON).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.iris import ORG, RDF, SKOS, sparql_prefixes
from integrationsgraph.graph.resources.as_json import (
    InvalidValue,
    ResourceError,
    from_json,
    local_name,
    resolve,
    to_json,
    value,
)
from integrationsgraph.graph.resources.kinds import BY_CLASS, INTERVAL_FIELDS, VOCABS, Kind
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath

RDF_TYPE = ox.NamedNode(RDF + "type")
MEMBER_DURING = ox.NamedNode(ORG + "memberDuring")
MAX_ATTEMPTS = 5
"""How often a write without ``If-Match`` is rebuilt when another write changed the resource meanwhile."""


class Conflict(ResourceError):
    """The resource exists already, or others point to it."""


class PreconditionFailed(ResourceError):
    """``If-Match`` names an ETag that is no longer the resource's."""


class InvalidFilter(ResourceError):
    """A list filter with a value the kind does not know."""


@dataclass
class Resource:
    """One resource as stored: its triples (with the ``#fragment`` nodes it owns) and ETag."""

    iri: str
    dataset: str
    kind: Kind
    triples: list[ox.Triple]

    @property
    def etag(self) -> str:
        return etag(self.triples)

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    def json(self) -> dict[str, Any]:
        return to_json(self.kind, self.iri, self.dataset, self.triples)


def etag(triples: Iterable[ox.Triple]) -> str:
    """A strong ETag: the hash of the resource's sorted triples in N-Triples."""
    lines = sorted(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return '"' + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32] + '"'


def dataset_graph(store: Store, dataset: str) -> str:
    """The graph of a dataset; :class:`NotFound` when the store has no such dataset."""
    graph = graph_iri(dataset)
    exists = store.query("ASK { GRAPH ?g { } }", bindings={"g": ox.NamedNode(graph)})  # not a list of all graphs
    if not (isinstance(exists, ox.QueryBoolean) and bool(exists)):
        raise NotFound(f"Den Datensatz „{dataset}“ gibt es nicht.")
    return graph


def resource_iri(base_iri: str, dataset: str, kind: Kind, slug: str) -> str:
    return f"{base_iri}{dataset}/{kind.segment}/{slug}"


def owned_triples(store: Store, graph: str, iri: str) -> list[ox.Triple]:
    """The resource's own triples and those of the ``<iri#…>`` nodes it links to (a membership's period)."""
    out: list[ox.Triple] = []
    todo, seen = [ox.NamedNode(iri)], {iri}
    while todo:
        found = store.outgoing(graph, todo)
        out.extend(found)
        todo = []
        for t in found:
            o = t.object
            if isinstance(o, ox.NamedNode) and o.value.startswith(iri + "#") and o.value not in seen:
                seen.add(o.value)
                todo.append(o)
    return out


def load(store: Store, base_iri: str, dataset: str, kind: Kind, slug: str) -> Resource:
    """The resource ``slug`` of ``kind`` in ``dataset``; :class:`NotFound` when it has no class of that kind."""
    graph = dataset_graph(store, dataset)
    iri = resource_iri(base_iri, dataset, kind, slug)
    triples = owned_triples(store, graph, iri)
    if not any(
        t.predicate == RDF_TYPE and value(t.subject) == iri and value(t.object) in kind.classes for t in triples
    ):
        raise NotFound(f"Unter {iri} gibt es keine Ressource der Art „{kind.label_de}“.")
    return Resource(iri, dataset, kind, triples)


def _managed(kind: Kind, resource: Resource, names: Iterable[str] | None) -> list[ox.Triple]:
    """The stored triples that the given fields (all, for ``None``) stand for — the ones a write replaces."""
    fields = [f for f in kind.fields if names is None or f.name in names]
    preds = {f.predicate for f in fields if f.name not in INTERVAL_FIELDS}
    out = [t for t in resource.triples if value(t.subject) == resource.iri and t.predicate.value in preds]
    if names is None or "typ" in names:
        out += [
            t
            for t in resource.triples
            if kind.typed
            and value(t.subject) == resource.iri
            and t.predicate == RDF_TYPE
            and value(t.object) in kind.classes
        ]
    if any(f.name in INTERVAL_FIELDS for f in fields):
        out += [t for t in resource.triples if value(t.subject).startswith(resource.iri + "#")]
        out += [t for t in resource.triples if value(t.subject) == resource.iri and t.predicate == MEMBER_DURING]
    return out


def _precondition(store: Store, graph: str, iri: str, expected: str | None, client: str | None) -> Callable[[], None]:
    """Run under the write lock: the resource must still be as it was read (and as the client saw it)."""

    def check() -> None:
        current = owned_triples(store, graph, iri)
        tag = etag(current) if current else None
        if client is not None and client != "*" and client != tag:
            raise PreconditionFailed(
                "Die Ressource wurde inzwischen geändert (If-Match passt nicht mehr); nichts wurde geschrieben. "
                "Bitte neu laden und die Änderung erneut senden.",
                [{"iri": iri, "etag": tag, "if_match": client}],
            )
        if tag != expected:
            raise _Stale()

    return check


class _Stale(Exception):
    """The resource changed between reading it and taking the lock; the write is rebuilt."""


def _write(
    writer: WritePath,
    base_iri: str,
    dataset: str,
    kind: Kind,
    slug: str,
    if_match: str | None,
    build: Callable[[Resource], Change],
) -> Resource | None:
    """Build the change from the current state and write it if the state is still current under the lock.

    Returns the new state (``None`` when the resource is gone).
    """
    for _ in range(MAX_ATTEMPTS):
        current = load(writer.store, base_iri, dataset, kind, slug)
        if if_match is not None and if_match != "*" and if_match != current.etag:
            raise PreconditionFailed(
                "Die Ressource wurde inzwischen geändert (If-Match passt nicht mehr); nichts wurde geschrieben. "
                "Bitte neu laden und die Änderung erneut senden.",
                [{"iri": current.iri, "etag": current.etag, "if_match": if_match}],
            )
        change = build(current)
        graph = change.graph
        try:
            writer.write(change, precondition=_precondition(writer.store, graph, current.iri, current.etag, if_match))
        except _Stale:
            continue
        try:
            return load(writer.store, base_iri, dataset, kind, slug)
        except NotFound:
            return None
    raise Conflict("Die Ressource wird gerade von anderen geändert; bitte später erneut versuchen.")


def create(writer: WritePath, base_iri: str, dataset: str, kind: Kind, data: dict[str, Any], slug: str) -> Resource:
    """Create a resource under ``slug``; :class:`Conflict` when the IRI is taken."""
    graph = dataset_graph(writer.store, dataset)
    iri = resource_iri(base_iri, dataset, kind, slug)
    triples = from_json(kind, iri, data, base_iri, dataset)

    def free() -> None:
        if writer.store.outgoing(graph, [ox.NamedNode(iri)]):
            raise Conflict(
                f"Unter {iri} gibt es schon eine Ressource. Bitte einen anderen Kurznamen (slug) angeben.",
                [{"iri": iri}],
            )

    free()
    writer.write(Change(graph, add=triples), precondition=free)
    return load(writer.store, base_iri, dataset, kind, slug)


def replace(
    writer: WritePath, base_iri: str, dataset: str, kind: Kind, slug: str, data: dict[str, Any], if_match: str | None
) -> Resource:
    """Replace every modelled property of the resource (the IRI stays; unmodelled properties stay)."""

    def build(current: Resource) -> Change:
        new = from_json(kind, current.iri, data, base_iri, dataset, keep_type=not kind.typed)
        return _diff(dataset, _managed(kind, current, None), new)

    return _present(_write(writer, base_iri, dataset, kind, slug, if_match, build))


def patch(
    writer: WritePath, base_iri: str, dataset: str, kind: Kind, slug: str, data: dict[str, Any], if_match: str | None
) -> Resource:
    """Replace the fields present in ``data`` (``null`` removes a field); the others stay."""

    def build(current: Resource) -> Change:
        names = set(data)
        if names & set(INTERVAL_FIELDS):
            names |= set(INTERVAL_FIELDS)
            old = current.json()
            data.update({k: old.get(k) for k in INTERVAL_FIELDS if k not in data})
        new = from_json(kind, current.iri, data, base_iri, dataset, keep_type=True, partial=True)
        return _diff(dataset, _managed(kind, current, names), new)

    return _present(_write(writer, base_iri, dataset, kind, slug, if_match, build))


def _present(resource: Resource | None) -> Resource:
    if resource is None:
        raise NotFound("Die Ressource gibt es nach der Änderung nicht mehr.")
    return resource


def _diff(dataset: str, old: list[ox.Triple], new: list[ox.Triple]) -> Change:
    old_set, new_set = set(old), set(new)
    return Change(graph_iri(dataset), add=sorted(new_set - old_set, key=str), remove=sorted(old_set - new_set, key=str))


def referrers(store: Store, graph: str, iri: str) -> list[ox.Triple]:
    """Triples of other resources that point to ``iri`` (not its own ``#`` nodes)."""
    return [t for t in store.incoming(graph, [ox.NamedNode(iri)]) if not value(t.subject).startswith(iri + "#")]


def delete(
    writer: WritePath, base_iri: str, dataset: str, kind: Kind, slug: str, if_match: str | None, cascade: bool
) -> dict[str, Any]:
    """Delete the resource; :class:`Conflict` naming who points to it unless ``cascade``.

    The cascade deletes what cannot exist without it (the Handlungsziele of a Leitziel, their
    Maßnahmen, the values of an indicator, the memberships of an actor: ``Kind.cascade``) unless it has
    another such parent, and removes every other link to a deleted resource. The shapes still check the
    result: deleting the lead of a Maßnahme is refused with the report.
    """
    deleted: list[str] = []

    def build(current: Resource) -> Change:
        store = writer.store
        graph = graph_iri(dataset)
        pointing = referrers(store, graph, current.iri)
        if pointing and not cascade:
            raise Conflict(
                "Andere Ressourcen verweisen hierauf; nichts wurde gelöscht. Bitte erst die Verweise ändern "
                "oder mit ?cascade=true löschen.",
                _name(store, graph, pointing),
            )
        doomed = _cascade(store, graph, current.iri)
        deleted[:] = sorted(doomed)
        remove: set[ox.Triple] = set()
        for node in doomed:
            remove |= set(owned_triples(store, graph, node))
            remove |= set(referrers(store, graph, node))
        return Change(graph, remove=sorted(remove, key=str))

    _write(writer, base_iri, dataset, kind, slug, if_match, build)
    return {"geloescht": deleted}


def _cascade(store: Store, graph: str, iri: str) -> set[str]:
    """``iri`` and, transitively, what cannot exist without it (and has no other parent)."""
    doomed = {iri}
    todo = [iri]
    while todo:
        node = todo.pop()
        parent = _kind_of(store, graph, node)
        if parent is None:
            continue
        for t in referrers(store, graph, node):
            child = value(t.subject)
            if child in doomed or t.predicate.value not in parent.cascade:
                continue
            others = [
                x
                for x in store.outgoing(graph, [ox.NamedNode(child)])
                if x.predicate == t.predicate and value(x.object) not in doomed
            ]
            if not others:
                doomed.add(child)
                todo.append(child)
    return doomed


def _kind_of(store: Store, graph: str, iri: str) -> Kind | None:
    for t in store.outgoing(graph, [ox.NamedNode(iri)]):
        if t.predicate == RDF_TYPE and value(t.object) in BY_CLASS:
            return BY_CLASS[value(t.object)]
    return None


def _name(store: Store, graph: str, triples: list[ox.Triple]) -> list[dict[str, Any]]:
    out = []
    for t in sorted(triples, key=lambda t: (value(t.subject), t.predicate.value)):
        label = next(
            (
                value(x.object)
                for x in store.outgoing(graph, [ox.NamedNode(value(t.subject))])
                if x.predicate.value == SKOS + "prefLabel" and isinstance(x.object, ox.Literal)
            ),
            None,
        )
        out.append({"iri": value(t.subject), "label": label, "property": t.predicate.value})
    return out


LIST_QUERY = (
    sparql_prefixes("kio", "skos", "org")
    + """SELECT * WHERE {
  GRAPH ?g {
    VALUES ?cls { CLASSES }
    ?s a ?cls .
    FILTERS
    OPTIONAL { ?s skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "de")) }
    OPTIONAL { ?s skos:notation ?code }
  }
}
"""
)
SORTS = ("code", "-code", "label", "-label")


@dataclass
class Filters:
    """List filters; IRIs may be given as a slug (``sprachfoerderung``) or relative (``akteur/vhs``)."""

    handlungsfeld: str | None = None
    akteur: str | None = None
    status: str | None = None
    typ: str | None = None
    verweist_auf: str | None = None


def list_resources(
    store: Store,
    base_iri: str,
    dataset: str,
    kind: Kind,
    filters: Filters,
    sort: str = "code",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Resource], int]:
    """One page of the resources of ``kind`` in ``dataset`` (and how many match in all)."""
    graph = dataset_graph(store, dataset)
    parts: list[str] = []
    bindings: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal] = {"g": ox.NamedNode(graph)}

    def ref(value: str, segment: str, name: str) -> ox.NamedNode:
        relative = value if ("/" in value or ":" in value) else f"{segment}/{value}"
        return _resolve_filter(name, relative, base_iri, dataset)

    if filters.handlungsfeld is not None:
        if kind.field_path is None:
            raise InvalidFilter(f"„{kind.label_de}“ lässt sich nicht nach Handlungsfeld filtern.")
        parts.append(f"?s {kind.field_path} ?feld .")
        bindings["feld"] = ref(filters.handlungsfeld, "handlungsfeld", "handlungsfeld")
    if filters.akteur is not None:
        if kind.actor_path is None:
            raise InvalidFilter(f"„{kind.label_de}“ lässt sich nicht nach Akteur filtern.")
        parts.append(f"?s {kind.actor_path} ?akteur .")
        bindings["akteur"] = ref(filters.akteur, "akteur", "akteur")
    if filters.status is not None:
        if kind.status is None:
            raise InvalidFilter(f"„{kind.label_de}“ hat keinen Status.")
        status_field = kind.get(kind.status)
        assert status_field.vocab is not None
        allowed = VOCABS[status_field.vocab]
        if filters.status not in allowed:
            raise InvalidFilter(f"Unbekannter Status „{filters.status}“; möglich: {', '.join(allowed)}.")
        parts.append(f"?s <{status_field.predicate}> ?status .")
        bindings["status"] = ox.NamedNode(allowed[filters.status])
    if filters.typ is not None:
        by_name = {local_name(c): c for c in kind.classes}
        if filters.typ not in by_name:
            raise InvalidFilter(f"Unbekannter Typ „{filters.typ}“; möglich: {', '.join(sorted(by_name))}.")
        parts.append("?s a ?typ .")
        bindings["typ"] = ox.NamedNode(by_name[filters.typ])
    if filters.verweist_auf is not None:
        parts.append("?s ?verweis ?ziel .")
        bindings["ziel"] = _resolve_filter("verweist_auf", filters.verweist_auf, base_iri, dataset)
    classes = " ".join(str(ox.NamedNode(c)) for c in kind.classes)
    query = LIST_QUERY.replace("CLASSES", classes).replace("FILTERS", "\n    ".join(parts))
    rows = store.query(query, bindings=bindings, default_graphs=[])
    assert isinstance(rows, ox.QuerySolutions)
    keys: dict[str, tuple[str, str]] = {}
    for row in rows:
        s, label, code = row["s"], row["label"], row["code"]
        if isinstance(s, ox.NamedNode) and s.value.startswith(f"{base_iri}{dataset}/{kind.segment}/"):
            code_text = code.value if isinstance(code, ox.Literal) else ""
            keys.setdefault(s.value, (code_text, label.value if isinstance(label, ox.Literal) else ""))
    order = sorted(keys, key=lambda s: _sort_key(sort, keys[s], s), reverse=sort.startswith("-"))
    page = order[offset : offset + limit]
    items = [Resource(iri, dataset, kind, owned_triples(store, graph, iri)) for iri in page]
    return items, len(order)


def _sort_key(sort: str, key: tuple[str, str], iri: str) -> tuple[Any, ...]:
    code, label = key
    natural = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p)
    if sort.lstrip("-") == "label":
        return (label.casefold(), natural, iri)
    return (code == "", natural, label.casefold(), iri)


def _resolve_filter(name: str, value: str, base_iri: str, dataset: str) -> ox.NamedNode:
    try:
        return resolve(name, value, base_iri, dataset)
    except InvalidValue as exc:
        raise InvalidFilter(str(exc), exc.errors) from exc
