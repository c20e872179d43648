"""German labels for the terms of reused vocabularies (the ontology labels its own terms itself).

The published pages and tables are German; W3C ORG, SKOS, PROV, DCTERMS and friends carry English labels
only (if any reach us offline at all), so the ones our data uses are named here once.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "qb": "http://purl.org/linked-data/cube#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

_LABELS = {
    "rdf:type": "Art",
    "rdfs:label": "Bezeichnung",
    "rdfs:comment": "Kommentar",
    "skos:prefLabel": "Bezeichnung",
    "skos:altLabel": "weitere Bezeichnung",
    "skos:notation": "Kennung",
    "skos:definition": "Definition",
    "skos:inScheme": "gehört zum Schema",
    "skos:hasTopConcept": "oberster Begriff",
    "skos:topConceptOf": "oberster Begriff von",
    "skos:broader": "Oberbegriff",
    "skos:narrower": "Unterbegriff",
    "skos:related": "verwandt mit",
    "skos:Concept": "Begriff",
    "skos:ConceptScheme": "Begriffsschema",
    "dct:title": "Titel",
    "dct:description": "Beschreibung",
    "dct:issued": "veröffentlicht am",
    "dct:date": "Datum",
    "dct:hasPart": "hat Teil",
    "dct:isPartOf": "ist Teil von",
    "dct:audience": "Zielgruppe",
    "dct:source": "Quelle",
    "dct:references": "verweist auf",
    "dct:subject": "Thema",
    "dct:relation": "Bezug",
    "dct:creator": "Urheber",
    "dct:publisher": "Herausgeber",
    "dct:language": "Sprache",
    "dct:identifier": "Kennzeichen",
    "dct:accrualPeriodicity": "Aktualisierung",
    "dct:license": "Lizenz",
    "prov:wasDerivedFrom": "abgeleitet aus",
    "prov:wasGeneratedBy": "erzeugt durch",
    "prov:wasAssociatedWith": "beteiligt",
    "prov:Activity": "Tätigkeit",
    "org:Organization": "Organisation",
    "org:FormalOrganization": "Organisation (rechtlich verfasst)",
    "org:OrganizationalUnit": "Organisationseinheit",
    "org:Membership": "Mitgliedschaft",
    "org:Post": "Stelle",
    "org:Role": "Rolle",
    "org:ChangeEvent": "Organisatorische Veränderung",
    "org:subOrganizationOf": "untergeordnet",
    "org:unitOf": "Einheit von",
    "org:resultedFrom": "entstanden durch",
    "org:originalOrganization": "vorherige Organisation",
    "org:resultingOrganization": "entstandene Organisation",
    "org:member": "Mitglied",
    "org:organization": "Organisation",
    "org:role": "Rolle",
    "org:memberDuring": "Zeitraum der Mitgliedschaft",
    "org:postIn": "Stelle in",
    "org:heldBy": "besetzt durch",
    "org:holds": "hat Stelle",
    "org:purpose": "Zweck",
    "cv:PublicOrganisation": "Öffentliche Organisation",
    "foaf:Person": "Person",
    "foaf:Agent": "Akteur",
    "foaf:name": "Name",
    "vcard:hasEmail": "E-Mail",
    "vcard:hasTelephone": "Telefon",
    "time:Interval": "Zeitraum",
    "time:Instant": "Zeitpunkt",
    "time:hasBeginning": "Beginn",
    "time:hasEnd": "Ende",
    "time:inXSDDate": "Datum",
    "schema:startDate": "Beginn",
    "schema:endDate": "Ende",
    "schema:organizer": "Veranstalter",
    "eli:passed_by": "beschlossen von",
    "sdmx-dimension:refArea": "Gebiet",
    "qb:Observation": "Beobachtung",
    "owl:Class": "Klasse",
    "owl:ObjectProperty": "Objekteigenschaft",
    "owl:DatatypeProperty": "Dateneigenschaft",
}

REUSED_LABELS: dict[str, str] = {
    _NS[key.split(":", 1)[0]] + key.split(":", 1)[1]: label for key, label in _LABELS.items()
}
"""IRI → German label for reused vocabulary terms."""

PREFIXES: dict[str, str] = {**_NS, "kio": "https://w3id.org/integrationsgraph/ontology#"}


def german_labels(ontology: Iterable[ox.Triple]) -> dict[str, str]:
    """IRI → German label: the reused terms named here, overridden by the ontology's own German labels."""
    labels = dict(REUSED_LABELS)
    for t in ontology:
        if (
            t.predicate.value in (RDFS_LABEL, SKOS_PREF)
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(t.object, ox.Literal)
            and t.object.language == "de"
        ):
            labels[t.subject.value] = t.object.value
    return labels


def prefixed(iri: str) -> str:
    """``kio:Massnahme`` for a known namespace, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
