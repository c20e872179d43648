"""Versions of a concept (Fortschreibungen): one named graph each, linked to the one it replaces, and their diff.

Version ``2025`` of dataset ``musterstadt`` lives in ``…/graph/musterstadt/v/2025``. The graph's IRI is its
version record, stated in the graph itself: ``dcat:version "2025"``, ``dct:isVersionOf`` the dataset graph,
and ``dcat:previousVersion`` / ``dct:replaces`` the closest earlier version. Resources keep their IRIs across
versions (they come from the codes), so the diff compares the same IRIs: added, removed, changed — in the
workbook's terms (sheets and column headers), as text and JSON.

The diff reads each version through the one privacy filter (:func:`graph.store.privacy.readable_triples`): for the
public it holds no personal data (not even that a private person changed); only a reader with the right (the
write token, or the command line on the store itself) sees the private companions' triples too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import IntegrationsgraphError, NotFound
from integrationsgraph.graph.sheets.columns import ACTORS, SHEETS, Kind
from integrationsgraph.graph.sheets.from_rdf import ExRow, extract, natural
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.privacy import Privacy, readable_triples

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$")
CURRENT = "aktuell"
"""The name that stands for the dataset graph itself (the current state, not a stored version)."""
SKIPPED_HEADERS = {"Kennung"}
ACTORS_CATEGORY = "Akteure, Gremien und Netzwerke"


class InvalidVersion(IntegrationsgraphError):
    """A version name that cannot be part of a graph IRI."""


def version_graph(dataset: str, version: str) -> str:
    """``…/graph/{dataset}/v/{version}`` (``aktuell`` is the dataset graph itself)."""
    if version == CURRENT:
        return graph_iri(dataset)
    if not _NAME.match(version):
        raise InvalidVersion(
            f"Ungültiger Versionsname „{version}“: bitte nur Buchstaben, Ziffern, „.“, „-“ und „_“ (z. B. 2025)."
        )
    return graph_iri(f"{dataset}/v/{version}")


def versions(store: Store, dataset: str) -> list[str]:
    """The stored versions of a dataset, oldest first (natural order: 2020 < 2025, v2 < v10)."""
    prefix = graph_iri(f"{dataset}/v/")
    names = [g[len(prefix) :] for g in store.graphs() if g.startswith(prefix) and "/" not in g[len(prefix) :]]
    return sorted(names, key=natural)


def previous_version(store: Store, dataset: str, version: str) -> str | None:
    """The closest stored version before ``version``."""
    earlier = [v for v in versions(store, dataset) if natural(v) < natural(version)]
    return earlier[-1] if earlier else None


def version_record(store: Store, dataset: str, version: str) -> list[ox.Triple]:
    """The triples that describe version ``version`` (subject: its graph IRI), linked to the one it replaces."""
    me = ox.NamedNode(version_graph(dataset, version))
    out = [
        ox.Triple(me, ox.NamedNode(f"{DCAT}version"), ox.Literal(version)),
        ox.Triple(me, ox.NamedNode(f"{DCT}isVersionOf"), ox.NamedNode(graph_iri(dataset))),
    ]
    before = previous_version(store, dataset, version)
    if before is not None:
        prev = ox.NamedNode(version_graph(dataset, before))
        out.append(ox.Triple(me, ox.NamedNode(f"{DCAT}previousVersion"), prev))
        out.append(ox.Triple(me, ox.NamedNode(f"{DCT}replaces"), prev))
    return out


# ---------------------------------------------------------------------------------------------------------
# Diff
# ---------------------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    iri: str
    code: str
    label: str
    fields: list[FieldChange] = field(default_factory=list)

    def title(self) -> str:
        return " ".join(p for p in (self.code, f"„{self.label}“" if self.label else "") if p) or self.iri


@dataclass
class Category:
    name: str
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Diff:
    """What changed from one version to another, per kind of entry."""

    dataset: str
    source: str
    target: str
    categories: list[Category]
    other_added: int = 0
    other_removed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "from": self.source,
            "to": self.target,
            "summary": {
                c.name: {k: len(getattr(c, k)) for k in ("added", "removed", "changed")} for c in self.categories
            },
            "categories": [asdict(c) for c in self.categories if not c.empty()],
            "weitere_angaben": {"added": self.other_added, "removed": self.other_removed},
        }

    def to_text(self) -> str:
        lines = [f"Änderungen im Datensatz „{self.dataset}“ von Version {self.source} zu Version {self.target}"]
        if all(c.empty() for c in self.categories) and not (self.other_added or self.other_removed):
            return lines[0] + ": keine.\n"
        for c in self.categories:
            if c.empty():
                continue
            lines.append("")
            lines.append(f"{c.name}: {len(c.added)} neu, {len(c.removed)} entfallen, {len(c.changed)} geändert")
            lines += [f"  + {e.title()}" for e in c.added]
            lines += [f"  − {e.title()}" for e in c.removed]
            for e in c.changed:
                lines.append(f"  ~ {e.title()}")
                lines += [f"      {f.field}: {_shown(f.before)} → {_shown(f.after)}" for f in e.fields]
        if self.other_added or self.other_removed:
            lines.append("")
            lines.append(f"Weitere Angaben: {self.other_added} Tripel neu, {self.other_removed} entfallen")
        return "\n".join(lines) + "\n"


def _shown(text: str) -> str:
    return f"„{text}“" if text else "(leer)"


def diff(
    store: Store,
    dataset: str,
    source: str,
    target: str,
    base_iri: str,
    *,
    private: bool = False,
    privacy: Privacy | None = None,
) -> Diff:
    """Compare two versions (or a version and ``aktuell``) of ``dataset``.

    What the public may see of them (``private``: with their private companions, for a reader with the right).
    """
    graphs = {}
    for name in (source, target):
        g = version_graph(dataset, name)
        if g not in store.graphs():
            known = ", ".join(versions(store, dataset)) or "keine"
            raise NotFound(f"Version „{name}“ von „{dataset}“ gibt es nicht (gespeicherte Versionen: {known}).")
        graphs[name] = g
    old = _extract(
        readable_triples(store, graphs[source], private=private, privacy=privacy), graphs[source], dataset, base_iri
    )
    new = _extract(
        readable_triples(store, graphs[target], private=private, privacy=privacy), graphs[target], dataset, base_iri
    )
    categories: list[Category] = []
    for spec in SHEETS:
        cat = Category(ACTORS_CATEGORY if spec.name in ACTORS else spec.name)
        if categories and categories[-1].name == cat.name:
            cat = categories.pop()
        a = {r.iri.value: r for r in old[0].get(spec.name, [])}
        b = {r.iri.value: r for r in new[0].get(spec.name, [])}
        cat.added += [_entry(b[i]) for i in b if i not in a]
        cat.removed += [_entry(a[i]) for i in a if i not in b]
        for i in b:
            if i in a:
                fields = _fields(a[i], b[i])
                if fields:
                    entry = _entry(b[i])
                    entry.fields = fields
                    cat.changed.append(entry)
        categories.append(cat)
    for cat in categories:
        for entries in (cat.added, cat.removed, cat.changed):
            entries.sort(key=lambda e: natural(e.code or e.label))
    return Diff(dataset, source, target, categories, len(new[1] - old[1]), len(old[1] - new[1]))


def _extract(
    readable: list[ox.Triple], graph: str, dataset: str, base_iri: str
) -> tuple[dict[str, list[ExRow]], set[tuple[str, ...]]]:
    triples = [t for t in readable if not (isinstance(t.subject, ox.NamedNode) and t.subject.value == graph)]
    ex = extract(triples, dataset, base_iri)
    return ex.rows, set(ex.extra)


def _entry(r: ExRow) -> Entry:
    code = r.cells.get("Code")
    label = r.cells.get("Bezeichnung")
    return Entry(r.iri.value, code if isinstance(code, str) else "", label if isinstance(label, str) else r.key)


def _fields(a: ExRow, b: ExRow) -> list[FieldChange]:
    out = []
    for col in a.sheet.columns:
        if col.header in SKIPPED_HEADERS:
            continue
        if col.kind in (Kind.REF, Kind.REFS):
            before, after = a.refs.get(col.header, []), b.refs.get(col.header, [])
            same = before == after
        else:
            same = a.cells.get(col.header) == b.cells.get(col.header)
        if col.kind == Kind.TYPE:
            same = a.type_iri == b.type_iri
        if not same:
            out.append(FieldChange(col.header, _text(a, col.header), _text(b, col.header)))
    return out


def _text(r: ExRow, header: str) -> str:
    value = r.cells.get(header)
    if header in ("Typ", "Art"):
        chooser = r.sheet.first(Kind.TYPE)
        return (chooser.choice_label(r.type_iri) or "") if chooser and r.type_iri else ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return "" if value is None else str(value)
