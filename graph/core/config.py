"""One settings class for the whole application, read from ``INTEGRATIONSGRAPH_*`` variables."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(str(files("integrationsgraph")))
"""The package's folder: its data (``ontology/``, ``shapes/``, ``data/``, ``queries/``, ``publish/``) and the
rooms ``graph/`` and ``api/``. In a checkout these are links to the top-level folders; in an installed wheel,
the package data itself."""
TEMPLATES = ROOT / "graph" / "templates"
"""The page templates: the live pages (``api``), the maps (:mod:`graph.network.vis`) and the
published site (:mod:`graph.publish.site`) render the same ones."""
PAGE_SCRIPTS = ROOT / "graph" / "static" / "js"
"""The pages' own scripts (served at ``/static/js/…``, inlined into map files opened from disk)."""

GRAPH_BASE = "https://w3id.org/integrationsgraph/graph/"
ONTOLOGY_NS = "https://w3id.org/integrationsgraph/ontology#"
SHAPES_NS = "https://w3id.org/integrationsgraph/shapes#"


class Settings(BaseSettings):
    """Configuration of integrationsgraph; every field is one environment variable."""

    model_config = SettingsConfigDict(env_prefix="INTEGRATIONSGRAPH_", extra="ignore")

    store: Path = Field(
        default=Path("var/store"),
        description="Folder of the embedded on-disk store (created on first use).",
    )
    # Remote SPARQL 1.1 server instead of the embedded store (graph/store/remote.py)
    store_url: str | None = Field(
        default=None,
        description="Query endpoint of a SPARQL 1.1 server (e.g. `http://localhost:7878/query` for `oxigraph "
        "serve`); when set, the service uses that server instead of the embedded store.",
    )
    update_url: str | None = Field(
        default=None,
        description="Update endpoint of that server (e.g. `http://localhost:7878/update`); unset: the query "
        "endpoint takes updates too.",
    )
    graph_store_url: str | None = Field(
        default=None,
        description="Graph Store Protocol endpoint of that server (e.g. `http://localhost:7878/store`); optional: "
        "reads whole graphs with one GET and lets `load --bulk` send each new graph with one POST.",
    )
    store_user: str | None = Field(default=None, description="User name for HTTP basic auth at the SPARQL server.")
    store_password: SecretStr | None = Field(
        default=None,
        description="Password for HTTP basic auth at the SPARQL server; without a user name it is sent as a "
        "bearer token.",
    )
    store_timeout: float = Field(
        default=60.0, gt=0, description="Seconds one request to the SPARQL server may take (updates included)."
    )
    store_union_parameter: bool = Field(
        default=True,
        description="Ask the server for the union of all graphs as default graph with Oxigraph's "
        "`union-default-graph` parameter; turn off for servers whose default graph already is that union.",
    )
    base_iri: str = Field(
        default="https://w3id.org/integrationsgraph/id/",
        description="Base IRI of the instance resources (the shipped data uses the default).",
    )
    ontology_dir: Path = Field(
        default=ROOT / "ontology", description="Folder with the ontology in Turtle (loaded at start-up)."
    )
    shapes_dir: Path = Field(
        default=ROOT / "shapes", description="Folder with the SHACL shapes in Turtle (loaded at start-up)."
    )
    data_dir: Path = Field(
        default=ROOT / "data",
        description="Folder with one sub-folder per dataset; each is loaded into its own named graph on first start.",
    )
    datasets: list[str] = Field(
        default=["rheine", "musterstadt"],
        description="Datasets (sub-folders of the data folder) loaded on first start, as a JSON list.",
    )
    write_token: SecretStr | None = Field(
        default=None,
        description="An administrator's bearer token (besides the accounts of `integrationsgraph user add`); "
        "without it and without accounts, every write over HTTP is refused.",
    )
    # SPARQL endpoint (graph/sparql/service.py, graph/sparql/pool.py)
    query_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a SPARQL query may run; then its worker process is killed and the answer is 503.",
    )
    result_limit: int = Field(
        default=10000,
        ge=1,
        description="Most rows (or triples) a SPARQL answer carries; more are cut and the answer says so.",
    )
    max_body_bytes: int = Field(
        default=10_000_000,
        ge=1,
        description="Largest request body for /sparql and /store, in bytes (413 beyond).",
    )
    resource_max_bytes: int = Field(
        default=1_000_000,
        ge=1,
        description="Largest JSON body of a write to the REST API (`POST`, `PUT`, `PATCH` under "
        "`/api/{dataset}/…`), in bytes (413 beyond).",
    )
    query_workers: int = Field(
        default=2,
        ge=0,
        description="Worker processes that run SPARQL queries (killed at the time limit); 0 runs them in the server "
        "(only with `SANDBOX=off`).",
    )
    update_timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds a SPARQL update may take to work out its changes; then its worker is killed, the "
        "write lock let go and the answer is 503. Unset: the query time limit.",
    )
    worker_memory_mb: int = Field(
        default=4096,
        ge=0,
        description="Address space (MB) each query and update worker may use; past it the worker ends and the "
        "answer is an error (0: no bound).",
    )
    sandbox: Literal["required", "preferred", "off"] = Field(
        default="required",
        description="Cut the query and update workers off the network (Linux network namespace), so SERVICE and "
        "LOAD can reach nothing: `required` refuses to start where that is impossible, `preferred` goes on "
        "without, `off` does not try.",
    )
    query_max_depth: int = Field(
        default=100,
        ge=1,
        description="Deepest nesting of `{`, `(` and `[` a query or update may have (400 beyond; the engine "
        "crashes at a few thousand).",
    )
    query_queue: int = Field(
        default=32,
        ge=1,
        description="Most SPARQL queries running or waiting at once; more are answered at once with 503 and "
        "`Retry-After`.",
    )
    query_max_bytes: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Largest SPARQL query or update text (the /sparql body), in bytes (413 beyond): reading one "
        "takes the server about 1.5 s per MB. Bulk data goes to /store.",
    )
    # Workbook import (graph/sheets/read.py, POST /api/import)
    import_max_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1,
        description="Largest workbook (xlsx file) an import over HTTP accepts, in bytes (413 beyond; Musterstadt: "
        "60 KB, 5,000 rows: 400 KB).",
    )
    import_max_unpacked_bytes: int = Field(
        default=30_000_000,
        ge=1,
        description="Largest unpacked content of an uploaded workbook (an xlsx is a zip), in bytes; checked before "
        "it is opened (Musterstadt: 0.8 MB, 5,000 rows: 2.3 MB).",
    )
    import_max_entries: int = Field(
        default=1000, ge=1, description="Most files inside a workbook's zip (the template has 63)."
    )
    import_max_cells: int = Field(
        default=250_000,
        ge=1,
        description="Most cells a workbook may hold, counted in its XML before it is opened and again as the used "
        "range (rows × columns) of its sheets (5,000 rows: 35,000 cells, 94,000 in the used range).",
    )
    import_max_elements: int = Field(
        default=600_000,
        ge=1,
        description="Most XML elements in all parts of a workbook together (cells, styles, names, …), counted "
        "before it is opened (5,000 rows: 113,000).",
    )
    import_timeout: float = Field(
        default=120.0,
        gt=0,
        description="Seconds an import over HTTP may take; past it, or when the client hangs up, it stops and "
        "writes nothing.",
    )
    history_keep_days: int | None = Field(
        default=None,
        gt=0,
        description="Days the history of changes is kept (entries older are removed at every start of the "
        "service); empty: forever.",
    )
    # Open-data publication (graph/publish/release.py, graph/publish/catalog.py, graph/store/privacy.py)
    public_base_url: str | None = Field(
        default=None,
        description="Public address of the published folder (or of the server behind a proxy), ending in `/`; "
        "the catalog's download addresses start with it. Unset: the static catalog uses relative addresses "
        "(GovData needs absolute ones).",
    )
    publisher_name: str = Field(
        default="Stadt Rheine", description="Publisher of the catalog and of every dataset (foaf:name)."
    )
    publisher_iri: str = Field(
        default="https://w3id.org/integrationsgraph/id/rheine/akteur/stadt-rheine",
        description="IRI of the publisher (a foaf:Agent of the ADMS type LocalAuthority).",
    )
    contact_email: str | None = Field(
        default=None,
        description="E-mail address of the contact point (vcard:hasEmail); unset: the contact point names the "
        "landing page (vcard:hasURL).",
    )
    licence: str = Field(
        default="http://dcat-ap.de/def/licenses/dl-by-de/2.0",
        description="Licence of the published data, an IRI of the dcat-ap.de licence list "
        "(default: Datenlizenz Deutschland – Namensnennung – 2.0).",
    )
    dataset_licences: dict[str, str] = Field(
        default={"musterstadt": "http://dcat-ap.de/def/licenses/cc-zero"},
        description="Licences that differ from the default licence, per dataset, as a JSON object.",
    )
    licence_attribution: str = Field(
        default="Stadt Rheine",
        description="Attribution text the licence asks for (dcatde:licenseAttributionByText).",
    )
    contributor_id: str | None = Field(
        default=None,
        description="GovData contributor ID (dcatde:contributorID, an IRI "
        "`http://dcat-ap.de/def/contributors/…`); GovData assigns it.",
    )
    municipality_keys: dict[str, str] = Field(
        default={},
        description="Official municipality key (AGS, 8 digits) per dataset, as a JSON object; it becomes the "
        "dataset's dct:spatial. Unset for Rheine: the source deck does not state it.",
    )
    catalog_page_size: int = Field(
        default=100, ge=1, description="Datasets per catalog page; a bigger catalog is paged with Hydra."
    )
    publish_dir: Path | None = Field(
        default=None,
        description="Folder of the last `integrationsgraph publish`; the live catalog takes release versions and "
        "dates from its `release.json`.",
    )
    private_properties: list[str] = Field(
        default=[
            "http://xmlns.com/foaf/0.1/name",
            "http://xmlns.com/foaf/0.1/givenName",
            "http://xmlns.com/foaf/0.1/familyName",
            "http://xmlns.com/foaf/0.1/mbox",
            "http://xmlns.com/foaf/0.1/mbox_sha1sum",
            "http://xmlns.com/foaf/0.1/phone",
            "http://www.w3.org/2006/vcard/ns#hasEmail",
            "http://www.w3.org/2006/vcard/ns#email",
            "http://www.w3.org/2006/vcard/ns#hasTelephone",
            "http://www.w3.org/2006/vcard/ns#tel",
            "http://www.w3.org/2006/vcard/ns#given-name",
            "http://www.w3.org/2006/vcard/ns#family-name",
            "https://schema.org/email",
            "https://schema.org/telephone",
            "https://schema.org/faxNumber",
            "https://schema.org/givenName",
            "https://schema.org/familyName",
        ],
        description="Properties whose values are personal data: private unless their subject has "
        "`kio:oeffentlich true` (a foaf:Person and everything about it is private by the same rule).",
    )


def graph_iri(name: str) -> str:
    """The IRI of the named graph called ``name`` (a dataset, ``ontology`` or ``shapes``)."""
    return f"{GRAPH_BASE}{name}"


ONTOLOGY_GRAPH = graph_iri("ontology")
SHAPES_GRAPH = graph_iri("shapes")
SYSTEM_GRAPH = graph_iri("system")
"""Bookkeeping of the store itself (the revision that several API processes on one SPARQL server compare)."""


def settings_markdown() -> str:
    """The README's configuration table, generated from :class:`Settings` (a test keeps them equal)."""
    prefix = Settings.model_config.get("env_prefix", "")
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        default = info.default
        if isinstance(default, Path):
            shown = (
                str(default.relative_to(ROOT))
                if default.is_absolute() and default.is_relative_to(ROOT)
                else str(default)
            )
        elif isinstance(default, list):
            shown = "[" + ", ".join(f'"{d}"' for d in default) + "]"
        elif isinstance(default, dict):
            shown = json.dumps(default, ensure_ascii=False)
        else:
            shown = "—" if default is None else str(default)
        rows.append(f"| `{prefix}{name.upper()}` | `{shown}` | {info.description} |")
    return "\n".join(rows) + "\n"


def dataset_name(graph: str) -> str:
    """The short name of a dataset graph (``…/graph/rheine`` → ``rheine``)."""
    return graph[len(GRAPH_BASE) :] if graph.startswith(GRAPH_BASE) else graph
