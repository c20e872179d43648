"""Cells a spreadsheet cannot run: the one rule for every CSV and workbook we write, and its way back.

A spreadsheet (Excel, LibreOffice Calc, Google Sheets) reads a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab, a carriage return or a NUL as a formula, so a label like ``=HYPERLINK("http://…")`` in the data would
run in the reader's spreadsheet ("CSV injection", OWASP; ASVS 5.0 V1.2.10). :func:`neutralise` puts a single
quote before such a cell, the way OWASP describes; :func:`restore` takes it off again when a workbook comes
back, so ``=Ziel`` or ``-5 %`` survive export → import exactly.

Two exceptions keep the rule from getting in the way:

- A plain number (``-5``, ``-1.234,5``, ``+2.5E3``, ``-INF``) stays as it is: it cannot call anything, and a
  CSV read by a program or a spreadsheet must keep negative numbers numbers.
- A text that already starts with quotes before such a character (``'=x``) gets one more, so that
  :func:`restore` (which takes one off) gives back exactly that text: ``restore(neutralise(s)) == s`` for
  every ``s``.

>>> neutralise("=Ziel"), neutralise("-5 %"), neutralise("-5"), neutralise("Ziel")
("'=Ziel", "'-5 %", '-5', 'Ziel')
>>> restore("'=Ziel"), restore("'s-Hertogenbosch")
('=Ziel', "'s-Hertogenbosch")
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""First characters that make a spreadsheet read a cell as a formula."""
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(?:(?=[.,]?\d)[\d.,]*(?:[eE][+-]?\d+)?|INF)")
"""A number in any notation we or a spreadsheet write (digits, ``.``/``,``, an exponent; ``INF`` of xsd:double)."""


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (also after leading quotes: see :func:`restore`)."""
    core = text.lstrip(QUOTE)
    return core.startswith(TRIGGERS) and _NUMBER.fullmatch(core) is None


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: a single quote before it when it could start a formula."""
    return QUOTE + text if needs_quote(text) else text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given (other text, also one that starts with a quote, unchanged)."""
    return text[1:] if text.startswith(QUOTE) and needs_quote(text) else text


def neutralise_row(row: list[str]) -> list[str]:
    """Every cell of a CSV row through :func:`neutralise`."""
    return [neutralise(c) for c in row]
