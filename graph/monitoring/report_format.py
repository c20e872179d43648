"""German numbers and dates for the Sachstandsbericht: ``62,8 %``, ``1.234``, ``31.12.2025``, ``Mai 2017``.

Small pure functions (no locale: the server's locale is not ours to rely on). Units are QUDT IRIs or their local
names (``PERCENT``, ``NUM``, ``EUR``, ``YR``).
"""

from __future__ import annotations

import math
from datetime import date

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
UNITS = {"PERCENT": " %", "NUM": "", "EUR": " €", "YR": " Jahre"}
UNIT_WORDS = {"PERCENT": "Prozent", "NUM": "Anzahl", "EUR": "Euro", "YR": "Jahre"}
FREQUENCIES = {
    "ANNUAL": "jährlich",
    "ANNUAL_2": "halbjährlich",
    "QUARTERLY": "vierteljährlich",
    "MONTHLY": "monatlich",
    "BIENNIAL": "alle zwei Jahre",
    "TRIENNIAL": "alle drei Jahre",
    "IRREG": "unregelmäßig",
}
DIRECTIONS = {"steigend": "höher ist besser", "fallend": "niedriger ist besser", "halten": "Wert halten"}


def local(iri: str | None) -> str:
    """The last segment of an IRI (``http://qudt.org/vocab/unit/PERCENT`` → ``PERCENT``)."""
    return (iri or "").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def number(value: float | None, digits: int | None = None) -> str:
    """``1234.5`` → ``1.234,5``; without ``digits``: no decimals for whole numbers, else one (``–`` for None).

    >>> number(62.8), number(1234.0), number(0.873, 2), number(-1.25, 1)
    ('62,8', '1.234', '0,87', '−1,2')
    """
    if value is None or math.isnan(value):
        return "–"
    if digits is None:
        digits = 0 if float(value).is_integer() else 1
    text = f"{abs(value):,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    negative = value < 0 and text.strip("0,.") != ""
    return ("−" if negative else "") + text


def with_unit(value: float | None, unit: str | None) -> str:
    """A value with its unit: ``62,8 %`` (percentages with one decimal), ``1.234``, ``12,5 €``."""
    if value is None:
        return "–"
    name = local(unit)
    digits = 1 if name == "PERCENT" else None
    return number(value, digits) + UNITS.get(name, f" {name}" if name else "")


def rate(value: float | None) -> str:
    """A yearly growth rate: ``0.0123`` → ``+1,2 % pro Jahr``."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ""
    return f"{sign}{number(value * 100, 1)} % pro Jahr"


def percent(share: float, digits: int = 0) -> str:
    """A share as percentage: ``0.5`` → ``50 %``."""
    return f"{number(share * 100, digits)} %"


def day(value: str | date | None) -> str:
    """An ISO date (or year-month, or year) in German: ``31.12.2025``, ``Mai 2017``, ``2017``; else as given."""
    if value is None:
        return "–"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = value.strip()[:10]
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}.{parts[1]}.{parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return text


def parse_day(text: str) -> date:
    """``31.12.2025`` or ``2025-12-31`` → a date; ValueError with a German message otherwise."""
    value = text.strip()
    try:
        if "." in value:
            d, m, y = value.split(".")
            return date(int(y), int(m), int(d))
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"„{text}“ ist kein Datum; bitte TT.MM.JJJJ (31.12.2025) oder JJJJ-MM-TT angeben.") from None
