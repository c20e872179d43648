"""The Sachstandsbericht (issue 14): Musterstadt's PDF report, goal under 10 s, against its HTML render in the same
run (the baseline: the same content, no layout).

Run: .venv/bin/python benchmarks/report.py [--repeat 3]
Report only (no thresholds). "first" is a fresh process: the charts are not yet drawn (Vega's converter starts and
draws 22 charts); "warm" is the median of ``--repeat`` runs with the charts cached in the process, as in a running
server. Each row: collecting the content (store, method, charts), rendering it, and the two together.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.monitoring.report import Sachstand, sachstand
from integrationsgraph.graph.monitoring.report_pdf import render_html, render_pdf
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore, Store
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath

GOAL = 10.0
STICHTAG = date(2025, 12, 31)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        t, value = timed(fn)
        times.append(t)
    return statistics.median(times), value


def loaded(folder: Path) -> Store:
    settings = Settings(store=folder / "store")
    store = EmbeddedStore(settings.store)
    bootstrap(WritePath(store, Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)), settings)
    return store


def rows(store: Store, repeat: int) -> list[str]:
    def collect() -> Sachstand:
        return sachstand(store, "musterstadt", STICHTAG)

    t_first, report = timed(collect)
    t_html_first, html = timed(lambda: render_html(report))
    t_pdf_first, pdf = timed(lambda: render_pdf(report))
    t_collect, report = median(collect, repeat)
    t_html, html = median(lambda: render_html(report), repeat)
    t_pdf, pdf = median(lambda: render_pdf(report), repeat)
    first_pdf, warm_pdf = t_first + t_pdf_first, t_collect + t_pdf
    first_html, warm_html = t_first + t_html_first, t_collect + t_html
    verdict = "met" if first_pdf < GOAL else "missed"
    return [
        "| Musterstadt's report | collect | render | total | size | PDF ÷ HTML (total) |",
        "|---|---|---|---|---|---|",
        f"| HTML (baseline), first | {t_first:.2f} s | {t_html_first:.3f} s | {first_html:.2f} s | "
        f"{len(html.encode()) // 1024} KB | |",
        f"| PDF, first (goal < {GOAL:.0f} s: {verdict}) | {t_first:.2f} s | {t_pdf_first:.2f} s | {first_pdf:.2f} s | "
        f"{len(pdf) // 1024} KB | {first_pdf / first_html:.1f} × |",
        f"| HTML (baseline), warm | {t_collect:.3f} s | {t_html:.3f} s | {warm_html:.2f} s | | |",
        f"| PDF, warm (charts cached) | {t_collect:.3f} s | {t_pdf:.2f} s | {warm_pdf:.2f} s | | "
        f"{warm_pdf / warm_html:.1f} × |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        store = loaded(Path(tmp))
        try:
            out = ["## The Sachstandsbericht (PDF against HTML, same run)", "", *rows(store, args.repeat)]
        finally:
            store.close()
    print("\n".join(out))


if __name__ == "__main__":
    main()
