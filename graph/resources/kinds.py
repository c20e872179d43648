"""The resource kinds of the REST API: class, IRI segment, and which JSON field is which property.

One table drives the REST API (``api/models.py`` builds its Pydantic models from it), the JSON-LD
context (``context()``) and the mapping between JSON and triples (``graph/resources/crud.py``). Labels of
terms are in :mod:`graph.core.labels`, namespaces in :mod:`graph.core.iris`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from integrationsgraph.graph.core.iris import CV, DCT, FREQ, KIO, ORG, PROV, SDMX_DIM, SKOS, TIME, UNIT

FieldType = Literal["lang", "lang_many", "string", "iri", "date", "decimal", "integer", "boolean", "vocab"]

VOCABS: dict[str, dict[str, str]] = {
    "umsetzungsstatus": {v: KIO + v for v in ("geplant", "laufend", "abgeschlossen", "ausgesetzt")},
    "konzeptstatus": {v: KIO + v for v in ("entwurf", "beschlossen")},
    "zielrichtung": {v: KIO + v for v in ("steigend", "fallend", "halten")},
    "indikatortyp": {v: KIO + v for v in ("Kontextindikator", "Wirkungsindikator")},
    "rhythmus": {v: FREQ + v for v in ("ANNUAL", "BIENNIAL", "QUARTERLY", "MONTHLY")},
    "einheit": {v: UNIT + v for v in ("PERCENT", "NUM", "EUR", "YR")},
    "akteurstyp": {
        "PublicOrganisation": CV + "PublicOrganisation",
        "OrganizationalUnit": ORG + "OrganizationalUnit",
        "FormalOrganization": ORG + "FormalOrganization",
        "Organization": ORG + "Organization",
        "Gremium": KIO + "Gremium",
        "PolitischesGremium": KIO + "PolitischesGremium",
        "Netzwerk": KIO + "Netzwerk",
        "Tandem": KIO + "Tandem",
    },
}
"""Controlled values: the short name a client sends → the IRI in the graph."""


@dataclass(frozen=True)
class Field:
    """One JSON field of a resource and the property it stands for."""

    name: str
    predicate: str
    type: FieldType
    many: bool = False
    vocab: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of resource: its REST path, IRI segment, class(es) and fields."""

    path: str
    segment: str
    classes: tuple[str, ...]
    label_de: str
    label_en: str
    fields: tuple[Field, ...]
    typed: bool = False
    """Whether the client picks the class (``typ``) among ``classes``; otherwise the first class is used."""
    status: str | None = None
    """The field ``?status=`` filters on."""
    field_path: str | None = None
    """SPARQL property path from a resource of this kind to its Handlungsfeld (for ``?handlungsfeld=``)."""
    actor_path: str | None = None
    """SPARQL property path from a resource of this kind to an actor (for ``?akteur=``)."""
    cascade: tuple[str, ...] = field(default_factory=tuple)
    """Properties whose subjects cannot exist without this resource (deleted with ``?cascade=true``)."""

    def get(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)


def _ref(name: str, predicate: str, many: bool = False, description: str = "") -> Field:
    return Field(name, predicate, "iri", many, description=description)


COMMON = (
    Field("label", SKOS + "prefLabel", "lang", description="Bezeichnung je Sprache (`de` Pflicht, `en` optional)."),
    Field("beschreibung", DCT + "description", "lang", description="Beschreibung je Sprache."),
    Field("code", SKOS + "notation", "string", description="Code wie `HF1`, `LZ1.1`, `HZ1.1.2`, `M1.1.2.3`."),
    Field("fiktiv", KIO + "fiktiv", "boolean", description="`true` bei erfundenen Daten (Musterstadt)."),
    _ref("abgeleitet_von", PROV + "wasDerivedFrom", True, "Herkunft (z. B. die Folie der Präsentation)."),
    _ref("quelle", DCT + "source", True, "Quelle; bei Indikatoren die Datenquelle."),
)
GOAL = (
    _ref("zielgruppen", KIO + "zielgruppe", True),
    _ref("querschnittsthemen", KIO + "betrifftQuerschnittsthema", True),
    _ref("gemessen_durch", KIO + "gemessenDurch", True, "Indikatoren, an denen das Ziel gemessen wird."),
)
FIELD_OF_HZ = "(kio:konkretisiert/kio:imHandlungsfeld|kio:imHandlungsfeld)"

KINDS: dict[str, Kind] = {
    k.path: k
    for k in (
        Kind(
            "konzepte",
            "konzept",
            (KIO + "Integrationskonzept",),
            "Integrationskonzept",
            "integration concept",
            (
                *COMMON,
                _ref("gemeinde", KIO + "gemeinde"),
                Field("fortschreibung", KIO + "fortschreibung", "integer", description="0 = erste Fassung."),
                Field("konzeptstatus", KIO + "konzeptstatus", "vocab", vocab="konzeptstatus"),
                _ref("beschlossen_durch", KIO + "beschlossenDurch"),
                _ref("teile", DCT + "hasPart", True),
                _ref("vorgaengerversion", PROV + "wasRevisionOf", description="Die vorige Fortschreibung."),
            ),
            status="konzeptstatus",
        ),
        Kind(
            "felder",
            "handlungsfeld",
            (KIO + "Handlungsfeld",),
            "Handlungsfeld",
            "field of action",
            (
                *COMMON,
                Field("position", KIO + "position", "integer"),
                _ref("schemata", SKOS + "inScheme", True),
                _ref("ressourcen", KIO + "hatRessource", True),
            ),
            cascade=(KIO + "imHandlungsfeld",),
        ),
        Kind(
            "leitziele",
            "leitziel",
            (KIO + "Leitziel",),
            "Leitziel",
            "strategic goal",
            (*COMMON, _ref("handlungsfeld", KIO + "imHandlungsfeld"), *GOAL),
            field_path="kio:imHandlungsfeld",
            cascade=(KIO + "konkretisiert",),
        ),
        Kind(
            "handlungsziele",
            "handlungsziel",
            (KIO + "Handlungsziel",),
            "Handlungsziel",
            "operational objective",
            (
                *COMMON,
                _ref("leitziel", KIO + "konkretisiert"),
                _ref("handlungsfeld", KIO + "imHandlungsfeld"),
                *GOAL,
                _ref("zielvorgaben", KIO + "hatZielvorgabe", True),
            ),
            field_path=FIELD_OF_HZ,
            cascade=(KIO + "traegtBeiZu",),
        ),
        Kind(
            "massnahmen",
            "massnahme",
            (KIO + "Massnahme",),
            "Maßnahme",
            "measure",
            (
                *COMMON,
                _ref("handlungsziele", KIO + "traegtBeiZu", True),
                _ref("handlungsfelder", KIO + "imHandlungsfeld", True),
                _ref("federfuehrend", KIO + "federfuehrend", description="Die federführende Stelle (ein Akteur)."),
                _ref("kooperationspartner", KIO + "kooperationspartner", True),
                Field("status", KIO + "umsetzungsstatus", "vocab", vocab="umsetzungsstatus"),
                Field("beginn", KIO + "beginn", "date"),
                Field("ende", KIO + "ende", "date"),
                _ref("zielgruppen", KIO + "zielgruppe", True),
                _ref("querschnittsthemen", KIO + "betrifftQuerschnittsthema", True),
                _ref("sozialraeume", KIO + "sozialraum", True),
                _ref("ressourcen", KIO + "hatRessource", True),
            ),
            status="status",
            field_path=f"(kio:traegtBeiZu/{FIELD_OF_HZ}|kio:imHandlungsfeld)",
            actor_path="(kio:federfuehrend|kio:kooperationspartner)",
        ),
        Kind(
            "indikatoren",
            "indikator",
            (KIO + "Indikator",),
            "Indikator",
            "indicator",
            (
                *COMMON,
                Field("definition", SKOS + "definition", "lang", description="Zähler, Nenner, Grundgesamtheit."),
                Field("einheit", KIO + "einheit", "vocab", vocab="einheit"),
                Field("zielrichtung", KIO + "zielrichtung", "vocab", vocab="zielrichtung"),
                Field("indikatortyp", KIO + "indikatortyp", "vocab", vocab="indikatortyp"),
                Field("rhythmus", DCT + "accrualPeriodicity", "vocab", vocab="rhythmus"),
            ),
            field_path=f"^kio:gemessenDurch/{FIELD_OF_HZ}",
            cascade=(KIO + "indikator", KIO + "fuerIndikator"),
        ),
        Kind(
            "zielvorgaben",
            "zielvorgabe",
            (KIO + "Zielvorgabe",),
            "Zielvorgabe",
            "target specification",
            (
                *COMMON,
                _ref("fuer_indikator", KIO + "fuerIndikator", description="Der Indikator, für den die Vorgabe gilt."),
                Field("ausgangswert", KIO + "ausgangswert", "decimal"),
                Field("ausgangsdatum", KIO + "ausgangsdatum", "date"),
                Field("zielwert", KIO + "zielwert", "decimal"),
                Field("zieldatum", KIO + "zieldatum", "date"),
            ),
            field_path=f"^kio:hatZielvorgabe/{FIELD_OF_HZ}",
        ),
        Kind(
            "messwerte",
            "messwert",
            (KIO + "Messwert",),
            "Messwert",
            "indicator value",
            (
                *COMMON,
                _ref("indikator", KIO + "indikator"),
                _ref("gebiet", SDMX_DIM + "refArea", description="Die Gemeinde oder der Sozialraum."),
                Field("stichtag", KIO + "stichtag", "date"),
                Field("wert", KIO + "wert", "decimal"),
                Field("einheit", KIO + "einheit", "vocab", vocab="einheit"),
            ),
            field_path=f"kio:indikator/^kio:gemessenDurch/{FIELD_OF_HZ}",
        ),
        Kind(
            "akteure",
            "akteur",
            tuple(VOCABS["akteurstyp"].values()),
            "Akteur",
            "actor",
            (
                *COMMON,
                Field("alternativ_label", SKOS + "altLabel", "lang_many", description="Kurz- und Nebennamen."),
                _ref("einheit_von", ORG + "unitOf"),
                _ref("teil_von", ORG + "subOrganizationOf", True),
                _ref("zweck", ORG + "purpose", True, "Handlungsfelder, denen ein Netzwerk oder Tandem dient."),
                _ref("berichtet_an", KIO + "berichtetAn", True),
                Field("aufgabe", KIO + "aufgabe", "lang_many", description="Aufgaben je Sprache (Liste)."),
                Field("gemeindeschluessel", KIO + "amtlicherGemeindeschluessel", "string"),
            ),
            typed=True,
            field_path=f"(org:purpose|^kio:federfuehrend/kio:traegtBeiZu/{FIELD_OF_HZ})",
            actor_path="(org:unitOf|org:subOrganizationOf)",
            cascade=(ORG + "organization", ORG + "member", ORG + "postIn"),
        ),
        Kind(
            "stellen",
            "stelle",
            (ORG + "Post",),
            "Stelle",
            "post",
            (
                *COMMON,
                _ref("stelle_in", ORG + "postIn"),
                _ref("inhaber", ORG + "heldBy", True),
                _ref("rollen", ORG + "role", True),
                Field("ehrenamtlich", KIO + "ehrenamtlich", "boolean"),
                Field("aufgabe", KIO + "aufgabe", "lang_many", description="Aufgaben je Sprache (Liste)."),
            ),
            actor_path="(org:postIn|org:heldBy)",
        ),
        Kind(
            "mitgliedschaften",
            "mitgliedschaft",
            (ORG + "Membership",),
            "Mitgliedschaft",
            "membership",
            (
                *COMMON,
                _ref("mitglied", ORG + "member"),
                _ref("organisation", ORG + "organization"),
                _ref("rolle", ORG + "role"),
                Field("mitglied_seit", TIME + "hasBeginning", "date", description="Beginn (org:memberDuring)."),
                Field("mitglied_bis", TIME + "hasEnd", "date", description="Ende (org:memberDuring)."),
            ),
            actor_path="(org:member|org:organization)",
        ),
        Kind(
            "beteiligungsformate",
            "beteiligungsformat",
            (KIO + "Beteiligungsformat",),
            "Beteiligungsformat",
            "participation format",
            (
                *COMMON,
                _ref("berichtet_an", KIO + "berichtetAn", True),
                Field("turnus", KIO + "turnus", "vocab", vocab="rhythmus"),
                _ref("handlungsfelder", KIO + "imHandlungsfeld", True),
            ),
            actor_path="kio:berichtetAn",
        ),
    )
}

INTERVAL_FIELDS = {"mitglied_seit": TIME + "hasBeginning", "mitglied_bis": TIME + "hasEnd"}
"""Membership dates live on ``<m#zeitraum>`` (``org:memberDuring``), not on the membership itself."""

BY_SEGMENT = {k.segment: k for k in KINDS.values()}
BY_CLASS = {c: k for k in KINDS.values() for c in k.classes}

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(text: str, max_length: int = 80) -> str:
    """A lower-case ASCII slug: umlauts transliterated (``ä→ae``, ``ß→ss``), words joined with ``-``.

    >>> slugify("Interkulturelle Öffnung von Verwaltung & Organisationen")
    'interkulturelle-oeffnung-von-verwaltung-organisationen'
    """
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT).lower())
    ascii_text = text.encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    return out or "-".join(words)[:max_length].strip("-")


def vocab_name(vocab: str, iri: str) -> str:
    """The short name of a controlled value (the IRI itself when it is not in the list)."""
    for name, value in VOCABS[vocab].items():
        if value == iri:
            return name
    return iri
