"""What a write would do, said by entity: which resources it adds, changes and removes, by kind and label.

An import's preview (``import --dry-run``, ``POST /api/import?dry_run=true``) and the guard against replacing a
dataset by mistake both start from the graph as it is (``current``) and as the write would leave it
(``wanted``). :func:`preview` groups the difference by subject: a subject only in ``wanted`` is added, one only
in ``current`` removed, one in both with other triples changed. Each is named by its ``skos:prefLabel`` (German
first) and its kind by the local name of its ``rdf:type`` (``Massnahme``, ``Indikator`` …), taken from whichever
side still has it.

:func:`shrinks_too_much` is the guard's rule: a write that would remove more than half of a dataset's triples;
:func:`guard` refuses such a write (:class:`ReplaceRefused`, HTTP 409) unless the caller says it is meant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import GRAPH_BASE
from integrationsgraph.graph.core.errors import ReplaceRefused

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SHRINK_LIMIT = 0.5
"""A write that would remove more than this share of a dataset's triples needs an explicit confirmation."""


@dataclass(frozen=True)
class Entity:
    """One resource the write touches."""

    iri: str
    label: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label, "kind": self.kind}


@dataclass
class Preview:
    """The entities a write adds, changes and removes, and the counts per kind."""

    added: list[Entity] = field(default_factory=list)
    changed: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    confirm_needed: bool = False
    """Whether the write itself would be refused without a confirmation (:func:`guard`)."""

    def by_kind(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "changed": 0, "removed": 0})
        for what, entities in (("added", self.added), ("changed", self.changed), ("removed", self.removed)):
            for e in entities:
                counts[e.kind][what] += 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "confirm_needed": self.confirm_needed,
            "by_kind": self.by_kind(),
            "entities": {
                "added": [e.to_dict() for e in self.added],
                "changed": [e.to_dict() for e in self.changed],
                "removed": [e.to_dict() for e in self.removed],
            },
        }


def _by_subject(triples: Iterable[ox.Triple]) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            out[t.subject.value].append(t)
    return out


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _describe(iri: str, triples: list[ox.Triple]) -> Entity:
    labels = {
        t.object.language or "": t.object.value
        for t in triples
        if t.predicate.value == PREF_LABEL and isinstance(t.object, ox.Literal)
    }
    kinds = sorted(
        _local(t.object.value) for t in triples if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
    )
    label = labels.get("de") or labels.get("") or next(iter(sorted(labels.values())), _local(iri))
    return Entity(iri, label, kinds[0] if kinds else "Ressource")


def preview(current: set[ox.Triple], wanted: set[ox.Triple]) -> Preview:
    """The entities that differ between ``current`` and ``wanted``, sorted by kind and label."""
    before, after = _by_subject(current), _by_subject(wanted)
    touched = {t.subject.value for t in (current ^ wanted) if isinstance(t.subject, ox.NamedNode)}
    out = Preview()
    for iri in touched:
        if iri not in before:
            out.added.append(_describe(iri, after[iri]))
        elif iri not in after:
            out.removed.append(_describe(iri, before[iri]))
        else:
            out.changed.append(_describe(iri, before[iri] + after[iri]))  # the new label wins
    for entities in (out.added, out.changed, out.removed):
        entities.sort(key=lambda e: (e.kind, e.label.casefold(), e.iri))
    return out


def shrinks_too_much(current: int, removed: int) -> bool:
    """Whether removing ``removed`` of ``current`` triples is more than :data:`SHRINK_LIMIT` of the dataset."""
    return current > 0 and removed > current * SHRINK_LIMIT


def normalized(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """The triples as the store keeps them (canonical literals: ``42.0`` → ``42``, ``1`` → ``true``), so that
    they compare equal to what the store gives back."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return {q.triple for q in scratch}


def guard(current: set[ox.Triple], wanted: set[ox.Triple], graph: str, how: str) -> None:
    """Raise :class:`ReplaceRefused` when making the dataset graph ``graph`` hold ``wanted`` instead of ``current``
    would remove more than half of it (``how``: how to confirm, for the message). Graphs outside the datasets'
    namespace (a new upload's graph, say) are not guarded."""
    if not graph.startswith(GRAPH_BASE):
        return
    removed = len(current - wanted)
    if shrinks_too_much(len(current), removed):
        raise ReplaceRefused(graph, len(current), removed, how)
