"""``integrationsgraph publish OUT_DIR``: the static open-data site (registered at the end of cli/main.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from integrationsgraph.cli.common import opened, settings_for, store_option
from integrationsgraph.graph.monitoring.report_pdf import publication_files
from integrationsgraph.graph.publish.build import publish


@click.command("publish")
@store_option
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-reports", is_flag=True, help="Leave out the Sachstandsberichte (berichte/*.html, *.pdf).")
def publish_command(store_path: Path | None, out_dir: Path, fmt: str, no_reports: bool) -> None:
    """Publish the public data as a static site in OUT_DIR: catalog (DCAT-AP.de), dumps, VoID, docs, pages.

    Every run is a dated release; OUT_DIR must be empty or hold an earlier publication, whose content is
    replaced (the previous release is named in the new one).
    """

    settings = settings_for(store_path)
    with opened(settings) as (store, _writer):
        result = publish(store, settings, out_dir, extras=None if no_reports else publication_files(store))
    if fmt == "json":
        data = {
            "out_dir": str(result.out_dir),
            "version": result.version,
            "previous": result.previous,
            "seconds": round(result.seconds, 3),
            "datasets": result.datasets,
            "files": len(result.files),
            "bytes": result.total_bytes(),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    previous = f" (vorher {result.previous})" if result.previous else ""
    click.echo(f"Veröffentlichung {result.version}{previous} nach {out_dir} geschrieben in {result.seconds:.1f} s:")
    for name, triples in result.datasets.items():
        click.echo(f"  {name}: {triples} öffentliche Tripel")
    click.echo(f"  {len(result.files)} Dateien, {result.total_bytes() / 1e6:.1f} MB")
    click.echo(f"  Katalog für GovData: {out_dir / 'catalog.rdf'}")
    if not settings.public_base_url:
        click.echo(
            "  Hinweis: INTEGRATIONSGRAPH_PUBLIC_BASE_URL ist nicht gesetzt – der Katalog enthält relative "
            "Adressen. GovData braucht die öffentliche Adresse des Ordners.",
            err=True,
        )
