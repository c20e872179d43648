"""Foundation figures (issue 2): load time of the shipped datasets, full validation, one incremental write.

Run: .venv/bin/python benchmarks/foundation.py [--repeat N]
Reports medians and the ratio incremental / full validation, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ROOT, Settings, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.write.load import load_files, validate_store
from integrationsgraph.graph.write.path import WritePath

KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    settings = Settings()

    def fresh_load() -> EmbeddedStore:
        store = EmbeddedStore(None)
        writer = WritePath(store, shapes)
        for name in settings.datasets:
            load_files(writer, [settings.data_dir / name], graph_iri(name))
        return store

    load = median_time(fresh_load, args.repeat)
    store = fresh_load()
    writer = WritePath(store, shapes)
    full = median_time(lambda: validate_store(store, shapes), args.repeat)

    g = graph_iri("musterstadt")
    hz = next(
        t.subject
        for t in store.triples(g)
        if t.predicate == RDF_TYPE and t.object == ox.NamedNode(KIO + "Handlungsziel")
    )
    lead = next(t.object for t in store.triples(g) if t.predicate == ox.NamedNode(KIO + "federfuehrend"))
    counter = iter(range(10**6))

    def one_write() -> None:
        m = ox.NamedNode(f"https://w3id.org/integrationsgraph/id/musterstadt/massnahme/bench-{next(counter)}")
        writer.write(
            Change(
                g,
                add=[
                    ox.Triple(m, RDF_TYPE, ox.NamedNode(KIO + "Massnahme")),
                    ox.Triple(m, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Benchmark (fiktiv)", language="de")),
                    ox.Triple(m, ox.NamedNode(SKOS + "notation"), ox.Literal(f"MB.{m.value[-4:]}")),
                    ox.Triple(m, ox.NamedNode(KIO + "traegtBeiZu"), hz),
                    ox.Triple(m, ox.NamedNode(KIO + "federfuehrend"), lead),
                    ox.Triple(
                        m,
                        ox.NamedNode(KIO + "fiktiv"),
                        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
                    ),
                ],
            )
        )

    incremental = median_time(one_write, args.repeat)
    triples = {name: store.count(graph_iri(name)) for name in settings.datasets}
    print("| figure | median |")
    print("|---|---|")
    print(f"| load Rheine + Musterstadt ({triples}) through the write path | {load:.3f} s |")
    print(f"| full validation of both datasets | {full:.3f} s |")
    print(f"| one validated write (create a Maßnahme) | {incremental * 1000:.1f} ms |")
    print(f"| incremental / full validation | {incremental / full:.3f} |")


if __name__ == "__main__":
    main()
