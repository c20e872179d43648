"""The values the monitoring room passes around: an indicator with its series and target, and its assessment.

These are the contract between reading (``series``), the method (``progress``), the stored assessments
(``assessments``), charts (``charts``), pages and the report. The ``Assessment`` fields are the keys of
``integrationsgraph progress --format json`` (docs/monitoring.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["increase", "decrease"]
"""Which way is better: ``kio:steigend`` → increase, ``kio:fallend`` → decrease (``kio:halten``: see progress)."""

STATUS_KEYS = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
)
StatusKey = Literal[
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
]
STATUS_DE: dict[str, str] = {
    "target_achieved": "Ziel erreicht",
    "substantial_progress": "Auf Kurs",
    "moderate_progress": "Fortschritt, aber Beschleunigung nötig",
    "limited_progress": "Begrenzter Fortschritt",
    "deterioration": "Verschlechterung",
    "not_available": "Nicht bewertbar",
}
"""German words for the status keys (equal to the prefLabels of ``kio:Fortschrittsstatus``; a test keeps them so)."""
STATUS_CONCEPT: dict[str, str] = {
    "target_achieved": "zielErreicht",
    "substantial_progress": "aufKurs",
    "moderate_progress": "moderaterFortschritt",
    "limited_progress": "begrenzterFortschritt",
    "deterioration": "verschlechterung",
    "not_available": "nichtBewertbar",
}
"""Status key → local name of its ``kio:`` concept (ontology/monitoring.ttl)."""

REPORTING_DE: dict[str, str] = {
    "complete": "Daten verfügbar",
    "inprogress": "in Bearbeitung",
    "notstarted": "Datenquellenanalyse",
}
REPORTING_CONCEPT: dict[str, str] = {
    "complete": "datenVerfuegbar",
    "inprogress": "inBearbeitung",
    "notstarted": "datenquellenanalyse",
}


@dataclass(frozen=True)
class Thresholds:
    """The method's thresholds (defaults as published by Open SDG; overridable per indicator in the data)."""

    substantial: float = 0.95  # kio:schwelleAufKurs: ratio R with a target
    moderate: float = 0.60  # kio:schwelleFortschritt
    rate_substantial: float = 0.015  # kio:schwelleRateAufKurs: CAGR without a target
    rate_moderate: float = 0.005  # kio:schwelleRateFortschritt


@dataclass(frozen=True)
class Observation:
    """One ``kio:Messwert``. ``breakdown`` is empty for the headline series (whole municipality, no breakdown);
    else pairs such as ``("Gebiet", "Altstadt")``, ``("Geschlecht", "weiblich")``,
    ``("Altersgruppe", "18 bis unter 25")``."""

    iri: str
    year: int
    date: str  # ISO date of kio:stichtag
    value: float
    unit: str | None = None  # QUDT unit IRI
    breakdown: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Target:
    """One ``kio:Zielvorgabe`` of the indicator."""

    iri: str
    base_year: int | None
    base_value: float | None
    target_year: int
    target_value: float


@dataclass(frozen=True)
class Indicator:
    """An indicator with everything the method, the pages and the report need."""

    iri: str
    dataset: str
    code: str | None
    label: str
    definition: str | None = None
    unit: str | None = None  # QUDT unit IRI
    direction: str | None = None  # local name of kio:zielrichtung: steigend | fallend | halten
    kind: str | None = None  # Kontextindikator | Wirkungsindikator (local name of kio:indikatortyp)
    source: str | None = None  # label of dct:source
    frequency: str | None = None  # IRI of dct:accrualPeriodicity
    reporting: str | None = None  # explicit kio:berichtsstatus key (complete | inprogress | notstarted)
    base_year: int | None = None  # kio:basisjahr on the indicator, else the concept's adoption year
    thresholds: Thresholds = field(default_factory=Thresholds)
    manual_status: str | None = None  # status key set by hand
    manual_reason: str | None = None
    goals: tuple[str, ...] = ()  # IRIs of the Leitziele/Handlungsziele measured by it
    targets: tuple[Target, ...] = ()
    observations: tuple[Observation, ...] = ()  # all values, headline and breakdowns, sorted by year

    @property
    def headline(self) -> tuple[Observation, ...]:
        """The series without breakdown, one value per year (sorted)."""
        return tuple(o for o in self.observations if not o.breakdown)


@dataclass(frozen=True)
class Assessment:
    """The verdict for one indicator, with every input (the JSON contract of ``progress --format json``)."""

    indicator: str
    label: str
    direction: Direction | None
    base_year: int | None
    base_value: float | None
    latest_year: int | None
    latest_value: float | None
    target_year: int | None
    target_value: float | None
    cagr_observed: float | None
    cagr_required: float | None
    ratio: float | None
    status: StatusKey
    manual: bool = False
    reason: str | None = None  # the reason when set by hand, or why it is not_available
    used: tuple[str, ...] = ()  # IRIs of the values used (prov:used)
    thresholds: Thresholds = field(default_factory=Thresholds)
