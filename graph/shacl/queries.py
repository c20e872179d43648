"""The query of each constraint kind (see :mod:`graph.shacl.compile`), worded for Oxigraph.

Every query runs over all focus nodes of a dataset at once: the focus nodes are a ``SELECT DISTINCT ?this``
sub-query over ``rdf:type`` and the inlined class hierarchy. No query uses FILTER NOT EXISTS (quadratic on
Oxigraph, docs/architecture.md): counts are OPTIONAL + GROUP BY, "not of a class" is MINUS. Where Oxigraph and
rdflib can disagree about literals (well-formed dates and numbers, comparisons), a query keeps only the rows
it cannot prove fine, and :mod:`graph.shacl.engine` decides those the way pyshacl does.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import RDF, SH, XSD

from integrationsgraph.graph.shacl.compile import (
    SPARQL_KEYS,
    Check,
    CompiledShape,
    Compiler,
    Cond,
    Hierarchy,
    ShapeNotSupported,
)
from integrationsgraph.graph.shacl.validate import Shapes

XSD_NS = str(XSD)
# Lexical forms rdflib surely reads as a value of the right Python type (checked in tests/graph/test_shacl_sparql.py);
# literals of these datatypes in any other form are decided in Python, with rdflib.
SAFE_FORMS = {
    f"{XSD_NS}decimal": r"^[+-]?[0-9]+(\.[0-9]+)?$",
    f"{XSD_NS}integer": r"^[+-]?[0-9]+$",
    f"{XSD_NS}date": r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    f"{XSD_NS}boolean": r"^(true|false|1|0)$",
}
CASTS = {f"{XSD_NS}date"}
"""Datatypes whose safe form must also survive Oxigraph's cast (the 31st of a month with 30 days)."""
ANY_FORM = {f"{XSD_NS}string", str(RDF.langString)}
PRE_BOUND = ("$PATH", "$currentShape", "$shapesGraph", "$value", "?failure", "$failure")


def compile_shapes(shapes: Shapes) -> list[CompiledShape]:
    """Every top-level shape with its checks; raises :class:`ShapeNotSupported` on what cannot be compiled."""
    compiler = Compiler(shapes)
    out = []
    for shape in compiler.shapes():
        shape.checks = checks_for(compiler, shape)
        out.append(shape)
    return out


def checks_for(c: Compiler, s: CompiledShape) -> list[Check]:
    g = c.g
    node = s.node
    values = f"?this {s.path_sparql} ?v ." if s.path_sparql else "BIND(?this AS ?v)"
    checks: list[Check] = []

    def property_only(what: str) -> None:
        if s.path_sparql is None:
            raise ShapeNotSupported(node, f"{what} an einer NodeShape")

    lo, hi = g.value(node, SH.minCount), g.value(node, SH.maxCount)
    if lo is not None or hi is not None:
        property_only("sh:minCount/sh:maxCount")
        checks.append(_count_check(s, _int(node, lo, 0), _int(node, hi, -1)))
    for p in (SH["class"], SH.languageIn, SH.nodeKind, SH["in"], SH.pattern, SH["not"], SH["or"], SH["and"], SH.node):
        for o in g.objects(node, p):
            checks.append(_value_check(s, values, p, o, c))
    for dt in g.objects(node, SH.datatype):
        checks.append(_datatype_check(s, values, str(dt)))
    if g.value(node, SH.uniqueLang) == rdflib.Literal(True):
        property_only("sh:uniqueLang")
        checks.append(_unique_lang_check(s, values))
    for p, strict in ((SH.lessThan, True), (SH.lessThanOrEquals, False)):
        for other in g.objects(node, p):
            property_only("sh:lessThan/sh:lessThanOrEquals")
            if not isinstance(other, rdflib.URIRef):
                raise ShapeNotSupported(node, "sh:lessThan mit einem Pfad statt einer Eigenschaft")
            checks.append(_compare_check(s, values, str(other), strict))
    qualified = g.value(node, SH.qualifiedValueShape)
    if qualified is not None:
        property_only("sh:qualifiedValueShape")
        if g.value(node, SH.qualifiedValueShapesDisjoint) == rdflib.Literal(True):
            raise ShapeNotSupported(node, "sh:qualifiedValueShapesDisjoint")
        lo, hi = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
        checks.append(_qualified_check(s, c.cond(node, qualified), _int(node, lo, 0), _int(node, hi, -1)))
    for constraint in g.objects(node, SH.sparql):
        check = _sparql_check(c, s, constraint)
        if check is not None:
            checks.append(check)
    return checks


def _int(shape: rdflib.term.Node, value: rdflib.term.Node | None, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, rdflib.Literal) or not isinstance(value.value, int):
        raise ShapeNotSupported(shape, f"Anzahl {value!r} (keine ganze Zahl)")
    return value.value


def _count_check(s: CompiledShape, lo: int, hi: int) -> Check:
    having = " || ".join([f"?n < {lo}"] * (lo > 0) + [f"?n > {hi}"] * (hi >= 0)) or "false"

    def build(focus: str, h: Hierarchy) -> str:
        return (
            f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} OPTIONAL {{ ?this {s.path_sparql} ?v }} }} "
            f"GROUP BY ?this HAVING ({having.replace('?n', 'COUNT(DISTINCT ?v)')})"
        )

    return Check("count", build, {"min": lo, "max": hi, "component": "MinCount/MaxCount"})


def _classes_only(cond: Cond) -> frozenset[str] | None:
    return cond.classes if cond.classes is not None and cond.expr is None else None


def _value_check(s: CompiledShape, values: str, p: rdflib.term.Node, o: rdflib.term.Node, c: Compiler) -> Check:
    """A value node that fails the constraint is a result (sh:not: one that meets the inner shape)."""
    inner = c.cond(s.node, o) if p == SH["not"] else None
    positive = _classes_only(inner) if inner is not None else None
    cond = c.value_cond(s.node, p, o)
    negative = _classes_only(cond)

    def build(focus: str, h: Hierarchy) -> str:
        if positive is not None:  # sh:not [ sh:class … ]: the members of the class are the results
            where = f"{values} ?v a ?v_t . {h.values('v_t', positive)}"
        elif negative is not None:  # sh:class (or sh:or of classes): every value that is no member
            where = f"{values} MINUS {{ ?v a ?v_t . {h.values('v_t', negative)} }}"
        else:
            where = f"{values} FILTER(!COALESCE({cond.sparql('v', h)}, false))"
        return f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {where} }}"

    return Check("value", build, {"component": str(p).removeprefix(str(SH))})


def _datatype_check(s: CompiledShape, values: str, dt: str) -> Check:
    if dt in ANY_FORM:
        suspicious = "false"
    elif dt in SAFE_FORMS:
        suspicious = f"!({_safe(dt, 'v')})"
    else:
        suspicious = "true"

    def build(focus: str, h: Hierarchy) -> str:
        test = f"!isLiteral(?v) || DATATYPE(?v) != <{dt}> || {suspicious}"
        return f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} FILTER({test}) }}"

    return Check("datatype", build, {"datatype": dt, "component": "datatype"})


def _safe(dt: str, var: str) -> str:
    """True when ``?var`` (a literal of datatype ``dt``) is in a form rdflib surely reads as Oxigraph does."""
    test = f"REGEX(STR(?{var}), {ox.Literal(SAFE_FORMS[dt])})"
    return f"{test} && COALESCE(<{dt}>(STR(?{var})) = ?{var}, false)" if dt in CASTS else test


def _unique_lang_check(s: CompiledShape, values: str) -> Check:
    def build(focus: str, h: Hierarchy) -> str:
        return (
            f"SELECT ?this ?lang WHERE {{ {focus} {values} "
            f'FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?lang) }} '
            "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
        )

    return Check("uniquelang", build, {"component": "uniqueLang"})


def _compare_check(s: CompiledShape, values: str, other: str, strict: bool) -> Check:
    op = "<" if strict else "<="
    safe = " || ".join(
        f"(DATATYPE(?v) = <{dt}> && {_safe(dt, 'v')} && {_safe(dt, 'o')})"
        for dt in SAFE_FORMS
        if not dt.endswith("boolean")
    )
    sure = f"isLiteral(?v) && isLiteral(?o) && DATATYPE(?v) = DATATYPE(?o) && ({safe}) && ?v {op} ?o"

    def build(focus: str, h: Hierarchy) -> str:
        where = f"{focus} {values} ?this <{other}> ?o . FILTER(!COALESCE({sure}, false))"
        return f"SELECT DISTINCT ?this ?v ?o WHERE {{ {where} }}"

    return Check("compare", build, {"strict": strict, "component": "lessThan" if strict else "lessThanOrEquals"})


def _qualified_check(s: CompiledShape, cond: Cond, lo: int, hi: int) -> Check:
    members = _classes_only(cond)
    having = " || ".join([f"?n < {lo}"] * (lo > 0) + [f"?n > {hi}"] * (hi >= 0)) or "false"

    def build(focus: str, h: Hierarchy) -> str:
        test = f"?v a ?v_t . {h.values('v_t', members)}" if members is not None else f"FILTER({cond.sparql('v', h)})"
        where = f"{focus} OPTIONAL {{ ?this {s.path_sparql} ?v . {test} }}"
        return (
            f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {where} }} "
            f"GROUP BY ?this HAVING ({having.replace('?n', 'COUNT(DISTINCT ?v)')})"
        )

    return Check("qualified", build, {"min": lo, "max": hi, "component": "qualifiedValueShape"})


def _sparql_check(c: Compiler, s: CompiledShape, constraint: rdflib.term.Node) -> Check | None:
    g = c.g
    for p in g.predicates(constraint, None):
        if p not in SPARQL_KEYS | {SH.deactivated}:
            raise ShapeNotSupported(s.node, f"{p} an einem sh:sparql-Constraint")
    if g.value(constraint, SH.deactivated) == rdflib.Literal(True):
        return None
    selects = list(g.objects(constraint, SH.select))
    if len(selects) != 1:
        raise ShapeNotSupported(s.node, "sh:sparql ohne genau ein sh:select")
    text = str(selects[0])
    if any(var in text for var in PRE_BOUND):
        raise ShapeNotSupported(s.node, "sh:select mit $PATH, $currentShape, $shapesGraph, $value oder ?failure")
    prefixes = []
    for source in g.objects(constraint, SH.prefixes):
        for decl in g.objects(source, SH.declare):
            prefixes.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
    select = re.sub(r"\$this\b", "?this", text)
    header = "\n".join(prefixes)
    try:
        projected = ox.Store().query(f"{header}\n{select}")
    except SyntaxError as exc:
        raise ShapeNotSupported(s.node, f"sh:select, das Oxigraph nicht liest ({exc})") from exc
    if not isinstance(projected, ox.QuerySolutions) or ox.Variable("this") not in projected.variables:
        raise ShapeNotSupported(s.node, "sh:select, das $this nicht ausgibt")

    def build(focus: str, h: Hierarchy) -> str:
        return f"{header}\nSELECT * WHERE {{ {focus} {{ {select} }} }}"

    return Check("sparql", build, {"component": "sparql", "constraint": constraint})
