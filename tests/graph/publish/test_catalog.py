"""The DCAT-AP.de 3.0 catalog: conformance to the official shapes, code lists, settings, paging."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.publish.catalog import (
    DCAT,
    DCT,
    FORMATS,
    RELATIVE_SITE,
    DatasetEntry,
    FileInfo,
    build_catalog,
    codelist_triples,
    serialize_catalog,
)
from integrationsgraph.graph.rdf.io import rdflib_graph
from tests.paths import DCAT_AP_SHAPES

SITE = "https://daten.example/integration/"
NOW = "2026-11-24T10:00:00Z"


@pytest.fixture(scope="module")
def dcat_shapes() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in DCAT_AP_SHAPES:  # our copy, tests/data/dcat-ap/
        g.parse(path, format="turtle")
    return g


def results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, message) of every result."""
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert isinstance(report, rdflib.Graph)
    return [
        (
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    ]


def entry(
    name: str, fictional: bool = False, version: str | None = "2026-11-24", previous: str | None = None
) -> DatasetEntry:
    files = [
        FileInfo(f"dumps/{name}.{s}", s, f"{name} {f.label}", f"{name} {f.label}", 1234, "0123456789abcdef" * 4)
        for s, f in FORMATS.items()
    ]
    return DatasetEntry(
        name, f"Integrationskonzept {name}", fictional, NOW, NOW, files, version, previous, f"datensaetze/{name}.html"
    )


def catalog(settings: Settings, entries: list[DatasetEntry], site: str = SITE, page: int = 1) -> list[ox.Triple]:
    return build_catalog(
        entries, settings, site, issued=NOW, modified=NOW, page=page, page_url=lambda n: f"{site}catalog.rdf?page={n}"
    )


def test_the_catalog_conforms_to_dcat_ap_de_3_with_zero_violations(dcat_shapes: rdflib.Graph) -> None:
    settings = Settings(contributor_id="http://dcat-ap.de/def/contributors/transparenzportalHamburg")
    triples = catalog(settings, [entry("rheine", previous="2026-11-20"), entry("musterstadt", fictional=True)])
    found = results(rdflib_graph([*triples, *codelist_triples()]), dcat_shapes)
    assert [r for r in found if r[0] == "Violation"] == []
    # The only other result: the configured contributor ID is not in our code lists (a Warning).
    assert found and all(r[0] == "Warning" and "contributorID" in r[2] for r in found)
    assert results(rdflib_graph([*catalog(Settings(), [entry("rheine")]), *codelist_triples()]), dcat_shapes) == []


def test_the_validation_can_fail_without_the_code_lists(dcat_shapes: rdflib.Graph) -> None:
    triples = catalog(Settings(), [entry("rheine")])
    violations = [r for r in results(rdflib_graph(triples), dcat_shapes) if r[0] == "Violation"]
    assert any("data-theme" in r[2] or "kv-data-theme" in r[2] for r in violations)


def test_we_ship_exactly_the_code_list_entries_the_catalog_uses() -> None:
    triples = catalog(Settings(), [entry("rheine"), entry("musterstadt", fictional=True)])
    shipped = {
        t.subject.value
        for t in codelist_triples()
        if t.predicate.value.endswith("#type") and t.object.value.rsplit("#", 1)[-1] in ("Concept", "ChecksumAlgorithm")
    }
    coded = {
        f"{DCT}language",
        f"{DCAT}theme",
        f"{DCT}format",
        f"{DCT}accrualPeriodicity",
        f"{DCT}accessRights",
        f"{DCT}type",
        f"{DCT}license",
        "http://dcat-ap.de/def/dcatde/politicalGeocodingLevelURI",
        "http://spdx.org/rdf/terms#algorithm",
    }
    used = {t.object.value for t in triples if t.predicate.value in coded}
    assert used == shipped
    assert (ROOT / "publish" / "codelists" / "PROVENANCE.md").is_file()


def value(triples: list[ox.Triple], subject: str, predicate: str) -> list[str]:
    return sorted(t.object.value for t in triples if t.subject.value == subject and t.predicate.value == predicate)


def test_each_dataset_has_licence_attribution_publisher_themes_and_a_stable_identifier() -> None:
    settings = Settings()
    triples = catalog(settings, [entry("rheine", previous="2026-11-20"), entry("musterstadt", fictional=True)])
    rheine = f"{settings.base_iri}rheine/datensatz/2026-11-24"
    assert value(triples, rheine, f"{DCT}identifier") == [f"{settings.base_iri}rheine/datensatz"]
    assert value(triples, rheine, f"{DCAT}version") == ["2026-11-24"]
    assert value(triples, rheine, f"{DCAT}previousVersion") == [f"{settings.base_iri}rheine/datensatz/2026-11-20"]
    assert value(triples, rheine, f"{DCT}publisher") == [settings.publisher_iri]
    assert value(triples, settings.publisher_iri, f"{DCT}type") == ["http://purl.org/adms/publishertype/LocalAuthority"]
    assert value(triples, rheine, f"{DCAT}theme") == [
        "http://publications.europa.eu/resource/authority/data-theme/GOVE",
        "http://publications.europa.eu/resource/authority/data-theme/SOCI",
    ]
    dist = f"{rheine}/verteilung/rheine.ttl"
    assert value(triples, dist, f"{DCT}license") == ["http://dcat-ap.de/def/licenses/dl-by-de/2.0"]
    assert value(triples, dist, "http://dcat-ap.de/def/dcatde/licenseAttributionByText") == ["Stadt Rheine"]
    assert value(triples, dist, f"{DCAT}downloadURL") == [f"{SITE}dumps/rheine.ttl"]
    assert value(triples, f"{dist}#sha256", "http://spdx.org/rdf/terms#checksumValue") == ["0123456789abcdef" * 4]
    # Musterstadt: CC0 (no attribution), and its entry says it is fictional.
    muster = f"{settings.base_iri}musterstadt/datensatz/2026-11-24"
    mdist = f"{muster}/verteilung/musterstadt.ttl"
    assert value(triples, mdist, f"{DCT}license") == ["http://dcat-ap.de/def/licenses/cc-zero"]
    assert value(triples, mdist, "http://dcat-ap.de/def/dcatde/licenseAttributionByText") == []
    for prop in (f"{DCT}title", f"{DCT}description"):
        texts = {
            t.object.language: t.object.value
            for t in triples
            if t.subject.value == muster and t.predicate.value == prop and isinstance(t.object, ox.Literal)
        }
        assert "fiktiv" in texts["de"].casefold() and "fictional" in texts["en"].casefold()


def test_without_a_key_there_is_no_spatial_and_with_one_it_is_the_municipality_key() -> None:
    triples = catalog(Settings(), [entry("rheine")])
    rheine = f"{Settings().base_iri}rheine/datensatz/2026-11-24"
    assert value(triples, rheine, f"{DCT}spatial") == []
    assert value(triples, rheine, "http://dcat-ap.de/def/dcatde/politicalGeocodingLevelURI") == [
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    ]
    keyed = catalog(Settings(municipality_keys={"rheine": "12345678"}), [entry("rheine")])
    assert value(keyed, rheine, f"{DCT}spatial") == [
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/12345678"
    ]


def test_the_contact_point_is_the_e_mail_when_configured_else_the_landing_page() -> None:
    contact = f"{Settings().base_iri}katalog#kontakt"
    plain = catalog(Settings(), [entry("rheine")])
    assert value(plain, contact, "http://www.w3.org/2006/vcard/ns#hasURL") == [f"{SITE}index.html"]
    assert value(plain, contact, "http://www.w3.org/2006/vcard/ns#hasEmail") == []
    mailed = catalog(Settings(contact_email="integration@rheine.example"), [entry("rheine")])
    assert value(mailed, contact, "http://www.w3.org/2006/vcard/ns#hasEmail") == ["mailto:integration@rheine.example"]


def test_a_big_catalog_is_paged_with_hydra_and_every_page_conforms(dcat_shapes: rdflib.Graph) -> None:
    settings = Settings(catalog_page_size=2)
    entries = [entry(f"fiktiv-{i:03d}", fictional=True) for i in range(1, 6)]
    hydra = "http://www.w3.org/ns/hydra/core#"
    seen = set()
    for page in (1, 2, 3):
        triples = catalog(settings, entries, page=page)
        seen |= set(value(triples, f"{settings.base_iri}katalog", f"{DCAT}dataset"))
        node = f"{SITE}catalog.rdf?page={page}"
        assert value(triples, node, f"{hydra}totalItems") == ["5"]
        assert value(triples, node, f"{hydra}next") == ([f"{SITE}catalog.rdf?page={page + 1}"] if page < 3 else [])
        assert value(triples, node, f"{hydra}nextPage") == value(triples, node, f"{hydra}next")
        found = results(rdflib_graph([*triples, *codelist_triples()]), dcat_shapes)
        assert [r for r in found if r[0] == "Violation"] == []
    assert len(seen) == 5


def test_without_a_public_address_the_files_carry_relative_addresses(dcat_shapes: rdflib.Graph) -> None:
    triples = catalog(Settings(), [entry("rheine")], site=RELATIVE_SITE)
    for fmt, rdflib_fmt in ((ox.RdfFormat.RDF_XML, "xml"), (ox.RdfFormat.TURTLE, "turtle")):
        data = serialize_catalog(triples, fmt, RELATIVE_SITE)
        assert b"invalid" not in data
        parsed = rdflib.Graph().parse(data=data, format=rdflib_fmt, publicID="https://portal.example/pfad/catalog.rdf")
        urls = set(parsed.objects(None, rdflib.URIRef(f"{DCAT}downloadURL")))
        assert rdflib.URIRef("https://portal.example/pfad/dumps/rheine.ttl") in urls
        parsed += rdflib_graph(codelist_triples())
        assert [r for r in results(parsed, dcat_shapes) if r[0] == "Violation"] == []
