"""What a SPARQL text may not do here, decided before any engine sees it: reach out, or nest too deep.

The first wall against ``SERVICE`` and ``LOAD`` (the second: the worker processes that run queries and
updates have no network at all, :mod:`graph.sparql.sandbox`). It does not scan for keywords and hope: it reads
the text the way the SPARQL 1.1 grammar does, twice — once as written, with ``\\u``/``\\U`` escapes inside
IRIs and strings (as Oxigraph reads them), once with every escape decoded first (as section 19.2 of the
recommendation says a parser may) — and looks at every place where the word ``SERVICE`` or ``LOAD``
stands. Such a place is harmless only when, in *both* readings, it lies inside a string literal, an IRI,
a variable or a prefixed name. Anywhere else — a keyword, a comment, text that does not read as SPARQL,
an escape that cannot be decoded — the text is refused. So a comment cannot hide a keyword, whatever
trick makes one reader see a comment where the other sees an IRI.

The nesting depth of ``{``, ``(`` and ``[`` is bounded too: Oxigraph's recursive parser and evaluator
overflow their stack at a few thousand levels (a server crash, not an error).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from integrationsgraph.graph.core.errors import Forbidden, InvalidQuery

OUTSIDE_WORDS = re.compile(r"(?<![A-Za-z0-9_])(SERVICE|LOAD)(?![A-Za-z0-9_])", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\[uU]")
_HEX = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"
_LEX = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_HEX})*>)
  | (?P<var>[?$][\w\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-.:%\u00B7-\uFFFF]|\\.)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
SAFE_KINDS = frozenset({"string", "iri", "var", "pname"})
OPEN, CLOSE = "{([", "})]"


class Refused(Forbidden):
    """The text would reach other servers or files (SERVICE, LOAD), or cannot be read safely."""


class TooDeep(InvalidQuery):
    """The text nests deeper than the limit."""


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int


def decode_escapes(text: str) -> str:
    """``text`` with every ``\\uXXXX`` / ``\\UXXXXXXXX`` replaced by its character (SPARQL 1.1, 19.2)."""

    def one(m: re.Match[str]) -> str:
        digits = m.group(1) or m.group(2)
        if digits is None:
            raise Refused(f"Ungültige Escape-Folge {m.group()!r} an Stelle {m.start() + 1}.")
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(f"Escape-Folge {m.group()!r} an Stelle {m.start() + 1} ist kein Unicode-Zeichen.")
        return chr(code)

    return _ESCAPE.sub(one, text)


def spans(text: str) -> list[Span]:
    """Every token of ``text``, whitespace and comments included, in order."""
    return [Span(m.lastgroup or "other", m.start(), m.end()) for m in _LEX.finditer(text)]


def _harmless(text: str) -> str | None:
    """The first SERVICE/LOAD of ``text`` that is not inside a string, IRI, variable or prefixed name."""
    found = list(OUTSIDE_WORDS.finditer(text))
    if not found:
        return None
    toks = spans(text)
    starts = [t.start for t in toks]
    for m in found:
        tok = toks[bisect.bisect_right(starts, m.start()) - 1]
        if tok.kind not in SAFE_KINDS or m.end() > tok.end:
            return m.group(1).upper()
    return None


def reaching_out(text: str) -> str | None:
    """``SERVICE`` or ``LOAD`` when ``text`` may use it in either reading, else None (raises Refused when an
    escape cannot be decoded)."""
    return _harmless(text) or _harmless(decode_escapes(text))


def depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, IRIs and comments."""
    level = deepest = 0
    for m in _LEX.finditer(text):
        if m.lastgroup != "other":
            continue
        ch = m.group()
        if ch in OPEN:
            level += 1
            deepest = max(deepest, level)
        elif ch in CLOSE:
            level -= 1
    return deepest


def check(text: str, *, max_depth: int, update: bool = False) -> None:
    """Refuse ``text`` (Refused, TooDeep) unless it stays on this server and nests at most ``max_depth`` deep."""
    word = reaching_out(text)
    if word is not None:
        what = "lädt nichts von anderen Servern oder aus Dateien" if update else "fragt keine anderen Server ab"
        raise Refused(
            f"{word} ist auf diesem Endpunkt nicht erlaubt: er {what}. Das Wort {word} darf nur in "
            "Zeichenketten, IRIs oder Namen stehen (auch nicht in Kommentaren)."
            + (" Daten bitte per INSERT DATA oder über /store senden." if update else "")
        )
    deepest = depth(text)
    if deepest > max_depth:
        raise TooDeep(
            f"Die {'Änderung' if update else 'Abfrage'} ist {deepest} Ebenen tief verschachtelt; erlaubt sind "
            f"{max_depth} (INTEGRATIONSGRAPH_QUERY_MAX_DEPTH)."
        )
