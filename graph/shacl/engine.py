"""Full validation with SPARQL: the compiled shapes (:mod:`graph.shacl.queries`) run by Oxigraph.

Gives the report :func:`graph.shacl.validate.validate` gives (pyshacl stays the reference; the tests compare both on
every test file, the shipped datasets and generated ones with defects), for all focus nodes of a dataset in a
few dozen queries instead of pyshacl's node-by-node walk. Rows the queries cannot decide alone (literals whose
lexical form rdflib and Oxigraph may read differently) are decided here the way pyshacl decides them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from integrationsgraph.graph.core.report import Report, Result
from integrationsgraph.graph.rdf.io import to_rdflib
from integrationsgraph.graph.shacl.compile import Check, CompiledShape, Hierarchy, ShapeNotSupported
from integrationsgraph.graph.shacl.queries import compile_shapes
from integrationsgraph.graph.shacl.validate import (
    FIELD_PREDICATES,
    KIO,
    SEVERITY_NAMES,
    Shapes,
    field_of,
    label_of,
    path_text,
    result_order,
)

log = logging.getLogger(__name__)
Node = rdflib.term.Node
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Queryable(Protocol):
    """Anything that answers SPARQL over chosen default graphs (:class:`graph.store.embedded.Store`)."""

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> Any: ...


@dataclass(frozen=True)
class Raw:
    """One result before it is made readable: which shape and check, focus, path (a shapes-graph node or a
    data IRI) and value."""

    shape: CompiledShape
    check: Check
    focus: Term
    path: Node | None
    value: Term | None
    component: str


class NativeStore:
    """A pyoxigraph ``Store`` seen as :class:`Queryable`."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> Any:
        if default_graphs is None:
            return self.store.query(sparql, use_default_graph_as_union=True)
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in default_graphs]
        return self.store.query(sparql, default_graph=graphs)


def sparql_validator(shapes: Shapes) -> SparqlValidator | None:
    """The compiled shapes, or ``None`` (logged) when a shape uses what the compiler does not know."""
    try:
        return SparqlValidator(shapes)
    except ShapeNotSupported as exc:
        log.warning("%s", exc)
        return None


class SparqlValidator:
    """Compiles the shapes once (raises :class:`graph.shacl.compile.ShapeNotSupported` when it cannot)."""

    def __init__(self, shapes: Shapes) -> None:
        self.shapes = shapes
        self.compiled = compile_shapes(shapes)
        self._paths: dict[Node, str] = {}

    def raw(self, store: Queryable, graphs: Sequence[str]) -> list[Raw]:
        """The results over the union of ``graphs`` (a dataset and its private companion), unreadable yet."""
        data_subclasses = [
            (to_rdflib(s["s"]), RDFS.subClassOf, to_rdflib(s["o"]))
            for s in store.query(f"SELECT ?s ?o WHERE {{ ?s <{RDFS.subClassOf}> ?o }}", default_graphs=graphs)
        ]
        h = Hierarchy([*self.shapes.subclass_triples, *data_subclasses])
        out: list[Raw] = []
        for shape in self.compiled:
            focus = shape.focus(h)
            for check in shape.checks:
                solutions = store.query(check.query(focus, h), default_graphs=graphs)
                names = [v.value for v in solutions.variables]
                rows = list(solutions)  # read out before rdflib runs: a live result keeps the store open
                del solutions
                out.extend(_rows(shape, check, rows, names))
        return out

    def validate(self, store: Queryable | ox.Store, graphs: Sequence[str]) -> Report:
        """Full validation of the union of ``graphs``, as :func:`graph.shacl.validate.validate` reports it."""
        queryable: Queryable = NativeStore(store) if isinstance(store, ox.Store) else store
        raw = self.raw(queryable, graphs)
        lookup = _Lookup.fetch(queryable, graphs) if raw else _Lookup()
        results = [self.result(r, lookup) for r in raw]
        results.sort(key=result_order)
        conforms = not any(r.severity == "Violation" for r in results)
        return SparqlReport(conforms=conforms, results=results, raw=raw, shapes_graph=self.shapes.graph)

    def path(self, node: Node) -> str:
        if node not in self._paths:
            self._paths[node] = path_text(self.shapes.graph, node, self.shapes.graph)
        return self._paths[node]

    def result(self, r: Raw, lookup: _Lookup) -> Result:
        messages = r.shape.messages
        de = messages.get("de") or messages.get(None) or next(iter(messages.values()), "")
        focus = to_rdflib(r.focus)
        field_node = lookup.field(focus)
        severity = r.shape.severity
        return Result(
            severity=SEVERITY_NAMES.get(severity, "Violation") if isinstance(severity, rdflib.URIRef) else "Violation",
            focus=str(focus),
            focus_label=label_of(lookup, focus),
            path=self.path(r.path) if r.path is not None else None,
            value=r.value.value if r.value is not None else None,
            message_de=de,
            message_en=messages.get("en") or de,
            shape=str(r.shape.node),
            field=str(field_node) if field_node is not None else None,
            field_label=label_of(lookup, field_node),
        )


@dataclass
class SparqlReport(Report):
    """A report of the SPARQL engine; its results graph (``--format turtle``) is built only when asked for."""

    raw: list[Raw] = field(default_factory=list)
    shapes_graph: rdflib.Graph | None = None

    def to_turtle(self) -> str:
        if self.graph is None:
            self.graph = results_graph(self.conforms, self.raw, self.shapes_graph or rdflib.Graph())
        return super().to_turtle()


def results_graph(conforms: bool, raw: Iterable[Raw], shapes: rdflib.Graph) -> rdflib.Graph:
    """The SHACL validation report as pyshacl writes it (the same triples, up to blank nodes)."""
    g = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        g.bind(prefix, ns)
    report = rdflib.BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, rdflib.Literal(conforms)))
    for r in raw:
        node = rdflib.BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, to_rdflib(r.focus)))
        g.add((node, SH.resultSeverity, r.shape.severity))
        g.add((node, SH.sourceShape, r.shape.node))
        g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
        for m in shapes.objects(r.shape.node, SH.message):  # pyshacl drops the language on SPARQL results
            g.add((node, SH.resultMessage, rdflib.Literal(str(m)) if r.check.kind == "sparql" else m))
        if r.value is not None:
            g.add((node, SH.value, to_rdflib(r.value)))
        if r.path is not None:
            g.add((node, SH.resultPath, r.path))
            _copy(shapes, r.path, g)
        constraint = r.check.params.get("constraint")
        if isinstance(constraint, rdflib.BNode | rdflib.URIRef):
            g.add((node, SH.sourceConstraint, constraint))
            _copy(shapes, constraint, g)
    return g


def _copy(source: rdflib.Graph, node: Node, into: rdflib.Graph) -> None:
    """A blank node's triples and those of the blank nodes below it (a path, a constraint)."""
    todo = [node] if isinstance(node, rdflib.BNode) else []
    while todo:
        for t in source.triples((todo.pop(), None, None)):
            into.add(t)
            if isinstance(t[2], rdflib.BNode):
                todo.append(t[2])


def _rows(shape: CompiledShape, check: Check, rows: list[Any], names: list[str]) -> Iterable[Raw]:
    path = shape.path
    kind = check.kind
    name = str(check.params["component"])
    component = f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent"
    if kind in ("count", "qualified"):
        pre = "Qualified" if kind == "qualified" else ""
        for row in rows:
            n = int(row["n"].value)
            if 0 <= int(str(check.params["max"])) < n:
                yield Raw(shape, check, row["this"], path, None, f"{SH}{pre}MaxCountConstraintComponent")
            if n < int(str(check.params["min"])):
                yield Raw(shape, check, row["this"], path, None, f"{SH}{pre}MinCountConstraintComponent")
    elif kind == "value":
        for row in rows:
            yield Raw(shape, check, row["this"], path, row["v"], component)
    elif kind == "datatype":
        dt = rdflib.URIRef(str(check.params["datatype"]))
        for row in rows:
            if not datatype_ok(to_rdflib(row["v"]), dt):
                yield Raw(shape, check, row["this"], path, row["v"], component)
    elif kind == "uniquelang":
        for row in rows:
            yield Raw(shape, check, row["this"], path, None, component)
    elif kind == "compare":
        for row in rows:
            if not compares(to_rdflib(row["v"]), to_rdflib(row["o"]), bool(check.params["strict"])):
                yield Raw(shape, check, row["this"], path, row["v"], component)
    elif kind == "sparql":
        yield from _sparql_rows(shape, check, rows, names)
    else:  # pragma: no cover - the compiler makes no other kinds
        raise ValueError(kind)


def _sparql_rows(shape: CompiledShape, check: Check, rows: list[Any], names: list[str]) -> Iterable[Raw]:
    """pyshacl's reading of a SPARQL constraint's rows: duplicates dropped; value = ?value, else the focus node
    of a node shape; path = ?path, else the property shape's path."""
    seen = set()
    for row in rows:
        key = tuple(row[n] for n in names)
        if key in seen:
            continue
        seen.add(key)
        bound = dict(zip(names, key, strict=True))
        value = bound.get("value")
        if value is None and shape.path is None:
            value = bound["this"]
        p = bound.get("path")
        path = to_rdflib(p) if p is not None else shape.path
        yield Raw(shape, check, bound["this"], path, value, f"{SH}SPARQLConstraintComponent")


def datatype_ok(v: Node, dt: rdflib.URIRef) -> bool:
    """pyshacl 0.40's sh:datatype test of one value (DatatypeConstraintComponent.evaluate)."""
    if not isinstance(v, rdflib.Literal):
        return False
    if v.datatype == dt:
        return v.ill_typed is not True and _actual(v, dt)
    if dt == RDFS.Literal:
        return True
    if dt == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and dt == XSD.string:
        return _actual(v, dt)
    if dt == RDF.langString and v.language:
        return _actual(v, dt)
    return False


def _actual(v: rdflib.Literal, dt: rdflib.URIRef) -> bool:
    import datetime
    import decimal

    value = v.value
    types: dict[rdflib.URIRef, type | tuple[type, ...]] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: decimal.Decimal,
        XSD.boolean: bool,
        XSD.date: datetime.date,
        XSD.time: datetime.time,
        XSD.dateTime: datetime.datetime,
    }
    return isinstance(value, types[dt]) if dt in types else True


def compares(v: Node, o: Node, strict: bool) -> bool:
    """pyshacl 0.40's sh:lessThan / sh:lessThanOrEquals test of one pair (``_compare_lt``/``_compare_ltoe``)."""
    if isinstance(v, rdflib.BNode) or isinstance(o, rdflib.BNode):
        raise ValueError("sh:lessThan kann keine leeren Knoten vergleichen (pyshacl bricht hier ab).")
    a: Any = v
    b: Any = o
    a_text = isinstance(v, rdflib.URIRef) or (isinstance(v, rdflib.Literal) and isinstance(v.value, str))
    b_text = isinstance(o, rdflib.URIRef) or (isinstance(o, rdflib.Literal) and isinstance(o.value, str))
    if a_text:
        a = v.value if isinstance(v, rdflib.Literal) else str(v)
    if b_text:
        b = o.value if isinstance(o, rdflib.Literal) else str(o)
    if a_text != b_text:
        return False
    return bool(a < b) if strict else bool(a <= b)


class _Lookup:
    """The triples :func:`graph.shacl.validate.field_of` and :func:`graph.shacl.validate.label_of` read, fetched in
    one query per graph, in the order an rdflib graph copied from the store holds them (so ties resolve alike)."""

    def __init__(self) -> None:
        self.out: dict[tuple[Node, Node], list[Node]] = {}
        self.inc: dict[tuple[Node, Node], list[Node]] = {}
        self.fields: set[Node] = set()
        self._field: dict[Node, Node | None] = {}

    @classmethod
    def fetch(cls, store: Queryable, graphs: Sequence[str]) -> _Lookup:
        lookup = cls()
        terms: dict[Term, Node] = {}

        def term(t: Term) -> Node:
            found = terms.get(t)
            if found is None:
                found = terms[t] = to_rdflib(t)
            return found

        for g in graphs:
            for prop in (*FIELD_PREDICATES, SKOS.prefLabel):
                p = rdflib.URIRef(prop)
                for row in store.query(f"SELECT ?s ?o WHERE {{ ?s <{prop}> ?o }}", default_graphs=[g]):
                    s, o = term(row["s"]), term(row["o"])
                    lookup.out.setdefault((s, p), []).append(o)
                    lookup.inc.setdefault((p, o), []).append(s)
            rows = store.query(f"SELECT ?s WHERE {{ ?s a <{KIO.Handlungsfeld}> }}", default_graphs=[g])
            lookup.fields.update(to_rdflib(row["s"]) for row in rows)
        return lookup

    def value(self, subject: Node, predicate: Node, /) -> Node | None:
        found = self.out.get((subject, predicate))
        return found[0] if found else None

    def objects(self, subject: Node, predicate: Node, /) -> Iterable[Node]:
        return self.out.get((subject, predicate), [])

    def subjects(self, predicate: Node, object: Node, /) -> Iterable[Node]:
        return self.inc.get((predicate, object), [])

    def __contains__(self, triple: tuple[Node, Node, Node], /) -> bool:
        s, p, o = triple
        if p == RDF.type and o == KIO.Handlungsfeld:
            return s in self.fields
        return o in self.out.get((s, p), [])

    def field(self, node: Node) -> Node | None:
        if node not in self._field:
            self._field[node] = field_of(self, node)
        return self._field[node]
