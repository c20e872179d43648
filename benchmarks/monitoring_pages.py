"""Monitoring pages (issue 14): the indicator page and a field page at 100 fictional municipalities, against the
generic resource page of a Maßnahme measured in the same run.

Run: .venv/bin/python benchmarks/monitoring_pages.py [--municipalities 100] [--sample 20] [--repeat 5]
Report only (the goal is a median under 100 ms; no threshold fails the run). The app runs on an on-disk store in
a temporary folder with the municipalities of ``graph.datasets.generate`` loaded (each with indicators, yearly
values, targets and measures) and the sampled ones' assessments derived (``…/fortschritt``, as the write path does
after every write; the field page reads the verdicts from there). Requests go through FastAPI's ``TestClient``
(the whole ASGI stack, the HTML a browser gets). "first" is the first request for a page (its chart not yet drawn:
vl-convert renders the SVG), "again" the median of ``--repeat`` further requests (the chart from the cache); each
figure is the median over ``--sample`` municipalities spread over the whole store.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.datasets.generate import dataset_name, municipalities
from integrationsgraph.graph.monitoring.assessments import refresh

HTML = {"accept": "text/html"}


def timed(client: TestClient, path: str) -> float:
    start = time.perf_counter()
    r = client.get(path, headers=HTML)
    elapsed = time.perf_counter() - start
    if r.status_code != 200:
        raise SystemExit(f"{path}: {r.status_code} {r.text[:300]}")
    return elapsed


def pages(name: str) -> dict[str, str]:
    """The three pages of one generated municipality (the first indicator, field and measure it has)."""
    return {
        "indicator page": f"/id/{name}/indikator/i1-1-1-1",
        "field page": f"/id/{name}/handlungsfeld/hf1",
        "Maßnahme page (baseline)": f"/id/{name}/massnahme/m1-1-1-1",
    }


def run(n: int, sample: int, repeat: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(store=Path(folder) / "store", datasets=[])
        with TestClient(create_app(settings)) as client:
            store = client.app.state.ctx.store  # type: ignore[attr-defined]
            start = time.perf_counter()
            store.native.bulk_extend(municipalities(n, 0))
            load = time.perf_counter() - start
            triples = len(store.native)
            names = [dataset_name(1 + i * (n - 1) // max(1, sample - 1)) for i in range(min(sample, n))]
            for name in {*names, dataset_name(n)}:  # what the write path derives on every write
                refresh(store, name, settings.base_iri)
            probe = pages(names[0])
            for path in probe.values():  # warm the process: templates, vl-convert's engine
                timed(client, path.replace(names[0], dataset_name(n)))
            first: dict[str, list[float]] = {k: [] for k in probe}
            again: dict[str, list[float]] = {k: [] for k in probe}
            for name in names:
                for kind, path in pages(name).items():
                    first[kind].append(timed(client, path))
                    again[kind].append(statistics.median(timed(client, path) for _ in range(repeat)))
    base_first = statistics.median(first["Maßnahme page (baseline)"])
    base_again = statistics.median(again["Maßnahme page (baseline)"])
    rows = [
        f"{n} fictional municipalities, {triples:,} triples (loaded in {load:.1f} s); median over {len(names)} "
        f"municipalities, 'again' = median of {repeat} repeats.",
        "",
        "| page | first (ms) | ratio to baseline | again (ms) | ratio to baseline | goal < 100 ms |",
        "|---|---|---|---|---|---|",
    ]
    for kind in probe:
        f, a = statistics.median(first[kind]), statistics.median(again[kind])
        ok = "yes" if max(f, a) < 0.1 else ("again only" if a < 0.1 else "no")
        rows.append(
            f"| {kind} | {f * 1000:.1f} | {f / base_first:.2f} | {a * 1000:.1f} | {a / base_again:.2f} | {ok} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=100)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("\n".join(run(args.municipalities, args.sample, args.repeat)))


if __name__ == "__main__":
    main()
