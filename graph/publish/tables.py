"""An index over one dataset's triples, and CSV tables of its main classes for spreadsheet users.

The tables are for people who open them in a spreadsheet: German column names, one row per resource,
links to other resources shown by their code (``HZ1.1.2``) or German label, several values joined by
`` | ``, semicolon as separator and a byte-order mark, so that spreadsheet programs set to German read
umlauts and columns right. A cell that a spreadsheet would read as a formula (``=…``, ``-5 %``) starts with
a single quote (:mod:`graph.core.cells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from integrationsgraph.graph.core.cells import neutralise_row
from integrationsgraph.graph.core.config import ONTOLOGY_NS
from integrationsgraph.graph.core.iris import CV, DCT, ORG, RDF, SKOS
from integrationsgraph.graph.core.labels import REUSED_LABELS

RDF_TYPE = RDF + "type"
K = ONTOLOGY_NS
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class GraphIndex:
    """Triples of one graph by subject and by object, with German labels."""

    def __init__(self, triples: Iterable[ox.Triple], labels: dict[str, str] | None = None) -> None:
        self.triples = list(triples)
        self.by_subject: dict[Term, list[ox.Triple]] = {}
        self.by_object: dict[Term, list[ox.Triple]] = {}
        self.extra_labels = labels or {}
        for t in self.triples:
            self.by_subject.setdefault(t.subject, []).append(t)
            if isinstance(t.object, ox.NamedNode | ox.BlankNode):
                self.by_object.setdefault(t.object, []).append(t)

    def values(self, subject: Term, predicate: str) -> list[Term]:
        return [t.object for t in self.by_subject.get(subject, []) if t.predicate.value == predicate]

    def value(self, subject: Term, predicate: str, lang: str | None = None) -> str | None:
        """The first value (with ``lang``, the first literal in that language), as text."""
        for v in self.values(subject, predicate):
            if lang is None or (isinstance(v, ox.Literal) and v.language == lang):
                return v.value if isinstance(v, ox.Literal | ox.NamedNode) else str(v)
        return None

    def types(self, subject: Term) -> list[str]:
        return sorted(v.value for v in self.values(subject, RDF_TYPE) if isinstance(v, ox.NamedNode))

    def instances(self, *classes: str) -> list[ox.NamedNode]:
        wanted = set(classes)
        found = {
            t.subject
            for t in self.triples
            if t.predicate.value == RDF_TYPE
            and isinstance(t.object, ox.NamedNode)
            and t.object.value in wanted
            and isinstance(t.subject, ox.NamedNode)
        }
        return sorted(found, key=lambda n: (self.value(n, f"{SKOS}notation") or "", n.value))

    def label(self, term: Term) -> str:
        """The German label (``skos:prefLabel``), else the one in the ontology, else the IRI's last part."""
        if isinstance(term, ox.Literal):
            return term.value
        found = self.value(term, f"{SKOS}prefLabel", "de") or self.value(term, f"{SKOS}prefLabel")
        if found:
            return found
        if isinstance(term, ox.NamedNode):
            if term.value in self.extra_labels:
                return self.extra_labels[term.value]
            return term.value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return str(term)

    def code_or_label(self, term: Term) -> str:
        return self.value(term, f"{SKOS}notation") or self.label(term)


@dataclass(frozen=True)
class Column:
    """A column: a header and the property whose values it shows (``None``: the resource's IRI)."""

    header: str
    predicate: str | None
    show: str = "value"  # "value" (literals as they are), "code" (a linked resource's code or label), "label"


COMMON = [
    Column("IRI", None),
    Column(REUSED_LABELS[f"{SKOS}notation"], f"{SKOS}notation"),
    Column(REUSED_LABELS[f"{SKOS}prefLabel"], f"{SKOS}prefLabel"),
]

TABLES: dict[str, tuple[str, str, list[str], list[Column]]] = {
    "handlungsfelder": (
        "Handlungsfelder",
        "Fields of action",
        [f"{K}Handlungsfeld"],
        [*COMMON, Column("Beschreibung", f"{DCT}description")],
    ),
    "leitziele": (
        "Leitziele",
        "Strategic goals",
        [f"{K}Leitziel"],
        [*COMMON, Column("Handlungsfeld", f"{K}imHandlungsfeld", "code")],
    ),
    "handlungsziele": (
        "Handlungsziele",
        "Operational objectives",
        [f"{K}Handlungsziel"],
        [
            *COMMON,
            Column("Leitziel", f"{K}konkretisiert", "code"),
            Column("Indikatoren", f"{K}gemessenDurch", "code"),
        ],
    ),
    "massnahmen": (
        "Maßnahmen",
        "Measures",
        [f"{K}Massnahme"],
        [
            *COMMON,
            Column("Handlungsziele", f"{K}traegtBeiZu", "code"),
            Column("Federführung", f"{K}federfuehrend", "label"),
            Column("Kooperationspartner", f"{K}kooperationspartner", "label"),
            Column("Umsetzungsstatus", f"{K}umsetzungsstatus", "label"),
            Column("Beginn", f"{K}beginn"),
            Column("Ende", f"{K}ende"),
        ],
    ),
    "indikatoren": (
        "Indikatoren",
        "Indicators",
        [f"{K}Indikator"],
        [
            *COMMON,
            Column("Definition", f"{SKOS}definition"),
            Column("Einheit", f"{K}einheit", "label"),
            Column("Zielrichtung", f"{K}zielrichtung", "label"),
            Column("Indikatortyp", f"{K}indikatortyp", "label"),
        ],
    ),
    "messwerte": (
        "Messwerte",
        "Indicator values",
        [f"{K}Messwert"],
        [
            Column("IRI", None),
            Column("Indikator", f"{K}indikator", "code"),
            Column("Stichtag", f"{K}stichtag"),
            Column("Wert", f"{K}wert"),
            Column("Einheit", f"{K}einheit", "label"),
        ],
    ),
    "akteure": (
        "Akteure",
        "Actors",
        [
            f"{CV}PublicOrganisation",
            f"{ORG}Organization",
            f"{ORG}OrganizationalUnit",
            f"{ORG}FormalOrganization",
            f"{K}Gremium",
            f"{K}PolitischesGremium",
            f"{K}Netzwerk",
            f"{K}Tandem",
        ],
        [
            Column("IRI", None),
            Column("Bezeichnung", f"{SKOS}prefLabel"),
            Column("Art", RDF_TYPE, "label"),
            Column("Teil von", f"{ORG}unitOf", "label"),
        ],
    ),
}
"""Table name → (German title, English title, classes, columns)."""


def _cell(index: GraphIndex, subject: ox.NamedNode, column: Column) -> str:
    if column.predicate is None:
        return subject.value
    values = index.values(subject, column.predicate)
    if column.predicate in (f"{SKOS}prefLabel", f"{DCT}description", f"{SKOS}definition"):
        german: list[Term] = [v for v in values if isinstance(v, ox.Literal) and v.language == "de"]
        values = german or values[:1]
    shown = []
    for v in values:
        if column.show == "code":
            shown.append(index.code_or_label(v))
        elif column.show == "label":
            shown.append(index.label(v))
        else:
            shown.append(v.value if isinstance(v, ox.Literal | ox.NamedNode) else str(v))
    return " | ".join(sorted(shown))


def table_rows(index: GraphIndex, name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one table."""
    _de, _en, classes, columns = TABLES[name]
    rows = [[_cell(index, s, c) for c in columns] for s in index.instances(*classes)]
    return [c.header for c in columns], rows


def table_csv(index: GraphIndex, name: str) -> bytes:
    """One table as CSV (UTF-8 with byte-order mark, semicolon-separated; no cell a spreadsheet would run)."""
    header, rows = table_rows(index, name)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(neutralise_row(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")
