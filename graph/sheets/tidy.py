"""An indicator's values as a tidy CSV file (Open SDG's shape) → the indicator's whole series, as ONE validated change.

The format (docs/messwerte.md): UTF-8, comma-separated, decimal point; a header line with ``Jahr`` first and
``Wert`` last, between them any of ``Stichtag`` (TT.MM.JJJJ; without it 31.12. of the year), ``Einheit`` (a
QUDT local name such as ``PERCENT``, the indicator's own), ``Gebiet`` (a Sozialraum's Kennung, Kürzel or name;
empty: the whole municipality), ``Geschlecht`` (weiblich | männlich | divers) and ``Altersgruppe`` (text). It is
what ``graph/monitoring`` exports; a leading ``'`` that the export puts before a cell a spreadsheet would run is
taken off again (:func:`graph.core.cells.restore`).

The file is the indicator's whole series: afterwards the indicator has exactly the values in the file. A value
keeps its IRI (:mod:`graph.sheets.values`, the same Kennung as in the workbook) and the triples the file does not
speak about (an English label, say); values not in the file are removed. Every error names its line and column,
in German, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.cells import restore
from integrationsgraph.graph.core.errors import ValidationFailed
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.sheets.columns import EINHEIT, GESCHLECHT, KIO, PREFIXES, RDF_TYPE, SDMX_DIM, SKOS, UNIT
from integrationsgraph.graph.sheets.errors import CellError, ImportFailed
from integrationsgraph.graph.sheets.read import MAX_BYTES, to_date, to_decimal
from integrationsgraph.graph.sheets.to_rdf import lit
from integrationsgraph.graph.sheets.values import BREAKDOWNS, ValueIdentity, duplicate_message
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath

HEADERS = ("Jahr", "Stichtag", "Einheit", "Gebiet", "Geschlecht", "Altersgruppe", "Wert")
"""Every column, in the order the export writes them (only ``Jahr`` and ``Wert`` are required)."""
MANAGED = {f"{KIO}{p}" for p in ("indikator", "stichtag", "wert", "einheit", "geschlecht", "altersgruppe", "fiktiv")}
MANAGED |= {RDF_TYPE, f"{SDMX_DIM}refArea"}
"""The properties of a value the file speaks about (and the German label); a value's other triples stay."""
LABEL = f"{SKOS}prefLabel"
NOTATION = f"{SKOS}notation"
FIKTIV = f"{KIO}fiktiv"
_SUFFIX = " (fiktiv)"
WHERE = "in der CSV-Datei"
WHOLE_FROM = 400
"""From this many changed triples (about 40 values) the change replaces the dataset graph (validated whole)."""
PRIVATE_SUFFIX = "/privat"


@dataclass(frozen=True)
class LineError(CellError):
    """A problem in a line of the CSV file (``row`` is the line; 0 when it concerns the whole file)."""

    def where(self) -> str:
        parts = [f"Zeile {self.row}"] if self.row else ["Datei"]
        if self.header:
            parts.append(f"Spalte „{self.header}“")
        return ", ".join(parts)


@dataclass
class ValuesResult:
    """What a CSV import did, counted in values (added, changed, removed, unchanged)."""

    graph: str
    indicator: str
    code: str
    lines: int
    added: int
    changed: int
    removed: int
    unchanged: int
    seconds: float
    report: Report = field(default_factory=lambda: Report(conforms=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "graph": self.graph,
            "indicator": self.indicator,
            "code": self.code,
            "lines": self.lines,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "seconds": round(self.seconds, 3),
        }

    def text(self) -> str:
        counts = f"{self.added} neu, {self.changed} geändert, {self.removed} entfernt, {self.unchanged} unverändert"
        return (
            f"Indikator {self.code}: {self.lines} Messwerte eingelesen ({counts}); die Datei ist jetzt die ganze "
            f"Reihe des Indikators ({self.seconds:.2f} s)."
        )


@dataclass(frozen=True)
class Line:
    """One data line, read and checked."""

    number: int
    ident: ValueIdentity
    value: Decimal
    area_key: str | None
    """The Sozialraum's Kennung (a breakdown), else ``None`` (the municipality)."""
    area_label: str


@dataclass
class Dataset:
    """What the CSV needs to know about the dataset: the indicator, the areas, the indicator's current values."""

    indicator: ox.NamedNode
    code: str
    key: str
    unit: str | None
    fiktiv: bool
    municipality: tuple[str, str] | None  # IRI, label
    areas: dict[str, tuple[str, str, str]]  # Kennung, Kürzel or name (casefold) → (IRI, Kennung, label)
    values: dict[ox.NamedNode, list[ox.Triple]]


def _fail(source: str, errors: list[CellError]) -> ImportFailed:
    return ImportFailed(source, errors, where=WHERE)


def _error(line: int, header: str, value: str, message: str, kind: str = "eingabe") -> LineError:
    return LineError("", line, "", header, value, message, kind)


def read_dataset(store: Store, graph: str, prefix: str, indicator: str) -> Dataset | None:
    """The indicator named by its code (``I1.1.1.1``) or Kennung (``i1-1-1-1``) in ``graph``, with the Sozialräume,
    the municipality and the indicator's values; ``None`` when there is no such indicator."""
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in store.triples(graph):
        by_subject[t.subject].append(t)

    def objects(s: object, p: str) -> list[Any]:
        return [t.object for t in by_subject.get(s, []) if t.predicate.value == p]

    def types(s: object) -> set[str]:
        return {o.value for o in objects(s, RDF_TYPE)}

    def label(s: object) -> str:
        de = [o.value for o in objects(s, LABEL) if isinstance(o, ox.Literal) and o.language == "de"]
        return de[0] if de else str(s)

    wanted = indicator.strip().casefold()
    found = None
    for s in by_subject:
        if not isinstance(s, ox.NamedNode) or f"{KIO}Indikator" not in types(s):
            continue
        codes = [o.value for o in objects(s, NOTATION)]
        if wanted in {c.casefold() for c in codes} or s.value == f"{prefix}indikator/{indicator.strip()}":
            found = s
            break
    if found is None:
        return None
    code = next((o.value for o in objects(found, NOTATION)), found.value.rpartition("/")[2])
    unit = next((o.value for o in objects(found, f"{KIO}einheit")), None)
    fiktiv = any(isinstance(o, ox.Literal) and o.value == "true" for o in objects(found, FIKTIV))
    areas: dict[str, tuple[str, str, str]] = {}
    municipality = None
    for s in by_subject:
        if not isinstance(s, ox.NamedNode):
            continue
        if f"{KIO}Sozialraum" in types(s):
            key = s.value.rpartition("/")[2]
            entry = (s.value, key, label(s))
            for name in (key, label(s), *(o.value for o in objects(s, NOTATION))):
                areas.setdefault(name.casefold(), entry)
        for g in objects(s, f"{KIO}gemeinde"):
            municipality = (g.value, label(g).removesuffix(_SUFFIX))
    values = {
        s: by_subject[s]
        for s in by_subject
        if isinstance(s, ox.NamedNode) and found in objects(s, f"{KIO}indikator") and f"{KIO}Messwert" in types(s)
    }
    key = found.value.rpartition("/")[2]
    return Dataset(found, str(code), key, unit, fiktiv, municipality, areas, values)


def parse(text: str, ds: Dataset) -> tuple[list[Line], list[CellError]]:
    """The data lines of the CSV text, or the errors (each with its line and column)."""
    errors: list[CellError] = []
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    if not rows or not any(c.strip() for c in rows[0]):
        return [], [_error(0, "", "", "Die Datei ist leer. Erwartet wird eine Kopfzeile „Jahr,…,Wert“ und Werte.")]
    header = [restore(c.strip()) for c in rows[0]]
    errors += _check_header(header)
    if errors:
        return [], errors
    lines: list[Line] = []
    seen: dict[ValueIdentity, int] = {}
    unit = ds.unit.rpartition("/")[2] if ds.unit else None
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                _error(
                    number,
                    "",
                    "",
                    f"Die Zeile hat {len(cells)} Spalten, die Kopfzeile {len(header)}. Bitte Kommas prüfen "
                    "(Text mit Komma in Anführungszeichen setzen).",
                )
            )
            continue
        row = {h: restore(c.strip()) for h, c in zip(header, cells, strict=True)}
        line = _line(number, row, ds, unit, errors)
        if line is None:
            continue
        other = seen.get(line.ident)
        if other is not None:
            shown = tuple(h for h in ("Jahr", "Stichtag", *BREAKDOWNS) if h in header)
            errors.append(_error(number, "Jahr", row["Jahr"], duplicate_message(other, number, shown), "doppelt"))
            continue
        seen[line.ident] = number
        lines.append(line)
    return lines, errors


def _check_header(header: list[str]) -> list[CellError]:
    errors: list[CellError] = []
    allowed = ", ".join(HEADERS)
    for name in header:
        if name not in HEADERS:
            near = next((h for h in HEADERS if h.casefold() == name.casefold()), None)
            hint = f" Gemeint ist wohl „{near}“ (Groß- und Kleinschreibung beachten)." if near else ""
            errors.append(_error(1, name, name, f"Unbekannte Spalte „{name}“. Erlaubt sind: {allowed}.{hint}", "datei"))
        elif header.count(name) > 1:
            errors.append(_error(1, name, name, f"Die Spalte „{name}“ kommt mehrmals vor.", "datei"))
    if header and header[0] != "Jahr":
        errors.append(
            _error(1, header[0], header[0], "Die erste Spalte muss „Jahr“ heißen (Jahr zuerst, Wert zuletzt).", "datei")
        )
    if header and header[-1] != "Wert":
        errors.append(
            _error(
                1, header[-1], header[-1], "Die letzte Spalte muss „Wert“ heißen (Jahr zuerst, Wert zuletzt).", "datei"
            )
        )
    return list({(e.header, e.message): e for e in errors}.values())


def _line(number: int, row: dict[str, str], ds: Dataset, unit: str | None, errors: list[CellError]) -> Line | None:
    before = len(errors)

    def bad(header: str, message: str) -> None:
        errors.append(_error(number, header, row.get(header, ""), message))

    year = row["Jahr"]
    if not (year.isdigit() and len(year) == 4):
        bad("Jahr", "Kein Jahr. Bitte das Jahr vierstellig eintragen, z. B. 2024.")
    day: date | None = None
    if row.get("Stichtag"):
        try:
            day = to_date(row["Stichtag"])
        except ValueError:
            bad("Stichtag", "Kein Datum. Bitte den Stichtag als TT.MM.JJJJ eintragen, z. B. 31.12.2024.")
        else:
            if year.isdigit() and day.year != int(year):
                bad("Stichtag", f"Der Stichtag liegt nicht im Jahr {year}. Bitte Jahr und Stichtag angleichen.")
    elif year.isdigit() and len(year) == 4:
        day = date(int(year), 12, 31)
    given_unit = row.get("Einheit", "")
    if given_unit:
        named = {lbl.casefold(): iri.rpartition("/")[2] for lbl, iri in EINHEIT}
        local = named.get(given_unit.casefold(), given_unit.removeprefix(UNIT))
        if local != unit:
            own = unit or "keine"
            bad("Einheit", f"Die Einheit „{given_unit}“ ist nicht die des Indikators ({own}). Bitte {own} eintragen "
                "oder die Spalte leer lassen.")  # fmt: skip
    area_key, area, area_label = None, ds.municipality[0] if ds.municipality else None, ""
    if ds.municipality:
        area_label = ds.municipality[1]
    gebiet = row.get("Gebiet", "")
    if gebiet:
        hit = ds.areas.get(gebiet.casefold())
        if hit is None:
            names = ", ".join(sorted({f"„{v[2]}“ ({v[1]})" for v in ds.areas.values()})) or "keine"
            bad("Gebiet", f"Kein Sozialraum des Datensatzes. Sozialräume: {names}. Leer lassen für die ganze Gemeinde.")
        else:
            area, area_key, area_label = hit
    elif ds.municipality is None:
        bad("Gebiet", "Der Datensatz nennt keine Gemeinde (Konzept, Spalte „Gemeinde“). Bitte einen Sozialraum "
            "eintragen oder die Gemeinde am Konzept angeben.")  # fmt: skip
    geschlecht = row.get("Geschlecht", "") or None
    if geschlecht is not None:
        word = next((w for w, _ in GESCHLECHT if w.casefold() == geschlecht.casefold()), None)
        if word is None:
            allowed = ", ".join(f"„{w}“" for w, _ in GESCHLECHT)
            bad("Geschlecht", f"Dieser Wert ist nicht vorgesehen. Erlaubt sind: {allowed}; leer = alle.")
        geschlecht = word
    value = None
    if not row["Wert"]:
        bad("Wert", "Es fehlt der Wert. Bitte eine Zahl mit Dezimalpunkt eintragen (z. B. 62.8) oder die Zeile löschen")
    else:
        try:
            value = to_decimal(row["Wert"])
        except ValueError:
            bad("Wert", "Keine Zahl. Bitte eine Zahl mit Dezimalpunkt eintragen, z. B. 62.8.")
    if len(errors) > before or day is None or value is None:
        return None
    ident = ValueIdentity(ds.indicator.value, area, day, geschlecht, row.get("Altersgruppe") or None)
    return Line(number, ident, value, area_key, area_label)


def value_triples(line: Line, ds: Dataset, prefix: str) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """The value's IRI and the triples the file says about it (its German label made like Musterstadt's)."""
    i = line.ident
    s = ox.NamedNode(f"{prefix}messwert/{i.key(ds.key, line.area_key)}")
    when = str(i.day.year) if (i.day.month, i.day.day) == (12, 31) else i.day.strftime("%d.%m.%Y")
    words = " ".join(w for w in (ds.code, line.area_label, when, i.geschlecht, i.altersgruppe) if w)
    out = [
        ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{KIO}Messwert")),
        ox.Triple(s, ox.NamedNode(LABEL), ox.Literal(words, language="de")),
        ox.Triple(s, ox.NamedNode(f"{KIO}indikator"), ds.indicator),
        ox.Triple(s, ox.NamedNode(f"{KIO}stichtag"), lit(i.day)),
        ox.Triple(s, ox.NamedNode(f"{KIO}wert"), lit(line.value)),
    ]
    if i.area:
        out.append(ox.Triple(s, ox.NamedNode(f"{SDMX_DIM}refArea"), ox.NamedNode(i.area)))
    if ds.unit:
        out.append(ox.Triple(s, ox.NamedNode(f"{KIO}einheit"), ox.NamedNode(ds.unit)))
    if i.geschlecht:
        out.append(ox.Triple(s, ox.NamedNode(f"{KIO}geschlecht"), lit(i.geschlecht)))
    if i.altersgruppe:
        out.append(ox.Triple(s, ox.NamedNode(f"{KIO}altersgruppe"), lit(i.altersgruppe)))
    if ds.fiktiv:
        out.append(ox.Triple(s, ox.NamedNode(FIKTIV), lit(True)))
    return s, out


def decode(data: bytes, source: str) -> str:
    """The file's text: UTF-8 (with or without BOM); refused otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = (
            f"Die Datei ist nicht in UTF-8 gespeichert (Byte {exc.start + 1}). Bitte als „CSV UTF-8 "
            "(durch Trennzeichen getrennt)“ speichern."
        )
        raise _fail(source, [_error(0, "", "", message, "datei")]) from None


def import_values(
    writer: WritePath,
    data: bytes,
    graph: str,
    base_iri: str,
    dataset: str,
    indicator: str,
    *,
    source: str = "Messwerte.csv",
    max_bytes: int = MAX_BYTES,
    check: Callable[[], None] | None = None,
) -> ValuesResult:
    """Make the indicator's values in ``graph`` exactly those of the CSV ``data``; raise :class:`ImportFailed`
    (every error with its line and column, nothing written)."""
    start = time.perf_counter()
    if len(data) > max_bytes:
        limit = f"{max_bytes / 1048576:.3g}".replace(".", ",")
        message = f"Die Datei ist zu groß (höchstens {limit} MB). Bitte die Reihe aufteilen."
        raise _fail(source, [_error(0, "", "", message, "datei")])
    text = decode(data, source)
    prefix = f"{base_iri}{dataset}/"
    counts: dict[str, int] = {}
    parsed: list[Line] = []
    origins: dict[str, int] = {}
    found: list[Dataset] = []

    def build() -> list[Change]:
        nonlocal parsed
        if check is not None:
            check()
        ds = read_dataset(writer.store, graph, prefix, indicator)
        if ds is None:
            message = f"Einen Indikator „{indicator}“ gibt es im Datensatz „{dataset}“ nicht. Bitte den Code prüfen."
            raise _fail(source, [_error(0, "", indicator, message, "verweis")])
        lines, errors = parse(text, ds)
        if errors:
            raise _fail(source, errors)
        parsed = lines
        add: set[ox.Triple] = set()
        remove: set[ox.Triple] = set()
        counts.update(added=0, changed=0, removed=0, unchanged=0)
        found[:] = [ds]
        new: dict[ox.NamedNode, list[ox.Triple]] = {}
        for line in lines:
            s, triples = value_triples(line, ds, prefix)
            new[s] = triples
            origins[s.value] = line.number
        for s, triples in new.items():
            old = ds.values.get(s)
            if old is None:
                counts["added"] += 1
                add |= set(triples)
                continue
            kept = {t for t in old if not _managed(t)}
            label = [t for t in old if t.predicate.value == LABEL and _german(t)]
            wanted = kept | {t for t in triples if not (label and t.predicate.value == LABEL and _german(t))}
            wanted |= set(label)
            have = set(old)
            if _normal(wanted) == _normal(have):
                counts["unchanged"] += 1
                continue
            counts["changed"] += 1
            add |= wanted - have
            remove |= have - wanted
        for s, old in ds.values.items():
            if s not in new:
                counts["removed"] += 1
                remove |= set(old)
        if len(add) + len(remove) > WHOLE_FROM:
            # A long series: the whole dataset as one replacing change, validated with the shapes compiled to
            # SPARQL (graph.write.path), much faster than pyshacl on a thousand touched nodes; the same rules.
            whole = set(_with_companion(writer.store, graph))
            return [Change(graph, add=sorted((whole - remove) | add, key=str), replace=True)]
        return [Change(graph, add=sorted(add, key=str), remove=sorted(remove, key=str))]

    try:
        report = writer.transact(build)
    except ValidationFailed as exc:
        raise _fail(source, rule_errors(exc.report, origins, prefix)) from exc
    ds = found[0]
    return ValuesResult(
        graph,
        ds.indicator.value,
        ds.code,
        len(parsed),
        counts["added"],
        counts["changed"],
        counts["removed"],
        counts["unchanged"],
        time.perf_counter() - start,
        report,
    )


def _with_companion(store: Store, graph: str) -> list[ox.Triple]:
    """The dataset's triples and those of its private companion (the write path sorts them back)."""
    companion = graph + PRIVATE_SUFFIX
    private = list(store.triples(companion)) if companion in store.graphs() else []
    return [*store.triples(graph), *private]


def _managed(t: ox.Triple) -> bool:
    return t.predicate.value in MANAGED or (t.predicate.value == LABEL and _german(t))


def _german(t: ox.Triple) -> bool:
    return isinstance(t.object, ox.Literal) and t.object.language == "de"


def _normal(triples: set[ox.Triple]) -> set[ox.Triple]:
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return {q.triple for q in scratch}


_PATH_HEADERS = {
    f"{KIO}stichtag": "Stichtag",
    f"{KIO}wert": "Wert",
    f"{KIO}einheit": "Einheit",
    f"{KIO}geschlecht": "Geschlecht",
    f"{KIO}altersgruppe": "Altersgruppe",
    f"{SDMX_DIM}refArea": "Gebiet",
}
_SHAPE_HEADERS = {
    "MesswertGebietArtShape": "Gebiet",
    "MesswertZukunftShape": "Stichtag",
    "MesswertProzentShape": "Wert",
    "MesswertEinheitShape": "Einheit",
}


def rule_errors(report: Report, origins: dict[str, int], prefix: str) -> list[CellError]:
    """Every Violation at the line its value came from (and the column of its rule)."""
    out: list[CellError] = []
    for r in report.violations:
        line = origins.get(r.focus, 0)
        header = _PATH_HEADERS.get(_iri(r.path or "")) or _SHAPE_HEADERS.get(r.shape.rpartition("#")[2], "")
        value = (r.value or "").removeprefix(prefix)
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            value = f"{value[8:10]}.{value[5:7]}.{value[:4]}"
        where = "" if line else f"{r.focus.removeprefix(prefix)}: "
        out.append(LineError("", line, "", header, value, f"{where}{r.message_de}", "regel"))
    return out


def _iri(path: str) -> str:
    """A result path (``kio:wert`` or ``<…>``) as an IRI."""
    if path.startswith("<"):
        return path.strip("<>")
    p, _, local = path.partition(":")
    return PREFIXES.get(p, "") + local
