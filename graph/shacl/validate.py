"""SHACL validation with pyshacl, and the validation report as data.

Full validation runs every shape over one dataset. Incremental validation (the write path) runs on a
small graph — the nodes a change touches and their neighbourhood — with those nodes as ``focus_nodes``,
so its cost follows the size of the change, not the size of the store.

Validation fails closed: without shapes (a folder that is missing, holds no Turtle files or no shapes) or
without the ontology there is no :class:`Shapes`, so nothing is reported "konform" and nothing is written
(:class:`ShapesMissing`, exit code 2 on the command line; ``serve`` does not start).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pyshacl
import rdflib
import rdflib.collection
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import processor as _processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query

from integrationsgraph.graph.core.config import ONTOLOGY_NS
from integrationsgraph.graph.core.errors import IntegrationsgraphError
from integrationsgraph.graph.core.iris import curie
from integrationsgraph.graph.core.report import Report, Result

KIO = rdflib.Namespace(ONTOLOGY_NS)
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


class ShapesMissing(IntegrationsgraphError):
    """No shapes or no ontology to validate against: nothing is validated and nothing is written."""


_KINDS = {
    "shapes": (
        "SHACL-Regeln",
        "INTEGRATIONSGRAPH_SHAPES_DIR",
        (SH.NodeShape, SH.PropertyShape),
        "keine Shapes (sh:NodeShape)",
    ),
    "ontology": ("Ontologie", "INTEGRATIONSGRAPH_ONTOLOGY_DIR", (OWL.Class, RDFS.Class), "keine Klassen (owl:Class)"),
}
"""What each folder holds: its German name, its setting, the types that must occur, what is missing else."""


def _missing(kind: str, problem: str) -> ShapesMissing:
    _name, setting, _types, _none = _KINDS[kind]
    return ShapesMissing(
        f"{problem} Ohne sie prüft integrationsgraph nichts und schreibt nichts. Bitte die Einstellung {setting} "
        "prüfen: Sie nennt den Ordner mit den *.ttl-Dateien."
    )


def turtle_files(folder: Path, kind: str) -> list[Path]:
    """The ``*.ttl`` files of the shapes or the ontology folder (``kind``); :class:`ShapesMissing` when none."""
    name = _KINDS[kind][0]
    if not folder.is_dir():
        raise _missing(kind, f"Der Ordner der {name} „{folder}“ fehlt.")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise _missing(kind, f"Der Ordner der {name} „{folder}“ enthält keine Turtle-Dateien (*.ttl).")
    return files


def require_content(graph: rdflib.Graph, kind: str, folder: Path | None = None) -> None:
    """Raise :class:`ShapesMissing` unless ``graph`` holds shapes (``kind="shapes"``) or classes (``"ontology"``)."""
    name, _setting, types, none = _KINDS[kind]
    if not any(True for t in types for _ in graph.subjects(RDF.type, t)):
        where = f"Der Ordner der {name} „{folder}“" if folder is not None else f"Die {name}"
        raise _missing(kind, f"{where} enthält {none}.")


def load_turtle_dir(folder: Path) -> rdflib.Graph:
    """Every ``*.ttl`` file of a folder in one rdflib graph."""
    graph = rdflib.Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


_ORIGINAL_QUERY = _processor.SPARQLProcessor.query


@functools.lru_cache(maxsize=1024)
def _translated(text: str, base: str | None, namespaces: frozenset[tuple[str, str]]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


def _query_with_cache(
    self: _processor.SPARQLProcessor,
    strOrQuery: str | Query,
    initBindings: Mapping[str, Any] | None = None,
    initNs: Mapping[str, Any] | None = None,
    base: str | None = None,
    DEBUG: bool = False,
) -> Mapping[str, Any]:
    if isinstance(strOrQuery, str):
        key = frozenset((k, str(v)) for k, v in (initNs or {}).items())
        strOrQuery = _translated(strOrQuery, base, key)
    return _ORIGINAL_QUERY(self, strOrQuery, initBindings, initNs, base, DEBUG)


def install_query_cache() -> None:
    """Make rdflib reuse parsed SPARQL: pyshacl runs each SPARQL constraint once per focus node, and rdflib
    parsed the same text again every time (~50 ms each; most of a validated write's time before this).
    A translated query is immutable and reusable (it is what ``prepareQuery`` returns)."""
    _processor.SPARQLProcessor.query = _query_with_cache  # type: ignore[method-assign]


class Shapes:
    """The shapes graph and the ontology's class hierarchy (mixed into every data graph for ``sh:class``)."""

    def __init__(self, shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
        require_content(shapes, "shapes")
        require_content(ontology, "ontology")
        install_query_cache()
        self.graph = shapes
        self.ontology = ontology
        self.subclass_triples = list(ontology.triples((None, RDFS.subClassOf, None)))
        self.pyshacl_lock = threading.Lock()

    @functools.cached_property
    def pyshacl_graph(self) -> ShapesGraph:
        """pyshacl's view of the shapes, parsed once (a write validates against it many times)."""
        return ShapesGraph(self.graph)

    @classmethod
    def from_dirs(cls, shapes_dir: Path, ontology_dir: Path) -> Shapes:
        """Read ``shapes_dir/*.ttl`` and ``ontology_dir/*.ttl``; :class:`ShapesMissing` when either has nothing."""
        graphs = []
        for folder, kind in ((shapes_dir, "shapes"), (ontology_dir, "ontology")):
            turtle_files(folder, kind)
            graphs.append(load_turtle_dir(folder))
            require_content(graphs[-1], kind, folder)
        return cls(*graphs)

    def require(self) -> None:
        """Raise :class:`ShapesMissing` when the shapes graph holds no shapes (any more): the write path's check."""
        require_content(self.graph, "shapes")


def validate(
    data: rdflib.Graph,
    shapes: Shapes,
    *,
    focus_nodes: list[rdflib.term.Node] | None = None,
) -> Report:
    """Validate ``data``; with ``focus_nodes``, report only the results about those nodes."""
    if focus_nodes is not None and not focus_nodes:
        return Report(conforms=True)
    for triple in shapes.subclass_triples:
        data.add(triple)
    if focus_nodes is not None:
        results_graph = _validate_focus(data, shapes, set(focus_nodes))
    else:
        _conforms, results_graph, _text = pyshacl.validate(
            data,
            shacl_graph=shapes.graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            inplace=True,
        )
    wanted = set(focus_nodes) if focus_nodes is not None else None
    results = [
        _result(results_graph, node, data, shapes)
        for node in results_graph.subjects(RDF.type, SH.ValidationResult)
        if wanted is None or results_graph.value(node, SH.focusNode) in wanted
    ]
    results.sort(key=result_order)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms=conforms, results=results, graph=results_graph)


def _validate_focus(data: rdflib.Graph, shapes: Shapes, focus: set[rdflib.term.Node]) -> rdflib.Graph:
    """pyshacl's results for ``focus`` only: each shape that targets a focus node validates just those nodes.

    pyshacl's own ``focus_nodes`` option also filters the value nodes of nested shapes (sh:not, sh:node, …),
    which turns their verdicts upside down (pyshacl 0.40, shape.py "filtered_focus_nodes";
    tests/graph/test_write.py caught it), and ``use_shapes`` applies every focus node to every listed shape.
    So this drives pyshacl's shapes directly — the same calls its ``Validator.run`` makes with a shape's own
    targets, restricted to the focus — on a shapes graph that is parsed once per :class:`Shapes`. The other
    nodes of the neighbourhood are context, never validated (their own context was not fetched).
    """
    executor = SHACLExecutor(advanced_mode=True, allow_warnings=True)
    conforms, reports = True, list[Any]()
    with shapes.pyshacl_lock:
        for shape in shapes.pyshacl_graph.shapes:
            targeted = [n for n in shape.focus_nodes(data) if n in focus]
            if targeted:
                ok, found = shape.validate(executor, data, focus=targeted)
                conforms, reports = conforms and ok, [*reports, *found]
    results_graph, _text = pyshacl.Validator.create_validation_report(shapes.pyshacl_graph, conforms, reports)
    assert isinstance(results_graph, rdflib.Graph)
    return results_graph


def result_order(r: Result) -> tuple[int, str, str, str, str, str]:
    """The order of a report's results (total, so that both engines list them alike)."""
    return (SEVERITY_ORDER.get(r.severity, 9), r.field_label or "~", r.focus, r.shape, r.path or "", r.value or "")


def _result(rg: rdflib.Graph, node: rdflib.term.Node, data: rdflib.Graph, shapes: Shapes) -> Result:
    focus = rg.value(node, SH.focusNode)
    shape = rg.value(node, SH.sourceShape)
    path = rg.value(node, SH.resultPath)
    value = rg.value(node, SH.value)
    sev_node = rg.value(node, SH.resultSeverity)
    severity = SEVERITY_NAMES.get(sev_node, "Violation") if isinstance(sev_node, rdflib.URIRef) else "Violation"
    messages = {getattr(m, "language", None): str(m) for m in rg.objects(node, SH.resultMessage)}
    # pyshacl copies sh:message into the result; fall back to the shape's own messages (by language).
    for source in (shape, _parent_shape(shapes.graph, shape)):
        if source is not None:
            for m in shapes.graph.objects(source, SH.message):
                messages.setdefault(getattr(m, "language", None), str(m))
    de = messages.get("de") or messages.get(None) or next(iter(messages.values()), "")
    en = messages.get("en") or de
    field_node = field_of(data, focus) if focus is not None else None
    return Result(
        severity=severity,
        focus=str(focus),
        focus_label=label_of(data, focus),
        path=path_text(rg, path, shapes.graph) if path is not None else None,
        value=str(value) if value is not None else None,
        message_de=de,
        message_en=en,
        shape=str(shape),
        field=str(field_node) if field_node is not None else None,
        field_label=label_of(data, field_node),
    )


def _parent_shape(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> rdflib.term.Node | None:
    if shape is None:
        return None
    return shapes.value(None, SH.property, shape)


class TripleSource(Protocol):
    """What :func:`label_of` and :func:`field_of` read: an rdflib graph, or a lookup built from a store."""

    def value(self, subject: rdflib.term.Node, predicate: rdflib.term.Node, /) -> rdflib.term.Node | None: ...

    def objects(self, subject: rdflib.term.Node, predicate: rdflib.term.Node, /) -> Iterable[rdflib.term.Node]: ...

    def subjects(self, predicate: rdflib.term.Node, object: rdflib.term.Node, /) -> Iterable[rdflib.term.Node]: ...

    def __contains__(self, triple: tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node], /) -> bool: ...


def label_of(data: TripleSource, node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    labels = list(data.objects(node, SKOS.prefLabel))
    for lbl in labels:
        if getattr(lbl, "language", None) == "de":
            return str(lbl)
    return str(labels[0]) if labels else None


def path_text(rg: rdflib.Graph, path: rdflib.term.Node, shapes: rdflib.Graph) -> str:
    """A SHACL property path in SPARQL path syntax (``kio:a/kio:b``, ``^kio:a``, ``(kio:a|kio:b)``)."""
    if isinstance(path, rdflib.URIRef):
        return _curie(path)
    graph = rg if (path, None, None) in rg else shapes
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{path_text(rg, inverse, shapes)}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(rg, p, shapes) for p in rdflib.collection.Collection(graph, alternatives)) + ")"
    for pred, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, pred)
        if inner is not None:
            return f"{path_text(rg, inner, shapes)}{mark}"
    if graph.value(path, RDF.first) is not None:
        return "/".join(path_text(rg, p, shapes) for p in rdflib.collection.Collection(graph, path))
    return str(path)


def _curie(node: rdflib.term.Node) -> str:
    text = str(node)
    short = curie(text)
    return short if short != text else f"<{text}>"


FIELD_PREDICATES = (
    *(KIO[p] for p in ("imHandlungsfeld", "konkretisiert", "traegtBeiZu", "indikator", "fuerIndikator")),
    *(KIO[p] for p in ("gemessenDurch", "hatZielvorgabe")),
    rdflib.URIRef("http://www.w3.org/ns/org#purpose"),
)
"""The properties :func:`field_of` follows (besides ``rdf:type kio:Handlungsfeld``)."""


def field_of(data: TripleSource, node: rdflib.term.Node) -> rdflib.term.Node | None:
    """The Handlungsfeld a node belongs to, following the goal chain upwards."""
    if (node, RDF.type, KIO.Handlungsfeld) in data:
        return node
    todo, seen = [node], {node}
    for _ in range(6):
        nxt = []
        for n in todo:
            found = data.value(n, KIO.imHandlungsfeld)
            if found is not None:
                return found
            ups = [
                *data.objects(n, KIO.konkretisiert),
                *data.objects(n, KIO.traegtBeiZu),
                *data.objects(n, KIO.indikator),
                *data.objects(n, KIO.fuerIndikator),
                *data.subjects(KIO.gemessenDurch, n),
                *data.subjects(KIO.hatZielvorgabe, n),
                *data.objects(n, rdflib.URIRef("http://www.w3.org/ns/org#purpose")),
            ]
            for up in ups:
                if (up, RDF.type, KIO.Handlungsfeld) in data:
                    return up
                if up not in seen:
                    seen.add(up)
                    nxt.append(up)
        todo = nxt
    return None
