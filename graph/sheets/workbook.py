"""Import and export of a whole workbook against the store: read → build → delta → ONE change through the write path.

The workbook is the whole dataset: what it says becomes the graph's content. Only the difference to what the
graph holds is written (nothing, when the same workbook comes in again), in one validated change; SHACL
Violations come back as cell errors of the rows their focus nodes came from.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.errors import IntegrationsgraphError, ValidationFailed
from integrationsgraph.graph.core.report import Report, Result
from integrationsgraph.graph.sheets.columns import BY_NAME, EXTRA, PREFIXES
from integrationsgraph.graph.sheets.errors import CellError, ImportFailed
from integrationsgraph.graph.sheets.from_rdf import extract
from integrationsgraph.graph.sheets.read import DEFAULT_LIMITS, MAX_BYTES, Limits, read_workbook
from integrationsgraph.graph.sheets.template import workbook_bytes
from integrationsgraph.graph.sheets.to_rdf import BuildFailed, Built, build
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath
from integrationsgraph.graph.write.preview import Preview, guard, normalized, preview, shrinks_too_much

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHOLE_FROM = 400
"""From this many changed triples an import replaces the dataset graph (validated whole) instead of patching it."""
PRIVATE_SUFFIX = "/privat"
"""The companion graph of a dataset that holds its personal data (``graph.store.privacy``)."""


@dataclass
class ImportResult:
    """What an import did."""

    graph: str
    rows: int
    triples: int
    added: int
    removed: int
    seconds: float
    report: Report = field(default_factory=lambda: Report(conforms=True))
    preview: Preview | None = None
    """Set for a dry run: what the import would add, change and remove (nothing was written)."""
    notes: list[CellError] = field(default_factory=list)
    """The rules' warnings and hints, each at its sheet, row and column (kind ``warnung`` or ``hinweis``)."""

    def to_dict(self) -> dict[str, Any]:
        counts = self.report.counts()
        return {
            "graph": self.graph,
            "rows": self.rows,
            "triples": self.triples,
            "added": self.added,
            "removed": self.removed,
            "seconds": round(self.seconds, 3),
            "warnings": counts["Warning"],
            "infos": counts["Info"],
            "notes": [e.to_dict() for e in self.notes],
            "dry_run": self.preview is not None,
            **(self.preview.to_dict() if self.preview is not None else {}),
        }

    def text(self) -> str:
        counts = self.report.counts()
        would = self.preview is not None
        if not self.added and not self.removed:
            what = "keine Änderung (der Datensatz entspricht schon der Arbeitsmappe)"
        elif would:
            what = f"würde {self.added} Tripel hinzufügen, {self.removed} entfernen (Probelauf, nichts geschrieben)"
        else:
            what = f"{self.added} Tripel hinzugefügt, {self.removed} entfernt"
        if self.preview is not None and self.preview.confirm_needed:
            what += "; das wäre mehr als die Hälfte des Datensatzes: der Import braucht --confirm-replace"
        return (
            f"{self.graph}: {self.rows} Zeilen, {self.triples} Tripel; {what} in {self.seconds:.2f} s "
            f"({counts['Warning']} Warnungen, {counts['Info']} Hinweise)"
        )


def import_workbook(
    writer: WritePath,
    data: bytes | Path,
    graph: str,
    dataset: str,
    base_iri: str,
    *,
    source: str | None = None,
    extra_triples: Iterable[ox.Triple] = (),
    max_bytes: int = MAX_BYTES,
    limits: Limits = DEFAULT_LIMITS,
    check: Callable[[], None] | None = None,
    dry_run: bool = False,
    confirm_replace: bool = False,
    confirm_hint: str = "--confirm-replace",
) -> ImportResult:
    """Make ``graph`` hold exactly what the workbook says (plus ``extra_triples``); raise :class:`ImportFailed`.

    ``check`` is called between the steps, the last time under the write lock just before the change is
    validated and committed: it raises to stop the import (a time limit, a client that hung up), and then
    nothing is written. With ``dry_run`` everything runs but the commit: the result says what the import would
    add, change and remove (``preview``). An import that would remove more than half of the dataset's triples
    raises :class:`ReplaceRefused` unless ``confirm_replace`` (``confirm_hint``: how the user confirms)."""
    start = time.perf_counter()
    book = read_workbook(data, source, max_bytes=max_bytes, limits=limits, check=check)
    try:
        built = build(book, dataset, base_iri)
    except BuildFailed as exc:  # the rules too, in the same pass: every error at once
        rules = _rule_errors(writer, exc.built, graph, base_iri + dataset + "/", exc.errors)
        raise ImportFailed(book.source, [*exc.errors, *rules]) from exc
    if check is not None:
        check()
    wanted = normalized([*built.triples, *extra_triples])
    add: set[ox.Triple] = set()
    remove: set[ox.Triple] = set()
    changes = Preview()

    def difference() -> list[Change]:
        """What makes the graph hold ``wanted``, from its state now (again if another process wrote)."""
        nonlocal add, remove, changes
        if check is not None:
            check()
        current = set(graph_triples(writer.store, graph))
        add, remove = wanted - current, current - wanted
        if dry_run:  # the preview shows what would go, also when the real import would need a confirmation
            changes = preview(current, wanted)
            changes.confirm_needed = not confirm_replace and shrinks_too_much(len(current), len(remove))
        elif not confirm_replace:
            guard(current, wanted, graph, confirm_hint)
        if not current or len(add) + len(remove) > WHOLE_FROM:
            # A new dataset or a large edit: the whole graph, validated with the shapes compiled to SPARQL
            # (graph.write.path), much faster than pyshacl on many touched nodes; the same rules.
            return [Change(graph, add=_sorted(wanted), replace=True)]
        return [Change(graph, add=_sorted(add), remove=_sorted(remove))]

    try:
        report = writer.transact(difference, dry_run=dry_run)
    except ValidationFailed as exc:
        raise ImportFailed(book.source, shacl_errors(exc.report, built, base_iri + dataset + "/")) from exc
    seconds = time.perf_counter() - start
    result = ImportResult(graph, len(built.items), len(wanted), len(add), len(remove), seconds, report)
    result.preview = changes if dry_run else None
    result.notes = shacl_errors(report, built, base_iri + dataset + "/", severities=("Warning", "Info"))
    return result


WITH_PRIVATE = (
    "Achtung: Diese Mappe enthält personenbezogene Angaben (Namen, Kontakte) aus dem privaten Teil des Datensatzes – "
    "nicht weitergeben und nicht veröffentlichen."
)
WITHOUT_PRIVATE = (
    "Öffentliche Fassung: Diese Mappe enthält keine personenbezogenen Angaben. Zum Bearbeiten und Wiedereinlesen "
    "bitte mit einem Konto des Datensatzes herunterladen – sonst entfernt das Einlesen die personenbezogenen Angaben "
    "(der Probelauf zeigt es vorher)."
)


def export_workbook(
    store: Store, graph: str, dataset: str, base_iri: str, *, skip: Iterable[str] = (), private: bool = True
) -> bytes:
    """The graph as a workbook in the template's layout (subjects in ``skip`` left out); with ``private`` its
    personal data too. Its first sheet says which it is."""
    left_out = set(skip)
    source = graph_triples(store, graph) if private else list(store.triples(graph))
    triples = [t for t in source if _named(t.subject) not in left_out]
    notice = WITH_PRIVATE if private and private_count(store, graph) else None if private else WITHOUT_PRIVATE
    return workbook_bytes(extract(triples, dataset, base_iri), notice)


def graph_triples(store: Store, graph: str) -> list[ox.Triple]:
    """The triples of a dataset graph together with those of its private companion (``graph.store.privacy``).

    The workbook is the whole dataset, personal data included (so a round trip loses nothing); the write
    path sorts private triples back into the companion graph.
    """
    companion = graph + PRIVATE_SUFFIX
    private = list(store.triples(companion)) if companion in store.graphs() else []
    return [*store.triples(graph), *private]


def private_count(store: Store, graph: str) -> int:
    """How many private triples an export of ``graph`` carries."""
    companion = graph + PRIVATE_SUFFIX
    return store.count(companion) if companion in store.graphs() else 0


def _named(node: object) -> str | None:
    return node.value if isinstance(node, ox.NamedNode) else None


def template_bytes() -> bytes:
    """The empty template with one example row per sheet."""
    return workbook_bytes(None)


def _sorted(triples: set[ox.Triple]) -> list[ox.Triple]:
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _rule_errors(writer: WritePath, built: Built, graph: str, prefix: str, known: list[CellError]) -> list[CellError]:
    """The rules' errors for what the workbook says apart from its broken cells (not written: a dry run), less
    those at a cell that has an error already (a broken reference there breaks a rule about it too)."""
    wanted = sorted(normalized(built.triples), key=str)
    try:
        writer.transact(lambda: [Change(graph, add=wanted, replace=True)], dry_run=True)
    except ValidationFailed as exc:
        taken = {(e.sheet, e.row, e.header) for e in known}
        return [e for e in shacl_errors(exc.report, built, prefix) if (e.sheet, e.row, e.header) not in taken]
    except IntegrationsgraphError:  # the privacy rule, rights: the cell errors say enough for this pass
        return []
    return []


def shacl_errors(
    report: Report, built: Built, prefix: str, severities: tuple[str, ...] = ("Violation",)
) -> list[CellError]:
    """Every Violation (or result of ``severities``) as an error at the row its focus node came from (and the
    column of its path); warnings get the kind ``warnung``, hints ``hinweis``."""
    letters = {(i.sheet.name, i.row.number): i.row.letters for i in built.items}
    kinds = {"Violation": "regel", "Warning": "warnung", "Info": "hinweis"}
    out = []
    for r in (r for r in report.results if r.severity in severities):
        sheet, row = built.origins.get(r.focus, ("", 0))
        header = _header_for(sheet, r)
        letter = letters.get((sheet, row), {}).get(header, "") if header else ""
        value = r.value or ""
        if value.startswith(prefix):
            value = value[len(prefix) :]
        elif sheet in BY_NAME and value.startswith("http") and (chosen := _choice_label(sheet, value)):
            value = chosen  # a controlled value as the drop-down shows it (kio:nichtBewertbar → Nicht bewertbar)
        elif _ISO_DATE.match(value):
            value = f"{value[8:10]}.{value[5:7]}.{value[:4]}"
        label = f" („{r.focus_label}“)" if r.focus_label and not sheet else ""
        where = "" if sheet else f"{r.focus}{label}: "
        out.append(CellError(sheet, row, letter, header or "", value, f"{where}{r.message_de}", kinds[r.severity]))
    return out


SHAPE_COLUMNS = {
    "MesswertEinheitShape": "Einheit",
    "MesswertProzentShape": "Wert",
    "MesswertZukunftShape": "Stichtag",
    "MesswertGebietArtShape": "Gebiet",
    "IndikatorManuellerStatusBegruendungShape": "Begründung des Fortschrittsstatus",
}
"""Rules without a path (SPARQL on the node): the column whose cell they are about."""


def _choice_label(sheet: str, iri: str) -> str | None:
    return next((lbl for col in BY_NAME[sheet].columns if (lbl := col.choice_label(iri)) is not None), None)


def _header_for(sheet: str, r: Result) -> str | None:
    if not r.path:
        return SHAPE_COLUMNS.get(r.shape.rpartition("#")[2]) if sheet in BY_NAME else None
    path = r.path.lstrip("^")
    prefix, _, local = path.partition(":")
    iri = path.strip("<>") if path.startswith("<") else PREFIXES.get(prefix, "") + local
    spec = BY_NAME.get(sheet)
    if spec is None:
        return "Wert" if sheet == EXTRA else None
    for col in spec.columns:
        if col.prop == iri:
            if col.prop.endswith("prefLabel") and "englisch" in col.header:
                continue
            return col.header
    return None
