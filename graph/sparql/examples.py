"""The example queries in ``queries/*.rq``: what each answers (German and English), and its parameters.

Each file starts with comment lines ``# de: …`` and ``# en: …`` (continued by further ``# de:`` /
``# en:`` lines) and may declare parameters as ``# param feld: <what it is>``. A parameter is a
variable of the query that a caller may fix to an IRI (``/api/queries/kette-eines-feldes?feld=…``);
it is bound by pyoxigraph's substitution (SEP-0007), never spliced into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ROOT
from integrationsgraph.graph.core.errors import InvalidQuery, NotFound

QUERIES_DIR = ROOT / "queries"
_LINE = re.compile(r"^#\s*(de|en|param\s+(\w+))\s*:\s*(.*)$")


@dataclass
class Example:
    """One example query file."""

    name: str
    text: str
    description_de: str
    description_en: str
    parameters: dict[str, str] = field(default_factory=dict)

    def bind(self, values: dict[str, str]) -> dict[str, ox.NamedNode]:
        """Check parameter values (IRIs only) and turn them into bindings."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            known = ", ".join(self.parameters) or "keine"
            raise InvalidQuery(f"Unbekannte Parameter {', '.join(unknown)} (erlaubt: {known}).")
        out = {}
        for name, value in values.items():
            try:
                out[name] = ox.NamedNode(value)
            except ValueError as exc:
                raise InvalidQuery(f"Parameter {name} braucht eine IRI, nicht {value!r}.") from exc
        return out


def parse_example(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    texts: dict[str, list[str]] = {"de": [], "en": []}
    params: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _LINE.match(line)
        if m is None:
            continue
        if m.group(2):
            params[m.group(2)] = m.group(3).strip()
        else:
            texts[m.group(1)].append(m.group(3).strip())
    if not texts["de"] or not texts["en"]:
        raise ValueError(f"{path}: the first lines must be '# de: …' and '# en: …'")
    return Example(path.stem, text, " ".join(texts["de"]), " ".join(texts["en"]), params)


def examples(folder: Path = QUERIES_DIR) -> list[Example]:
    """All example queries, sorted by file name."""
    return [parse_example(p) for p in sorted(folder.glob("*.rq"))]


def example(name: str, folder: Path = QUERIES_DIR) -> Example:
    for ex in examples(folder):
        if ex.name == name:
            return ex
    raise NotFound(f"Keine Beispielabfrage {name!r}.")
