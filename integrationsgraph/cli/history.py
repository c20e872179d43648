"""Command-line commands for the history: ``history --dataset D`` (newest first; ``--prune-before DATE``) and
``revert --dataset D ID`` (undo one change through the write path, itself recorded).

Registered on the main group by :func:`add_history_commands`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from integrationsgraph.cli.analysis import text_table
from integrationsgraph.cli.common import opened, settings_for, store_option
from integrationsgraph.graph.store.embedded import Change
from integrationsgraph.graph.store.remote import connect
from integrationsgraph.graph.write import history
from integrationsgraph.graph.write.history import Door, through


def _when(iso: str) -> str:
    """``2026-12-07T23:45:12.123456+00:00`` → ``07.12.2026 23:45:12 UTC``."""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M:%S UTC")
    except ValueError:
        return iso


@click.command("history")
@store_option
@click.option("--dataset", required=True, help="Dataset name (musterstadt).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="How many entries.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(min=0), help="Skip the newest N.")
@click.option("--prune-before", "prune_before", default=None, help="Delete the entries before this date (2026-01-01).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def history_command(
    store_path: Path | None, dataset: str, limit: int, offset: int, prune_before: str | None, fmt: str
) -> None:
    """Every change of a dataset, newest first: when, who, through which door, how many triples."""
    day = None
    if prune_before is not None:
        try:
            day = dt.date.fromisoformat(prune_before)
        except ValueError as exc:
            raise click.BadParameter(f"„{prune_before}“ ist kein Datum (JJJJ-MM-TT).") from exc
    store = connect(settings_for(store_path))  # reading (or pruning) the history needs no write path
    try:
        if day is not None:
            n = history.prune(store, dataset, day.isoformat())
            click.echo(f"{n} Einträge vor dem {day:%d.%m.%Y} gelöscht.")
            return
        total, entries = history.listing(store, dataset, offset=offset, limit=limit)
    finally:
        store.close()
    if fmt == "json":
        click.echo(
            json.dumps({"total": total, "entries": [e.to_dict() for e in entries]}, ensure_ascii=False, indent=2)
        )
        return
    if not entries:
        click.echo(f"Kein Verlauf für „{dataset}“.")
        return
    rows = [[e.id, _when(e.time), e.account, e.door, e.summary, e.added, e.removed] for e in entries]
    click.echo(text_table(["Kennung", "Zeit", "Konto", "Zugang", "Was", "neu", "entfernt"], rows))
    click.echo(f"{len(entries)} von {total} Einträgen.")


@click.command("revert")
@store_option
@click.option("--dataset", required=True, help="Dataset name (musterstadt).")
@click.argument("entry")
def revert_command(store_path: Path | None, dataset: str, entry: str) -> None:
    """Undo the change ENTRY (its Kennung from `history`): validated, refused if a later change touched the same
    triples, recorded as a new change."""
    with (
        opened(settings_for(store_path)) as (store, writer),
        through(Door("Kommandozeile", f"integrationsgraph revert {entry}")),
    ):

        def build() -> list[Change]:
            return history.inverse(store, dataset, entry)

        writer.transact(build, reverts=entry)
        _, newest = history.listing(store, dataset, limit=1)
    click.echo(f"Änderung {entry} rückgängig gemacht (neuer Eintrag {newest[0].id}).")


def add_history_commands(main: click.Group) -> None:
    main.add_command(history_command)
    main.add_command(revert_command)
