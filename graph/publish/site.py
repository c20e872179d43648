"""The static site's artefacts, in the order they depend on each other: dumps and tables first, then the
catalog and VoID (they carry the dumps' sizes and checksums), then the documentation and the pages.

Pages are rendered from ``api/templates/publish_*.html`` with links relative to the page, so the folder can
move; the link targets outside the folder are shown as text (IRIs, the licence's address), not as links.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_NS, ROOT, TEMPLATES, Settings
from integrationsgraph.graph.core.iris import DCT, PREFIXES, SKOS
from integrationsgraph.graph.core.labels import german_labels
from integrationsgraph.graph.core.links import install as install_links
from integrationsgraph.graph.publish.catalog import (
    ATTRIBUTION_LICENCES,
    FORMATS,
    RELATIVE_SITE,
    CatalogConfig,
    DatasetEntry,
    FileInfo,
    build_catalog,
    dataset_iri,
    licence_of,
    page_count,
    serialize_catalog,
)
from integrationsgraph.graph.publish.ontology_docs import document
from integrationsgraph.graph.publish.pages import Linker, documents, relative, render_resource, resource_path
from integrationsgraph.graph.publish.release import DUMPS, Release, Site, Snapshot, concept, dump, dump_all
from integrationsgraph.graph.publish.tables import TABLES, GraphIndex, table_csv
from integrationsgraph.graph.publish.void import ALL, VoidDataset, describe

LICENCES = ROOT / "publish" / "codelists" / "dcat-ap-de-licenses.ttl"
SOURCE = (
    "die Datensätze im integrationsgraph; Rheine: Präsentation der Stadt Rheine „Migrations- und "
    "Integrationskonzept – 2. Fortschreibung“ (jede Angabe verweist auf ihre Folie)"
)
QUELLE = f"{ONTOLOGY_NS}Quelle"


def environment() -> jinja2.Environment:
    """The Jinja environment of the publication templates (``api/templates/publish_*.html``), with the test
    ``safe_link`` (:func:`graph.core.links.safe_href`): a link only to a safe address."""
    return install_links(
        jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)
    )


@dataclass
class Licence:
    """A licence as the footer names it."""

    iri: str
    name: str
    homepage: str | None
    attribution: str | None
    datasets: str = ""


ONTOLOGY_LICENCE = Licence(
    "https://creativecommons.org/licenses/by/4.0/",
    "Creative Commons Namensnennung 4.0 International (CC BY 4.0)",
    None,
    "integrationsgraph contributors",
    "Ontologie",
)


@functools.cache
def _licence_list() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for q in ox.parse(path=str(LICENCES), format=ox.RdfFormat.TURTLE):
        key = q.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        out.setdefault(q.subject.value, {})[key] = q.object.value
    return out


def licence_info(iri: str, settings: Settings, datasets: str = "") -> Licence:
    """Name and licence text of a dcat-ap.de licence IRI (from the shipped list), with the attribution."""
    known = _licence_list().get(iri, {})
    name, homepage = known.get("prefLabel", iri), known.get("homepage")
    attribution = settings.licence_attribution if any(m in iri for m in ATTRIBUTION_LICENCES) else None
    return Licence(iri, name, homepage, attribution, datasets)


@dataclass(frozen=True)
class ExtraFile:
    """A file a higher layer adds to a dataset's distributions (the Sachstandsbericht, from graph/monitoring):
    written, checksummed and catalogued like the dumps. ``fmt`` is a key of :data:`FORMATS`."""

    path: str
    fmt: str
    title_de: str
    title_en: str
    data: bytes


Extras = Callable[[str], list[ExtraFile]]
"""Dataset name → its extra files. graph.publish may not import graph.monitoring (a higher layer), so the caller
(``integrationsgraph publish``) passes this in (docs/berichte.md)."""


def links(root: str) -> dict[str, str]:
    """The navigation, relative to a page ``root`` (``""`` in the site's root, ``"../"`` one folder down)."""
    return {
        "home": f"{root}index.html",
        "ontology": f"{root}ontology/index.html",
        "catalog": f"{root}catalog.ttl",
        "void": f"{root}void.ttl",
    }


def root_of(page: str) -> str:
    return "../" * page.count("/")


@dataclass
class Build:
    """What one build knows: the snapshot, the release, indexes and labels, and what was written so far."""

    site: Site
    snap: Snapshot
    release: Release
    settings: Settings
    labels: dict[str, str]
    indexes: dict[str, GraphIndex]
    env: jinja2.Environment = field(default_factory=environment)
    entries: list[DatasetEntry] = field(default_factory=list)
    everything: list[dict[str, Any]] = field(default_factory=list)
    catalog_pages: list[dict[str, str]] = field(default_factory=list)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, list[dict[str, str]]]] = field(default_factory=dict)
    extras: Extras | None = None

    @property
    def base(self) -> str:
        return self.settings.public_base_url or RELATIVE_SITE

    def render(self, template: str, page: str, **context: Any) -> None:
        html = self.env.get_template(template).render(
            release=self.release, source=SOURCE, links=links(root_of(page)), **context
        )
        self.site.write(page, html.encode())

    def licences(self, name: str) -> list[Licence]:
        return [licence_info(licence_of(self.settings, name), self.settings)]


def build_site(
    site: Site,
    snap: Snapshot,
    release: Release,
    settings: Settings,
    steps: dict[str, float],
    extras: Extras | None = None,
) -> None:
    """Write every artefact of the release into ``site`` (and each dataset's ``extras``, if given)."""
    labels = german_labels(snap.ontology)
    indexes = {n: GraphIndex(ts, labels) for n, ts in snap.datasets.items()}
    b = Build(site, snap, release, settings, labels, indexes, extras=extras)
    for step, run in (
        ("dumps", _dumps),
        ("catalog", _catalog),
        ("ontology", _ontology),
        ("resource_pages", _resources),
        ("pages", _pages),
    ):
        t = time.perf_counter()
        run(b)
        steps[step] = time.perf_counter() - t


def _file(path: str, fmt: str, de: str, en: str, info: dict[str, Any]) -> FileInfo:
    return FileInfo(path, fmt, de, en, size=info["bytes"], sha256=info["sha256"])


def _dumps(b: Build) -> None:
    for name, triples in b.snap.datasets.items():
        title, fictional = concept(b.indexes[name])
        short = title or name
        files = []
        for suffix in DUMPS:
            path = f"dumps/{name}.{suffix}"
            info = b.site.write(path, dump(triples, suffix, b.snap.graphs[name]))
            label = FORMATS[suffix].label
            files.append(_file(path, suffix, f"{short} – {label}", f"{short} – {label}", info))
        for table, (de, en, _classes, _columns) in TABLES.items():
            data = table_csv(b.indexes[name], table)
            if data.count(b"\r\n") > 1:  # a header and at least one row
                path = f"tabellen/{name}/{table}.csv"
                files.append(
                    _file(path, "csv", f"{short} – {de} (Tabelle)", f"{short} – {en} (table)", b.site.write(path, data))
                )
        for x in b.extras(name) if b.extras is not None else []:
            files.append(_file(x.path, x.fmt, x.title_de, x.title_en, b.site.write(x.path, x.data)))
        r = b.release.datasets[name]
        b.entries.append(
            DatasetEntry(
                name=name,
                title_de=short,
                fictional=fictional,
                issued=r.issued,
                modified=r.modified,
                files=files,
                version=r.version,
                previous_version=r.previous_version,
                landing_page=f"datensaetze/{name}.html",
            )
        )
    for suffix in DUMPS:
        path = f"dumps/{ALL}.{suffix}"
        info = b.site.write(path, dump_all(b.snap, suffix))
        b.everything.append(
            {"label": FORMATS[suffix].label, "path": path, "size": info["bytes"], "sha256": info["sha256"]}
        )
    turtle = ox.serialize(b.snap.ontology, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert turtle is not None
    b.site.write("ontology.ttl", turtle)


def _catalog(b: Build) -> None:
    config = CatalogConfig(b.settings.base_iri)
    base = b.base
    for page in range(1, page_count(len(b.entries), b.settings) + 1):
        stem = "catalog" if page == 1 else f"catalog-{page}"
        for suffix, fmt in (("rdf", ox.RdfFormat.RDF_XML), ("ttl", ox.RdfFormat.TURTLE)):

            def page_url(n: int, suffix: str = suffix) -> str:
                return f"{base}{'catalog' if n == 1 else f'catalog-{n}'}.{suffix}"

            triples = build_catalog(
                b.entries,
                b.settings,
                base,
                issued=b.release.catalog_issued,
                modified=b.release.published,
                page=page,
                page_url=page_url,
                config=config,
            )
            if suffix == "ttl":
                b.texts.update(_texts(triples, b))
            b.site.write(f"{stem}.{suffix}", serialize_catalog(triples, fmt, base))
        b.catalog_pages.append({"rdf": f"{stem}.rdf", "ttl": f"{stem}.ttl"})
    datasets = [
        VoidDataset(
            e.name,
            b.texts[e.name][0],
            b.snap.datasets[e.name],
            [f.path for f in e.files if f.fmt in DUMPS],  # RDF dumps only (not the tables, not the report)
            licence_of(b.settings, e.name),
        )
        for e in b.entries
    ]
    everything = VoidDataset(
        ALL,
        "Alle Datensätze, Ontologie und Prüfregeln",
        [q.triple for q in b.snap.all_quads],
        [e["path"] for e in b.everything],
        b.settings.licence,
    )
    void = describe(datasets, everything, b.settings, base, modified=b.release.published)
    b.site.write("void.ttl", serialize_catalog(void, ox.RdfFormat.TURTLE, base))
    b.site.write(".well-known/void", serialize_catalog(void, ox.RdfFormat.TURTLE, base, up="../"))


def _texts(triples: list[ox.Triple], b: Build) -> dict[str, tuple[str, str]]:
    """German title and description of each dataset, as the catalog states them."""
    out = {}
    for e in b.entries:
        node = dataset_iri(b.settings, e.name, e.version)
        found = {
            t.predicate.value: t.object.value
            for t in triples
            if t.subject == ox.NamedNode(node) and isinstance(t.object, ox.Literal) and t.object.language == "de"
        }
        if f"{DCT}title" in found:
            out[e.name] = (found[f"{DCT}title"], found.get(f"{DCT}description", ""))
    return out


def _ontology(b: Build) -> None:
    page = "ontology/index.html"
    doc = document(b.snap.ontology)
    b.render(
        "publish_ontology.html",
        page,
        title="Ontologie",
        doc=doc,
        ontology_ttl="../ontology.ttl",
        licences=[ONTOLOGY_LICENCE],
    )


def _resources(b: Build) -> None:
    docs = documents(b.indexes.values(), b.settings.base_iri)
    fragments = {s.value for subjects in docs.values() for s in subjects if "#" in s.value}
    terms = {t.iri for section in document(b.snap.ontology).sections for t in section.terms}
    linker = Linker(b.settings.base_iri, docs, fragments, b.labels, terms)
    owner: dict[str, str] = {}
    for name, index in b.indexes.items():
        for s in index.by_subject:
            if isinstance(s, ox.NamedNode):
                owner.setdefault(s.value.split("#", 1)[0], name)
    groups = b.groups = {name: {} for name in b.indexes}
    for doc_iri, subjects in docs.items():
        name = owner[doc_iri]
        index = b.indexes[name]
        page, context, turtle = render_resource(doc_iri, subjects, index, b.indexes.values(), linker)
        b.site.write(page[: -len(".html")] + ".ttl", turtle)
        dataset = {"title": b.texts[name][0], "href": relative(f"datensaetze/{name}.html", page)}
        b.render("publish_resource.html", page, **context, dataset=dataset, licences=b.licences(name))
        main = subjects[0]
        if main.value == doc_iri:
            cls = (index.types(main) or [""])[0]
            label = b.labels.get(cls, cls.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or "Sonstiges")
            code = index.value(main, f"{SKOS}notation")
            text = f"{code} – {index.label(main)}" if code else index.label(main)
            groups[name].setdefault(label, []).append({"text": text, "page": page})


def _pages(b: Build) -> None:
    groups = b.groups
    for e in b.entries:
        page = f"datensaetze/{e.name}.html"
        index = b.indexes[e.name]
        r = b.release.datasets[e.name]
        sources = [
            {"text": index.label(s), "href": relative(f"{resource_path(s.value, b.settings.base_iri)}.html", page)}
            for s in index.instances(QUELLE)
        ]
        dataset = {
            "title": b.texts[e.name][0],
            "fictional": e.fictional,
            "description": b.texts[e.name][1],
            "identifier": dataset_iri(b.settings, e.name),
            "version": r.version,
            "previous_version": r.previous_version,
            "issued": r.issued,
            "modified": r.modified,
            "triples": len(b.snap.datasets[e.name]),
            "sources": sources,
            "files": [
                {
                    "label": f.title_de,
                    "path": f.path,
                    "href": relative(f.path, page),
                    "size": f.size,
                    "sha256": f.sha256,
                }
                for f in e.files
            ],
            "groups": [
                {
                    "label": label,
                    "entries": [
                        {"text": i["text"], "href": relative(i["page"], page)}
                        for i in sorted(items, key=lambda i: i["text"])
                    ],
                }
                for label, items in sorted(groups[e.name].items())
            ],
        }
        b.render("publish_dataset.html", page, title=dataset["title"], dataset=dataset, licences=b.licences(e.name))
    by_licence: dict[str, list[str]] = {}
    for e in b.entries:
        by_licence.setdefault(licence_of(b.settings, e.name), []).append(b.texts[e.name][0])
    public = b.settings.public_base_url
    b.render(
        "publish_index.html",
        "index.html",
        title="Start",
        licences=[licence_info(iri, b.settings, ", ".join(names)) for iri, names in by_licence.items()],
        datasets=[
            {
                "name": e.name,
                "title": b.texts[e.name][0],
                "fictional": e.fictional,
                "href": e.landing_page,
                "triples": len(b.snap.datasets[e.name]),
                "licence": licence_info(licence_of(b.settings, e.name), b.settings).name,
                "modified": e.modified,
            }
            for e in b.entries
        ],
        everything=[{**f, "href": f["path"]} for f in b.everything],
        catalog_pages=b.catalog_pages,
        catalog_address=f"{public}catalog.rdf" if public else None,
        well_known_void=".well-known/void",
        ontology_ttl="ontology.ttl",
        release_json="release.json",
        sha256sums="SHA256SUMS",
    )
