"""The rdflib and pyshacl baselines of ``benchmarks/scale.py``, in a process of their own (rdflib needs ~1 GB per
million triples; the process ends with its memory).

Run by scale.py: ``python benchmarks/_scale_rdflib.py DATA.nq --repeat N --cap S [--full-validation]``.
Prints one JSON line per figure: ``load``, one ``query`` per example query, ``focus`` (pyshacl with focus_nodes
and use_shapes for one new Maßnahme), ``full`` (pyshacl over one rdflib graph of everything). A query or
validation that runs past ``--cap`` seconds is stopped by SIGALRM (rdflib and pyshacl are pure Python).
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyshacl
import rdflib
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrationsgraph.graph.shacl.validate import Shapes  # noqa: E402
from integrationsgraph.graph.sparql.examples import examples  # noqa: E402

KIO = rdflib.Namespace("https://w3id.org/integrationsgraph/ontology#")


class Capped(Exception):
    """Ran past the cap."""


@contextmanager
def cap(seconds: float) -> Iterator[None]:
    def stop(_signum: int, _frame: object) -> None:
        raise Capped

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def emit(**values: Any) -> None:
    print(json.dumps(values), flush=True)


def timed_ms(fn: Callable[[], object], repeat: int, limit: float) -> tuple[float | None, object]:
    """Median ms after a warm-up (a warm-up over 5 s is the answer); ``None`` past ``limit`` seconds."""
    try:
        with cap(limit):
            start = time.perf_counter()
            value = fn()
            first = time.perf_counter() - start
            if first > 5:
                return first * 1000, value
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                value = fn()
                times.append(time.perf_counter() - start)
    except Capped:
        return None, None
    return statistics.median(times) * 1000, value


def massnahme_shapes(shapes: Shapes) -> list[rdflib.term.Node]:
    """The node shapes whose ``sh:targetClass`` is kio:Massnahme or one of its superclasses."""
    classes, frontier = {KIO.Massnahme}, [KIO.Massnahme]
    while frontier:
        for sup in shapes.ontology.objects(frontier.pop(), RDFS.subClassOf):
            if sup not in classes:
                classes.add(sup)  # type: ignore[arg-type]
                frontier.append(sup)  # type: ignore[arg-type]
    return sorted({s for c in classes for s in shapes.graph.subjects(SH.targetClass, c)}, key=str)


def new_massnahme(data: rdflib.Graph, i: int) -> tuple[rdflib.URIRef, list[tuple[Any, Any, Any]]]:
    """The triples ``graph.resources.crud.create`` would write for a Maßnahme in fiktiv-001 (links of its first one)."""
    hz = next(data.objects(None, KIO.traegtBeiZu))
    lead = next(data.objects(None, KIO.federfuehrend))
    m = rdflib.URIRef(f"https://w3id.org/integrationsgraph/id/fiktiv-001/massnahme/scale-baseline-{i}")
    return m, [
        (m, RDF.type, KIO.Massnahme),
        (m, SKOS.prefLabel, rdflib.Literal(f"Benchmark-Maßnahme {i} (fiktiv)", lang="de")),
        (m, SKOS.notation, rdflib.Literal(f"BENCH-{i}")),
        (m, KIO.traegtBeiZu, hz),
        (m, KIO.federfuehrend, lead),
        (m, KIO.fiktiv, rdflib.Literal("true", datatype=XSD.boolean)),
        (m, KIO.umsetzungsstatus, KIO.geplant),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cap", type=float, default=60.0)
    ap.add_argument("--full-validation", action="store_true")
    args = ap.parse_args()

    ds = rdflib.Dataset(default_union=True)
    start = time.perf_counter()
    ds.parse(args.data, format="nquads")
    emit(figure="load", seconds=time.perf_counter() - start, triples=len(ds))

    for ex in examples():
        ms, rows = timed_ms(lambda t=ex.text, d=ds: len(list(d.query(t))), args.repeat, args.cap)  # type: ignore[misc]
        emit(figure="query", name=ex.name, ms=ms, rows=rows)

    data = rdflib.Graph()  # one graph of everything, as pyshacl validates it
    for s, p, o, _g in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    del ds
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    for triple in shapes.subclass_triples:
        data.add(triple)
    use = massnahme_shapes(shapes)
    # As graph.shacl.validate calls it; inplace: no copy of the data graph (advanced=True would copy it first).
    options: dict[str, Any] = {"shacl_graph": shapes.graph, "inference": "none", "advanced": True, "inplace": True}
    counter = iter(range(10**6))

    def focus() -> bool:
        m, triples = new_massnahme(data, next(counter))
        for t in triples:
            data.add(t)
        conforms, _g, _t = pyshacl.validate(data, focus_nodes=[m], use_shapes=use, **options)
        return bool(conforms)

    ms, conforms = timed_ms(focus, args.repeat, args.cap)
    emit(figure="focus", ms=ms, shapes=len(use), conforms=conforms)

    if args.full_validation:
        try:
            with cap(args.cap * 10):
                start = time.perf_counter()
                conforms, _g, _t = pyshacl.validate(data, **options)
                emit(figure="full", seconds=time.perf_counter() - start, conforms=bool(conforms))
        except Capped:
            emit(figure="full", seconds=None, limit=args.cap * 10)


if __name__ == "__main__":
    main()
