"""The validation report as data: what every layer may carry (an error, a refusal, an answer), whoever made it.

:mod:`graph.shacl.validate` fills it from pyshacl or the compiled shapes; the privacy rule
(:mod:`graph.store.privacy`) and the workbook import make results of their own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import rdflib


@dataclass
class Result:
    """One SHACL result, made readable."""

    severity: str
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message_de: str
    message_en: str
    shape: str
    field: str | None = None
    field_label: str | None = None

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" and self.message_en else self.message_de


@dataclass
class Report:
    """A validation report: ``conforms`` (no Violation), the results, and pyshacl's results graph."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    graph: rdflib.Graph | None = None

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    def counts(self) -> dict[str, int]:
        out = {"Violation": 0, "Warning": 0, "Info": 0}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [asdict(r) for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_turtle(self) -> str:
        graph = self.graph if self.graph is not None else rdflib.Graph()
        return graph.serialize(format="turtle")
