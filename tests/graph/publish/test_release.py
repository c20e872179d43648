"""``publish OUT_DIR``: the static site — links, German pages with their licence, dumps that round-trip, releases,
checksums, a conforming catalog, and no personal data anywhere in it."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH, ONTOLOGY_NS, SHAPES_GRAPH, Settings
from integrationsgraph.graph.publish.build import publish
from integrationsgraph.graph.publish.catalog import codelist_triples
from integrationsgraph.graph.publish.release import DUMPS, PublishError, Release, next_release
from integrationsgraph.graph.publish.tables import GraphIndex, table_csv
from integrationsgraph.graph.rdf.io import rdflib_graph
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore, Store
from integrationsgraph.graph.store.privacy import Privacy, private_graph
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath
from tests.paths import DCAT_AP_SHAPES

FIRST = "2026-11-24T10:00:00Z"
MUSTER = "https://w3id.org/integrationsgraph/graph/musterstadt"
ERIKA = "https://w3id.org/integrationsgraph/id/musterstadt/person/integrationsbeauftragte"


@dataclass
class Published:
    store: EmbeddedStore
    settings: Settings
    out: Path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, shapes: Shapes) -> Published:
    settings = Settings(store=tmp_path_factory.mktemp("unused") / "store")
    store = EmbeddedStore(None)
    bootstrap(WritePath(store, shapes, Privacy.from_settings(settings)), settings)
    out = tmp_path_factory.mktemp("site") / "offene-daten"
    publish(store, settings, out, published=FIRST)
    return Published(store, settings, out)


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.links += [v for k, v in attrs if k in ("href", "src") and v is not None]
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "html":
            self.lang = a.get("lang")


def pages(out: Path) -> dict[Path, Page]:
    return {p: Page(p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*.html"))}


def test_every_link_in_the_site_resolves_inside_the_site(published: Published) -> None:
    site = pages(published.out)
    assert len(site) > 100
    broken = []
    for path, page in site.items():
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not link.startswith("/"), f"{path}: {link} is not relative"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            inside = published.out.resolve() in target.parents
            missing_anchor = (
                inside
                and target.is_file()
                and bool(parts.fragment)
                and target.suffix == ".html"
                and parts.fragment not in site[target].ids
            )
            if not (inside and target.is_file()) or missing_anchor:
                broken.append((str(path.relative_to(published.out)), link))
    assert broken == []


def test_the_folder_can_move(published: Published, tmp_path: Path) -> None:
    moved = tmp_path / "anderswo" / "daten"
    shutil.copytree(published.out, moved)
    for path, page in pages(moved).items():
        for link in page.links:
            target = (path.parent / unquote(urlsplit(link).path)).resolve() if urlsplit(link).path else path
            assert target.is_file(), f"{path}: {link}"


def test_every_page_is_german_and_names_its_licence(published: Published) -> None:
    for path, page in pages(published.out).items():
        text = path.read_text(encoding="utf-8")
        assert page.lang == "de", path
        assert 'class="licence"' in text and "Lizenz:" in text, path
    index = (published.out / "index.html").read_text(encoding="utf-8")
    assert "Datenlizenz Deutschland Namensnennung 2.0" in index and "Quelle:" in index
    measure = published.out / "id" / "musterstadt" / "massnahme"
    page = next(measure.glob("*.html")).read_text(encoding="utf-8")
    for label in ("Art", "Bezeichnung", "Code", "federführend", "Maßnahme", "Fiktives Beispiel"):
        assert label in page
    assert "Creative Commons CC Zero" in page  # Musterstadt's pages name Musterstadt's licence
    ontology = (published.out / "ontology" / "index.html").read_text(encoding="utf-8")
    assert "Klassen" in ontology and "Definition" in ontology


def test_the_ontology_documentation_has_every_class_and_property(published: Published) -> None:
    page = Page((published.out / "ontology" / "index.html").read_text(encoding="utf-8"))
    owl = "http://www.w3.org/2002/07/owl#"
    kinds = {f"{owl}Class", f"{owl}ObjectProperty", f"{owl}DatatypeProperty"}
    terms = {
        t.subject.value[len(ONTOLOGY_NS) :]
        for t in published.store.triples(ONTOLOGY_GRAPH)
        if t.predicate.value.endswith("#type") and t.object.value in kinds and t.subject.value.startswith(ONTOLOGY_NS)
    }
    assert len(terms) > 40
    assert terms <= page.ids
    text = (published.out / "ontology" / "index.html").read_text(encoding="utf-8")
    assert "Maßnahme" in text and "measure (en)" in text and "Anwendbar auf (Domäne)" in text


def parse(data: bytes, suffix: str) -> set[ox.Triple]:
    fmt = DUMPS[suffix]
    raw = gzip.decompress(data) if suffix.endswith(".gz") else data
    return {q.triple for q in ox.parse(raw, format=fmt)}


def test_each_dump_reloads_into_the_graph_of_the_store(published: Published) -> None:
    for name in ("rheine", "musterstadt"):
        graph = f"https://w3id.org/integrationsgraph/graph/{name}"
        expected = set(published.store.triples(graph))
        assert expected
        for suffix in DUMPS:
            assert parse((published.out / "dumps" / f"{name}.{suffix}").read_bytes(), suffix) == expected, suffix


def test_the_trig_of_everything_keeps_every_public_graph(published: Published) -> None:
    data = (published.out / "dumps" / "alle.trig").read_bytes()
    reloaded: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.TRIG):
        assert isinstance(q.graph_name, ox.NamedNode)
        reloaded.setdefault(q.graph_name.value, []).append(q.triple)
    public = [g for g in published.store.graphs() if not g.endswith("/privat")]
    assert set(reloaded) == set(public)
    for g in public:  # the ontology and the shapes hold blank nodes: compare up to their renaming
        assert isomorphic(rdflib_graph(reloaded[g]), rdflib_graph(published.store.triples(g))), g
    assert {ONTOLOGY_GRAPH, SHAPES_GRAPH} <= set(public)


def test_checksums_and_sizes_are_those_of_the_files(published: Published) -> None:
    release = Release.from_json((published.out / "release.json").read_text(encoding="utf-8"))
    assert release.files
    for path, info in release.files.items():
        data = (published.out / path).read_bytes()
        assert info == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}, path
    sums = dict(reversed(line.split("  ", 1)) for line in (published.out / "SHA256SUMS").read_text().splitlines())
    files = {str(p.relative_to(published.out)) for p in published.out.rglob("*") if p.is_file()}
    assert set(sums) == files - {"SHA256SUMS", "release.json"}
    for path in sorted(sums)[::50]:
        assert hashlib.sha256((published.out / path).read_bytes()).hexdigest() == sums[path], path
    catalog = rdflib.Graph().parse(published.out / "catalog.ttl", format="turtle", publicID="https://x.example/")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    checked = 0
    for dist, checksum in catalog.subject_objects(spdx.checksum):
        url = str(catalog.value(dist, dcat.downloadURL))
        path = url[len("https://x.example/") :]
        assert str(catalog.value(checksum, spdx.checksumValue)) == release.files[path]["sha256"]
        assert int(catalog.value(dist, dcat.byteSize)) == release.files[path]["bytes"]  # type: ignore[arg-type]
        checked += 1
    assert checked == sum(1 for p in release.files if p.startswith(("dumps/rheine", "dumps/musterstadt", "tabellen/")))


def test_the_published_catalog_conforms_to_the_official_shapes(published: Published) -> None:
    shapes = rdflib.Graph()
    for path in DCAT_AP_SHAPES:
        shapes.parse(path, format="turtle")
    data = rdflib.Graph().parse(published.out / "catalog.rdf", format="xml", publicID="https://daten.example/")
    data += rdflib_graph(codelist_triples())
    _conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert isinstance(report, rdflib.Graph)
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert violations == [], text
    assert len(set(data.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))) == 2


def test_the_csv_tables_are_for_spreadsheets(published: Published) -> None:
    data = (published.out / "tabellen" / "musterstadt" / "massnahmen.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # byte-order mark: spreadsheets read the umlauts right
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["IRI", "Code", "Bezeichnung", "Handlungsziele"]
    assert len(lines) > 10 and any("laufend" in line for line in lines)


def test_void_counts_the_published_triples(published: Published) -> None:
    void = rdflib.Graph().parse(published.out / "void.ttl", format="turtle", publicID="https://x.example/")
    ns = rdflib.Namespace("http://rdfs.org/ns/void#")
    node = rdflib.URIRef(f"{published.settings.base_iri}musterstadt/datensatz")
    assert int(void.value(node, ns.triples)) == published.store.count(MUSTER)  # type: ignore[arg-type]
    assert (published.out / ".well-known" / "void").read_bytes().count(b"../dumps/") >= 5


def every_file_text(out: Path) -> dict[Path, str]:
    texts = {}
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts[path] = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
    return texts


def test_no_private_data_of_musterstadts_person_is_in_any_published_file(published: Published) -> None:
    private = list(published.store.triples(private_graph(MUSTER)))
    values = {
        t.object.value for t in private if t.subject.value == ERIKA and isinstance(t.object, ox.Literal | ox.NamedNode)
    }
    values = {v for v in values if "erika" in v.casefold() or "mustermann" in v.casefold()} | {ERIKA}
    assert {"Erika Mustermann", "mailto:erika.mustermann@musterstadt.example"} <= values
    needles = {*values, "erika.mustermann@musterstadt.example"}
    texts = every_file_text(published.out)
    assert len(texts) > 100
    leaks = [(str(p.relative_to(published.out)), n) for p, text in texts.items() for n in needles if n in text]
    assert leaks == []


def test_a_second_publish_is_the_next_release(published: Published, tmp_path: Path) -> None:
    out = tmp_path / "site"
    shutil.copytree(published.out, out)
    publish(published.store, published.settings, out, published="2026-11-25T08:00:00Z")
    release = Release.from_json((out / "release.json").read_text(encoding="utf-8"))
    assert (release.version, release.previous) == ("2026-11-25", "2026-11-24")
    assert release.datasets["rheine"].modified == FIRST  # nothing changed: the harvester sees no change
    catalog = rdflib.Graph().parse(out / "catalog.ttl", format="turtle", publicID="https://x.example/")
    base = published.settings.base_iri
    dataset = rdflib.URIRef(f"{base}rheine/datensatz/2026-11-25")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert catalog.value(dataset, dcat.previousVersion) == rdflib.URIRef(f"{base}rheine/datensatz/2026-11-24")
    assert str(catalog.value(dataset, dcat.version)) == "2026-11-25"
    publish(published.store, published.settings, out, published="2026-11-25T09:00:00Z")
    assert json.loads((out / "release.json").read_text())["version"] == "2026-11-25.2"


def test_a_changed_dataset_gets_a_new_modified_date() -> None:
    first = next_release(None, {"a": "1", "b": "2"}, FIRST)
    second = next_release(first, {"a": "1", "b": "3"}, "2026-12-01T00:00:00Z")
    assert second.datasets["a"].modified == FIRST
    assert second.datasets["b"].modified == "2026-12-01T00:00:00Z"
    assert second.datasets["b"].issued == FIRST and second.datasets["b"].previous_version == "2026-11-24"


def test_publish_refuses_a_folder_that_holds_something_else(published: Published, tmp_path: Path) -> None:
    (tmp_path / "notizen.txt").write_text("nicht löschen")
    with pytest.raises(PublishError, match="nicht leer"):
        publish(published.store, published.settings, tmp_path)
    assert (tmp_path / "notizen.txt").read_text() == "nicht löschen"


def test_the_command_line_publishes(tmp_path: Path) -> None:
    from integrationsgraph.cli.main import main

    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["publish", "--store", str(tmp_path / "store"), str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["version"] and set(report["datasets"]) == {"rheine", "musterstadt"}
    assert (out / "catalog.rdf").is_file() and (out / "index.html").is_file()


def test_the_live_catalog_takes_versions_and_dates_from_the_last_release(published: Published) -> None:
    from integrationsgraph.graph.publish import live as publish_live

    def page_url(n: int) -> str:
        return f"http://server.example/catalog?page={n}"

    base = published.settings.base_iri
    with_release = published.settings.model_copy(update={"publish_dir": published.out})
    triples = publish_live.catalog(published.store, with_release, "http://server.example/", 1, page_url)
    dataset = f"{base}rheine/datensatz/2026-11-24"
    found = {(t.predicate.value, t.object.value) for t in triples if t.subject.value == dataset}
    assert ("http://www.w3.org/ns/dcat#version", "2026-11-24") in found
    assert ("http://purl.org/dc/terms/modified", FIRST) in found
    assert ("http://www.w3.org/ns/dcat#downloadURL", "http://server.example/dumps/rheine.ttl") in {
        (t.predicate.value, t.object.value) for t in triples
    }
    plain = publish_live.catalog(published.store, published.settings, "http://server.example/", 1, page_url)
    assert not any(
        t.predicate.value in ("http://www.w3.org/ns/dcat#version", "http://purl.org/dc/terms/modified") for t in plain
    )


def test_a_site_published_from_a_sparql_server_is_the_same(
    published: Published, remote_store: Store, shapes: Shapes, tmp_path: Path
) -> None:
    """The same data on a real Oxigraph server (over HTTP) publishes the same site, file for file.

    Only the ontology and shapes hold blank nodes, whose labels differ from store to store: the files that
    carry them must hold the same graph, and only their checksums may differ elsewhere.
    """
    bootstrap(WritePath(remote_store, shapes, Privacy.from_settings(published.settings)), published.settings)
    out = tmp_path / "offene-daten"
    publish(remote_store, published.settings, out, published=FIRST)
    ours = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert ours == {str(p.relative_to(published.out)) for p in published.out.rglob("*") if p.is_file()}
    blank = {"ontology.ttl", *(f"dumps/alle.{s}" for s in DUMPS)}
    for name in ("ontology.ttl", "dumps/alle.trig", "dumps/alle.jsonld"):
        assert isomorphic(dump_graph(out / name), dump_graph(published.out / name)), name
    with_checksums = {"SHA256SUMS", "release.json", "index.html"}
    differ = [
        p for p in sorted(ours - blank - with_checksums) if (out / p).read_bytes() != (published.out / p).read_bytes()
    ]
    assert differ == []
    for name in ("SHA256SUMS", "index.html"):  # lines naming a file with blank nodes (or its checksum) may differ
        lines = set((out / name).read_text().splitlines()) ^ set((published.out / name).read_text().splitlines())
        assert all(any(b in line for b in blank | {"index.html"}) for line in lines), (name, lines)
    releases = [json.loads((folder / "release.json").read_text()) for folder in (out, published.out)]
    for release in releases:
        release["files"] = {k: v for k, v in release["files"].items() if k not in blank | {"index.html"}}
    assert releases[0] == releases[1]


def dump_graph(path: Path) -> rdflib.Graph:
    """A dump's triples (graph names kept as a triple each, so TriG's graphs are compared too)."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    fmt = {".ttl": "ttl", ".gz": "nt", ".jsonld": "jsonld", ".rdf": "rdf", ".trig": "trig"}[path.suffix]
    quads = list(ox.parse(data, ox.RdfFormat.from_extension(fmt)))
    graph = rdflib_graph([q.triple for q in quads])
    for name in {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}:
        graph.add((rdflib.URIRef(name.value), rdflib.RDF.type, rdflib.URIRef("urn:x-test:graph")))
    return graph


def test_no_cell_of_a_csv_table_is_a_formula_and_numbers_stay_numbers() -> None:
    base, kio, xsd = "https://w3id.org/integrationsgraph/id/x/", ONTOLOGY_NS, "http://www.w3.org/2001/XMLSchema#"
    m, w = ox.NamedNode(f"{base}massnahme/m1"), ox.NamedNode(f"{base}messwert/w1")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    index = GraphIndex(
        [
            ox.Triple(m, rdf_type, ox.NamedNode(f"{kio}Massnahme")),
            ox.Triple(m, label, ox.Literal('=HYPERLINK("http://example.org/x";"Klick")', language="de")),
            ox.Triple(w, rdf_type, ox.NamedNode(f"{kio}Messwert")),
            ox.Triple(w, ox.NamedNode(f"{kio}wert"), ox.Literal("-5.5", datatype=ox.NamedNode(f"{xsd}decimal"))),
            ox.Triple(w, ox.NamedNode(f"{kio}stichtag"), ox.Literal("2024-12-31", datatype=ox.NamedNode(f"{xsd}date"))),
        ]
    )

    def rows(table: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(table_csv(index, table).decode("utf-8-sig")), delimiter=";"))

    assert rows("massnahmen")[1][2] == '\'=HYPERLINK("http://example.org/x";"Klick")'
    assert rows("messwerte")[1][2:4] == ["2024-12-31", "-5.5"]  # a negative number stays a number
