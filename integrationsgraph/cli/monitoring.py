"""Command-line commands for monitoring: ``progress`` (every indicator's progress status with all its inputs).

Registered on the main group by :func:`add_monitoring_commands` (the last lines of ``cli/main.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from integrationsgraph.cli.analysis import text_table
from integrationsgraph.cli.common import fail, opened, settings_for, store_option
from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.monitoring.assessments import record, records_csv
from integrationsgraph.graph.monitoring.model import STATUS_DE, Assessment, Indicator
from integrationsgraph.graph.monitoring.progress import assess_all
from integrationsgraph.graph.monitoring.series import indicators
from integrationsgraph.graph.store.graphs import dataset_graphs

DIRECTION_DE = {"increase": "steigend", "decrease": "fallend", None: "–"}
TABLE_HEADINGS = ["Code", "Indikator", "Richtung", "Basis", "Aktuell", "Ziel", "Rate", "nötig", "R", "Status"]


def de_number(value: float | None, digits: int = 1, percent: bool = False) -> str:
    """A number the German way: ``1.462,0``, ``3,61 %``; ``–`` for none.

    >>> de_number(1462.0), de_number(0.03612, 2, percent=True), de_number(None), de_number(-0.5, 2)
    ('1.462,0', '3,61 %', '–', '-0,50')
    """
    if value is None:
        return "–"
    text = f"{value * 100 if percent else value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} %" if percent else text


def _year_value(year: int | None, value: float | None) -> str:
    return "–" if year is None else f"{year}: {de_number(value)}"


def render_progress(dataset: str, rows: list[tuple[Indicator, Assessment]]) -> str:
    """The assessments as a German table, with the reasons below it."""
    if not rows:
        return f"Fortschritt: {dataset} — für diesen Datensatz sind keine Indikatoren erfasst."
    counts: dict[str, int] = {}
    for _i, a in rows:
        counts[a.status] = counts.get(a.status, 0) + 1
    summary = ", ".join(f"{STATUS_DE[k]}: {n}" for k, n in counts.items())
    table = [
        [
            i.code or "–",
            a.label if len(a.label) <= 48 else a.label[:47] + "…",
            DIRECTION_DE[a.direction] if a.direction or i.direction != "halten" else "halten",
            _year_value(a.base_year, a.base_value),
            _year_value(a.latest_year, a.latest_value),
            _year_value(a.target_year, a.target_value),
            de_number(a.cagr_observed, 2, percent=True),
            de_number(a.cagr_required, 2, percent=True),
            de_number(a.ratio, 2),
            STATUS_DE[a.status] + (" (von Hand gesetzt)" if a.manual else ""),
        ]
        for i, a in rows
    ]
    notes = [f"- {i.code or a.label}: {a.reason}" for i, a in rows if a.reason]
    return "\n".join(
        [
            f"Fortschritt der Indikatoren: {dataset} — {len(rows)} Indikatoren ({summary})",
            "Verfahren: Open SDG (Statistics Canada); Rate = jährliche Wachstumsrate seit dem Basisjahr, "
            "nötig = Rate bis zum Ziel, R = Rate / nötig.",
            "",
            text_table(TABLE_HEADINGS, table),
            *(["", "Begründungen", *notes] if notes else []),
        ]
    )


@click.command()
@store_option
@click.option("--dataset", required=True, help="The dataset (musterstadt).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def progress(store_path: Path | None, dataset: str, fmt: str) -> None:
    """Every indicator's progress status (Open SDG method) with all its inputs: base, latest, target, rates."""
    with opened(settings_for(store_path)) as (store, _writer):
        if graph_iri(dataset) not in dataset_graphs(store):
            fail(f"Datensatz „{dataset}“ gibt es nicht.")
        found = indicators(store, dataset)
    rows = list(zip(found, assess_all(found), strict=True))
    if fmt == "json":
        click.echo(json.dumps([record(a) for _i, a in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(records_csv([a for _i, a in rows]), nl=False)
    else:
        click.echo(render_progress(dataset, rows))


def add_monitoring_commands(group: click.Group) -> None:
    """Register ``progress`` on the main group."""
    group.add_command(progress)
