"""What every command module shares: the ``--store`` option, settings, the opened store, failing cleanly."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.monitoring import assessments
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.privacy import Privacy
from integrationsgraph.graph.store.remote import connect
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath

F = TypeVar("F", bound=Callable[..., Any])
_META = "integrationsgraph.remote"


def _remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Keep ``--store-url``/``--update-url`` for :func:`settings_for` (the commands need not take them)."""
    if value is not None:
        ctx.meta.setdefault(_META, {})[str(param.name)] = value


def store_option(command: F) -> F:
    """``--store PATH`` (the embedded store), or ``--store-url URL`` (a SPARQL 1.1 server) with ``--update-url``."""
    command = click.option(
        "--update-url",
        expose_value=False,
        callback=_remember,
        help="Update endpoint of that server [env INTEGRATIONSGRAPH_UPDATE_URL; default: the query endpoint].",
    )(command)
    command = click.option(
        "--store-url",
        expose_value=False,
        callback=_remember,
        help="Query endpoint of a SPARQL 1.1 server to use instead of the embedded store "
        "[env INTEGRATIONSGRAPH_STORE_URL].",
    )(command)
    return click.option(
        "--store",
        "store_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of the on-disk store [env INTEGRATIONSGRAPH_STORE; default var/store].",
    )(command)


def settings_for(store_path: Path | None) -> Settings:
    """The settings from the environment, with what the command line says on top.

    ``--store-url`` picks a SPARQL server; ``--store`` alone picks the embedded store in that folder, even when
    ``INTEGRATIONSGRAPH_STORE_URL`` is set (an explicit option beats the environment).
    """
    settings = Settings()
    ctx = click.get_current_context(silent=True)
    remote: dict[str, str] = ctx.meta.get(_META, {}) if ctx is not None else {}
    if "store_url" in remote:
        return settings.model_copy(
            update={"store_url": remote["store_url"], "update_url": remote.get("update_url", settings.update_url)}
        )
    if "update_url" in remote:
        settings = settings.model_copy(update={"update_url": remote["update_url"]})
    if store_path is not None:
        settings = settings.model_copy(update={"store": store_path, "store_url": None})
    return settings


@contextmanager
def opened(settings: Settings) -> Iterator[tuple[Store, WritePath]]:
    """The store with its write path; the system graphs and missing datasets are loaded first.

    The store is the SPARQL server at ``INTEGRATIONSGRAPH_STORE_URL`` when that is set, else the embedded one.
    """
    store = connect(settings)
    try:
        shapes = Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)
        derivers = [assessments.deriver(settings.base_iri)]  # the progress graphs stay current
        writer = WritePath(store, shapes, Privacy.from_settings(settings), derivers)
        bootstrap(writer, settings)
        writer.derive(assessments.missing(store))
        yield store, writer
    finally:
        store.close()


def fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)
