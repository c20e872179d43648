"""``integrationsgraph oparl URL --dataset D``: council documents from an OParl 1.1 system into a dataset, as one
validated change (registered in cli/main.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from integrationsgraph.cli.common import fail, opened, settings_for, store_option
from integrationsgraph.graph.oparl.client import DEFAULT_BUDGET, Client, OParlError
from integrationsgraph.graph.oparl.importer import fetch, import_papers
from integrationsgraph.graph.write.history import Door, through


@click.command("oparl")
@store_option
@click.argument("url")
@click.option("--dataset", required=True, help="The dataset to write into (musterstadt, rheine).")
@click.option(
    "--since",
    default=None,
    help="Only papers modified since this date (2025-01-01) or time: OParl's modified_since, for a resumed run.",
)
@click.option(
    "--filter",
    "words",
    default=None,
    help="Words a paper's name must contain one of (comma- or space-separated) [default: the words of the "
    "dataset's Handlungsfeld labels, Integration, Migration].",
)
@click.option(
    "--max-requests",
    "budget",
    default=DEFAULT_BUDGET,
    show_default=True,
    type=click.IntRange(min=1),
    help="Request budget: the run stops (and writes nothing) when the server needs more.",
)
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds per request.")
def oparl_command(
    store_path: Path | None,
    url: str,
    dataset: str,
    since: str | None,
    words: str | None,
    budget: int,
    timeout: float,
) -> None:
    """Import council documents (Drucksachen) from the OParl 1.1 system at URL: the papers whose name matches,
    linked to their bodies, with suggested links to the measures and goals they name; all or nothing."""
    settings = settings_for(store_path)
    chosen = [w for w in words.replace(",", " ").split() if w] if words else None
    try:
        with Client(url, budget=budget, timeout=timeout) as client:
            fetched = fetch(client, since)
    except OParlError as exc:
        fail(f"Fehler: {exc}")
        return
    with (
        opened(settings) as (store, writer),
        through(Door("Kommandozeile", f"integrationsgraph oparl {url}")),
    ):
        result = import_papers(store, writer, fetched, dataset=dataset, base_iri=settings.base_iri, words=chosen)
    click.echo(
        f"{result.requests} Anfrage(n), {result.papers_read} Drucksache(n) gelesen, {result.papers_kept} passend "
        f"(Suchwörter: {', '.join(result.words)})."
    )
    for reference, name in result.kept:
        click.echo(f"  {reference}: {name}")
    if result.removed:
        click.echo(f"{result.removed} Aussagen über Drucksachen entfernt, die der Server als gelöscht meldet.")
    if not result.papers_kept:
        click.echo(f"Keine passende Drucksache: in „{dataset}“ wurde nichts hinzugefügt.")
        return
    click.echo(
        f"{result.added} Aussagen in „{dataset}“ geschrieben, {result.suggestions} vorgeschlagene Verknüpfung(en) "
        "zu Maßnahmen oder Zielen (bitte prüfen und bestätigen)."
    )
    click.echo(f"Nächster Lauf ab hier: --since {dt.date.today().isoformat()}")
