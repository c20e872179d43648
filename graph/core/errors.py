"""Exceptions raised by ``graph``; ``api/errors.py`` maps them to HTTP status codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrationsgraph.graph.core.report import Report


class IntegrationsgraphError(Exception):
    """Base of every error this package raises on purpose."""


class NotFound(IntegrationsgraphError):
    """A graph, resource or dataset does not exist."""


class InvalidQuery(IntegrationsgraphError):
    """A SPARQL query or update could not be parsed or is not allowed."""


class Forbidden(IntegrationsgraphError):
    """The request is understood but not allowed here (SERVICE, LOAD, the ontology graph …)."""


class ParseError(IntegrationsgraphError):
    """RDF input could not be parsed; names the file and line."""

    def __init__(self, source: str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.detail = message
        where = source if line is None else f"{source}, Zeile {line}" + (f", Spalte {column}" if column else "")
        super().__init__(f"{where}: {message}")


class ValidationFailed(IntegrationsgraphError):
    """A write was rejected because the shapes report Violations; nothing was written."""

    def __init__(self, report: Report) -> None:
        self.report = report
        n = len(report.violations)
        super().__init__(f"Abgelehnt: {n} Verstoß/Verstöße gegen die Regeln (SHACL); nichts wurde geschrieben.")


class ReplaceRefused(IntegrationsgraphError):
    """A write would remove more than half of a dataset's triples and was not confirmed; nothing was written."""

    def __init__(self, graph: str, current: int, removed: int, how: str) -> None:
        self.graph, self.current, self.removed = graph, current, removed

        def de(n: int) -> str:
            return f"{n:,}".replace(",", ".")

        super().__init__(
            f"Abgelehnt: Das würde {de(removed)} von {de(current)} Tripeln ({round(100 * removed / current)} %) "
            f"aus {graph} entfernen; nichts wurde geschrieben. Ist das gewollt und nicht etwa die falsche Datei, "
            f"bitte bestätigen: {how}."
        )


class WriteBusy(IntegrationsgraphError):
    """Other writers kept the store busy (committing first, or holding the write lease); nothing was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Der Speicher wird gerade von anderen Prozessen laufend geändert; nichts wurde geschrieben. "
            "Bitte in einem Moment erneut senden."
        )
