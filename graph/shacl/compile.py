"""The shapes graph compiled into SPARQL: one query per constraint, over all focus nodes of a dataset at once.

Only the SHACL constructs our shapes use are compiled (see ``SUPPORTED``); anything else raises
:class:`ShapeNotSupported`, naming the shape and the construct, and the caller validates with pyshacl instead —
so a new kind of shape never goes unchecked. Each constraint becomes a :class:`Check` whose query returns the
violating rows; :mod:`graph.shacl.engine` runs them and turns the rows into the results pyshacl would report.
The class hierarchy (``rdfs:subClassOf*``) is inlined as ``VALUES`` when a query is rendered
(:class:`Hierarchy`), so no query needs the ontology graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import RDF, RDFS, SH

from integrationsgraph.graph.rdf.io import from_rdflib
from integrationsgraph.graph.shacl.validate import Shapes

Node = rdflib.term.Node
TARGET_VAR = "this"

SHAPE_KEYS = {RDF.type, SH.name, SH.description, SH.message, SH.severity, SH.deactivated, SH.order, SH.group}
SHAPE_KEYS |= {RDFS.label, RDFS.comment, SH.targetClass, SH.path}
VALUE_KEYS = {SH["class"], SH.languageIn, SH.nodeKind, SH["in"], SH.pattern, SH["not"], SH["or"], SH["and"], SH.node}
TOP_KEYS = VALUE_KEYS | {SH.minCount, SH.maxCount, SH.datatype, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals}
TOP_KEYS |= {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql}
SPARQL_KEYS = {RDF.type, SH.select, SH.prefixes}
SUPPORTED = sorted(str(k).removeprefix(str(SH)) for k in TOP_KEYS)
NODE_KINDS: dict[Node, tuple[str, ...]] = {
    SH.IRI: ("isIRI",),
    SH.BlankNode: ("isBlank",),
    SH.Literal: ("isLiteral",),
    SH.BlankNodeOrIRI: ("isBlank", "isIRI"),
    SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
    SH.IRIOrLiteral: ("isIRI", "isLiteral"),
}
_UNSAFE_REGEX = re.compile(r"\(\?|\\[bBAZzdDwWsS0-9]")


class ShapeNotSupported(ValueError):
    """A shape uses a construct the SPARQL engine does not compile; validate with pyshacl."""

    def __init__(self, shape: Node, construct: str) -> None:
        super().__init__(f"Regel {shape}: {construct} wird von der SPARQL-Prüfung nicht unterstützt (pyshacl prüft).")
        self.shape = shape
        self.construct = construct


class Hierarchy:
    """``rdfs:subClassOf*`` from the ontology and the data: the classes below (and including) a class."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.below: dict[str, set[str]] = {}
        for s, _p, o in triples:
            self.below.setdefault(str(o), set()).add(str(s))
        self._cache: dict[str, frozenset[str]] = {}

    def subclasses(self, cls: str) -> frozenset[str]:
        if cls not in self._cache:
            seen, todo = {cls}, [cls]
            while todo:
                for sub in self.below.get(todo.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            self._cache[cls] = frozenset(seen)
        return self._cache[cls]

    def values(self, var: str, classes: Iterable[str]) -> str:
        members = sorted({c for cls in classes for c in self.subclasses(cls)})
        return f"VALUES ?{var} {{ {' '.join(f'<{c}>' for c in members)} }}"


# --- conditions: what a value node must be (the nested shapes of sh:not, sh:or, sh:qualifiedValueShape) ---


@dataclass(frozen=True)
class Cond:
    """A condition on one value node: a set of classes (``classes``), or a SPARQL expression, or both (AND)."""

    classes: frozenset[str] | None = None
    expr: Callable[[str, Hierarchy], str] | None = None

    def sparql(self, var: str, h: Hierarchy) -> str:
        """A boolean expression, true when ``?var`` meets the condition (never an error)."""
        parts = []
        if self.classes is not None:
            parts.append(f"EXISTS {{ ?{var} a ?{var}_t . {h.values(var + '_t', self.classes)} }}")
        if self.expr is not None:
            parts.append(f"({self.expr(var, h)})")
        return " && ".join(parts) or "true"


def _and(conds: list[Cond]) -> Cond:
    if len(conds) == 1:
        return conds[0]
    return Cond(expr=lambda v, h: " && ".join(f"({c.sparql(v, h)})" for c in conds) or "true")


def _or(conds: list[Cond]) -> Cond:
    if all(c.classes is not None and c.expr is None for c in conds):
        return Cond(classes=frozenset(x for c in conds for x in c.classes or ()))
    return Cond(expr=lambda v, h: " || ".join(f"({c.sparql(v, h)})" for c in conds) or "false")


def _not(cond: Cond) -> Cond:
    return Cond(expr=lambda v, h: f"!({cond.sparql(v, h)})")


def lang_in(langs: list[str]) -> Callable[[str, Hierarchy], str]:
    """pyshacl's sh:languageIn: a language tag, lower-cased, or its first part, in the list (``*``: any)."""
    if "*" in langs:
        return lambda v, h: f'isLiteral(?{v}) && LANG(?{v}) != ""'
    listed = ", ".join(ox.Literal(x).__str__() for x in sorted(set(langs)))
    return lambda v, h: (
        f'isLiteral(?{v}) && LANG(?{v}) != "" && (LCASE(LANG(?{v})) IN ({listed}) '
        f'|| LCASE(STRBEFORE(LANG(?{v}), "-")) IN ({listed}))'
    )


def term_list(terms: Iterable[Node]) -> str:
    """Terms in SPARQL syntax (N-Triples, written by pyoxigraph)."""
    return " ".join(str(from_rdflib(t)) for t in terms)


# --- checks: one query each ----------------------------------------------------------------------


@dataclass
class Check:
    """One constraint of a shape: ``kind`` says how :mod:`graph.shacl.engine` reads the rows of ``query``."""

    kind: str  # "count", "value", "datatype", "uniquelang", "compare", "qualified", "sparql"
    build: Callable[[str, Hierarchy], str]  # (focus pattern, hierarchy) → the query text
    params: dict[str, object] = field(default_factory=dict)

    def query(self, focus: str, h: Hierarchy) -> str:
        return self.build(focus, h)


@dataclass
class CompiledShape:
    """A top-level shape: its targets, what a result of it says, and its checks."""

    node: Node
    severity: Node
    messages: dict[str | None, str]
    path: Node | None
    path_sparql: str | None
    target_classes: list[str]
    checks: list[Check] = field(default_factory=list)

    def focus(self, h: Hierarchy) -> str:
        return f"{{ SELECT DISTINCT ?this WHERE {{ {h.values('this_c', self.target_classes)} ?this a ?this_c }} }}"


class Compiler:
    """Compiles the top-level shapes of a shapes graph; raises :class:`ShapeNotSupported` on anything else."""

    def __init__(self, shapes: Shapes) -> None:
        self.g = shapes.graph

    def shapes(self) -> list[CompiledShape]:
        g = self.g
        if list(g.subjects(RDF.type, SH.ConstraintComponent)):
            raise ShapeNotSupported(next(g.subjects(RDF.type, SH.ConstraintComponent)), "eigene Constraint-Komponente")
        for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.rule, SH.property):
            for s in g.subjects(p, None):
                raise ShapeNotSupported(s, f"sh:{str(p).removeprefix(str(SH))}")
        for cls in (RDFS.Class, rdflib.OWL.Class):
            for s in g.subjects(RDF.type, cls):
                if (s, RDF.type, SH.NodeShape) in g or (s, RDF.type, SH.PropertyShape) in g:
                    raise ShapeNotSupported(s, "implizites sh:targetClass (Regel ist zugleich Klasse)")
        out = []
        for node in sorted(set(g.subjects(SH.targetClass, None)), key=str):
            if g.value(node, SH.deactivated) == rdflib.Literal(True):
                continue
            out.append(self.shape(node))
        return out

    def shape(self, node: Node) -> CompiledShape:
        g = self.g
        for p in g.predicates(node, None):
            if p not in SHAPE_KEYS | TOP_KEYS and str(p).startswith(str(SH)):
                raise ShapeNotSupported(node, _short(p))
        path = g.value(node, SH.path)
        messages: dict[str | None, str] = {}
        for m in g.objects(node, SH.message):
            lang = getattr(m, "language", None)
            if lang in messages or not isinstance(m, rdflib.Literal) or "{" in str(m):
                raise ShapeNotSupported(node, "sh:message (mehrere je Sprache, kein Text oder mit Platzhalter)")
            messages[lang] = str(m)
        if not messages:
            raise ShapeNotSupported(node, "Regel ohne sh:message (pyshacl erzeugt eigene Meldungen)")
        compiled = CompiledShape(
            node=node,
            severity=g.value(node, SH.severity) or SH.Violation,
            messages=messages,
            path=path,
            path_sparql=self.path(node, path) if path is not None else None,
            target_classes=[str(c) for c in g.objects(node, SH.targetClass)],
        )
        return compiled

    def path(self, shape: Node, path: Node) -> str:
        g = self.g
        if isinstance(path, rdflib.URIRef):
            return f"<{path}>"
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{self.path(shape, inverse)}"
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(shape, p) for p in rdflib.collection.Collection(g, alternatives)) + ")"
        if g.value(path, RDF.first) is not None:
            return "(" + "/".join(self.path(shape, p) for p in rdflib.collection.Collection(g, path)) + ")"
        raise ShapeNotSupported(shape, "dieser sh:path (nur IRI, sh:inversePath, Folge, sh:alternativePath)")

    def cond(self, shape: Node, nested: Node) -> Cond:
        """A nested (value) shape as a condition on its focus node."""
        g = self.g
        if g.value(nested, SH.deactivated) == rdflib.Literal(True):
            return Cond(expr=lambda v, h: "true")
        conds = []
        for p, o in g.predicate_objects(nested):
            if p == RDF.type and o in (SH.NodeShape, SH.Shape):
                continue
            if p not in VALUE_KEYS:
                raise ShapeNotSupported(shape, f"{_short(p)} in einer eingebetteten Regel")
            conds.append(self.value_cond(shape, p, o))
        return _and(conds) if conds else Cond(expr=lambda v, h: "true")

    def value_cond(self, shape: Node, p: Node, o: Node) -> Cond:
        """One value-node constraint (sh:class, sh:in, sh:not …) as a condition."""
        g = self.g
        if p == SH["class"]:
            return Cond(classes=frozenset({str(o)}))
        if p == SH.languageIn:
            return Cond(expr=lang_in([str(x).lower() for x in rdflib.collection.Collection(g, o)]))
        if p == SH.nodeKind:
            tests = NODE_KINDS.get(o)
            if tests is None:
                raise ShapeNotSupported(shape, f"sh:nodeKind {o}")
            return Cond(expr=lambda v, h: " || ".join(f"{t}(?{v})" for t in tests))
        if p == SH["in"]:
            values = term_list(rdflib.collection.Collection(g, o))
            return Cond(expr=lambda v, h: f"EXISTS {{ VALUES ?{v}_in {{ {values} }} FILTER(sameTerm(?{v}, ?{v}_in)) }}")
        if p == SH.pattern:
            if _UNSAFE_REGEX.search(str(o)):
                raise ShapeNotSupported(shape, f"sh:pattern {str(o)!r} (Python-eigene Regex-Syntax)")
            pattern = str(ox.Literal(str(o)))
            return Cond(expr=lambda v, h: f"(isIRI(?{v}) || isLiteral(?{v})) && REGEX(STR(?{v}), {pattern})")
        if p == SH["not"]:
            return _not(self.cond(shape, o))
        if p in (SH["or"], SH["and"]):
            parts = [self.cond(shape, x) for x in rdflib.collection.Collection(g, o)]
            return _or(parts) if p == SH["or"] else _and(parts)
        if p == SH.node:
            if not isinstance(o, rdflib.BNode):
                raise ShapeNotSupported(shape, "sh:node auf eine Regel mit IRI")
            return self.cond(shape, o)
        raise ShapeNotSupported(shape, _short(p))


def _short(p: Node) -> str:
    return "sh:" + str(p).removeprefix(str(SH)) if str(p).startswith(str(SH)) else str(p)
