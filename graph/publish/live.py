"""The publication's artefacts made on request from the store (for the running server).

The server offers what ``integrationsgraph publish`` writes — catalog, dumps, VoID, ontology — computed from
the store's public data at the moment of the request. Versions and dates come from the last static release
(``Settings.publish_dir``) for every dataset whose content has not changed since; otherwise they are left out
rather than made up.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import pyoxigraph as ox

from integrationsgraph.graph.core.config import Settings, dataset_name
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.labels import german_labels
from integrationsgraph.graph.core.lru import LRU
from integrationsgraph.graph.publish.catalog import FORMATS, DatasetEntry, FileInfo, build_catalog, licence_of
from integrationsgraph.graph.publish.release import (
    DUMPS,
    RELEASE_FILE,
    Snapshot,
    concept,
    digest,
    dump,
    dump_all,
    load_release,
    take_snapshot,
)
from integrationsgraph.graph.publish.tables import GraphIndex
from integrationsgraph.graph.publish.void import ALL, VoidDataset, describe
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs

CACHE_SIZE = 16
_CACHE: LRU[list[ox.Triple]] = LRU(CACHE_SIZE)
"""Catalog pages and VoID descriptions kept; each is a few hundred triples, made from the whole store."""


def _cached(
    store: Store, settings: Settings, key: tuple[Hashable, ...], make: Callable[[], list[ox.Triple]]
) -> list[ox.Triple]:
    """``make()`` once per store revision and release: the catalog and VoID read every public triple (a second
    at a million triples), and a harvester asks for them again and again."""
    release = settings.publish_dir / RELEASE_FILE if settings.publish_dir is not None else None
    stamp = release.stat().st_mtime_ns if release is not None and release.exists() else None
    return _CACHE.get_or_make((store.revision(), stamp, id(settings), *key), make)


ExtraFiles = Callable[[str, str], list[FileInfo]]
"""(dataset name, its title) → more distributions, served by a higher layer (``/berichte/…``: api/routes/publish.py)."""


def entries(
    snap: Snapshot, settings: Settings, extra: ExtraFiles | None = None
) -> tuple[list[DatasetEntry], str | None, str | None]:
    """The catalog's datasets with their dumps (and ``extra`` files), and the catalog's issued and modified dates
    (if known)."""
    release = load_release(settings.publish_dir)
    labels = german_labels(snap.ontology)
    out = []
    for name, triples in snap.datasets.items():
        title, fictional = concept(GraphIndex(triples, labels))
        known = release.datasets.get(name) if release else None
        if known is not None and known.digest != digest(triples):
            known = None
        short = title or name
        files = [
            FileInfo(f"dumps/{name}.{s}", s, f"{short} – {FORMATS[s].label}", f"{short} – {FORMATS[s].label}")
            for s in DUMPS
        ] + (extra(name, short) if extra is not None else [])
        out.append(
            DatasetEntry(
                name=name,
                title_de=short,
                fictional=fictional,
                issued=known.issued if known else None,
                modified=known.modified if known else None,
                files=files,
                version=known.version if known else None,
                previous_version=known.previous_version if known else None,
            )
        )
    return out, (release.catalog_issued if release else None), (release.published if release else None)


def catalog(
    store: Store,
    settings: Settings,
    site: str,
    page: int,
    page_url: Callable[[int], str],
    extra: ExtraFiles | None = None,
) -> list[ox.Triple]:
    """One page of the live catalog; :class:`NotFound` for a page that does not exist."""

    def make() -> list[ox.Triple]:
        snap = take_snapshot(store, settings)
        found, issued, modified = entries(snap, settings, extra)
        pages = max(1, -(-len(found) // settings.catalog_page_size))
        if not 1 <= page <= pages:
            raise NotFound(f"Den Katalog gibt es nur auf den Seiten 1 bis {pages}.")
        return build_catalog(
            found, settings, site, issued=issued, modified=modified, page=page, page_url=page_url, home=""
        )

    return _cached(store, settings, ("catalog", site, page, page_url(page), extra), make)


def dataset_dump(store: Store, settings: Settings, name: str, suffix: str) -> bytes:
    """A dump of one dataset (or of everything, ``alle``) made now; :class:`NotFound` for others."""
    if suffix not in DUMPS:
        raise NotFound(f"Unbekanntes Format {suffix!r}; es gibt {', '.join(DUMPS)}.")
    if name == ALL:
        return dump_all(take_snapshot(store, settings), suffix)
    snap = take_snapshot(store, settings, only=[name])
    if name not in snap.datasets:
        raise NotFound(f"Den Datensatz {name!r} gibt es nicht.")
    return dump(snap.datasets[name], suffix, snap.graphs[name])


def dump_names(store: Store) -> list[str]:
    """Every dump the server offers, as paths below ``/dumps/``."""
    names = sorted(n for n in (dataset_name(g) for g in dataset_graphs(store)) if "/" not in n)
    return [f"{n}.{s}" for n in [*names, ALL] for s in DUMPS]


def void(store: Store, settings: Settings, site: str, sparql_endpoint: str | None) -> list[ox.Triple]:
    """The VoID description made now (or at the last change of the store)."""

    def make() -> list[ox.Triple]:
        snap = take_snapshot(store, settings)
        found, _issued, modified = entries(snap, settings)
        datasets = [
            VoidDataset(
                e.name, e.title_de, snap.datasets[e.name], [f.path for f in e.files], licence_of(settings, e.name)
            )
            for e in found
        ]
        everything = VoidDataset(
            ALL,
            "Alle Datensätze, Ontologie und Prüfregeln",
            [q.triple for q in snap.quads()],
            [f"dumps/{ALL}.{s}" for s in DUMPS],
            settings.licence,
        )
        return describe(datasets, everything, settings, site, modified=modified, sparql_endpoint=sparql_endpoint)

    return _cached(store, settings, ("void", site, sparql_endpoint), make)
