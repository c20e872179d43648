"""The DCAT-AP.de 3.0 catalog that GovData (and a Land portal) harvests.

One catalog, one ``dcat:Dataset`` per dataset graph, one ``dcat:Distribution`` per downloadable file. The
texts come from ``publish/katalog.ttl``; publisher, contact, licence, attribution, contributor ID and
municipality keys from the settings. Code-list values are the EU authority tables' and dcat-ap.de's
(``publish/codelists/`` holds the entries we use, for validation). A catalog bigger than
``catalog_page_size`` datasets is split into pages linked by Hydra (``hydra:PagedCollection`` with
``hydra:next``, which GovData's harvester follows).

Download addresses start with ``site`` (``public_base_url``, or the server's own address). For a static
folder without a public address, :data:`RELATIVE_SITE` stands in and :func:`serialize_catalog` writes the
addresses relative to the catalog file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.core.iris import DCT, FOAF, PREFIXES, RDF, VCARD, XSD

DCAT = "http://www.w3.org/ns/dcat#"
DCATDE = "http://dcat-ap.de/def/dcatde/"
SPDX = "http://spdx.org/rdf/terms#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode(RDF + "type")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"
LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
MUNICIPALITY_KEY = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
ONTOLOGY_IRI = "https://w3id.org/integrationsgraph/ontology"
CONFIG = ROOT / "publish" / "katalog.ttl"
CODELISTS = ROOT / "publish" / "codelists"
ATTRIBUTION_LICENCES = ("/dl-by-de/", "/cc-by")
"""Licences that ask for attribution (``dcatde:licenseAttributionByText`` is set only for them)."""

RELATIVE_SITE = "http://relative.integrationsgraph.invalid/"
"""Stand-in for the site's address when none is configured; :func:`serialize_catalog` makes it relative."""

CATALOG_PREFIXES = {**PREFIXES, "dcat": DCAT, "dcatde": DCATDE, "spdx": SPDX, "hydra": HYDRA, "void": VOID}
"""The one prefix map and the catalog's own vocabularies (DCAT, DCAT-AP.de, SPDX, Hydra, VoID)."""


@dataclass(frozen=True)
class Format:
    """A download format: its EU file type and IANA media type."""

    label: str
    file_type: str
    media_type: str
    compressed: bool = False


FORMATS: dict[str, Format] = {
    "ttl": Format("Turtle", "RDF_TURTLE", "text/turtle"),
    "nt.gz": Format("N-Triples (gzip)", "RDF_N_TRIPLES", "application/n-triples", compressed=True),
    "jsonld": Format("JSON-LD", "JSON_LD", "application/ld+json"),
    "rdf": Format("RDF/XML", "RDF_XML", "application/rdf+xml"),
    "trig": Format("TriG", "RDF_TRIG", "application/trig"),
    "csv": Format("CSV", "CSV", "text/csv"),
    "html": Format("HTML", "HTML", "text/html"),  # the Sachstandsbericht (graph/monitoring/report_pdf.py)
    "pdf": Format("PDF", "PDF", "application/pdf"),
}


@dataclass
class FileInfo:
    """One downloadable file of a dataset, by its path below the site's root."""

    path: str
    fmt: str
    title_de: str
    title_en: str
    size: int | None = None
    sha256: str | None = None


@dataclass
class DatasetEntry:
    """What the catalog says about one dataset (one release of it, when ``version`` is set)."""

    name: str
    title_de: str
    fictional: bool
    issued: str | None
    modified: str | None
    files: list[FileInfo] = field(default_factory=list)
    version: str | None = None
    previous_version: str | None = None
    landing_page: str | None = None


def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=nn(datatype)) if datatype else ox.Literal(value)


def date_time(value: str) -> ox.Literal:
    return lit(value, datatype=f"{XSD}{'dateTime' if 'T' in value else 'date'}")


class CatalogConfig:
    """``publish/katalog.ttl``, read with the instance base IRI."""

    def __init__(self, base_iri: str, path: Path = CONFIG) -> None:
        self.base = base_iri
        self.by_subject: dict[str, list[ox.Triple]] = {}
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri):
            assert isinstance(q.subject, ox.NamedNode)
            self.by_subject.setdefault(q.subject.value, []).append(q.triple)

    def about(self, local: str, subject: ox.NamedNode) -> list[ox.Triple]:
        """The configured triples of ``<local>``, restated about ``subject``."""
        return [ox.Triple(subject, t.predicate, t.object) for t in self.by_subject.get(self.base + local, [])]


def catalog_iri(settings: Settings) -> str:
    return f"{settings.base_iri}katalog"


def dataset_iri(settings: Settings, name: str, version: str | None = None) -> str:
    """The dataset's IRI (one per release when ``version`` is given); its ``dct:identifier`` never changes."""
    stable = f"{settings.base_iri}{name}/datensatz"
    return f"{stable}/{version}" if version else stable


def licence_of(settings: Settings, name: str) -> str:
    return settings.dataset_licences.get(name, settings.licence)


def build_catalog(
    entries: list[DatasetEntry],
    settings: Settings,
    site: str,
    *,
    issued: str | None,
    modified: str | None,
    page: int = 1,
    page_url: Callable[[int], str] | None = None,
    config: CatalogConfig | None = None,
    home: str = "index.html",
) -> list[ox.Triple]:
    """The triples of one catalog page (the whole catalog when it fits on one page).

    ``home`` is the landing page below ``site`` (the catalog's homepage and, without an e-mail address, the
    contact point); dates that are not known (``None``) are left out.
    """
    config = config or CatalogConfig(settings.base_iri)
    size = settings.catalog_page_size
    pages = max(1, -(-len(entries) // size))
    shown = entries[(page - 1) * size : page * size]
    cat = nn(catalog_iri(settings))
    out: list[ox.Triple] = [ox.Triple(cat, RDF_TYPE, nn(f"{DCAT}Catalog")), *config.about("katalog", cat)]
    publisher = nn(settings.publisher_iri)
    out += [
        ox.Triple(cat, nn(f"{DCT}publisher"), publisher),
        *_dates(cat, issued, modified),
        ox.Triple(cat, nn(f"{DCT}license"), nn(settings.licence)),
        ox.Triple(cat, nn(f"{FOAF}homepage"), nn(f"{site}{home}")),
        ox.Triple(publisher, RDF_TYPE, nn(f"{FOAF}Agent")),
        ox.Triple(publisher, nn(f"{FOAF}name"), lit(settings.publisher_name)),
        ox.Triple(publisher, nn(f"{DCT}type"), nn(LOCAL_AUTHORITY)),
    ]
    contact = nn(f"{catalog_iri(settings)}#kontakt")
    out += [
        ox.Triple(contact, RDF_TYPE, nn(f"{VCARD}Kind")),
        ox.Triple(contact, RDF_TYPE, nn(f"{VCARD}Organization")),
        ox.Triple(contact, nn(f"{VCARD}fn"), lit(settings.publisher_name)),
        ox.Triple(contact, nn(f"{VCARD}hasEmail"), nn(f"mailto:{settings.contact_email}"))
        if settings.contact_email
        else ox.Triple(contact, nn(f"{VCARD}hasURL"), nn(f"{site}{home}")),
    ]
    for entry in shown:
        out += _dataset(entry, settings, site, config, cat, contact)
    if pages > 1:
        assert page_url is not None, "a paged catalog needs the pages' addresses"
        out += _paging(page, pages, len(entries), size, page_url)
    return out


def _dataset(
    e: DatasetEntry,
    settings: Settings,
    site: str,
    config: CatalogConfig,
    cat: ox.NamedNode,
    contact: ox.NamedNode,
) -> list[ox.Triple]:
    ds = nn(dataset_iri(settings, e.name, e.version))
    out = [ox.Triple(cat, nn(f"{DCAT}dataset"), ds), ox.Triple(ds, RDF_TYPE, nn(f"{DCAT}Dataset"))]
    own = config.about(f"{e.name}/datensatz", ds)
    out += [t for t in config.about("vorlage", ds)] + own
    if not any(t.predicate.value == f"{DCT}title" for t in own):
        fictional = " (fiktives Beispiel)" if e.fictional and "fiktiv" not in e.title_de else ""
        out.append(ox.Triple(ds, nn(f"{DCT}title"), lit(f"{e.title_de}{fictional}", "de")))
        text = (
            f"{e.title_de}{fictional} als verknüpfte Daten: Handlungsfelder, Ziele, Maßnahmen, Indikatoren mit "
            "Messwerten und die beteiligten Akteure."
        )
        if e.fictional:
            text = "FIKTIVES BEISPIEL – keine echte Kommune. " + text
        out.append(ox.Triple(ds, nn(f"{DCT}description"), lit(text, "de")))
    out += [
        ox.Triple(ds, nn(f"{DCT}identifier"), lit(dataset_iri(settings, e.name))),
        ox.Triple(ds, nn(f"{DCT}publisher"), nn(settings.publisher_iri)),
        ox.Triple(ds, nn(f"{DCAT}contactPoint"), contact),
        *_dates(ds, e.issued, e.modified),
        ox.Triple(ds, nn(f"{DCT}conformsTo"), nn(ONTOLOGY_IRI)),
    ]
    if e.version:
        out.append(ox.Triple(ds, nn(f"{DCAT}version"), lit(e.version)))
    if e.previous_version:
        previous = dataset_iri(settings, e.name, e.previous_version)
        out.append(ox.Triple(ds, nn(f"{DCAT}previousVersion"), nn(previous)))
    if e.landing_page:
        out.append(ox.Triple(ds, nn(f"{DCAT}landingPage"), nn(site + e.landing_page)))
    if e.name in settings.municipality_keys:
        out.append(ox.Triple(ds, nn(f"{DCT}spatial"), nn(MUNICIPALITY_KEY + settings.municipality_keys[e.name])))
    if settings.contributor_id:
        out.append(ox.Triple(ds, nn(f"{DCATDE}contributorID"), nn(settings.contributor_id)))
    licence = licence_of(settings, e.name)
    for f in e.files:
        out += _distribution(ds, f, licence, settings, site, e.modified)
    return out


def _dates(node: ox.NamedNode, issued: str | None, modified: str | None) -> list[ox.Triple]:
    out = [ox.Triple(node, nn(f"{DCT}issued"), date_time(issued))] if issued else []
    return out + ([ox.Triple(node, nn(f"{DCT}modified"), date_time(modified))] if modified else [])


def _distribution(
    ds: ox.NamedNode, f: FileInfo, licence: str, settings: Settings, site: str, modified: str | None
) -> list[ox.Triple]:
    fmt = FORMATS[f.fmt]
    dist = nn(f"{ds.value}/verteilung/{f.path.rsplit('/', 1)[-1]}")
    url = nn(site + f.path)
    out = [
        ox.Triple(ds, nn(f"{DCAT}distribution"), dist),
        ox.Triple(dist, RDF_TYPE, nn(f"{DCAT}Distribution")),
        ox.Triple(dist, nn(f"{DCT}title"), lit(f.title_de, "de")),
        ox.Triple(dist, nn(f"{DCT}title"), lit(f.title_en, "en")),
        ox.Triple(dist, nn(f"{DCAT}accessURL"), url),
        ox.Triple(dist, nn(f"{DCAT}downloadURL"), url),
        ox.Triple(dist, nn(f"{DCT}format"), nn(FILE_TYPE + fmt.file_type)),
        ox.Triple(dist, nn(f"{DCAT}mediaType"), nn(IANA + fmt.media_type)),
        ox.Triple(dist, nn(f"{DCT}license"), nn(licence)),
        *_dates(dist, None, modified),
    ]
    if any(marker in licence for marker in ATTRIBUTION_LICENCES):
        out.append(ox.Triple(dist, nn(f"{DCATDE}licenseAttributionByText"), lit(settings.licence_attribution, "de")))
    if fmt.compressed:
        out.append(ox.Triple(dist, nn(f"{DCAT}compressFormat"), nn(f"{IANA}application/gzip")))
    if f.size is not None:
        out.append(ox.Triple(dist, nn(f"{DCAT}byteSize"), lit(str(f.size), datatype=f"{XSD}nonNegativeInteger")))
    if f.sha256 is not None:
        checksum = nn(f"{dist.value}#sha256")
        out += [
            ox.Triple(dist, nn(f"{SPDX}checksum"), checksum),
            ox.Triple(checksum, RDF_TYPE, nn(f"{SPDX}Checksum")),
            ox.Triple(checksum, nn(f"{SPDX}algorithm"), nn(f"{SPDX}checksumAlgorithm_sha256")),
            ox.Triple(checksum, nn(f"{SPDX}checksumValue"), lit(f.sha256, datatype=f"{XSD}hexBinary")),
        ]
    return out


def _paging(page: int, pages: int, total: int, size: int, page_url: Callable[[int], str]) -> list[ox.Triple]:
    node = nn(page_url(page))
    out = [
        ox.Triple(node, RDF_TYPE, nn(f"{HYDRA}PagedCollection")),
        ox.Triple(node, nn(f"{HYDRA}totalItems"), lit(str(total), datatype=f"{XSD}integer")),
        ox.Triple(node, nn(f"{HYDRA}itemsPerPage"), lit(str(size), datatype=f"{XSD}integer")),
    ]
    links = {"first": 1, "last": pages}
    if page > 1:
        links["previous"] = page - 1
    if page < pages:
        links["next"] = page + 1
    for rel, target in links.items():
        # hydra:next is what GovData's harvester follows; older readers want hydra:nextPage and friends.
        out.append(ox.Triple(node, nn(f"{HYDRA}{rel}"), nn(page_url(target))))
        out.append(ox.Triple(node, nn(f"{HYDRA}{rel}Page"), nn(page_url(target))))
    return out


def page_count(entries: int, settings: Settings) -> int:
    return max(1, -(-entries // settings.catalog_page_size))


def serialize_catalog(triples: Iterable[ox.Triple], fmt: ox.RdfFormat, site: str, up: str = "") -> bytes:
    """The catalog (or VoID) in RDF/XML, Turtle or JSON-LD.

    Addresses under :data:`RELATIVE_SITE` become relative to a file in the site's root folder (``up="../"``
    for a file one folder down).
    """
    prefixes = CATALOG_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    data = ox.serialize(list(triples), format=fmt, prefixes=prefixes)
    assert data is not None
    if site == RELATIVE_SITE:
        if fmt == ox.RdfFormat.TURTLE:
            data = data.replace(f"<{RELATIVE_SITE}".encode(), f"<{up}".encode())
        elif fmt == ox.RdfFormat.RDF_XML:
            data = data.replace(f'"{RELATIVE_SITE}'.encode(), f'"{up}'.encode())
        else:
            raise ValueError("relative addresses need Turtle or RDF/XML")
    return data


def codelist_triples() -> list[ox.Triple]:
    """The code-list entries we ship (``publish/codelists/*.ttl``), for validating the catalog."""
    return [q.triple for path in sorted(CODELISTS.glob("*.ttl")) for q in ox.parse(path=str(path))]
