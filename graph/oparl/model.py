"""OParl 1.1 objects as triples: a Paper (Drucksache) becomes a ``kio:Ratsdokument`` that is also an ``oparl:Paper``,
its body and the organisations that deliberated it become resources of their own; ELI carries what ELI says
(``eli:id_local``, ``eli:date_document``); every subject says where it came from
(``prov:wasDerivedFrom`` the OParl object's URL) and when that was read (``kio:abgerufenAm``).

IRIs are stable: ``id:{dataset}/ratsdokument/oparl-{hash}`` and ``id:{dataset}/akteur/oparl-{hash}``, the hash taken
from the OParl object's URL, so a second import of the same object writes the same subject.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.iris import ELI, KIO, PROV, RDF, RDFS, SKOS, XSD
from integrationsgraph.graph.oparl.client import SCHEMA

OPARL = SCHEMA
"""``oparl:`` — the OParl 1.1 schema namespace, used for the types and attributes OParl names."""

A = ox.NamedNode(RDF + "type")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
READ_ON = ox.NamedNode(KIO + "abgerufenAm")
SUGGESTED = ox.NamedNode(KIO + "vorgeschlageneVerknuepfung")
FICTIONAL = ox.NamedNode(KIO + "fiktiv")
RATSDOKUMENT = ox.NamedNode(KIO + "Ratsdokument")
GREMIUM = ox.NamedNode(KIO + "Gremium")
BERATEN_IN = ox.NamedNode(KIO + "beratenIn")
SEE_ALSO = ox.NamedNode(RDFS + "seeAlso")
TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))

OWN_PREDICATES = frozenset(
    {
        A,
        PREF_LABEL,
        DERIVED_FROM,
        READ_ON,
        SUGGESTED,
        FICTIONAL,
        BERATEN_IN,
        SEE_ALSO,
        ox.NamedNode(OPARL + "reference"),
        ox.NamedNode(OPARL + "date"),
        ox.NamedNode(OPARL + "paperType"),
        ox.NamedNode(OPARL + "body"),
        ox.NamedNode(OPARL + "modified"),
        ox.NamedNode(OPARL + "keyword"),
        ox.NamedNode(ELI + "id_local"),
        ox.NamedNode(ELI + "date_document"),
    }
)
"""What an import writes about its subjects; a later import replaces exactly these (never a person's own links)."""
OWN_TYPES = frozenset(
    {
        RATSDOKUMENT,
        GREMIUM,
        ox.NamedNode(OPARL + "Paper"),
        ox.NamedNode(OPARL + "Body"),
        ox.NamedNode(OPARL + "Organization"),
    }
)
"""The classes an import gives; a type a person added (``kio:PolitischesGremium``, say) is never removed."""


def owned(triple: ox.Triple) -> bool:
    """Whether an import wrote ``triple`` (and a later one may replace or remove it)."""
    if triple.predicate == A:
        return triple.object in OWN_TYPES
    return triple.predicate in OWN_PREDICATES


def oparl(name: str) -> ox.NamedNode:
    return ox.NamedNode(OPARL + name)


def stable_slug(url: str) -> str:
    """``oparl-1a2b3c4d5e6f``: the same OParl URL gives the same slug."""
    return "oparl-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def day(value: str | None) -> str | None:
    """``2024-03-18`` from an OParl date or date-time; None if it is neither."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


@dataclass
class Paper:
    """The part of an OParl Paper the graph keeps."""

    url: str
    name: str
    body: str | None = None
    reference: str | None = None
    date: str | None = None
    paper_type: str | None = None
    modified: str | None = None
    web: str | None = None
    keywords: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    """The URLs of the organisations that deliberated it (from its consultations)."""

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Paper | None:
        """None for an object without ``id`` or ``name`` (both required) or one marked ``deleted``."""
        url, name = text(obj, "id"), text(obj, "name")
        if url is None or name is None or obj.get("deleted") is True:
            return None
        orgs: list[str] = []
        consultations = obj.get("consultation")
        for consultation in consultations if isinstance(consultations, list) else []:
            found = consultation.get("organization") if isinstance(consultation, dict) else None
            for org in found if isinstance(found, list) else []:
                if isinstance(org, str) and org not in orgs:
                    orgs.append(org)
        keywords = obj.get("keyword")
        return cls(
            url=url,
            name=name,
            body=text(obj, "body"),
            reference=text(obj, "reference"),
            date=day(text(obj, "date")),
            paper_type=text(obj, "paperType"),
            modified=text(obj, "modified"),
            web=text(obj, "web"),
            keywords=[k for k in keywords if isinstance(k, str)] if isinstance(keywords, list) else [],
            organizations=orgs,
        )


class Minter:
    """IRIs of one dataset's imported resources, and the provenance every one of them carries."""

    def __init__(self, base_iri: str, dataset: str, read_on: dt.date, fictional: bool) -> None:
        self.base = f"{base_iri}{dataset}/"
        self.read_on = ox.Literal(read_on.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        self.fictional = fictional

    def document(self, url: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}ratsdokument/{stable_slug(url)}")

    def actor(self, url: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}akteur/{stable_slug(url)}")

    def provenance(self, subject: ox.NamedNode, url: str) -> list[ox.Triple]:
        out = [ox.Triple(subject, DERIVED_FROM, ox.NamedNode(url)), ox.Triple(subject, READ_ON, self.read_on)]
        if self.fictional:
            out.append(ox.Triple(subject, FICTIONAL, TRUE))
        return out


def de(value: str) -> ox.Literal:
    return ox.Literal(value, language="de")


def body_triples(minter: Minter, body: dict[str, Any]) -> list[ox.Triple]:
    """An OParl Body (Körperschaft: the municipality's council system) as ``oparl:Body``."""
    url = str(body["id"])
    node = minter.actor(url)
    name = text(body, "name") or text(body, "shortName") or url
    out = [ox.Triple(node, A, oparl("Body")), ox.Triple(node, PREF_LABEL, de(name))]
    return out + minter.provenance(node, url)


def organization_triples(minter: Minter, url: str, org: dict[str, Any] | None) -> list[ox.Triple]:
    """An OParl Organization (Gremium, Fraktion, …) as ``oparl:Organization`` and ``kio:Gremium``."""
    node = minter.actor(url)
    name = (text(org, "name") or text(org, "shortName")) if org else None
    out = [
        ox.Triple(node, A, oparl("Organization")),
        ox.Triple(node, A, GREMIUM),
        ox.Triple(node, PREF_LABEL, de(name or f"Gremium {url}")),
    ]
    return out + minter.provenance(node, url)


def paper_triples(
    minter: Minter, paper: Paper, suggestions: list[ox.NamedNode], bodies: set[str], organizations: set[str]
) -> list[ox.Triple]:
    """A Paper with its attributes, its body and the organisations that deliberated it (those read) and the
    suggested links."""
    node = minter.document(paper.url)
    out = [
        ox.Triple(node, A, oparl("Paper")),
        ox.Triple(node, A, RATSDOKUMENT),
        ox.Triple(node, PREF_LABEL, de(paper.name)),
    ]
    if paper.reference:
        out += [
            ox.Triple(node, oparl("reference"), ox.Literal(paper.reference)),
            ox.Triple(node, ox.NamedNode(ELI + "id_local"), ox.Literal(paper.reference)),
        ]
    if paper.date:
        date = ox.Literal(paper.date, datatype=ox.NamedNode(XSD + "date"))
        out += [ox.Triple(node, oparl("date"), date), ox.Triple(node, ox.NamedNode(ELI + "date_document"), date)]
    if paper.paper_type:
        out.append(ox.Triple(node, oparl("paperType"), ox.Literal(paper.paper_type)))
    if paper.modified:
        out.append(ox.Triple(node, oparl("modified"), ox.Literal(paper.modified)))
    out += [ox.Triple(node, oparl("keyword"), ox.Literal(k)) for k in paper.keywords]
    if paper.web and paper.web.startswith(("http://", "https://")):
        out.append(ox.Triple(node, SEE_ALSO, ox.NamedNode(paper.web)))
    if paper.body in bodies:
        out.append(ox.Triple(node, oparl("body"), minter.actor(paper.body)))
    out += [ox.Triple(node, BERATEN_IN, minter.actor(org)) for org in paper.organizations if org in organizations]
    out += [ox.Triple(node, SUGGESTED, target) for target in suggestions]
    return out + minter.provenance(node, paper.url)
