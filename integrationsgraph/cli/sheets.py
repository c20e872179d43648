"""Command-line commands for spreadsheets and versions: ``template``, ``import``, ``import-werte`` (an indicator's
values as tidy CSV), ``diff`` (and the xlsx export).

Registered on the main group by :func:`add_sheet_commands`; ``integrationsgraph export x.xlsx --dataset NAME``
calls :func:`export_xlsx`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn, Protocol

import click

from integrationsgraph.cli.common import opened, settings_for, store_option
from integrationsgraph.graph.core.config import GRAPH_BASE, Settings
from integrationsgraph.graph.datasets.versions import diff, version_graph, version_record
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.tidy import import_values
from integrationsgraph.graph.sheets.workbook import export_workbook, import_workbook, private_count, template_bytes

format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)


def _refused(exc: ImportFailed, fmt: str) -> NoReturn:
    """An import's errors (per cell or line) as JSON on stdout or as text on stderr; exit code 1."""
    if fmt == "json":
        click.echo(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(str(exc), err=True)
    sys.exit(1)


class _Result(Protocol):
    def to_dict(self) -> dict[str, Any]: ...
    def text(self) -> str: ...


def _imported(result: _Result, fmt: str) -> None:
    """An import's result (``to_dict()`` as JSON, or its ``text()``)."""
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(result.text())
    for note in getattr(result, "notes", []):
        word = "Warnung" if note.kind == "warnung" else "Hinweis"
        click.echo(f"  {word}: {note.where()}: {note.message}")
    preview = getattr(result, "preview", None)
    if preview is not None:
        words = {"added": "neu", "changed": "geändert", "removed": "entfernt"}
        for what, entities in (("added", preview.added), ("changed", preview.changed), ("removed", preview.removed)):
            for e in entities:
                click.echo(f"  {words[what]}: {e.kind} „{e.label}“ <{e.iri}>")


def _settings(store_path: Path | None) -> Settings:

    return settings_for(store_path)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template(file: Path) -> None:
    """Write the empty workbook template (one sheet per kind, German headers, drop-downs, an example row each)."""
    data = template_bytes()
    file.write_bytes(data)
    click.echo(f"Vorlage nach {file} geschrieben ({len(data)} Bytes); Beispielzeilen: „BEISPIEL…“.", err=True)


@click.command(name="import")
@store_option
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--dataset", required=True, help="Dataset name (musterstadt): its graph gets the workbook's content.")
@click.option("--version", "version", default=None, help="Store as this version (2025) in a graph of its own.")
@click.option("--dry-run", is_flag=True, help="Check and show what would be added, changed, removed; write nothing.")
@click.option(
    "--confirm-replace", is_flag=True, help="Allow an import that removes more than half of the dataset's triples."
)
@format_option
def import_(
    store_path: Path | None,
    file: Path,
    dataset: str,
    version: str | None,
    dry_run: bool,
    confirm_replace: bool,
    fmt: str,
) -> None:
    """Import a workbook (xlsx, or a folder of CSV files, one per sheet): errors per cell, nothing written on error.

    An import that would remove more than half of the dataset's triples (the wrong file?) is refused unless
    --confirm-replace; --dry-run shows the changes by entity first."""

    settings = _settings(store_path)
    with opened(settings) as (store, writer):
        graph = version_graph(dataset, version) if version else version_graph(dataset, "aktuell")
        record = version_record(store, dataset, version) if version else []
        try:
            result = import_workbook(
                writer,
                file,
                graph,
                dataset,
                settings.base_iri,
                extra_triples=record,
                dry_run=dry_run,
                confirm_replace=confirm_replace,
            )
        except ImportFailed as exc:
            _refused(exc, fmt)
    _imported(result, fmt)


@click.command(name="import-werte")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", required=True, help="Dataset name (musterstadt).")
@click.option("--indikator", "indicator", required=True, help="The indicator's code (I1.1.1.1) or Kennung.")
@click.option("--version", "version", default=None, help="Into this stored version (2025) instead of the dataset.")
@format_option
def import_values_(
    store_path: Path | None, file: Path, dataset: str, indicator: str, version: str | None, fmt: str
) -> None:
    """Import one indicator's values from a tidy CSV file (Jahr first, Wert last): the file REPLACES the indicator's
    whole series; errors per line and column, nothing written on error."""

    settings = _settings(store_path)
    with opened(settings) as (store, writer):
        graph = version_graph(dataset, version) if version else version_graph(dataset, "aktuell")
        if graph not in store.graphs():
            what = f"die Version „{version}“ des Datensatzes „{dataset}“" if version else f"den Datensatz „{dataset}“"
            raise click.UsageError(f"Im Speicher gibt es {what} nicht.")
        try:
            result = import_values(
                writer,
                file.read_bytes(),
                graph,
                settings.base_iri,
                dataset,
                indicator,
                source=file.name,
                max_bytes=settings.import_max_bytes,
            )
        except ImportFailed as exc:
            _refused(exc, fmt)
    _imported(result, fmt)


@click.command(name="diff")
@store_option
@click.option("--dataset", required=True, help="Dataset name (musterstadt).")
@click.argument("source")
@click.argument("target")
@format_option
def diff_(store_path: Path | None, dataset: str, source: str, target: str, fmt: str) -> None:
    """List what was added, removed and changed between two versions (``aktuell`` = the dataset graph)."""

    settings = _settings(store_path)
    with opened(settings) as (store, _writer):
        result = diff(store, dataset, source, target, settings.base_iri)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.to_text(), nl=False)


def export_xlsx(store_path: Path | None, file: Path, graph: str | None) -> None:
    """``export FILE.xlsx --dataset NAME``: the dataset (or ``NAME/v/2025``, a version) as a workbook."""
    from integrationsgraph.graph.write.load import resolve_graph

    if not graph:
        raise click.UsageError("Für eine Arbeitsmappe bitte den Datensatz angeben: --dataset NAME.")
    iri = resolve_graph(graph)
    name = iri[len(GRAPH_BASE) :] if iri.startswith(GRAPH_BASE) else graph
    dataset = name.split("/v/", 1)[0]
    settings = _settings(store_path)
    with opened(settings) as (store, _writer):
        if iri not in store.graphs():
            raise click.UsageError(f"Den Datensatz „{name}“ gibt es im Speicher nicht.")
        data = export_workbook(store, iri, dataset, settings.base_iri, skip=[iri])
        private = private_count(store, iri)
    file.write_bytes(data)
    click.echo(f"Arbeitsmappe nach {file} geschrieben ({len(data)} Bytes).", err=True)
    if private:
        click.echo(
            f"Achtung: Sie enthält {private} personenbezogene Angaben aus dem privaten Teil des Datensatzes – "
            "nicht veröffentlichen.",
            err=True,
        )


def add_sheet_commands(group: click.Group) -> None:
    """Register ``template``, ``import``, ``import-werte`` and ``diff`` on the main command group."""
    for command in (template, import_, import_values_, diff_):
        group.add_command(command)
