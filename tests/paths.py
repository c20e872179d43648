"""Where the checkout's own files are (tests, README, scripts): not package data, so not under
:data:`integrationsgraph.graph.core.config.ROOT`, which is the installed package's folder."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The checkout: tests/, README.md, scripts/, .ci/ — and, beside it, nothing the tests may rely on."""

DCAT_AP = REPO / "tests" / "data" / "dcat-ap"
"""Our copy of the official DCAT-AP shapes (see its README.md: source, version, licence)."""

DCAT_AP_SHAPES = [
    DCAT_AP / "eu-3.0.0" / "dcat-ap-SHACL.ttl",
    DCAT_AP / "de-3.0" / "dcat-ap-SHACL-DE.ttl",
    DCAT_AP / "de-3.0" / "dcat-ap-spec-german-additions.ttl",
    DCAT_AP / "de-3.0" / "dcat-ap-de-controlledvocabularies.ttl",
    DCAT_AP / "de-3.0" / "dcat-ap-de-deprecated.ttl",
]
"""EU DCAT-AP 3.0.0 and the DCAT-AP.de 3.0 overlay, additions, controlled vocabularies and deprecations."""
