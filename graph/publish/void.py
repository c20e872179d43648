"""The VoID description of the published data: sizes, classes, properties, dumps, vocabularies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.core.iris import DCT, XSD
from integrationsgraph.graph.core.iris import PREFIXES as VOCABULARIES
from integrationsgraph.graph.publish.catalog import RDF_TYPE, VOID, dataset_iri, lit, nn

ALL = "alle"


@dataclass
class VoidDataset:
    """One dataset (or everything, ``name == "alle"``) with its triples and dump addresses."""

    name: str
    title_de: str
    triples: list[ox.Triple]
    dumps: list[str]
    licence: str


def _int(n: int) -> ox.Literal:
    return lit(str(n), datatype=f"{XSD}integer")


def _statistics(node: ox.NamedNode, triples: list[ox.Triple], partitions: bool) -> list[ox.Triple]:
    subjects = {t.subject for t in triples}
    classes = Counter(t.object for t in triples if t.predicate == RDF_TYPE)
    properties = Counter(t.predicate for t in triples)
    entities = {t.subject for t in triples if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode)}
    out = [
        ox.Triple(node, nn(f"{VOID}triples"), _int(len(triples))),
        ox.Triple(node, nn(f"{VOID}entities"), _int(len(entities))),
        ox.Triple(node, nn(f"{VOID}distinctSubjects"), _int(len(subjects))),
        ox.Triple(node, nn(f"{VOID}properties"), _int(len(properties))),
        ox.Triple(node, nn(f"{VOID}classes"), _int(len(classes))),
    ]
    used = {str(p.value) for p in properties} | {c.value for c in classes if isinstance(c, ox.NamedNode)}
    for prefix, ns in sorted(VOCABULARIES.items()):
        if prefix not in ("rdf", "rdfs", "owl") and any(u.startswith(ns) for u in used):
            out.append(ox.Triple(node, nn(f"{VOID}vocabulary"), nn(ns)))
    if partitions:
        for i, (cls, n) in enumerate(sorted(classes.items(), key=lambda kv: str(kv[0])), 1):
            part = nn(f"{node.value}#klasse-{i}")
            out += [
                ox.Triple(node, nn(f"{VOID}classPartition"), part),
                ox.Triple(part, nn(f"{VOID}class"), cls),
                ox.Triple(part, nn(f"{VOID}entities"), _int(n)),
            ]
        for i, (prop, n) in enumerate(sorted(properties.items(), key=lambda kv: kv[0].value), 1):
            part = nn(f"{node.value}#eigenschaft-{i}")
            out += [
                ox.Triple(node, nn(f"{VOID}propertyPartition"), part),
                ox.Triple(part, nn(f"{VOID}property"), prop),
                ox.Triple(part, nn(f"{VOID}triples"), _int(n)),
            ]
    return out


def describe(
    datasets: Iterable[VoidDataset],
    everything: VoidDataset,
    settings: Settings,
    site: str,
    *,
    modified: str | None,
    sparql_endpoint: str | None = None,
) -> list[ox.Triple]:
    """The VoID triples: one ``void:Dataset`` for everything, with one subset per dataset."""
    root = nn(dataset_iri(settings, ALL))
    out = _one(root, everything, settings, site, modified, partitions=False)
    out.append(ox.Triple(root, nn(f"{VOID}uriSpace"), lit(settings.base_iri)))
    if sparql_endpoint:
        out.append(ox.Triple(root, nn(f"{VOID}sparqlEndpoint"), nn(sparql_endpoint)))
    for d in datasets:
        node = nn(dataset_iri(settings, d.name))
        out.append(ox.Triple(root, nn(f"{VOID}subset"), node))
        out += _one(node, d, settings, site, modified, partitions=True)
        out.append(ox.Triple(node, nn(f"{VOID}uriSpace"), lit(f"{settings.base_iri}{d.name}/")))
    return out


def _one(
    node: ox.NamedNode, d: VoidDataset, settings: Settings, site: str, modified: str | None, *, partitions: bool
) -> list[ox.Triple]:
    out = [
        ox.Triple(node, RDF_TYPE, nn(f"{VOID}Dataset")),
        ox.Triple(node, nn(f"{DCT}title"), lit(d.title_de, "de")),
        ox.Triple(node, nn(f"{DCT}license"), nn(d.licence)),
        ox.Triple(node, nn(f"{DCT}publisher"), nn(settings.publisher_iri)),
    ]
    if modified:
        out.append(ox.Triple(node, nn(f"{DCT}modified"), lit(modified, datatype=f"{XSD}dateTime")))
    out += [ox.Triple(node, nn(f"{VOID}dataDump"), nn(site + path)) for path in d.dumps]
    return out + _statistics(node, d.triples, partitions)
