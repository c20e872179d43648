"""``integrationsgraph report``: the Sachstandsbericht of one dataset as PDF or HTML (registered in cli/main.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from integrationsgraph.cli.common import fail, opened, settings_for, store_option
from integrationsgraph.graph.monitoring.report import sachstand
from integrationsgraph.graph.monitoring.report_format import parse_day
from integrationsgraph.graph.monitoring.report_pdf import render_html, render_pdf

SUFFIXES = (".pdf", ".html", ".htm")


def _stichtag(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("report")
@store_option
@click.option("--dataset", required=True, help="The dataset to report on (musterstadt, rheine).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The report file: ….pdf (PDF, A4) or ….html (one page that opens offline).",
)
@click.option(
    "--stichtag",
    callback=_stichtag,
    help="Reporting date, TT.MM.JJJJ or JJJJ-MM-TT; only values up to it count [default: today].",
)
def report_command(store_path: Path | None, dataset: str, output: Path, stichtag: date | None) -> None:
    """Write the Sachstandsbericht for the Sozialausschuss: summary, one section per Handlungsfeld (goals,
    indicators with chart, table and progress status, measures, gaps), context indicators, method and sources."""
    suffix = output.suffix.lower()
    if suffix not in SUFFIXES:
        fail(f"Bitte eine Datei mit der Endung .pdf oder .html angeben, nicht „{output.name}“.")
    with opened(settings_for(store_path)) as (store, _writer):
        report = sachstand(store, dataset, stichtag)
    data = render_pdf(report) if suffix == ".pdf" else render_html(report).encode()
    output.write_bytes(data)
    fields = len(report.fields)
    click.echo(
        f"Sachstandsbericht {report.municipality}, Stand {report.reporting_date} ({fields} Handlungsfelder, "
        f"{report.indicators} Indikatoren) nach {output} geschrieben ({max(1, len(data) // 1024)} KB).",
        err=True,
    )
