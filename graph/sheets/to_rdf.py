"""Rows of a workbook → triples, with every error per cell and a map IRI → (sheet, row) for SHACL results.

Each row becomes one resource ``{base}{dataset}/{kind}/{Kennung}``. Without a Kennung it is formed from the
code (``LZ1.1`` → ``lz1-1``), else from the German name, else from the row's references — the same cells
give the same IRI, so a re-import finds the same resources.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from integrationsgraph.graph.core.cells import restore
from integrationsgraph.graph.sheets.columns import (
    ACTORS,
    EXAMPLE_MARK,
    EXTRA,
    EXTRA_HEADERS,
    KIO,
    PREFIXES,
    RDF_TYPE,
    SHEETS,
    SKOS,
    TIME,
    XSD,
    Column,
    Kind,
    Sheet,
    target_sheets,
    target_words,
)
from integrationsgraph.graph.sheets.errors import CellError, ImportFailed
from integrationsgraph.graph.sheets.read import (
    RawBook,
    Row,
    Value,
    check_layout,
    to_date,
    to_decimal,
    to_integer,
    to_text,
)
from integrationsgraph.graph.sheets.values import BREAKDOWNS, ValueIdentity, duplicate_message, slug

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")
_YES = {"ja", "j", "x", "wahr", "true", "1", "yes"}
_NO = {"nein", "n", "falsch", "false", "0", "no"}
VALUES = "Messwerte"
"""The sheet whose rows are named by indicator, Stichtag and breakdown (:mod:`graph.sheets.values`)."""
SEPARATOR = ";"
"""Between several references in one cell (names may contain commas)."""


def lit(value: str | int | Decimal | date | bool, datatype: str = "string") -> ox.Literal:
    """A typed literal in the canonical form the store keeps (``42.0`` → ``42``)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(f"{XSD}boolean"))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return ox.Literal(text, datatype=ox.NamedNode(f"{XSD}decimal"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(f"{XSD}integer"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(f"{XSD}date"))
    return ox.Literal(value)


@dataclass
class Item:
    """One data row on its way to RDF."""

    sheet: Sheet
    row: Row
    values: dict[str, object] = field(default_factory=dict)
    type_iri: str | None = None
    key: str | None = None
    iri: ox.NamedNode | None = None

    def text(self, header: str) -> str | None:
        v = self.values.get(header)
        return v if isinstance(v, str) else None


@dataclass
class Built:
    """What a workbook says: its triples, and where each resource came from."""

    triples: set[ox.Triple]
    origins: dict[str, tuple[str, int]]
    items: list[Item]


class Builder:
    """Turns a :class:`RawBook` into triples for one dataset; collects errors instead of stopping."""

    def __init__(self, dataset: str, base_iri: str) -> None:
        self.dataset = dataset
        self.prefix = f"{base_iri}{dataset}/"
        self.errors: list[CellError] = []
        self.items: list[Item] = []
        self.by_sheet: dict[str, list[Item]] = defaultdict(list)
        self.triples: set[ox.Triple] = set()
        self.origins: dict[str, tuple[str, int]] = {}
        self.missing: list[tuple[Item, Column]] = []
        self._values: dict[ValueIdentity, Item] = {}

    # -- errors ------------------------------------------------------------------------------------------

    def error(self, item: Item, header: str, value: object, message: str, kind: str = "eingabe") -> None:
        letter = item.row.letters.get(header, "")
        shown = to_text(value) if not isinstance(value, str) else value  # type: ignore[arg-type]
        self.errors.append(CellError(item.sheet.name, item.row.number, letter, header, shown, message, kind))

    # -- phase 1: cells ----------------------------------------------------------------------------------

    def read(self, book: RawBook) -> None:
        for spec in SHEETS:
            for row in book.sheets[spec.name].rows:
                first = row.values.get(spec.columns[0].header)
                if isinstance(first, str) and first.upper().startswith(EXAMPLE_MARK):
                    continue
                item = Item(spec, row)
                for col in spec.columns:
                    self._cell(item, col, row.values.get(col.header))
                self.items.append(item)
                self.by_sheet[spec.name].append(item)

    def _cell(self, item: Item, col: Column, raw: Value) -> None:
        if isinstance(raw, str):
            raw = restore(raw)  # the export's quote before a text that a spreadsheet would run (graph.core.cells)
        if raw is None:
            if col.required:
                self.missing.append((item, col))
            return
        try:
            item.values[col.header] = self._parse(col, raw)
        except ValueError as exc:
            own = col.kind in (Kind.KEY, Kind.EMAIL) and str(exc)  # the others raise with the value, not a message
            self.error(item, col.header, raw, own or _expected(col))
            return
        if col.kind == Kind.TYPE:
            item.type_iri = col.choice_iri(str(raw))
        if col.kind == Kind.KEY:
            item.key = str(raw)

    def _parse(self, col: Column, raw: Value) -> object:
        k = col.kind
        if k in (Kind.DECIMAL,):
            number = to_decimal(raw)
            if col.share and isinstance(raw, str) and raw.strip().endswith("%"):
                return number / 100  # „1,5 %“ in a rate column is 0.015
            return number
        if k == Kind.INTEGER:
            return to_integer(raw)
        if k in (Kind.DATE, Kind.BEGIN, Kind.END):
            return to_date(raw)
        if k == Kind.BOOLEAN:
            if isinstance(raw, bool):
                return raw
            word = to_text(raw).casefold()
            if word in _YES or word in _NO:
                return word in _YES
            raise ValueError(_expected(col))
        text = to_text(raw)
        if k in (Kind.CHOICE, Kind.TYPE):
            if col.choice_iri(text) is None:
                raise ValueError(_expected(col))
            return text
        if k == Kind.STRING and col.choices:  # a word from a list (Geschlecht), stored as the list has it
            if (chosen := col.choice_iri(text)) is None:
                raise ValueError(_expected(col))
            return chosen
        if k == Kind.EMAIL and not _EMAIL.match(text):
            raise ValueError("Keine E-Mail-Adresse. Bitte z. B. name@example.org eintragen.")
        if k == Kind.KEY and not _KEY.match(text):
            raise ValueError("Die Kennung darf nur Buchstaben ohne Umlaute, Ziffern, „-“, „.“ und „_“ enthalten.")
        if k == Kind.REFS:
            return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
        if k == Kind.TEXTS_DE:
            return [p.strip() for p in text.split("\n") if p.strip()]
        return text

    # -- phase 2: identities -----------------------------------------------------------------------------

    def identify(self) -> None:
        seen_codes: dict[tuple[str, str], Item] = {}
        seen_iris: dict[str, Item] = {}
        for item in self.items:
            spec = item.sheet
            code = item.text("Code")
            if code is not None:
                other = seen_codes.get((spec.name, code.casefold()))
                if other is not None:
                    self.error(
                        item, "Code", code, f"Der Code kommt doppelt vor (auch in Zeile {other.row.number}).", "doppelt"
                    )
                    continue
                seen_codes[(spec.name, code.casefold())] = item
            if spec.first(Kind.TYPE) is None:
                item.type_iri = spec.types[0] if spec.types else None
            elif item.type_iri is None:
                continue  # the Art/Typ cell already has an error
            key = item.key or slug(code or item.text("Bezeichnung") or "")
            if not key:
                continue  # formed from references later
            self._assign(item, key, seen_iris)
        self._seen_iris = seen_iris

    def _assign(self, item: Item, key: str, seen: dict[str, Item], *, derived: bool = False) -> None:
        kind = item.sheet.kind_for(item.type_iri)
        iri = f"{self.prefix}{kind}/{key}"
        other = seen.get(iri)
        if other is not None:
            header = "Kennung" if item.key or derived else ("Code" if item.text("Code") else "Bezeichnung")
            self.error(
                item,
                header,
                item.values.get(header, key),
                f"Die Kennung „{key}“ ist schon vergeben (Blatt „{other.sheet.name}“, Zeile {other.row.number}). "
                "Bitte eine eigene Kennung eintragen.",
                "doppelt",
            )
            return
        seen[iri] = item
        item.key = key
        item.iri = ox.NamedNode(iri)
        self.origins[iri] = (item.sheet.name, item.row.number)

    def _lookup(self) -> dict[str, dict[str, list[Item]]]:
        index: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
        for item in self.items:
            if item.iri is None:
                continue
            names = {item.key or ""}
            if item.sheet.ref_by == "code":
                names.add(item.text("Code") or "")
            else:
                names.add(item.text("Bezeichnung") or "")
            for n in names - {""}:
                index[item.sheet.name][n.casefold()].append(item)
        return index

    def resolve(self, item: Item, col: Column, name: str, index: dict[str, dict[str, list[Item]]]) -> Item | None:
        found: list[Item] = []
        for sheet, art in target_sheets(col):
            for cand in index[sheet.name].get(name.casefold(), []):
                if art is None or cand.sheet.kind_for(cand.type_iri) == art:
                    found.append(cand)
        found = list({id(f): f for f in found}.values())
        if len(found) == 1:
            return found[0]
        where = target_words(col)
        if not found:
            by_code = all(s.ref_by == "code" for s, _ in target_sheets(col))
            what = "diesem Code" if by_code else "dieser Bezeichnung oder Kennung"
            message = f"Verweis ins Leere: Es gibt keinen Eintrag mit {what} im Blatt {where}."
            self.error(item, col.header, name, message, "verweis")
        else:
            rows = ", ".join(f"{f.sheet.name} Zeile {f.row.number}" for f in found)
            self.error(
                item,
                col.header,
                name,
                f"Mehrdeutig: Mehrere Einträge heißen so ({rows}). Bitte die Kennung verwenden.",
                "verweis",
            )
        return None

    # -- phase 3: triples --------------------------------------------------------------------------------

    def emit(self) -> None:
        index = self._lookup()
        resolved: dict[int, dict[str, list[Item]]] = {}
        for item in self.items:
            refs: dict[str, list[Item]] = {}
            for col in item.sheet.columns:
                if col.kind not in (Kind.REF, Kind.REFS) or col.header not in item.values:
                    continue
                names = item.values[col.header]
                names = names if isinstance(names, list) else [names]
                refs[col.header] = [r for n in names if (r := self.resolve(item, col, str(n), index)) is not None]
            resolved[id(item)] = refs
            if item.sheet.name == VALUES:
                self._value(item, refs)
            elif item.iri is None and item.type_iri is not None and not item.text("Code"):
                parts = [r.key or "" for col in item.sheet.columns for r in refs.get(col.header, [])]
                if any(parts):
                    self._assign(item, slug("-".join(parts)), self._seen_iris)
        for item in self.items:
            if item.iri is not None:
                self.triples |= set(row_triples(item, resolved[id(item)]))
                for frag in ("zeitraum", "beginn", "ende"):
                    self.origins.setdefault(f"{item.iri.value}#{frag}", (item.sheet.name, item.row.number))

    def _value(self, item: Item, refs: dict[str, list[Item]]) -> None:
        """A value's Kennung from indicator, Stichtag and breakdown (:mod:`graph.sheets.values`); a second row
        with the same is a duplicate, named with both rows."""
        indicator, area, day = refs.get("Indikator"), refs.get("Gebiet"), item.values.get("Stichtag")
        if not indicator or not area or not isinstance(day, date):
            return  # a missing or broken cell has its own error
        place = area[0]
        ident = ValueIdentity(
            indicator[0].iri.value if indicator[0].iri else "",
            place.iri.value if place.iri else None,
            day,
            item.text("Geschlecht"),
            item.text("Altersgruppe"),
        )
        other = self._values.get(ident)
        if other is not None:
            shown = tuple(h for h in ("Indikator", "Gebiet", "Stichtag", *BREAKDOWNS[1:]) if h in item.row.letters)
            self.error(item, "Stichtag", day, duplicate_message(other.row.number, item.row.number, shown), "doppelt")
            return
        self._values[ident] = item
        if item.iri is not None or item.key is not None:
            return  # the row has its own Kennung
        sozialraum = place.key if place.sheet.kind_for(place.type_iri) == "sozialraum" else None
        self._assign(item, ident.key(indicator[0].key or "", sozialraum), self._seen_iris, derived=True)

    def required(self) -> None:
        """An empty required cell is an error, unless "Weitere Angaben" states that property for the row; so is
        an empty cell that another one makes required (``required_with``: a status set by hand needs its reason).

        References to actors are left to the shapes: they may point to a person, whose triples are private
        (``graph.store.privacy``) and so neither exported nor in the workbook, yet present in the store.
        """
        stated = {(t.subject, t.predicate) for t in self.triples} | {(t.object, t.predicate) for t in self.triples}
        for item, col in self.missing:
            if item.iri is not None and col.prop is not None and (item.iri, ox.NamedNode(col.prop)) in stated:
                continue
            if set(col.targets) & set(ACTORS):
                continue
            self.error(item, col.header, "", f"Pflichtfeld: bitte „{col.header}“ ausfüllen.")
        for item in self.items:
            for col in item.sheet.columns:
                if not col.required_with or col.required_with not in item.values or col.header in item.values:
                    continue
                if item.iri is not None and col.prop is not None and (item.iri, ox.NamedNode(col.prop)) in stated:
                    continue
                self.error(
                    item,
                    col.header,
                    "",
                    f"Pflichtfeld, weil „{col.required_with}“ ausgefüllt ist: bitte „{col.header}“ ausfüllen.",
                )

    def extra(self, book: RawBook) -> None:
        sheet = book.sheets.get(EXTRA)
        if sheet is None:
            return
        head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        for row in sheet.rows:
            cells = [restore(to_text(row.values.get(h))) for h in EXTRA_HEADERS]
            if cells[0].upper().startswith(EXAMPLE_MARK):
                continue
            text = head + " ".join(cells) + " .\n"
            try:
                parsed = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=self.prefix))
            except SyntaxError as exc:
                letter = row.letters.get("Wert", "")
                msg = f"Kein gültiges RDF (Turtle) in dieser Zeile: {exc.msg}"
                self.errors.append(CellError(EXTRA, row.number, letter, "Wert", " ".join(cells), msg))
                continue
            for q in parsed:
                self.triples.add(q.triple)
                if isinstance(q.subject, ox.NamedNode):
                    self.origins.setdefault(q.subject.value, (EXTRA, row.number))


def row_triples(item: Item, refs: dict[str, list[Item]]) -> list[ox.Triple]:
    """The triples of one row (its resolved references given)."""
    assert item.iri is not None
    s = item.iri
    out: list[ox.Triple] = []
    if item.type_iri is not None:
        out.append(ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(item.type_iri)))
    for t in item.sheet.types[1:]:
        out.append(ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(t)))
    fiktiv = item.values.get("Fiktiv") is True
    for col in item.sheet.columns:
        if col.header not in item.values:
            continue
        value = item.values[col.header]
        if col.kind in (Kind.REF, Kind.REFS):
            for target in refs.get(col.header, []):
                assert col.prop is not None and target.iri is not None
                p = ox.NamedNode(col.prop)
                out.append(ox.Triple(target.iri, p, s) if col.inverse else ox.Triple(s, p, target.iri))
                if col.also_inverse:
                    out.append(ox.Triple(target.iri, ox.NamedNode(col.also_inverse), s))
        elif col.kind in (Kind.BEGIN, Kind.END):
            assert isinstance(value, date)
            out += interval_triples(item, col.kind, value, fiktiv)
        elif col.prop is not None:
            out += [ox.Triple(s, ox.NamedNode(col.prop), o) for o in cell_objects(col, value)]
    return out


def cell_objects(col: Column, value: object) -> list[ox.NamedNode | ox.Literal]:
    """The RDF objects a (parsed) cell value stands for."""
    k = col.kind
    if k == Kind.TEXT_DE:
        return [ox.Literal(str(value), language="de")]
    if k == Kind.TEXT_EN:
        return [ox.Literal(str(value), language="en")]
    if k == Kind.TEXTS_DE:
        assert isinstance(value, list)
        return [ox.Literal(v, language="de") for v in value]
    if k in (Kind.CHOICE,):
        iri = col.choice_iri(str(value))
        return [ox.NamedNode(iri)] if iri else []
    if k in (Kind.DECIMAL, Kind.INTEGER, Kind.DATE, Kind.BOOLEAN) and isinstance(value, Decimal | int | date | bool):
        return [lit(value)]
    if k in (Kind.STRING, Kind.CODE):
        return [lit(str(value))]
    if k == Kind.EMAIL:
        return [ox.NamedNode(f"mailto:{value}")]
    return []


def interval_triples(item: Item, kind: Kind, day: date, fiktiv: bool) -> list[ox.Triple]:
    """``<m> org:memberDuring <m#zeitraum>``, the interval, and its begin or end instant (labelled, dated)."""
    assert item.iri is not None
    m = item.iri.value
    span, point = ox.NamedNode(f"{m}#zeitraum"), ox.NamedNode(f"{m}#{'beginn' if kind == Kind.BEGIN else 'ende'}")
    label = item.text("Bezeichnung")
    t = ox.NamedNode(RDF_TYPE)
    out = [
        ox.Triple(item.iri, ox.NamedNode("http://www.w3.org/ns/org#memberDuring"), span),
        ox.Triple(span, t, ox.NamedNode(f"{TIME}Interval")),
        ox.Triple(span, ox.NamedNode(f"{TIME}{'hasBeginning' if kind == Kind.BEGIN else 'hasEnd'}"), point),
        ox.Triple(point, t, ox.NamedNode(f"{TIME}Instant")),
        ox.Triple(point, ox.NamedNode(f"{TIME}inXSDDate"), lit(day)),
        ox.Triple(
            point,
            ox.NamedNode(f"{SKOS}prefLabel"),
            ox.Literal(f"{'Beginn' if kind == Kind.BEGIN else 'Ende'} {day.isoformat()}", language="de"),
        ),
    ]
    if label:
        text = f"Zeitraum der Mitgliedschaft: {label}"
        out.append(ox.Triple(span, ox.NamedNode(f"{SKOS}prefLabel"), ox.Literal(text, language="de")))
    if fiktiv:
        out += [ox.Triple(n, ox.NamedNode(f"{KIO}fiktiv"), lit(True)) for n in (span, point)]
    return out


def _expected(col: Column) -> str:
    if col.expected:
        return col.expected
    k = col.kind
    if k == Kind.DECIMAL:
        return "Keine Zahl. Bitte eine Zahl eintragen, z. B. 1.234,5 oder 12,5."
    if k == Kind.INTEGER:
        return "Keine ganze Zahl. Bitte eine ganze Zahl eintragen, z. B. 2."
    if k in (Kind.DATE, Kind.BEGIN, Kind.END):
        return "Kein Datum. Bitte ein Datum als TT.MM.JJJJ eintragen, z. B. 27.06.2017."
    if k == Kind.BOOLEAN:
        return "Bitte „ja“ oder „nein“ eintragen."
    allowed = ", ".join(f"„{label}“" for label, _ in col.choices)
    return f"Dieser Wert ist nicht vorgesehen. Erlaubt sind: {allowed}."


def build(book: RawBook, dataset: str, base_iri: str) -> Built:
    """Every triple the workbook says, or :class:`ImportFailed` with every error (layout, cells, references)."""
    layout = check_layout(book)
    if layout:
        raise ImportFailed(book.source, layout)
    b = Builder(dataset, base_iri)
    b.read(book)
    b.identify()
    b.emit()
    b.extra(book)
    b.required()
    if b.errors:
        raise BuildFailed(book.source, b.errors, Built(b.triples, b.origins, b.items))
    return Built(b.triples, b.origins, b.items)


class BuildFailed(ImportFailed):
    """Cells or references are wrong; ``built`` holds what the rest of the workbook says, so the rules can be
    checked on it in the same pass (:func:`graph.sheets.workbook.import_workbook`)."""

    def __init__(self, source: str, errors: list[CellError], built: Built) -> None:
        super().__init__(source, errors)
        self.built = built
