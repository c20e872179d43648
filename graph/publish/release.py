"""A release of the published data: the public snapshot of the store, its dumps, the release record
(version, dates, previous version, checksums) and the folder being written. :mod:`graph.publish.build`
puts them together.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH, SHAPES_GRAPH, Settings, dataset_name
from integrationsgraph.graph.core.errors import IntegrationsgraphError
from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.publish.tables import GraphIndex
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs
from integrationsgraph.graph.store.privacy import Privacy, public_view

KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RELEASE_FILE = "release.json"
DUMPS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt.gz": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}
"""Dump suffix → format (``nt.gz`` is gzip-compressed N-Triples)."""


class PublishError(IntegrationsgraphError):
    """The output folder cannot be used."""


@dataclass
class Snapshot:
    """The public content of the store at one moment: per dataset, and the ontology and shapes."""

    graphs: dict[str, str]
    datasets: dict[str, list[ox.Triple]]
    ontology: list[ox.Triple]
    shapes: list[ox.Triple]

    @functools.cached_property
    def all_quads(self) -> list[ox.Quad]:
        """Every public graph as quads (datasets, ontology, shapes)."""
        return self.quads()

    def quads(self) -> list[ox.Quad]:
        """Every public graph as quads (datasets, ontology, shapes)."""
        out = [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(self.graphs[n]))
            for n, ts in self.datasets.items()
            for t in ts
        ]
        for graph, triples in ((ONTOLOGY_GRAPH, self.ontology), (SHAPES_GRAPH, self.shapes)):
            out += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]
        return out


def take_snapshot(store: Store, settings: Settings, only: list[str] | None = None) -> Snapshot:
    """The public view of every dataset graph (or of the named ones), the ontology and the shapes."""
    privacy = Privacy.from_settings(settings)
    # Stored versions (``…/graph/{dataset}/v/{version}``) are not published; the current state is.
    graphs = {dataset_name(g): g for g in dataset_graphs(store) if "/" not in dataset_name(g)}
    if only is not None:
        graphs = {n: g for n, g in graphs.items() if n in only}
    present = set(store.graphs())
    return Snapshot(
        graphs=graphs,
        datasets={n: ordered(public_view(store.triples(g), privacy)) for n, g in sorted(graphs.items())},
        ontology=ordered(store.triples(ONTOLOGY_GRAPH)) if ONTOLOGY_GRAPH in present else [],
        shapes=ordered(store.triples(SHAPES_GRAPH)) if SHAPES_GRAPH in present else [],
    )


def ordered(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples in N-Triples order, so the same data gives the same files whichever store it comes from.

    The embedded store hands triples out in its index order, a SPARQL server in an order of its own.
    """
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def dump(triples: list[ox.Triple], suffix: str, graph: str | None = None) -> bytes:
    """One dataset's triples in a dump format (TriG puts them into ``graph``)."""
    fmt = DUMPS[suffix]
    if fmt == ox.RdfFormat.TRIG:
        assert graph is not None
        name = ox.NamedNode(graph)
        data = ox.serialize(
            [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples], format=fmt, prefixes=PREFIXES
        )
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        data = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
    else:
        data = ox.serialize(triples, format=fmt)
    assert data is not None
    return gzip.compress(data, mtime=0) if suffix.endswith(".gz") else data


def dump_all(snapshot: Snapshot, suffix: str) -> bytes:
    """Everything: TriG keeps the named graphs; the graph formats hold the union of all public graphs."""
    quads = snapshot.all_quads
    if DUMPS[suffix] == ox.RdfFormat.TRIG:
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        assert data is not None
        return data
    return dump(list({q.triple: None for q in quads}), suffix)


def digest(triples: list[ox.Triple]) -> str:
    """A fingerprint of a dataset's content (sorted N-Triples), to tell whether it changed."""
    lines = sorted(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class DatasetRelease:
    digest: str
    issued: str
    modified: str
    version: str
    previous_version: str | None = None


@dataclass
class Release:
    """One publication: its version, dates, datasets and files (``release.json``)."""

    version: str
    published: str
    catalog_issued: str
    previous: str | None = None
    history: list[str] = field(default_factory=list)
    datasets: dict[str, DatasetRelease] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "published": self.published,
            "catalog_issued": self.catalog_issued,
            "previous": self.previous,
            "history": self.history,
            "datasets": {n: vars(d) for n, d in self.datasets.items()},
            "files": self.files,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Release:
        data = json.loads(text)
        datasets = {n: DatasetRelease(**d) for n, d in data.get("datasets", {}).items()}
        return cls(
            version=data["version"],
            published=data["published"],
            catalog_issued=data.get("catalog_issued", data["published"]),
            previous=data.get("previous"),
            history=list(data.get("history", [])),
            datasets=datasets,
            files=dict(data.get("files", {})),
        )


def load_release(folder: Path | None) -> Release | None:
    """The release a folder holds, if any."""
    if folder is None or not (folder / RELEASE_FILE).is_file():
        return None
    try:
        return Release.from_json((folder / RELEASE_FILE).read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"{folder / RELEASE_FILE} ist keine lesbare Veröffentlichung: {exc}") from exc


def next_release(previous: Release | None, digests: dict[str, str], published: str) -> Release:
    """The new release: today's date as version (``.2``, ``.3`` … on the same day); unchanged datasets keep
    their ``modified`` date, so a harvester sees a change only where there is one."""
    version = published[:10]
    if previous is not None and previous.version.split(".")[0] == version:
        count = int(previous.version.split(".")[1]) if "." in previous.version else 1
        version = f"{version}.{count + 1}"
    release = Release(
        version=version,
        published=published,
        catalog_issued=previous.catalog_issued if previous else published,
        previous=previous.version if previous else None,
        history=[*(previous.history if previous else []), *([previous.version] if previous else [])],
    )
    for name, d in digests.items():
        before = previous.datasets.get(name) if previous else None
        release.datasets[name] = DatasetRelease(
            digest=d,
            issued=before.issued if before else published,
            modified=before.modified if before and before.digest == d else published,
            version=version,
            previous_version=before.version if before else None,
        )
    return release


class Site:
    """The folder being written: every file goes through :meth:`write`, which notes its size and checksum."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, dict[str, Any]] = {}

    def write(self, path: str, data: bytes) -> dict[str, Any]:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        info = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        self.files[path] = info
        return info


def concept(index: GraphIndex) -> tuple[str | None, bool]:
    """The German title of a dataset's Integrationskonzept and whether it is fictional."""
    for s in index.instances(f"{KIO}Integrationskonzept"):
        fictional = any(isinstance(v, ox.Literal) and v.value in ("true", "1") for v in index.values(s, f"{KIO}fiktiv"))
        return index.value(s, f"{SKOS}prefLabel", "de"), fictional
    return None, False
