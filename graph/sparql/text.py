"""What the endpoint needs to know about a SPARQL text before pyoxigraph runs it.

pyoxigraph parses and executes in one call and shows no syntax tree, so the few facts the protocol
needs first are read from the tokens: the query form (to choose a result format), the FROM / FROM NAMED
clauses (pyoxigraph's union default graph would silently override them), and the places where ``USING``
clauses go. Strings, IRIs and comments are skipped as whole tokens. What may not run at all (``SERVICE``,
``LOAD``, deep nesting) is :mod:`graph.sparql.guard`'s to decide. Syntax errors are left to pyoxigraph,
which names line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pyoxigraph as ox

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-.:%\u00B7-\uFFFF]|\\.)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (no whitespace, no comments)."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        value = m.group()
        if kind == "pname" and value.endswith(".") and not value.endswith("\\."):
            value = value.rstrip(".")  # "ex:a." ends a triple; the dot is not part of the name
        out.append(Token(kind, value, m.start()))
    return out


@dataclass
class QueryInfo:
    """The facts about one query text that the endpoint needs before running it."""

    form: str | None
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or None when the text does not start like a query."""
    update_keyword: str | None = None
    """The first keyword when the text looks like an update (INSERT, DELETE, …), else None."""
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def _prologue(toks: list[Token]) -> tuple[dict[str, str], str | None, int]:
    """PREFIX and BASE declarations at the start; returns prefixes, base and the index after them."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    i = 0
    while i < len(toks):
        word = toks[i].upper
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = _resolve(toks[i + 1].text[1:-1], base)
            i += 2
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = _resolve(toks[i + 2].text[1:-1], base)
            i += 3
        else:
            break
    return prefixes, base, i


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base and ":" not in iri.split("/", 1)[0] else iri


def _expand(tok: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok.kind == "iri":
        return _resolve(tok.text[1:-1], base)
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def analyse_query(text: str) -> QueryInfo:
    """Form and dataset clauses of a query text."""
    toks = tokens(text)
    prefixes, base, start = _prologue(toks)
    first = toks[start].upper if start < len(toks) and toks[start].kind == "word" else None
    info = QueryInfo(form=first if first in QUERY_FORMS else None)
    if first in UPDATE_WORDS:
        info.update_keyword = first
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        if tok.upper == "FROM" and i + 1 < len(toks):
            named = toks[i + 1].upper == "NAMED"
            target = toks[i + 2] if named and i + 2 < len(toks) else toks[i + 1]
            iri = _expand(target, prefixes, base)
            if iri is not None:
                (info.from_named if named else info.from_graphs).append(iri)
    return info


@dataclass
class UpdateInfo:
    """The facts about an update text that the endpoint checks before running it."""

    has_using: bool = False
    has_with: bool = False
    looks_like_query: str | None = None


def analyse_update(text: str) -> UpdateInfo:
    toks = tokens(text)
    _, _, start = _prologue(toks)
    info = UpdateInfo()
    if start < len(toks) and toks[start].upper in QUERY_FORMS and toks[start].kind == "word":
        info.looks_like_query = toks[start].upper
    for tok in toks:
        if tok.kind != "word":
            continue
        if tok.upper == "USING":
            info.has_using = True
        elif tok.upper == "WITH":
            info.has_with = True
    return info


def data_graphs(text: str) -> list[str] | None:
    """The named graphs an update of only ``INSERT DATA`` / ``DELETE DATA`` operations writes — or ``None`` when it
    may read or write anything else (a ``WHERE``, graph management, a prologue between operations, a graph
    name that cannot be read here). Such an update needs no other graph to work out what it changes."""
    toks = tokens(text)
    prefixes, base, start = _prologue(toks)
    graphs: set[str] = set()
    for i in range(start, len(toks)):
        tok, before = toks[i], toks[i - 1] if i else None
        if tok.kind != "word" or (before is not None and before.text == "@"):
            continue  # (a language tag is not a keyword)
        word = tok.upper
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in ("INSERT", "DELETE"):
            if nxt is None or nxt.upper != "DATA":
                return None
        elif word == "GRAPH":
            iri = _expand(nxt, prefixes, base) if nxt is not None else None
            if iri is None:
                return None
            graphs.add(iri)
        elif word not in ("DATA", "A", "TRUE", "FALSE", "_"):
            return None
    return sorted(graphs)


def inject_using(text: str, default: list[str], named: list[str], *, skip_own: bool) -> str:
    """Put ``USING <g>`` / ``USING NAMED <g>`` before the WHERE of every DELETE/INSERT … WHERE operation.

    That is how the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` act. With ``skip_own``
    operations that already say USING or WITH keep their own dataset. The IRIs are checked and written
    by pyoxigraph (``NamedNode``), so nothing but valid IRIs enters the text.
    """
    clause = " ".join(
        [*(f"USING {ox.NamedNode(g)}" for g in default), *(f"USING NAMED {ox.NamedNode(g)}" for g in named)]
    )
    if not clause:
        return text
    toks = tokens(text)
    inserts: list[int] = []
    depth = 0
    own = False
    prev: Token | None = None
    for tok in toks:
        if tok.kind == "punct" and tok.text == "{":
            depth += 1
        elif tok.kind == "punct" and tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.kind == "punct" and tok.text == ";":
            own = False
        elif depth == 0 and tok.kind == "word" and tok.upper in ("USING", "WITH"):
            own = True
        elif depth == 0 and tok.kind == "word" and tok.upper == "WHERE":
            short_form = prev is not None and prev.kind == "word" and prev.upper == "DELETE"
            if not short_form and not (skip_own and own):
                inserts.append(tok.start)
        prev = tok
    for pos in reversed(inserts):
        text = f"{text[:pos]}{clause}\n{text[pos:]}"
    return text


_POSITION = re.compile(r"error at (\d+):(\d+):\s*")


def syntax_position(message: str) -> tuple[int | None, int | None, str]:
    """Line, column and reason from a pyoxigraph syntax error ("error at 1:25: expected …")."""
    m = _POSITION.search(message)
    if m is None:
        return None, None, message
    return int(m.group(1)), int(m.group(2)), message[m.end() :]
