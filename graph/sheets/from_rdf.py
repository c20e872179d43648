"""A dataset's triples → rows of the workbook, and every triple no column carries → "Weitere Angaben".

A cell is filled only when the import would give back exactly the triple it came from (the same code,
the same literal, a reference that resolves to the same row); whatever does not fit goes, unchanged,
to the sheet "Weitere Angaben" as Subjekt / Eigenschaft / Wert. So export → import loses nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from integrationsgraph.graph.sheets.columns import (
    BY_NAME,
    PREFIXES,
    RDF_TYPE,
    SHEETS,
    SKOS,
    XSD,
    Column,
    Kind,
    Sheet,
    target_sheets,
)
from integrationsgraph.graph.sheets.read import Row
from integrationsgraph.graph.sheets.to_rdf import Item, cell_objects, interval_triples, lit

_PATH = re.compile(r"^([a-z]+)/([A-Za-z0-9][A-Za-z0-9._~-]*)$")
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass
class ExRow:
    """One resource on its way into a sheet."""

    sheet: Sheet
    iri: ox.NamedNode
    key: str
    type_iri: str | None
    cells: dict[str, object] = field(default_factory=dict)
    name: str = ""
    """What references write to point at this row."""
    refs: dict[str, list[str]] = field(default_factory=dict)
    """The IRIs each reference column points to (the diff compares these, not the names)."""


@dataclass
class Extracted:
    rows: dict[str, list[ExRow]]
    extra: list[tuple[str, str, str]]


def natural(text: str) -> tuple[object, ...]:
    """Sort key that puts ``HZ1.2`` before ``HZ1.10``."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


class Extractor:
    def __init__(self, triples: Iterable[ox.Triple], dataset: str, base_iri: str) -> None:
        self.prefix = f"{base_iri}{dataset}/"
        self.data = set(triples)
        self.by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
        self.by_object: dict[object, list[ox.Triple]] = defaultdict(list)
        for t in self.data:
            self.by_subject[t.subject].append(t)
            self.by_object[t.object].append(t)
        for ts in self.by_subject.values():
            ts.sort(key=lambda t: (str(t.predicate), str(t.object)))
        self.used: set[ox.Triple] = set()
        self.rows: dict[ox.NamedNode, ExRow] = {}

    def objects(self, s: object, p: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
        return [t.object for t in self.by_subject.get(s, []) if t.predicate.value == p]

    def place(self) -> None:
        """Give every resource that fits a sheet its row."""
        for s in list(self.by_subject):
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(self.prefix):
                continue
            m = _PATH.match(s.value[len(self.prefix) :])
            if not m:
                continue
            kind, key = m.groups()
            types = {o.value for o in self.objects(s, RDF_TYPE) if isinstance(o, ox.NamedNode)}
            for spec in SHEETS:
                chooser = spec.first(Kind.TYPE)
                options = [iri for _l, iri in chooser.choices] if chooser else list(spec.types[:1])
                hit = next((c for c in options if c in types and spec.kind_for(c) == kind), None)
                if hit is not None:
                    self.rows[s] = ExRow(spec, s, key, hit)
                    self.used.add(ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(hit)))
                    break
        labels: dict[str, int] = defaultdict(int)
        keys = {r.key.casefold() for r in self.rows.values()}
        for r in self.rows.values():
            for o in self.objects(r.iri, f"{SKOS}prefLabel"):
                if isinstance(o, ox.Literal) and o.language == "de":
                    labels[o.value.casefold()] += 1
        for r in self.rows.values():
            r.name = r.key
            if r.sheet.ref_by == "code":
                codes = [o for o in self.objects(r.iri, f"{SKOS}notation") if _plain(o)]
                if len(codes) == 1 and _fits_name(codes[0].value):  # type: ignore[union-attr]
                    r.name = codes[0].value  # type: ignore[union-attr]
            else:
                de = [o for o in self.objects(r.iri, f"{SKOS}prefLabel") if isinstance(o, ox.Literal)]
                de = [o for o in de if o.language == "de"]
                unique = len(de) == 1 and labels[de[0].value.casefold()] == 1 and _fits_name(de[0].value)
                if unique and (de[0].value.casefold() not in keys or de[0].value.casefold() == r.key.casefold()):
                    r.name = de[0].value

    def fill(self) -> None:
        for r in self.rows.values():
            for col in r.sheet.columns:
                if col.kind not in (Kind.BEGIN, Kind.END, Kind.TYPE):
                    self._column(r, col)
            for col in r.sheet.columns:
                if col.kind in (Kind.BEGIN, Kind.END):
                    self._interval(r, col)

    def _take(self, triples: list[ox.Triple]) -> bool:
        if all(t in self.data for t in triples):
            self.used.update(triples)
            return True
        return False

    def _column(self, r: ExRow, col: Column) -> None:
        s = r.iri
        if col.kind == Kind.KEY:
            r.cells[col.header] = r.key
            return
        if col.prop is None:
            return
        p = ox.NamedNode(col.prop)
        if col.kind in (Kind.REF, Kind.REFS):
            self._refs(r, col)
            return
        values: list[object] = []
        for o in self.objects(s, col.prop):
            value = _cell_value(col, o)
            if value is None or any(v == value for v in values):
                continue
            if [ox.Triple(s, p, x) for x in cell_objects(col, _as_list(col, value))] == [ox.Triple(s, p, o)]:
                values.append(value)
                self.used.add(ox.Triple(s, p, o))
                if not col.many:
                    break
        if values:
            r.cells[col.header] = values if col.many else values[0]

    def _refs(self, r: ExRow, col: Column) -> None:
        assert col.prop is not None
        p = ox.NamedNode(col.prop)
        candidates: list[object] = (
            [t.subject for t in self.by_object.get(r.iri, []) if t.predicate == p]
            if col.inverse
            else list(self.objects(r.iri, col.prop))
        )
        names = []
        for node in sorted(candidates, key=str):
            target = self.rows.get(node) if isinstance(node, ox.NamedNode) else None
            if target is None or not _allowed(col, target):
                continue
            triple = ox.Triple(target.iri, p, r.iri) if col.inverse else ox.Triple(r.iri, p, target.iri)
            needed = [triple]
            if col.also_inverse:
                needed.append(ox.Triple(target.iri, ox.NamedNode(col.also_inverse), r.iri))
            if self._take(needed):
                names.append(target.name)
                r.refs.setdefault(col.header, []).append(target.iri.value)
                if col.kind == Kind.REF:
                    break
        if names:
            r.cells[col.header] = names if col.kind == Kind.REFS else names[0]

    def _interval(self, r: ExRow, col: Column) -> None:
        frag = "beginn" if col.kind == Kind.BEGIN else "ende"
        point = ox.NamedNode(f"{r.iri.value}#{frag}")
        for o in self.objects(point, "http://www.w3.org/2006/time#inXSDDate"):
            day = _cell_value(Column("", Kind.DATE), o)
            if not isinstance(day, date):
                continue
            label = r.cells.get("Bezeichnung")
            item = Item(r.sheet, Row(0, {}), {"Bezeichnung": label} if isinstance(label, str) else {})
            item.iri = r.iri
            if self._take(interval_triples(item, col.kind, day, r.cells.get("Fiktiv") is True)):
                r.cells[col.header] = day
                return

    def remainder(self) -> list[tuple[str, str, str]]:
        left = sorted(self.data - self.used, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return [(self.term(t.subject), self.term(t.predicate), self.term(t.object)) for t in left]

    def term(self, node: object) -> str:
        """A term as Turtle: ``<akteur/x>`` below the dataset, ``kio:name`` for known prefixes."""
        if isinstance(node, ox.NamedNode):
            iri = node.value
            if iri.startswith(self.prefix):
                return f"<{iri[len(self.prefix) :]}>"
            for p, ns in PREFIXES.items():
                if iri.startswith(ns) and _LOCAL.match(iri[len(ns) :]):
                    return f"{p}:{iri[len(ns) :]}"
            return f"<{iri}>"
        if isinstance(node, ox.Literal):
            if node.language or node.datatype.value == f"{XSD}string":
                return str(node)
            text = str(ox.Literal(node.value))
            return f"{text}^^{self.term(node.datatype)}"
        return str(node)


def _plain(o: object) -> bool:
    return isinstance(o, ox.Literal) and not o.language and o.datatype.value == f"{XSD}string"


def _fits_name(text: str) -> bool:
    return text == text.strip() and bool(text) and ";" not in text and "\n" not in text


def _allowed(col: Column, target: ExRow) -> bool:
    for sheet, art in target_sheets(col):
        if sheet is target.sheet and (art is None or sheet.kind_for(target.type_iri) == art):
            return True
    return False


def _as_list(col: Column, value: object) -> object:
    return [value] if col.kind == Kind.TEXTS_DE else value


def _cell_value(col: Column, o: object) -> object:
    """The cell value that stands for ``o`` in this column, or ``None`` when none does."""
    if isinstance(o, ox.NamedNode):
        if col.kind == Kind.EMAIL and o.value.startswith("mailto:"):
            return o.value[len("mailto:") :]
        return col.choice_label(o.value) if col.kind == Kind.CHOICE else None
    if not isinstance(o, ox.Literal):
        return None
    k, dt = col.kind, o.datatype.value[len(XSD) :] if o.datatype.value.startswith(XSD) else ""
    text = o.value
    if k in (Kind.TEXT_DE, Kind.TEXT_EN, Kind.TEXTS_DE):
        want = "en" if k == Kind.TEXT_EN else "de"
        ok = o.language == want and text == text.strip() and text != "" and "\r" not in text
        return text if ok and not (k == Kind.TEXTS_DE and "\n" in text) else None
    if o.language:
        return None
    try:
        if k in (Kind.CODE, Kind.STRING) and dt == "string" and text == text.strip() and text:
            return text if not col.choices or col.choice_label(text) == text else None
        if k == Kind.DECIMAL and dt == "decimal":
            return Decimal(text)
        if k == Kind.INTEGER and dt == "integer":
            return int(text)
        if k in (Kind.DATE, Kind.BEGIN, Kind.END) and dt == "date" and len(text) == 10:
            return date.fromisoformat(text)
        if k == Kind.BOOLEAN and dt == "boolean":
            return lit(text == "true") == o and text == "true"
    except ValueError:
        return None
    return None


def extract(triples: Iterable[ox.Triple], dataset: str, base_iri: str) -> Extracted:
    """The rows of every sheet (in a stable order) and the remaining triples."""
    ex = Extractor(triples, dataset, base_iri)
    ex.place()
    ex.fill()
    rows: dict[str, list[ExRow]] = {s.name: [] for s in SHEETS}
    for r in ex.rows.values():
        rows[r.sheet.name].append(r)
    for name, items in rows.items():
        coded = BY_NAME[name].ref_by == "code"
        items.sort(key=lambda r: natural(str(r.cells.get("Code") if coded else r.cells.get("Bezeichnung", r.key))))
    return Extracted(rows, ex.remainder())
