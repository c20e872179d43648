"""The one declarative table of the workbook: sheet → columns → RDF property, datatype, reference, values.

Everything else in ``graph.sheets`` (template, reading, import, export, the diff's field names) is driven
by :data:`SHEETS`. A row's IRI is ``{base}{dataset}/{kind}/{Kennung}``; the Kennung is derived from the
code (``LZ1.1`` → ``lz1-1``) or the name when the cell is empty, so a re-import finds the same resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from integrationsgraph.graph.core.iris import PREFIXES as SHARED_PREFIXES

KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"
FOAF = "http://xmlns.com/foaf/0.1/"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
UNIT = "http://qudt.org/vocab/unit/"
FREQ = "http://publications.europa.eu/resource/authority/frequency/"

PREFIXES = {
    **SHARED_PREFIXES,
    "dcat": "http://www.w3.org/ns/dcat#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "geo": "http://www.opengis.net/ont/geosparql#",
}
"""Prefixes the sheet "Weitere Angaben" writes and reads (and SHACL paths are expanded with)."""

EXAMPLE_MARK = "BEISPIEL"
"""Rows whose first cell starts with this are examples: the template has one per sheet, import skips them."""


class Kind(Enum):
    """What a column holds."""

    CODE = "code"  # skos:notation, the row's code (LZ1.1); references to coded sheets use it
    KEY = "key"  # the Kennung: the last part of the row's IRI
    TEXT_DE = "text_de"  # one literal @de
    TEXT_EN = "text_en"  # one literal @en
    TEXTS_DE = "texts_de"  # several literals @de, one per line
    STRING = "string"  # a plain string
    REF = "ref"  # one reference to a row of another sheet
    REFS = "refs"  # several references, separated by ";"
    DECIMAL = "decimal"
    INTEGER = "integer"
    DATE = "date"
    BOOLEAN = "boolean"  # ja / nein
    CHOICE = "choice"  # one controlled value (label → IRI)
    TYPE = "type"  # rdf:type, chosen from a list (label → class IRI)
    BEGIN = "begin"  # start of a membership: <row#zeitraum> time:hasBeginning <row#beginn>
    END = "end"  # end of a membership: <row#zeitraum> time:hasEnd <row#ende>
    EMAIL = "email"  # an e-mail address, as a mailto: IRI


@dataclass(frozen=True)
class Column:
    """One column: header, what it holds, the property it becomes."""

    header: str
    kind: Kind
    prop: str | None = None
    targets: tuple[str, ...] = ()
    """Sheets a reference may point to; ``"Weitere Einträge:datenquelle"`` limits to one Art."""
    choices: tuple[tuple[str, str], ...] = ()
    """Controlled values as (German label, IRI)."""
    required: bool = False
    inverse: bool = False
    """The triple points from the referenced row to this row (Zielvorgabe ← kio:hatZielvorgabe)."""
    also_inverse: str | None = None
    """A second property written from the referenced row back to this row (skos:hasTopConcept)."""
    note: str = ""
    newer: bool = False
    """Added after the first template: a workbook without this column is read as if it were empty."""
    expected: str = ""
    """The message for a cell that cannot be read, when the kind's own does not fit (Basisjahr: a year)."""
    share: bool = False
    """A share or rate such as 0.015: a text with „%“ is per cent (``1,5 %`` → 0.015), not the number itself."""
    required_with: str = ""
    """The header of a column that makes this one required when it is filled (a status set by hand → its reason)."""

    @property
    def many(self) -> bool:
        return self.kind in (Kind.REFS, Kind.TEXTS_DE)

    def choice_iri(self, label: str) -> str | None:
        wanted = label.strip().casefold()
        return next((iri for lbl, iri in self.choices if lbl.casefold() == wanted), None)

    def choice_label(self, iri: str) -> str | None:
        return next((lbl for lbl, i in self.choices if i == iri), None)


@dataclass(frozen=True)
class Sheet:
    """One sheet: the kind of resource per row, its class(es) and its columns."""

    name: str
    kind: str
    """The IRI kind (``leitziel``); ``""`` when a column (Art) decides."""
    types: tuple[str, ...]
    """Classes every row has (empty when a TYPE column chooses them)."""
    columns: tuple[Column, ...]
    ref_by: str = "code"
    """What other sheets write to point at a row: its ``code`` or its ``label`` (or Kennung)."""
    description: str = ""
    kind_by_type: tuple[tuple[str, str], ...] = field(default=())
    """(class IRI, IRI kind) where the row's type decides the kind (Person → ``person``)."""

    def kind_for(self, type_iri: str | None) -> str:
        return next((k for c, k in self.kind_by_type if c == type_iri), self.kind)

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

    def first(self, kind: Kind) -> Column | None:
        return next((c for c in self.columns if c.kind == kind), None)


YES_NO = (("ja", "true"), ("nein", "false"))

UMSETZUNGSSTATUS = tuple((s, f"{KIO}{s}") for s in ("geplant", "laufend", "abgeschlossen", "ausgesetzt"))
ZIELRICHTUNG = tuple((s, f"{KIO}{s}") for s in ("steigend", "fallend", "halten"))
INDIKATORTYP = (("Kontextindikator", f"{KIO}Kontextindikator"), ("Wirkungsindikator", f"{KIO}Wirkungsindikator"))
GESCHLECHT = tuple((s, s) for s in ("weiblich", "männlich", "divers"))
"""The values of ``kio:geschlecht`` (ontology/monitoring.ttl), a plain string: label and value are the same."""
EINHEIT = (("Prozent", f"{UNIT}PERCENT"), ("Anzahl", f"{UNIT}NUM"), ("Euro", f"{UNIT}EUR"), ("Jahre", f"{UNIT}YR"))
TURNUS = (
    ("jährlich", f"{FREQ}ANNUAL"),
    ("alle zwei Jahre", f"{FREQ}BIENNIAL"),
    ("vierteljährlich", f"{FREQ}QUARTERLY"),
    ("monatlich", f"{FREQ}MONTHLY"),
)
THEMENFELD = tuple(
    (label, f"{KIO}thema-{slug}")
    for label, slug in (
        ("Sprache und Sprachförderung", "sprache"),
        ("Bildung (Kita, Schule, Weiterbildung)", "bildung"),
        ("Ausbildung, Arbeit und Wirtschaft", "arbeit"),
        ("Wohnen und Quartier", "wohnen"),
        ("Teilhabe, Engagement und Partizipation", "teilhabe"),
        ("Gesundheit", "gesundheit"),
        ("Interkulturelle Öffnung", "oeffnung"),
        ("Interreligiöser Dialog", "religion"),
    )
)
"""The shared themes of ontology/vergleich.ttl (``kio:Themenfelder``); a test keeps them equal."""
INTMK = tuple(
    (f"{code} {label}", f"{KIO}intmk-{code}")
    for code, label in (
        ("A3", "Wahlberechtigte Deutsche mit Migrationshintergrund"),
        ("B2a", "Einbürgerungsquote I"),
        ("C2a", "Kita-Besuch der 3- bis unter 6-Jährigen"),
        ("C3", "Kita-Kinder mit vorrangig nichtdeutscher Familiensprache"),
        ("D4", "Höchster allgemeinbildender Schulabschluss"),
        ("E1b", "Erwerbsquote"),
        ("E5", "Arbeitslosenquote"),
        ("F1", "Inanspruchnahme der Früherkennungsuntersuchung U8"),
        ("G1", "Wohneigentumsquote"),
    )
)
"""The reference indicators of ontology/vergleich.ttl (``kio:IntMK``); a test keeps them equal."""
FORTSCHRITTSSTATUS = (
    ("Ziel erreicht", f"{KIO}zielErreicht"),
    ("Auf Kurs", f"{KIO}aufKurs"),
    ("Fortschritt, aber Beschleunigung nötig", f"{KIO}moderaterFortschritt"),
    ("Begrenzter Fortschritt", f"{KIO}begrenzterFortschritt"),
    ("Verschlechterung", f"{KIO}verschlechterung"),
    ("Nicht bewertbar", f"{KIO}nichtBewertbar"),
)
"""The progress statuses of ontology/monitoring.ttl (``kio:Fortschrittsstatus``); a test keeps them equal."""
BERICHTSSTATUS = (
    ("Daten verfügbar", f"{KIO}datenVerfuegbar"),
    ("in Bearbeitung", f"{KIO}inBearbeitung"),
    ("Datenquellenanalyse", f"{KIO}datenquellenanalyse"),
)
"""The reporting statuses of ontology/monitoring.ttl (``kio:Berichtsstatus``); a test keeps them equal."""
KONZEPTSTATUS = (("Entwurf", f"{KIO}entwurf"), ("beschlossen", f"{KIO}beschlossen"))
BEWILLIGUNGSSTATUS = (
    ("in Erarbeitung", f"{KIO}inErarbeitung"),
    ("beantragt", f"{KIO}beantragt"),
    ("bewilligt", f"{KIO}bewilligt"),
    ("abgelehnt", f"{KIO}abgelehnt"),
)
AKTEURSTYP = (
    ("Kommune", f"{CV}PublicOrganisation"),
    ("Dienststelle", f"{ORG}OrganizationalUnit"),
    ("Verband, Verein, Träger", f"{ORG}FormalOrganization"),
    ("Organisation", f"{ORG}Organization"),
    ("Person", f"{FOAF}Person"),
)
GREMIENTYP = (
    ("Gremium", f"{KIO}Gremium"),
    ("Politisches Gremium", f"{KIO}PolitischesGremium"),
    ("Netzwerk", f"{KIO}Netzwerk"),
    ("Tandem", f"{KIO}Tandem"),
)
ARTEN = (
    ("Zielgruppe", "zielgruppe", f"{KIO}Zielgruppe"),
    ("Querschnittsthema", "querschnittsthema", f"{KIO}Querschnittsthema"),
    ("Datenquelle", "datenquelle", f"{KIO}Datenquelle"),
    ("Sozialraum", "sozialraum", f"{KIO}Sozialraum"),
    ("Beschluss", "beschluss", f"{KIO}Beschluss"),
    ("Rolle", "rolle", f"{ORG}Role"),
    ("Quelle", "quelle", f"{KIO}Quelle"),
    ("Begriffsschema", "schema", f"{SKOS}ConceptScheme"),
    ("Leitgedanke", "leitgedanke", f"{KIO}Leitgedanke"),
    ("Konzeptteil", "konzeptteil", f"{KIO}Konzeptteil"),
    ("Beteiligungsformat", "beteiligungsformat", f"{KIO}Beteiligungsformat"),
    ("Stelle", "stelle", f"{ORG}Post"),
)

ACTORS = ("Akteure", "Gremien und Netzwerke")
OTHER = "Weitere Einträge"


def _texts(what: str, *, required: bool = False) -> tuple[Column, ...]:
    return (
        Column("Bezeichnung", Kind.TEXT_DE, f"{SKOS}prefLabel", required=required, note=f"Name {what}, deutsch."),
        Column("Bezeichnung (englisch)", Kind.TEXT_EN, f"{SKOS}prefLabel", note="Übersetzung, freiwillig."),
        Column("Beschreibung", Kind.TEXT_DE, f"{DCT}description"),
        Column("Beschreibung (englisch)", Kind.TEXT_EN, f"{DCT}description"),
    )


def _tail() -> tuple[Column, ...]:
    return (
        Column("Fiktiv", Kind.BOOLEAN, f"{KIO}fiktiv", choices=YES_NO, note="„ja“ bei erfundenen Beispieldaten."),
        Column("Kennung", Kind.KEY, note="Letzter Teil der IRI; leer lassen, dann wird sie gebildet."),
    )


def _code(example: str) -> Column:
    return Column("Code", Kind.CODE, f"{SKOS}notation", required=True, note=f"Eindeutig, z. B. {example}.")


def _refs(header: str, prop: str, *targets: str, note: str = "", required: bool = False) -> Column:
    return Column(header, Kind.REFS, prop, targets=targets, note=note or "Mehrere mit „;“ trennen.", required=required)


def _scheme(top: bool) -> tuple[Column, ...]:
    schema = f"{OTHER}:schema"
    cols = [Column("Verzeichnis", Kind.REF, f"{SKOS}inScheme", targets=(schema,), note="Begriffsschema.")]
    if top:
        cols.append(
            Column(
                "Oberste Ebene von",
                Kind.REF,
                f"{SKOS}topConceptOf",
                targets=(schema,),
                also_inverse=f"{SKOS}hasTopConcept",
                note="Begriffsschema, in dem dies ein Oberbegriff ist.",
            )
        )
    return tuple(cols)


def _threshold(header: str, prop: str, note: str) -> Column:
    return Column(header, Kind.DECIMAL, f"{KIO}{prop}", note=note, share=True, newer=True)


MANUAL_STATUS = "Fortschrittsstatus (von Hand)"
MONITORING = (
    Column(
        "Berichtsstatus",
        Kind.CHOICE,
        f"{KIO}berichtsstatus",
        choices=BERICHTSSTATUS,
        note="Gibt es Daten? Leer = „Daten verfügbar“, wenn es Messwerte gibt, sonst „Datenquellenanalyse“.",
        newer=True,
    ),
    Column(
        "Basisjahr",
        Kind.INTEGER,
        f"{KIO}basisjahr",
        note="Jahr, ab dem der Fortschritt bewertet wird, z. B. 2020; leer = das Jahr des Konzeptbeschlusses.",
        expected="Kein Jahr. Bitte ein Jahr mit vier Ziffern eintragen, z. B. 2020.",
        newer=True,
    ),
    Column(
        MANUAL_STATUS,
        Kind.CHOICE,
        f"{KIO}manuellerFortschrittsstatus",
        choices=FORTSCHRITTSSTATUS,
        note="Nur wenn der berechnete Status nicht gilt; dann mit Begründung. Leer = berechnet.",
        newer=True,
    ),
    Column(
        "Begründung des Fortschrittsstatus",
        Kind.TEXT_DE,
        f"{KIO}begruendungFortschrittsstatus",
        note="Pflicht beim Fortschrittsstatus von Hand: warum der berechnete nicht gilt.",
        required_with=MANUAL_STATUS,
        newer=True,
    ),
    _threshold(
        "Schwelle auf Kurs",
        "schwelleAufKurs",
        "Mit Zielvorgabe: ab diesem Verhältnis von beobachteter zu nötiger Rate „Auf Kurs“; leer = 0,95.",
    ),
    _threshold(
        "Schwelle Fortschritt",
        "schwelleFortschritt",
        "Mit Zielvorgabe: ab diesem Verhältnis „Fortschritt, aber Beschleunigung nötig“, darunter „Begrenzter "
        "Fortschritt“; kleiner als „Schwelle auf Kurs“; leer = 0,60.",
    ),
    _threshold(
        "Wachstumsschwelle auf Kurs",
        "schwelleRateAufKurs",
        "Ohne Zielvorgabe: jährliche Rate in die gewünschte Richtung für „Auf Kurs“, z. B. 0,015 oder 1,5 %; "
        "leer = 1,5 %.",
    ),
    _threshold(
        "Wachstumsschwelle Fortschritt",
        "schwelleRateFortschritt",
        "Ohne Zielvorgabe: jährliche Rate für „Fortschritt, aber Beschleunigung nötig“, z. B. 0,005 oder 0,5 %; "
        "kleiner als „Wachstumsschwelle auf Kurs“; leer = 0,5 %.",
    ),
)
"""The settings of the progress assessment on an indicator (ontology/monitoring.ttl, docs/monitoring.md)."""

ZIELGRUPPEN = _refs("Zielgruppen", f"{KIO}zielgruppe", f"{OTHER}:zielgruppe")
QUERSCHNITT = _refs("Querschnittsthemen", f"{KIO}betrifftQuerschnittsthema", f"{OTHER}:querschnittsthema")

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Konzept",
        "konzept",
        (f"{KIO}Integrationskonzept",),
        (
            *_texts("des Konzepts", required=True),
            Column("Gemeinde", Kind.REF, f"{KIO}gemeinde", targets=("Akteure",), note="Die Kommune (Akteure)."),
            Column("Fortschreibung", Kind.INTEGER, f"{KIO}fortschreibung", note="0 = erste Fassung."),
            Column("Status", Kind.CHOICE, f"{KIO}konzeptstatus", choices=KONZEPTSTATUS),
            Column("Beschlossen durch", Kind.REF, f"{KIO}beschlossenDurch", targets=(f"{OTHER}:beschluss",)),
            Column("Zielgruppen", Kind.REFS, f"{DCT}audience", targets=(f"{OTHER}:zielgruppe",)),
            _refs("Teile", f"{DCT}hasPart", f"{OTHER}:konzeptteil"),
            Column("Herausgegeben am", Kind.DATE, f"{DCT}issued"),
            *_tail(),
        ),
        ref_by="label",
        description="Das Integrationskonzept selbst (eine Zeile).",
    ),
    Sheet(
        "Handlungsfelder",
        "handlungsfeld",
        (f"{KIO}Handlungsfeld",),
        (
            _code("HF1"),
            *_texts("des Handlungsfelds", required=True),
            Column("Position", Kind.INTEGER, f"{KIO}position", note="Reihenfolge (1, 2, …)."),
            Column(
                "Themenfeld (Vergleich)",
                Kind.CHOICE,
                f"{SKOS}closeMatch",
                choices=THEMENFELD,
                note="Gemeinsames Thema, über das sich Kommunen vergleichen lassen.",
                newer=True,
            ),
            _refs("Ressourcen", f"{KIO}hatRessource", "Ressourcen"),
            *_scheme(top=True),
            *_tail(),
        ),
        description="Die Handlungsfelder des Konzepts.",
    ),
    Sheet(
        "Leitziele",
        "leitziel",
        (f"{KIO}Leitziel",),
        (
            _code("LZ1.1"),
            *_texts("des Leitziels", required=True),
            Column("Handlungsfeld", Kind.REF, f"{KIO}imHandlungsfeld", targets=("Handlungsfelder",), required=True),
            _refs("Indikatoren", f"{KIO}gemessenDurch", "Indikatoren"),
            ZIELGRUPPEN,
            QUERSCHNITT,
            *_scheme(top=True),
            *_tail(),
        ),
        description="Leitziele: je eines in genau einem Handlungsfeld.",
    ),
    Sheet(
        "Handlungsziele",
        "handlungsziel",
        (f"{KIO}Handlungsziel",),
        (
            _code("HZ1.1.1"),
            *_texts("des Handlungsziels", required=True),
            Column("Leitziel", Kind.REF, f"{KIO}konkretisiert", targets=("Leitziele",), required=True),
            Column("Handlungsfeld", Kind.REF, f"{KIO}imHandlungsfeld", targets=("Handlungsfelder",)),
            _refs("Indikatoren", f"{KIO}gemessenDurch", "Indikatoren"),
            ZIELGRUPPEN,
            QUERSCHNITT,
            *_scheme(top=True),
            *_tail(),
        ),
        description="Handlungsziele: jedes konkretisiert genau ein Leitziel.",
    ),
    Sheet(
        "Maßnahmen",
        "massnahme",
        (f"{KIO}Massnahme",),
        (
            _code("M1.1.1.1"),
            *_texts("der Maßnahme", required=True),
            _refs("Handlungsziele", f"{KIO}traegtBeiZu", "Handlungsziele"),
            _refs("Handlungsfelder", f"{KIO}imHandlungsfeld", "Handlungsfelder"),
            Column("Federführung", Kind.REF, f"{KIO}federfuehrend", targets=ACTORS, required=True),
            _refs("Kooperationspartner", f"{KIO}kooperationspartner", *ACTORS),
            Column("Umsetzungsstatus", Kind.CHOICE, f"{KIO}umsetzungsstatus", choices=UMSETZUNGSSTATUS),
            Column("Beginn", Kind.DATE, f"{KIO}beginn", note="Datum, z. B. 01.01.2025."),
            Column("Ende", Kind.DATE, f"{KIO}ende", note="Datum, z. B. 31.12.2027."),
            ZIELGRUPPEN,
            QUERSCHNITT,
            _refs("Sozialräume", f"{KIO}sozialraum", f"{OTHER}:sozialraum"),
            _refs("Ressourcen", f"{KIO}hatRessource", "Ressourcen"),
            *_tail(),
        ),
        description="Maßnahmen: tragen zu Handlungszielen bei, haben genau eine Federführung.",
    ),
    Sheet(
        "Indikatoren",
        "indikator",
        (f"{KIO}Indikator",),
        (
            _code("I1.1.1.1"),
            *_texts("des Indikators", required=True)[:2],
            Column("Definition", Kind.TEXT_DE, f"{SKOS}definition", required=True, note="Zähler, Nenner, Bezug."),
            Column("Definition (englisch)", Kind.TEXT_EN, f"{SKOS}definition"),
            Column("Einheit", Kind.CHOICE, f"{KIO}einheit", choices=EINHEIT, required=True),
            Column("Zielrichtung", Kind.CHOICE, f"{KIO}zielrichtung", choices=ZIELRICHTUNG, required=True),
            Column("Indikatortyp", Kind.CHOICE, f"{KIO}indikatortyp", choices=INDIKATORTYP),
            Column("Turnus", Kind.CHOICE, f"{DCT}accrualPeriodicity", choices=TURNUS, required=True),
            Column(
                "Referenzindikator (IntMK)",
                Kind.CHOICE,
                f"{SKOS}closeMatch",
                choices=INTMK,
                note="Derselbe Indikator im Integrationsmonitoring der Länder, für Vergleiche.",
                newer=True,
            ),
            # required: kios:IndikatorDatenquelleShape (minCount 1) — marked like every other required column
            _refs("Datenquellen", f"{DCT}source", f"{OTHER}:datenquelle", required=True),
            *_texts("", required=False)[2:],
            *_scheme(top=True),
            *MONITORING,
            *_tail(),
        ),
        description="Indikatoren mit Definition, Einheit, Zielrichtung, Turnus und Datenquelle; dazu die "
        "Einstellungen der Fortschrittsbewertung (Berichtsstatus, Basisjahr, Status von Hand, Schwellen).",
    ),
    Sheet(
        "Ressourcen",
        "ressource",
        (f"{KIO}Ressource",),
        (
            *_texts("der Ressource", required=True),
            Column("Betrag (Euro je Jahr)", Kind.DECIMAL, f"{KIO}betragEuro"),
            Column("Vollzeitäquivalente", Kind.DECIMAL, f"{KIO}vollzeitaequivalente", note="Stellen, z. B. 0,5."),
            Column("Zusätzlich", Kind.BOOLEAN, f"{KIO}zusaetzlich", choices=YES_NO, note="Braucht einen Beschluss."),
            Column("Bewilligungsstatus", Kind.CHOICE, f"{KIO}bewilligungsstatus", choices=BEWILLIGUNGSSTATUS),
            Column("Bewilligt durch", Kind.REF, f"{KIO}bewilligtDurch", targets=(f"{OTHER}:beschluss",)),
            Column("Beraten in", Kind.REF, f"{KIO}beratenIn", targets=ACTORS),
            Column("Sitzungsdatum", Kind.DATE, f"{KIO}sitzungsdatum"),
            *_tail(),
        ),
        ref_by="label",
        description="Ressourcen (Personal, Geld) der Maßnahmen; bei Maßnahmen in der Spalte Ressourcen genannt.",
    ),
    Sheet(
        "Zielvorgaben",
        "zielvorgabe",
        (f"{KIO}Zielvorgabe",),
        (
            Column(
                "Handlungsziel",
                Kind.REF,
                f"{KIO}hatZielvorgabe",
                targets=("Handlungsziele",),
                required=True,
                inverse=True,
            ),
            Column("Indikator", Kind.REF, f"{KIO}fuerIndikator", targets=("Indikatoren",), required=True),
            Column("Ausgangswert", Kind.DECIMAL, f"{KIO}ausgangswert", required=True),
            Column("Ausgangsdatum", Kind.DATE, f"{KIO}ausgangsdatum", required=True),
            Column("Zielwert", Kind.DECIMAL, f"{KIO}zielwert", required=True),
            Column("Zieldatum", Kind.DATE, f"{KIO}zieldatum", required=True),
            *_texts("der Zielvorgabe"),
            *_tail(),
        ),
        ref_by="label",
        description="Zielvorgaben: Ausgangs- und Zielwert eines Indikators für ein Handlungsziel.",
    ),
    Sheet(
        "Messwerte",
        "messwert",
        (f"{KIO}Messwert",),
        (
            Column("Indikator", Kind.REF, f"{KIO}indikator", targets=("Indikatoren",), required=True),
            Column(
                "Gebiet",
                Kind.REF,
                f"{SDMX_DIM}refArea",
                targets=("Akteure", f"{OTHER}:sozialraum"),
                required=True,
                note="Die Kommune (Akteure) oder ein Sozialraum (Weitere Einträge).",
            ),
            Column("Stichtag", Kind.DATE, f"{KIO}stichtag", required=True),
            Column("Wert", Kind.DECIMAL, f"{KIO}wert", required=True, note="Zahl, z. B. 1.234,5."),
            Column("Einheit", Kind.CHOICE, f"{KIO}einheit", choices=EINHEIT, note="Nur wenn anders angegeben."),
            Column(
                "Geschlecht",
                Kind.STRING,
                f"{KIO}geschlecht",
                choices=GESCHLECHT,
                note="Nur bei einer Aufschlüsselung: weiblich, männlich oder divers; leer = alle.",
                newer=True,
            ),
            Column(
                "Altersgruppe",
                Kind.STRING,
                f"{KIO}altersgruppe",
                note="Nur bei einer Aufschlüsselung, z. B. „18 bis unter 25“; leer = alle.",
                newer=True,
            ),
            *_texts("des Messwerts")[:2],
            *_tail(),
        ),
        ref_by="label",
        description="Messwerte: ein Wert je Indikator, Stichtag und Aufschlüsselung (Gebiet, Geschlecht, Alter).",
    ),
    Sheet(
        "Akteure",
        "akteur",
        (),
        (
            *_texts("des Akteurs", required=True)[:2],
            Column("Kurzname", Kind.STRING, f"{SKOS}altLabel"),
            Column("Typ", Kind.TYPE, choices=AKTEURSTYP, required=True),
            *_texts("")[2:],
            Column("Teil von", Kind.REF, f"{ORG}unitOf", targets=ACTORS, note="Bei Dienststellen: die Kommune."),
            Column("Gehört zu", Kind.REF, f"{ORG}subOrganizationOf", targets=ACTORS),
            Column("Gemeindeschlüssel", Kind.STRING, f"{KIO}amtlicherGemeindeschluessel", note="8 Ziffern."),
            Column("Name", Kind.STRING, f"{FOAF}name", note="Bei Personen: der Name (personenbezogen)."),
            Column("E-Mail", Kind.EMAIL, "http://www.w3.org/2006/vcard/ns#hasEmail", note="Personenbezogen."),
            Column("Öffentlich", Kind.BOOLEAN, f"{KIO}oeffentlich", choices=YES_NO, note="Person veröffentlichen?"),
            _refs("Stellen", f"{ORG}holds", f"{OTHER}:stelle", note="Bei Personen: ihre Stellen."),
            *_tail(),
        ),
        ref_by="label",
        kind_by_type=((f"{FOAF}Person", "person"),),
        description="Kommune, Dienststellen, Verbände, Vereine, Träger und andere Organisationen.",
    ),
    Sheet(
        "Gremien und Netzwerke",
        "akteur",
        (),
        (
            *_texts("des Gremiums", required=True)[:2],
            Column("Kurzname", Kind.STRING, f"{SKOS}altLabel"),
            Column("Typ", Kind.TYPE, choices=GREMIENTYP, required=True),
            *_texts("")[2:],
            _refs("Zweck (Handlungsfelder)", f"{ORG}purpose", "Handlungsfelder"),
            Column("Aufgaben", Kind.TEXTS_DE, f"{KIO}aufgabe", note="Eine Aufgabe je Zeile (Alt+Eingabe)."),
            _refs("Berichtet an", f"{KIO}berichtetAn", *ACTORS),
            Column("Gehört zu", Kind.REF, f"{ORG}subOrganizationOf", targets=ACTORS),
            *_tail(),
        ),
        ref_by="label",
        description="Gremien, politische Gremien, Netzwerke und Tandems.",
    ),
    Sheet(
        "Mitgliedschaften",
        "mitgliedschaft",
        (f"{ORG}Membership",),
        (
            Column("Organisation", Kind.REF, f"{ORG}organization", targets=ACTORS, required=True),
            Column("Mitglied", Kind.REF, f"{ORG}member", targets=ACTORS, required=True),
            Column("Rolle", Kind.REF, f"{ORG}role", targets=(f"{OTHER}:rolle",)),
            Column("Beginn", Kind.BEGIN, note="Datum, z. B. 01.01.2020."),
            Column("Ende", Kind.END),
            *_texts("der Mitgliedschaft")[:2],
            *_tail(),
        ),
        ref_by="label",
        description="Wer ist Mitglied in welchem Gremium, Netzwerk oder welcher Organisation.",
    ),
    Sheet(
        OTHER,
        "",
        (),
        (
            Column("Art", Kind.TYPE, choices=tuple((a, c) for a, _k, c in ARTEN), required=True),
            *_texts("", required=True),
            *_scheme(top=True),
            Column("Kürzel", Kind.STRING, f"{SKOS}notation", note="Z. B. „A“ für Teil A."),
            Column("Position", Kind.INTEGER, f"{KIO}position", note="Reihenfolge (1, 2, …)."),
            Column("Titel", Kind.TEXT_DE, f"{DCT}title", note="Bei Datenquellen: der Titel."),
            Column("Herausgeber", Kind.REF, f"{DCT}publisher", targets=ACTORS, note="Bei Datenquellen."),
            Column("Teil von", Kind.REF, f"{DCT}isPartOf", targets=("Konzept",), note="Bei Konzeptteilen."),
            _refs("Bezieht sich auf", f"{DCT}references", OTHER),
            Column("Quelle", Kind.REF, f"{DCT}source", targets=("Konzept",), note="Z. B. das Konzept."),
            Column("Beraten in", Kind.REF, f"{KIO}beratenIn", targets=ACTORS, note="Bei Beschlüssen."),
            Column("Beschlossen von", Kind.REF, "http://data.europa.eu/eli/ontology#passed_by", targets=ACTORS),
            Column("Sitzungsdatum", Kind.DATE, f"{KIO}sitzungsdatum"),
            Column("Turnus", Kind.CHOICE, f"{KIO}turnus", choices=TURNUS, note="Bei Beteiligungsformaten."),
            Column("Veranstalter", Kind.REF, "https://schema.org/organizer", targets=ACTORS),
            _refs("Berichtet an", f"{KIO}berichtetAn", *ACTORS),
            Column("Stelle in", Kind.REF, f"{ORG}postIn", targets=ACTORS, note="Bei Stellen: die Organisation."),
            Column("Inhaber", Kind.REF, f"{ORG}heldBy", targets=ACTORS, note="Bei Stellen: wer sie innehat."),
            _refs("Rollen", f"{ORG}role", f"{OTHER}:rolle"),
            Column("Aufgaben", Kind.TEXTS_DE, f"{KIO}aufgabe", note="Eine Aufgabe je Zeile (Alt+Eingabe)."),
            Column("Ehrenamtlich", Kind.BOOLEAN, f"{KIO}ehrenamtlich", choices=YES_NO),
            *_tail(),
        ),
        ref_by="label",
        description="Zielgruppen, Querschnittsthemen, Datenquellen, Sozialräume, Beschlüsse, Rollen, Quellen, "
        "Begriffsschemata, Leitgedanken, Konzeptteile, Beteiligungsformate und Stellen; nicht jede Spalte passt zu "
        "jeder Art.",
        kind_by_type=tuple((c, k) for _a, k, c in ARTEN),
    ),
)

EXTRA = "Weitere Angaben"
"""The sheet with every triple no column carries (Subjekt, Eigenschaft, Wert), so nothing is lost."""
EXTRA_HEADERS = ("Subjekt", "Eigenschaft", "Wert")
GUIDE = "Anleitung"
LISTS = "Listen"

BY_NAME = {s.name: s for s in SHEETS}


def target_words(column: Column) -> str:
    """Where a reference may point, in the sheets' visible names: „Weitere Einträge“ (Art „Datenquelle“)."""
    arts = {key: label for label, key, _ in ARTEN}
    words = []
    for t in column.targets:
        name, _, art = t.partition(":")
        words.append(f"„{name}“ (Art „{arts.get(art, art)}“)" if art else f"„{name}“")
    return " oder ".join(words)


def target_sheets(column: Column) -> list[tuple[Sheet, str | None]]:
    """The sheets (and the Art, for "Weitere Einträge") a reference column may point to."""
    out = []
    for t in column.targets:
        name, _, art = t.partition(":")
        out.append((BY_NAME[name], art or None))
    return out
