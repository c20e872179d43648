"""Command-line commands for the network analysis and the maps: ``analyze`` and ``map``.

Registered on the main group by :func:`add_analysis_commands` (the last lines of ``cli/main.py``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from integrationsgraph.cli.common import fail, opened, settings_for, store_option
from integrationsgraph.graph.core.cells import neutralise
from integrationsgraph.graph.core.config import dataset_name
from integrationsgraph.graph.network.maps import actor_map, chain_map, field_map
from integrationsgraph.graph.network.metrics import (
    GAP_LABELS,
    ActorMetrics,
    Analysis,
    analyse_store,
    method_text,
    write_metrics,
)
from integrationsgraph.graph.network.read import field_chain, find_field, metrics_graph, scope
from integrationsgraph.graph.network.vis import render

dataset_option = click.option(
    "--dataset", default=None, help="Only this dataset (musterstadt); default: all datasets together."
)
CSV_COLUMNS = [
    "iri",
    "label",
    "typ",
    "dataset",
    "grad",
    "gewichteter_grad",
    "zwischenzentralitaet",
    "pagerank",
    "partizipation",
    "gemeinschaft",
    "massnahmen",
    "federfuehrend",
    "handlungsfelder",
]


def text_table(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned plain-text table (numbers right-aligned).

    >>> print(text_table(["a", "n"], [["x", 1], ["yy", 22]]))
    a  |  n
    ---+---
    x  |  1
    yy | 22
    """
    cells = [[f"{c:.4f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headings)]
    numeric = [bool(rows) and all(isinstance(r[i], int | float) for r in rows) for i in range(len(headings))]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return " | ".join(parts).rstrip()

    return "\n".join([line(list(headings)), "-+-".join("-" * w for w in widths), *(line(r) for r in cells)])


def _actor_rows(actors: list[ActorMetrics], with_dataset: bool) -> list[list[Any]]:
    return [
        [i, a.label, a.typ_label, a.pagerank, a.zwischenzentralitaet, a.partizipation, a.grad, len(a.handlungsfelder)]
        + ([a.dataset] if with_dataset else [])
        for i, a in enumerate(actors, start=1)
    ]


def render_analysis(title: str, result: Analysis, top: int, with_dataset: bool = False) -> str:
    """The analysis as people read it: central actors, bridging actors, gaps."""
    c = result.counts
    head = ["#", "Akteur", "Typ", "PageRank", "Zwischenz.", "Partizipation", "Grad", "Felder"]
    head += ["Datensatz"] if with_dataset else []
    out = [
        f"Netzwerkanalyse: {title} — {c['akteure']} Akteure, {c['verbindungen']} Verbindungen, "
        f"{c['massnahmen']} Maßnahmen, {c['handlungsfelder']} Handlungsfelder, {c['gemeinschaften']} Gemeinschaften",
        f"Zwischenzentralität: {method_text(result.betweenness)}",
        "",
        f"Zentrale Akteure (PageRank, die {top} höchsten)",
        text_table(head, _actor_rows(result.central(top), with_dataset)),
        "",
        "Brückenakteure (Partizipation über die Handlungsfelder)",
        text_table(head, _actor_rows(result.bridging(top), with_dataset)) if result.bridging(top) else "(keine)",
        "",
        "Lücken",
    ]
    for key, label in GAP_LABELS.items():
        found = result.gaps[key]
        names = ", ".join(g["label"] + (f" ({g['dataset']})" if with_dataset else "") for g in found[:top]) + (
            f", … (+{len(found) - top})" if len(found) > top else ""
        )
        out.append(f"- {label}: {len(found)}" + (f" — {names}" if found else ""))
    return "\n".join(out)


def actors_csv(result: Analysis) -> str:
    """Every actor with every metric as CSV (one row per actor, fields joined by ``|``; no cell a spreadsheet runs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in sorted(result.actors, key=lambda a: (-a.pagerank, a.label)):
        row = {**a.__dict__, "typ": a.typ, "handlungsfelder": "|".join(a.handlungsfelder)}
        writer.writerow([neutralise(v) if isinstance(v := row[c], str) else v for c in CSV_COLUMNS])
    return buffer.getvalue()


@click.command()
@store_option
@dataset_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="Rows per ranking (table).")
@click.option("--write", is_flag=True, help="Also write each dataset's metrics into …/graph/{dataset}/metriken.")
def analyze(store_path: Path | None, dataset: str | None, fmt: str, top: int, write: bool) -> None:
    """Central actors, bridging actors and gaps of the actor network (one dataset or all together)."""

    with opened(settings_for(store_path)) as (store, _writer):
        _k, result = analyse_store(store, dataset)
        written = write_metrics(store, scope(store, dataset), datetime.now(UTC)) if write else {}
    if fmt == "json":
        click.echo(json.dumps({"dataset": dataset or "alle", **result.to_dict()}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(actors_csv(result), nl=False)
    else:
        click.echo(render_analysis(dataset or "alle Datensätze", result, top, with_dataset=dataset is None))
    for graph, n in written.items():
        click.echo(f"{n} Tripel nach <{metrics_graph(graph)}> geschrieben ({dataset_name(graph)}).", err=True)


@click.command("map")
@store_option
@click.argument("kind", type=click.Choice(["actors", "fields", "chain"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="HTML file.")
@dataset_option
@click.option("--field", "field_key", default=None, help="chain: the Handlungsfeld (HF1, its IRI's last segment).")
@click.option("--top", type=click.IntRange(1), default=None, help="actors: only the N with the highest PageRank.")
@click.option("--type", "types", multiple=True, help="actors: only these actor types (kommune, netzwerk, …).")
def map_command(
    store_path: Path | None,
    kind: str,
    output: Path,
    dataset: str | None,
    field_key: str | None,
    top: int | None,
    types: tuple[str, ...],
) -> None:
    """Write an interactive map as one HTML file that opens from disk, offline (vis-network inlined)."""

    with opened(settings_for(store_path)) as (store, _writer):
        k, result = analyse_store(store, dataset)
        where = dataset or "alle Datensätze"
        if kind == "actors":
            m = actor_map(k, result, types=list(types) or None, top=top, title=f"Akteure – {where}")
        elif kind == "fields":
            m = field_map(k, result, title=f"Handlungsfelder – {where}")
        else:
            if not field_key:
                fail("Bitte --field angeben (z. B. --field HF1).")
            assert field_key is not None
            f = find_field(k, field_key)
            name = f"{k.nodes[f]['notation']} {k.nodes[f]['label']}".strip()
            m = chain_map(field_chain(store, scope(store, dataset), f, name), title=f"Zielkette – {name}")
    html = render(m)
    output.write_text(html, encoding="utf-8")
    click.echo(
        f"Karte „{m.title}“ ({len(m.nodes)} Knoten, {len(m.edges)} Kanten) nach {output} geschrieben "
        f"({len(html.encode()) // 1024} KB).",
        err=True,
    )


def add_analysis_commands(main: click.Group) -> None:
    """Register ``analyze`` and ``map`` on the main group."""
    main.add_command(analyze)
    main.add_command(map_command)
