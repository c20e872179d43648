"""Errors of a workbook, per cell: sheet, row, column (letter and header), value and a German message."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from integrationsgraph.graph.core.errors import IntegrationsgraphError


@dataclass(frozen=True)
class CellError:
    """One problem in one cell (``row`` 0 and ``column`` "" when it concerns the whole workbook or sheet)."""

    sheet: str
    row: int
    column: str
    header: str
    value: str
    message: str
    kind: str = "eingabe"
    """``eingabe`` (cannot be read), ``verweis`` (points nowhere), ``doppelt``, ``regel`` (SHACL), ``datei``."""

    def where(self) -> str:
        parts = [f"Blatt „{self.sheet}“"] if self.sheet else []
        if self.row:
            parts.append(f"Zeile {self.row}")
        if self.column:
            parts.append(f"Spalte {self.column} („{self.header}“)" if self.header else f"Spalte {self.column}")
        elif self.header:
            parts.append(f"Spalte „{self.header}“")
        return ", ".join(parts) or "Arbeitsmappe"

    def text(self) -> str:
        shown = f" – Wert „{self.value}“" if self.value else ""
        return f"{self.where()}{shown}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportFailed(IntegrationsgraphError):
    """The workbook cannot be imported; nothing was written. Carries every error found, not only the first."""

    def __init__(self, source: str, errors: list[CellError], *, where: str = "in der Arbeitsmappe") -> None:
        self.source = source
        self.errors = sorted(errors, key=_order)
        n = len(self.errors)
        head = f"{source}: {n} Fehler {where}; nichts wurde geschrieben."
        super().__init__("\n".join([head, *(f"  {e.text()}" for e in self.errors)]))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "errors": [e.to_dict() for e in self.errors]}


def _order(e: CellError) -> tuple[int, int, int, str]:
    from integrationsgraph.graph.sheets.columns import EXTRA, SHEETS

    names = [s.name for s in SHEETS] + [EXTRA]
    return (names.index(e.sheet) + 1 if e.sheet in names else 0, e.row, len(e.column), e.column)


def column_letter(index: int) -> str:
    """``1`` → ``A``, ``27`` → ``AA``."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
