"""The command line: ``integrationsgraph <command>``.

Human-readable output by default, ``--format`` for scripts, exit code 0 only on success.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from integrationsgraph.cli.analysis import add_analysis_commands
from integrationsgraph.cli.common import fail, opened, settings_for, store_option
from integrationsgraph.cli.history import add_history_commands
from integrationsgraph.cli.monitoring import add_monitoring_commands
from integrationsgraph.cli.oparl import oparl_command
from integrationsgraph.cli.publish import publish_command
from integrationsgraph.cli.report import report_command
from integrationsgraph.cli.sheets import add_sheet_commands, export_xlsx
from integrationsgraph.cli.users import add_user_commands
from integrationsgraph.graph.core.config import dataset_name
from integrationsgraph.graph.core.errors import IntegrationsgraphError, ValidationFailed
from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.rdf.io import DATASET_FORMATS, rdf_format, serialize_quads, serialize_triples
from integrationsgraph.graph.shacl.report import render_text
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sparql.results import render
from integrationsgraph.graph.write.load import load_files, resolve_graph, validate_files, validate_store


class Group(click.Group):
    """Turns our own errors into a message and exit code 2 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            click.echo(render_text(exc.report, ctx.meta.get("lang", "de")), err=True)
            click.echo(str(exc), err=True)
            sys.exit(1)
        except IntegrationsgraphError as exc:
            fail(f"Fehler: {exc}")


@click.group(cls=Group)
@click.version_option(package_name="integrationsgraph")
def main() -> None:
    """integrationsgraph: municipal integration concepts as a knowledge graph."""


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="API processes; more than one needs a SPARQL server (INTEGRATIONSGRAPH_STORE_URL).",
)
def serve(store_path: Path | None, host: str, port: int, workers: int) -> None:
    """Start the web service (loads Rheine and Musterstadt on first start); refuses to without shapes.

    The store is the embedded one, or the SPARQL server at INTEGRATIONSGRAPH_STORE_URL when that is set.
    """
    import uvicorn

    from integrationsgraph.api.main import create_app

    settings = settings_for(store_path)
    Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)  # no shapes: exit 2 before the port is bound
    where = f"SPARQL-Server {settings.store_url}" if settings.store_url else f"Speicher {settings.store}"
    click.echo(f"integrationsgraph: {where}, http://{host}:{port}/, {workers} Prozess(e)", err=True)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    if not settings.store_url:
        fail(
            "Mehrere API-Prozesse (--workers) brauchen einen SPARQL-Server: der eingebettete Speicher lässt sich "
            "nur von einem Prozess öffnen. Bitte INTEGRATIONSGRAPH_STORE_URL setzen oder --workers 1."
        )
    with opened(settings):
        pass  # the system graphs and datasets are loaded once here, not by every worker at the same time
    if store_path is not None:
        os.environ["INTEGRATIONSGRAPH_STORE"] = str(store_path)  # the workers read their settings from here
    if settings.store_url:  # from --store-url, too
        os.environ["INTEGRATIONSGRAPH_STORE_URL"] = settings.store_url
    if settings.update_url:
        os.environ["INTEGRATIONSGRAPH_UPDATE_URL"] = settings.update_url
    uvicorn.run(
        "integrationsgraph.api.main:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
    )


@main.command()
@store_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--graph", "graph", default=None, help="Target graph: a dataset name (musterstadt) or an IRI.")
@click.option("--replace", is_flag=True, help="Replace the graph's content instead of adding to it.")
@click.option(
    "--bulk",
    is_flag=True,
    help="New graphs only: write with the bulk loader (embedded) or one Graph Store POST per graph (SPARQL "
    "server with INTEGRATIONSGRAPH_GRAPH_STORE_URL); fast, not one transaction.",
)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
def load(
    store_path: Path | None, files: tuple[Path, ...], graph: str | None, replace: bool, bulk: bool, lang: str
) -> None:
    """Load RDF files or folders into the store, validated; nothing is written if anything is invalid."""
    click.get_current_context().meta["lang"] = lang
    with opened(settings_for(store_path)) as (_store, writer):
        target = resolve_graph(graph) if graph else None
        for r in load_files(writer, list(files), target, replace=replace, bulk=bulk):
            counts = r.report.counts()
            click.echo(
                f"{dataset_name(r.graph)}: {r.triples} Tripel aus {r.files} Datei(en) geladen in {r.seconds:.2f} s "
                f"({counts['Warning']} Warnungen, {counts['Info']} Hinweise)"
            )


@main.command()
@store_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--graph", "graphs", multiple=True, help="Only these datasets of the store (name or IRI).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="Store validation: shapes compiled to SPARQL (fast), or pyshacl (the reference). Files: always pyshacl.",
)
def validate(
    store_path: Path | None, paths: tuple[Path, ...], graphs: tuple[str, ...], fmt: str, lang: str, engine: str
) -> None:
    """Validate files or folders (or, without PATHS, every dataset in the store). Exit 1 on Violations, 2 without
    shapes or ontology (INTEGRATIONSGRAPH_SHAPES_DIR, INTEGRATIONSGRAPH_ONTOLOGY_DIR)."""
    settings = settings_for(store_path)
    shapes = Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)
    reports: dict[str, Report]
    if paths:
        reports = {", ".join(str(p) for p in paths): validate_files(list(paths), shapes)}
    else:
        with opened(settings) as (store, _writer):
            wanted = [resolve_graph(g) for g in graphs] if graphs else None
            reports = {dataset_name(g): r for g, r in validate_store(store, shapes, wanted, engine=engine).items()}
    if fmt == "json":
        import json

        click.echo(json.dumps({k: r.to_dict() for k, r in reports.items()}, ensure_ascii=False, indent=2))
    elif fmt == "turtle":
        for r in reports.values():
            click.echo(r.to_turtle())
    else:
        for title, r in reports.items():
            click.echo(render_text(r, lang, title))
    sys.exit(0 if all(r.conforms for r in reports.values()) else 1)


@main.command()
@store_option
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, path_type=Path), help="Read the query from a file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
    default="table",
    show_default=True,
)
@click.option("--graph", "graphs", multiple=True, help="Query only these datasets (name or IRI) as default graph.")
def query(
    store_path: Path | None, sparql: str | None, query_file: Path | None, fmt: str, graphs: tuple[str, ...]
) -> None:
    """Run a SPARQL query against the store; the default graph is the union of all graphs."""
    if query_file is not None:
        sparql = query_file.read_text(encoding="utf-8")
    if not sparql:
        fail("Bitte eine SPARQL-Abfrage angeben (als Argument oder mit --file).")
    assert sparql is not None
    with opened(settings_for(store_path)) as (store, _writer):
        default = [resolve_graph(g) for g in graphs] if graphs else None
        click.echo(render(store.query(sparql, default_graphs=default), fmt), nl=False)


@main.command()
@store_option
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--graph", "--dataset", "graph", default=None, help="Only this dataset (name or IRI); default: all.")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig", "nq", "rdf"]), default=None)
def export(store_path: Path | None, file: Path | None, graph: str | None, fmt: str | None) -> None:
    """Write the store (or one graph) as RDF to FILE, or to standard output without FILE; FILE.xlsx: a workbook."""
    if file is not None and file.suffix.lower() == ".xlsx":
        return export_xlsx(store_path, file, graph)
    rformat = rdf_format(fmt) if fmt else (rdf_format(file) if file is not None else ox.RdfFormat.TURTLE)
    with opened(settings_for(store_path)) as (store, _writer):
        graphs = [resolve_graph(graph)] if graph else store.graphs()
        if rformat in DATASET_FORMATS:
            quads = [
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in graphs for t in store.triples(g)
            ]
            data = serialize_quads(quads, rformat, PREFIXES)
        else:
            data = serialize_triples([t for g in graphs for t in store.triples(g)], rformat, PREFIXES)
    if file is None:
        sys.stdout.buffer.write(data)
    else:
        file.write_bytes(data)
        click.echo(f"{len(data)} Bytes nach {file} geschrieben.", err=True)


@main.command()
@click.option("--municipalities", "count", type=click.IntRange(1), default=1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same data.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="A .trig or .nq file.")
def generate(count: int, seed: int, output: Path) -> None:
    """Write N FICTIONAL municipalities (one named graph each, datasets fiktiv-001 …) for benchmarks."""
    from integrationsgraph.graph.datasets.generate import municipalities

    fmt = rdf_format(output)
    if fmt not in DATASET_FORMATS:
        fail("Bitte eine Datei mit der Endung .trig oder .nq angeben (ein Graph je Gemeinde).")
    data = serialize_quads(municipalities(count, seed), fmt, PREFIXES)
    output.write_bytes(data)
    click.echo(f"{count} fiktive Gemeinde(n) nach {output} geschrieben ({len(data)} Bytes).", err=True)


add_sheet_commands(main)  # spreadsheets and versions: template, import, diff
add_analysis_commands(main)  # network analysis and maps: analyze, map
add_monitoring_commands(main)  # monitoring: progress
main.add_command(publish_command)  # open-data publication: publish OUT_DIR
main.add_command(report_command)  # the Sachstandsbericht: report --dataset NAME -o FILE.pdf|.html
add_user_commands(main)  # accounts: user add | list | remove | token --renew
add_history_commands(main)  # the history: history --dataset D, revert --dataset D ID
main.add_command(oparl_command)  # council documents: oparl URL --dataset D [--since DATE] [--filter WORDS]

if __name__ == "__main__":
    main()
