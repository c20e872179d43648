"""Query results as text: a table for people, CSV / TSV / JSON / XML for scripts.

CSV is the one of them that spreadsheets open: its cells go through :func:`graph.core.cells.neutralise` (a text that
would start a formula gets a single quote; numbers stay numbers). TSV, JSON and XML write RDF terms in their
own syntax for programs and stay exactly as SPARQL 1.1 defines them.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from integrationsgraph.graph.core.cells import neutralise
from integrationsgraph.graph.rdf.io import serialize_triples
from integrationsgraph.graph.store.embedded import QueryResult

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as a person reads it in a table."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def render_table(result: ox.QuerySolutions, max_width: int = 60) -> str:
    """SELECT results as an aligned plain-text table with a row count."""
    names = [v.value for v in result.variables]
    rows = [[cell(sol[name]) for name in names] for sol in result]
    clipped = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in clipped)]) for i, n in enumerate(names)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), line]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in clipped]
    out.append(f"({len(rows)} Zeile{'n' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def results_csv(result: ox.QuerySolutions) -> str:
    """SELECT results in the SPARQL 1.1 CSV format, with no cell a spreadsheet would run."""
    names = [v.value for v in result.variables]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([neutralise(cell(sol[name])) for name in names] for sol in result)
    return out.getvalue()


def render(result: QueryResult, fmt: str) -> str:
    """Any query result in ``fmt`` (``table`` or a key of :data:`RESULT_FORMATS`; graphs as Turtle)."""
    if isinstance(result, ox.QueryTriples):
        rdf = {"json": ox.RdfFormat.JSON_LD, "table": ox.RdfFormat.TURTLE}.get(fmt, ox.RdfFormat.TURTLE)
        if fmt in ("csv", "tsv"):
            rdf = ox.RdfFormat.N_TRIPLES
        return serialize_triples(list(result), rdf).decode()
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return ("ja" if bool(result) else "nein") + "\n"
        return render_table(result)
    if fmt == "csv" and isinstance(result, ox.QuerySolutions):
        return results_csv(result)
    out = result.serialize(format=RESULT_FORMATS[fmt])
    assert out is not None
    return out.decode()
