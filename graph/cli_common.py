"""What every command module shares: the ``--store`` option, settings, the opened store, failing cleanly."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from graph.config import Settings
from graph.load import bootstrap
from graph.privacy import Privacy
from graph.remote import connect
from graph.store import Store
from graph.validate import Shapes
from graph.write import WritePath

store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of the on-disk store [env INTEGRATIONSGRAPH_STORE; default var/store].",
)


def settings_for(store_path: Path | None) -> Settings:
    settings = Settings()
    if store_path is not None:
        settings = settings.model_copy(update={"store": store_path})
    return settings


@contextmanager
def opened(settings: Settings) -> Iterator[tuple[Store, WritePath]]:
    """The store with its write path; the system graphs and missing datasets are loaded first.

    The store is the SPARQL server at ``INTEGRATIONSGRAPH_STORE_URL`` when that is set, else the embedded one.
    """
    store = connect(settings)
    try:
        shapes = Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)
        writer = WritePath(store, shapes, Privacy.from_settings(settings))
        bootstrap(writer, settings)
        yield store, writer
    finally:
        store.close()


def fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)
