"""The shipped datasets: Rheine says only what the deck says (with provenance per slide), Musterstadt is
fictional on every subject and carries a full goal chain, both conform to the shapes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import DCTERMS, PROV, RDF, SH, SKOS, XSD

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
DATASETS = ["rheine", "musterstadt"]

KIO = rdflib.Namespace("https://w3id.org/integrationsgraph/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
TIME = rdflib.Namespace("http://www.w3.org/2006/time#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
RHEINE = rdflib.Namespace("https://w3id.org/integrationsgraph/id/rheine/")
MUSTER = rdflib.Namespace("https://w3id.org/integrationsgraph/id/musterstadt/")
DECK = RHEINE["quelle/praesentation"]

SLIDES = {
    "organisatorische-voraussetzungen": "Organisatorische Voraussetzungen",
    "leitgedanken-fuer-den-prozess": "Leitgedanken für den Prozess",
    "der-weg-zum-konzept": "Der Weg zum Konzept",
    "konzept": "Konzept",
    "integrationsverstaendnis-auszug": "Integrationsverständnis - Auszug",
    "handlungsfelder": "Handlungsfelder",
    "gremien": "Gremien",
    "beteiligungsformate": "Beteiligungsformate",
    "beauftragte": "Beauftragte",
    "ressourcen-indikatoren": "Ressourcen, Indikatoren",
    "2-fortschreibung": "Migrations- und Integrationskonzept 2. Fortschreibung",
}
HANDLUNGSFELDER = [
    "Sprachförderung",
    "Kita, Schule, Bildung",
    "Ausbildung, Arbeitsmarktzugang, Wirtschaft",
    "Wohnen und dezentrales Unterbringungskonzept",
    "Bürgerschaftliches Engagement und Partizipation",
    "Gesundheit, Prävention, psychologische Unterstützung",
    "Interkulturelle Öffnung von Verwaltung und Organisationen",
    "Interreligiöser Dialog",
]
INTEGRATIONSVERSTAENDNIS = [
    "Rheine sagt Willkommen",
    "Gemeinsame Werte sind die Basis",
    "Integration liegt in der Verantwortung aller",
    "Integration ist ein dauerhafter und wechselseitiger Prozess",
    "Integration umfasst Rechte und Pflichten",
    "Integration braucht Nachbarschaft",
    "Integration ist Wandel und Lernen",
    "Chancengleichheit sichert sozialen Frieden",
    "Es ist normal, verschieden zu sein",
]


def load(*folders: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for folder in folders:
        for path in sorted(folder.glob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def rheine() -> rdflib.Graph:
    return load(DATA / "rheine")


@pytest.fixture(scope="module")
def musterstadt() -> rdflib.Graph:
    return load(DATA / "musterstadt")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return load(ROOT / "ontology")


@pytest.fixture(scope="module")
def reports(ontology: rdflib.Graph) -> dict[str, rdflib.Graph]:
    """pySHACL's results graph per dataset. The ontology is parsed into the data graph, which is what
    pySHACL's ``ont_graph`` does, but ~100 times faster than passing ``ont_graph`` (its mixing is slow)."""
    shapes = load(ROOT / "shapes")
    out = {}
    for name in DATASETS:
        data = load(DATA / name) + ontology
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        out[name] = report
    return out


def label(graph: rdflib.Graph, node: rdflib.term.Node, lang: str = "de") -> str:
    labels = [o for o in graph.objects(node, SKOS.prefLabel) if getattr(o, "language", None) == lang]
    assert len(labels) == 1, f"{node}: {labels}"
    return str(labels[0])


def results(report: rdflib.Graph, severity: rdflib.URIRef) -> list[tuple[str, str]]:
    return sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.resultSeverity) == severity
    )


# ---------------------------------------------------------------------------------------------------------
# Both datasets
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_every_file_parses_with_rdflib_and_oxigraph(name: str) -> None:
    files = sorted((DATA / name).glob("*.ttl"))
    assert len(files) >= 4
    for path in files:
        assert len(rdflib.Graph().parse(path, format="turtle")) > 0
        assert len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))) > 0


@pytest.mark.parametrize("name", DATASETS)
def test_no_blank_nodes(name: str) -> None:
    graph = load(DATA / name)
    blank = {t for triple in graph for t in triple if isinstance(t, rdflib.BNode)}
    assert blank == set()


@pytest.mark.parametrize("name", DATASETS)
def test_every_instance_iri_is_under_its_dataset(name: str) -> None:
    graph = load(DATA / name)
    base = f"https://w3id.org/integrationsgraph/id/{name}/"
    assert {s for s in graph.subjects() if not str(s).startswith(base)} == set()


@pytest.mark.parametrize("name", DATASETS)
def test_every_subject_has_exactly_one_german_label(name: str) -> None:
    graph = load(DATA / name)
    for subject in set(graph.subjects()):
        label(graph, subject)


@pytest.mark.parametrize("name", DATASETS)
def test_every_kio_term_is_defined_in_the_ontology(name: str, ontology: rdflib.Graph) -> None:
    defined = {s for s in ontology.subjects() if str(s).startswith(str(KIO))}
    used = {t for triple in load(DATA / name) for t in triple if str(t).startswith(str(KIO))}
    assert used - defined == set()


@pytest.mark.parametrize("name", DATASETS)
def test_conforms_to_the_shapes(name: str, reports: dict[str, rdflib.Graph]) -> None:
    assert results(reports[name], SH.Violation) == []


# ---------------------------------------------------------------------------------------------------------
# Rheine: the deck and nothing else
# ---------------------------------------------------------------------------------------------------------


def test_rheine_has_the_deck_and_one_fragment_per_slide(rheine: rdflib.Graph) -> None:
    assert (DECK, RDF.type, KIO.Quelle) in rheine
    fragments = set(rheine.subjects(DCTERMS.isPartOf, DECK))
    assert {str(f).split("#")[1] for f in fragments} == set(SLIDES)
    for fragment in fragments:
        assert str(fragment).startswith(f"{DECK}#")
        assert rheine.value(fragment, DCTERMS.title) == rdflib.Literal(SLIDES[str(fragment).split("#")[1]], lang="de")


def test_every_rheine_subject_is_derived_from_a_slide_of_the_deck(rheine: rdflib.Graph) -> None:
    quellen = set(rheine.subjects(RDF.type, KIO.Quelle))
    slides = set(rheine.subjects(DCTERMS.isPartOf, DECK))
    for subject in set(rheine.subjects()) - quellen:
        derived = set(rheine.objects(subject, PROV.wasDerivedFrom))
        assert derived, f"{subject} has no prov:wasDerivedFrom"
        assert derived <= slides, f"{subject}: {derived - slides}"
        assert set(rheine.objects(subject, DCTERMS.source)) == {DECK}, subject


def test_rheine_has_the_eight_handlungsfelder_of_the_deck(rheine: rdflib.Graph) -> None:
    fields = {int(rheine.value(f, KIO.position)): f for f in rheine.subjects(RDF.type, KIO.Handlungsfeld)}
    assert sorted(fields) == list(range(1, 9))
    for position, text in enumerate(HANDLUNGSFELDER, 1):
        field = fields[position]
        assert label(rheine, field) == text
        assert rheine.value(field, SKOS.notation) == rdflib.Literal(f"HF{position}")
        assert rheine.value(field, SKOS.inScheme) == RHEINE["schema/handlungsfelder"]


def test_rheine_has_the_nine_principles_of_the_integrationsverstaendnis(rheine: rdflib.Graph) -> None:
    scheme = RHEINE["schema/integrationsverstaendnis"]
    principles = {int(rheine.value(p, KIO.position)): p for p in rheine.subjects(SKOS.inScheme, scheme)}
    assert sorted(principles) == list(range(1, 10))
    assert [label(rheine, principles[i]) for i in range(1, 10)] == INTEGRATIONSVERSTAENDNIS
    assert all((p, RDF.type, KIO.Leitgedanke) in rheine for p in principles.values())


def test_rheine_says_nothing_the_deck_does_not(rheine: rdflib.Graph) -> None:
    for cls in (KIO.Leitziel, KIO.Handlungsziel, KIO.Massnahme, KIO.Indikator, KIO.Messwert, FOAF.Person):
        assert list(rheine.subjects(RDF.type, cls)) == [], cls
    assert list(rheine.subjects(KIO.amtlicherGemeindeschluessel, None)) == []
    assert list(rheine.subjects(ORG.heldBy, None)) == []
    assert list(rheine.subjects(KIO.fiktiv, None)) == []


def test_rheine_dates_are_as_precise_as_the_deck(rheine: rdflib.Graph) -> None:
    process = RHEINE["prozess/der-weg-zum-konzept"]
    schema = rdflib.Namespace("https://schema.org/")
    assert rheine.value(process, schema.startDate) == rdflib.Literal("2016-08", datatype=XSD.gYearMonth)
    assert rheine.value(process, schema.endDate) == rdflib.Literal("2017-05", datatype=XSD.gYearMonth)
    resource = RHEINE["ressource/personelle-ressourcen"]
    assert rheine.value(resource, KIO.sitzungsdatum) == rdflib.Literal("2017-06-27", datatype=XSD.date)
    assert rheine.value(resource, KIO.bewilligungsstatus) == KIO.inErarbeitung


def test_rheine_concept_is_the_second_fortschreibung(rheine: rdflib.Graph) -> None:
    (concept,) = rheine.subjects(RDF.type, KIO.Integrationskonzept)
    assert rheine.value(concept, KIO.fortschreibung) == rdflib.Literal(2)
    assert rheine.value(concept, KIO.gemeinde) == RHEINE["akteur/stadt-rheine"]
    beschluss = rheine.value(concept, KIO.beschlossenDurch)
    assert rheine.value(beschluss, KIO.beratenIn) == RHEINE["akteur/rat-der-stadt-rheine"]


def test_rheine_warnings_show_what_the_deck_leaves_open(reports: dict[str, rdflib.Graph]) -> None:
    focus = {f for f, _ in results(reports["rheine"], SH.Warning)}
    assert {str(RHEINE[f"handlungsfeld/{s}"]) for s in ("sprachfoerderung", "interreligioeser-dialog")} <= focus


# ---------------------------------------------------------------------------------------------------------
# Musterstadt: fictional, complete chain
# ---------------------------------------------------------------------------------------------------------


def test_every_musterstadt_subject_is_fictional(musterstadt: rdflib.Graph) -> None:
    true = rdflib.Literal(True)
    assert {s for s in set(musterstadt.subjects()) if (s, KIO.fiktiv, true) not in musterstadt} == set()
    assert label(musterstadt, MUSTER["akteur/musterstadt"]) == "Musterstadt (fiktiv)"
    (concept,) = musterstadt.subjects(RDF.type, KIO.Integrationskonzept)
    assert "Fiktives Beispiel" in str(musterstadt.value(concept, DCTERMS.description))


CHAIN = """
PREFIX kio: <https://w3id.org/integrationsgraph/ontology#>
SELECT DISTINCT ?feld WHERE {
    ?lz a kio:Leitziel ; kio:imHandlungsfeld ?feld .
    ?hz a kio:Handlungsziel ; kio:konkretisiert ?lz ; kio:gemessenDurch ?indikator .
    ?m a kio:Massnahme ; kio:traegtBeiZu ?hz .
    ?wert a kio:Messwert ; kio:indikator ?indikator .
}
"""


def test_musterstadt_has_the_full_chain_in_at_least_four_fields(musterstadt: rdflib.Graph) -> None:
    fields = {row[0] for row in musterstadt.query(CHAIN)}
    assert len(fields) >= 4
    fields_total = set(musterstadt.subjects(RDF.type, KIO.Handlungsfeld))
    assert fields < fields_total, "some fields should be incomplete, for the gap analysis"


def test_musterstadt_has_actors_leading_measures_in_several_fields(musterstadt: rdflib.Graph) -> None:
    fields_by_lead: dict[rdflib.term.Node, set[rdflib.term.Node]] = defaultdict(set)
    for measure, lead in musterstadt.subject_objects(KIO.federfuehrend):
        fields_by_lead[lead] |= set(musterstadt.objects(measure, KIO.imHandlungsfeld))
    assert max(len(f) for f in fields_by_lead.values()) >= 2
    for measure in musterstadt.subjects(RDF.type, KIO.Massnahme):
        assert len(list(musterstadt.objects(measure, KIO.federfuehrend))) == 1
        assert len(list(musterstadt.objects(measure, KIO.kooperationspartner))) <= 3


def test_musterstadt_has_yearly_values_2020_to_2025(musterstadt: rdflib.Graph) -> None:
    pending = set(musterstadt.subjects(KIO.berichtsstatus, KIO.inBearbeitung))
    assert {str(p) for p in pending} == {str(MUSTER["indikator/i5-1-1-2"])}  # values still being prepared
    assert not list(musterstadt.subjects(KIO.indikator, MUSTER["indikator/i5-1-1-2"]))
    indicators = set(musterstadt.subjects(RDF.type, KIO.Indikator)) - pending
    assert indicators
    town = rdflib.URIRef("https://w3id.org/integrationsgraph/id/musterstadt/akteur/musterstadt")
    area = rdflib.URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
    for indicator in indicators:
        headline = [  # the whole town, no breakdown (some indicators also have values by Sozialraum or Geschlecht)
            w
            for w in musterstadt.subjects(KIO.indikator, indicator)
            if musterstadt.value(w, area) == town and musterstadt.value(w, KIO.geschlecht) is None
        ]
        dates = sorted(str(musterstadt.value(w, KIO.stichtag)) for w in headline)
        assert dates == [f"{year}-12-31" for year in range(2020, 2026)], indicator


def test_musterstadt_person_is_private(musterstadt: rdflib.Graph) -> None:
    people = list(musterstadt.subjects(RDF.type, FOAF.Person))
    assert people
    for person in people:
        assert musterstadt.value(person, KIO.oeffentlich) == rdflib.Literal(False)
        assert (None, ORG.heldBy, person) in musterstadt


def test_musterstadt_memberships_have_periods(musterstadt: rdflib.Graph) -> None:
    memberships = list(musterstadt.subjects(RDF.type, ORG.Membership))
    assert len(memberships) >= 10
    for membership in memberships:
        period = musterstadt.value(membership, ORG.memberDuring)
        assert str(period) == f"{membership}#zeitraum"
        beginn = musterstadt.value(period, TIME.hasBeginning)
        assert musterstadt.value(beginn, TIME.inXSDDate) is not None


def test_musterstadt_warnings_show_the_deliberate_gaps(reports: dict[str, rdflib.Graph]) -> None:
    focus = {f for f, _ in results(reports["musterstadt"], SH.Warning)}
    expected = {
        "handlungsziel/hz5-2-2",  # no indicator, no target
        "massnahme/m4-2-2-1",  # no implementation status
        "leitziel/lz6-1",  # no Handlungsziel
        "handlungsfeld/interkulturelle-oeffnung",  # no Leitziel, no network
        "indikator/i5-1-1-2",  # no value yet (Berichtsstatus „in Bearbeitung“)
    }
    assert {str(MUSTER[e]) for e in expected} <= focus
