"""Shape test files may say ``@HEUTE@`` for today's date: a value that is current (``kios:IndikatorAktuellShape``)
but never in a future year (``kios:MesswertZukunftShape``), whenever the tests run. Read them through here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox

TODAY = "@HEUTE@"


def turtle(path: Path) -> str:
    """The file's Turtle with today's date in place of ``@HEUTE@``."""
    return path.read_text(encoding="utf-8").replace(TODAY, date.today().isoformat())


def triples(path: Path) -> list[ox.Triple]:
    """The file's triples (as ``graph.write.load.read_files`` parses them), today's date filled in."""
    return [q.triple for q in ox.parse(turtle(path).encode(), format=ox.RdfFormat.TURTLE)]
