"""Indicator values (``kio:Messwert``): the Kennung formed from indicator, Stichtag and breakdown, shared by the
workbook (sheet "Messwerte") and the tidy CSV import (:mod:`graph.sheets.tidy`), so a value typed in one and
edited in the other is the same resource.

The Kennung is ``{indicator}-{date}[-{Sozialraum}][-{Geschlecht}][-{Altersgruppe}]``: the indicator's Kennung
(``i1-1-1-1``), the year when the Stichtag is 31 December (``2024``) else the whole date (``2025-06-30``), then
the breakdown, each part as :func:`graph.sheets.to_rdf.slug` writes it. The headline series (the whole
municipality, no breakdown) has no breakdown part: ``i1-1-1-1-2024``, as Musterstadt's values have always been named.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

BREAKDOWNS = ("Gebiet", "Geschlecht", "Altersgruppe")
"""The breakdown columns, in the order of the Kennung (and of the CSV export)."""


def slug(text: str) -> str:
    """Lower-case ASCII, umlauts transliterated, words joined with ``-`` (``LZ1.1`` → ``lz1-1``)."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("&", " und ")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class ValueIdentity:
    """What makes a value one value: indicator, area, date and breakdown (two rows with the same are a duplicate).

    ``indicator`` and ``area`` are IRIs; ``sozialraum`` is the area's Kennung when the area is a Sozialraum
    (a breakdown), else ``None`` (the municipality: the headline series)."""

    indicator: str
    area: str | None
    day: date
    geschlecht: str | None = None
    altersgruppe: str | None = None

    def key(self, indicator_key: str, sozialraum: str | None) -> str:
        """The Kennung of the value (the last part of its IRI)."""
        when = str(self.day.year) if (self.day.month, self.day.day) == (12, 31) else self.day.isoformat()
        parts = [indicator_key, when, sozialraum, self.geschlecht, self.altersgruppe]
        return "-".join(slug(p) for p in parts if p)


def duplicate_message(first: int, second: int, headers: tuple[str, ...], line: str = "Zeile") -> str:
    """The German message for a value that comes twice (rows or lines ``first`` and ``second``)."""
    named = ", ".join(f"„{h}“" for h in headers)
    return (
        f"Doppelter Messwert: {line} {first} und {line} {second} nennen denselben Indikator, dasselbe Gebiet, "
        f"denselben Stichtag und dieselbe Aufschlüsselung (Spalten {named}). Bitte eine der beiden löschen oder "
        "den Stichtag bzw. die Aufschlüsselung berichtigen."
    )
