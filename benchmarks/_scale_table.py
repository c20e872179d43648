"""What ``benchmarks/scale.py`` measured per size, and the Markdown it writes: one summary table in the issue's
shape (figure, size, ours, each baseline, ratio, goal, met) and per-query detail tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from benchmarks._scale_common import geomean

if TYPE_CHECKING:
    from benchmarks._scale_browser import MapFigures

FIGURES = [
    "Example queries via /sparql, slowest",
    "Example queries, /sparql ÷ pyoxigraph direct",
    "Example queries, rdflib ÷ /sparql",
    "ASK throughput, 8 clients",
    "One validated write over HTTP",
    "Full validation of the store",
    "Bulk load",
    "All network metrics",
    "Actor map interactive in chromium",
    "Peak memory serving",
]
"""The first words of every figure's row in the summary (a test checks they are all there)."""


@dataclass
class Size:
    """The figures of one size (``n`` fictional municipalities plus Rheine and Musterstadt)."""

    n: int
    triples: int = 0
    load_s: float = 0.0
    load_how: str = ""
    load_rdflib_s: float | None = None
    load_bulk_s: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    direct: dict[str, float] = field(default_factory=dict)
    ours: dict[str, float] = field(default_factory=dict)
    oxigraph: dict[str, float] = field(default_factory=dict)
    rdflib: dict[str, float | None] = field(default_factory=dict)  # None: past the cap
    endpoint: dict[str, float | None] = field(default_factory=dict)
    rps_ours: float = 0.0
    rps_oxigraph: float = 0.0
    errors: int = 0
    write_ms: float = 0.0
    write_p90_ms: float = 0.0
    focus_ms: float | None = None
    full_s: float = 0.0
    full_pyshacl_s: float | None = None
    metrics_s: float = 0.0
    actors: int = 0
    exact_s: float = 0.0
    sampled_s: float = 0.0
    peak_rss: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # figure key → why


def label(s: Size) -> str:
    t = s.triples
    text = f"{t / 1e6:.2f}M" if t >= 1e6 else f"{t / 1e3:.0f}k"
    return f"{text} ({s.n})"


def ms(v: float | None, cap: float | None = None) -> str:
    if v is None:
        return f"> {cap:.0f} s" if cap else "—"
    return f"{v:,.1f} ms" if v < 10_000 else f"{v / 1000:,.1f} s"


def sec(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f} s"


def met(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def big(s: Size) -> bool:
    """Goals stated "at 1M" are judged at 100 fictional municipalities (≈ 1M triples) and above."""
    return s.n >= 100


def slower(base: float | None, ours: float) -> str:
    return "—" if base is None else f"{base / ours:,.1f}× slower than ours"


def mix_ratio(base: dict[str, float | None], ours: dict[str, float], cap: float) -> tuple[str, float | None]:
    """Geometric mean of baseline ÷ ours over the mix; a query past the cap counts as the cap (a lower bound)."""
    if not base:
        return "—", None
    capped = any(v is None for v in base.values())
    values = [(v if v is not None else cap * 1000) / ours[k] for k, v in base.items() if k in ours]
    g = geomean(values)
    return f"{'≥ ' if capped else ''}{g:,.1f}× faster", g


def summary(sizes: list[Size], maps: MapFigures | None, cap: float) -> list[str]:
    out = [
        "| figure | triples (municipalities) | ours | baseline | baseline value | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def row(fig: str, s: str, ours: str, base: str, value: str, ratio: str, goal: str, ok: str) -> None:
        out.append(f"| {fig} | {s} | {ours} | {base} | {value} | {ratio} | {goal} | {ok} |")

    for s in sizes:
        lb, slow = label(s), max(s.ours, key=lambda k: s.ours[k])
        row(
            FIGURES[0],
            lb,
            f"{ms(s.ours[slow])} ({slow})",
            "pyoxigraph direct, slowest",
            ms(max(s.direct.values())),
            "—",
            "every query < 100 ms at 1M",
            met(s.ours[slow] < 100 if big(s) else None),
        )
        go, gd = geomean(list(s.ours.values())), geomean([s.direct[k] for k in s.ours])
        row(
            FIGURES[1],
            lb,
            f"{go:.2f} ms (geomean)",
            "pyoxigraph direct",
            f"{gd:.2f} ms",
            f"{go / gd:.2f}×",
            "≤ 1.3×",
            met(go / gd <= 1.3),
        )
        text, g = mix_ratio(s.rdflib, s.ours, cap)
        rd = "rdflib in-memory"
        value = s.skipped.get("rdflib") or f"{geomean([v or cap * 1000 for v in s.rdflib.values()]):,.1f} ms"
        row(FIGURES[2], lb, f"{go:.2f} ms", rd, value, text, "≥ 30× faster", met(None if g is None else g >= 30))
        text, g = mix_ratio(s.endpoint, s.ours, cap)
        value = s.skipped.get("endpoint") or f"{geomean([v or cap * 1000 for v in s.endpoint.values()]):,.1f} ms"
        row("", "", "", "rdflib-endpoint", value, text, "—", "—")
        gx = geomean([s.oxigraph[k] for k in s.ours])
        row("", "", "", "Oxigraph server", f"{gx:.2f} ms", f"{go / gx:.2f}× (ours ÷ Oxigraph)", "—", "—")
    for s in sizes:
        pct = s.rps_ours / s.rps_oxigraph * 100
        errors = f", {s.errors} errors" if s.errors else ""
        row(
            FIGURES[3],
            label(s),
            f"{s.rps_ours:,.0f} req/s{errors}",
            "Oxigraph server",
            f"{s.rps_oxigraph:,.0f} req/s",
            f"{pct:.0f} %",
            "≥ 70 % of Oxigraph",
            met(pct >= 70),
        )
    for s in sizes:
        ratio = "—" if not (s.focus_ms and s.write_ms) else f"{s.write_ms / s.focus_ms:.1f}× (ours ÷ pyshacl)"
        row(
            FIGURES[4],
            label(s),
            s.skipped.get("write") or f"{ms(s.write_ms)} (p90 {ms(s.write_p90_ms)})",
            "pyshacl focus_nodes + use_shapes",
            ms(s.focus_ms),
            ratio,
            "< 20 ms at 1M",
            met(s.write_ms < 20 if big(s) and s.write_ms else None),
        )
    if len(sizes) > 1 and sizes[0].write_ms and sizes[-1].write_ms:
        growth = sizes[-1].write_ms / sizes[0].write_ms
        ok = met(growth <= 1.5 if big(sizes[-1]) and sizes[0].n <= 1 else None)
        span = f"{label(sizes[0])} → {label(sizes[-1])}"
        row(FIGURES[4] + ": growth", span, f"{growth:.2f}×", "—", "—", "—", "≤ 1.5× from 10k to 1M", ok)
    for s in sizes:
        base = s.skipped.get("full") or (
            f"> {cap * 10:.0f} s (cap)" if s.full_pyshacl_s is None else sec(s.full_pyshacl_s)
        )
        ratio = "—" if s.full_pyshacl_s is None else f"{s.full_pyshacl_s / s.full_s:.2f}× (pyshacl ÷ ours)"
        row(
            FIGURES[5],
            label(s),
            sec(s.full_s),
            "pyshacl, one rdflib graph",
            base,
            ratio,
            "< 30 s at 1M",
            met(s.full_s < 30 if big(s) else None),
        )
    for s in sizes:
        base = s.skipped.get("load") or sec(s.load_rdflib_s)
        ratio = "—" if s.load_rdflib_s is None else f"{s.load_rdflib_s / s.load_s:.2f}× (rdflib ÷ ours)"
        row(
            f"{FIGURES[6]} ({s.load_how})",
            label(s),
            sec(s.load_s),
            "rdflib parse + add",
            base,
            ratio,
            "< 10 s at 1M",
            met(s.load_s < 10 if big(s) else None),
        )
        row(
            "",
            "",
            "",
            "pyoxigraph bulk_load",
            sec(s.load_bulk_s),
            f"{s.load_s / s.load_bulk_s:.1f}× (ours ÷ bulk)",
            "—",
            "—",
        )
    for s in sizes:
        lb = f"{label(s)}, {s.actors:,} actors"
        row(
            FIGURES[7],
            lb,
            sec(s.metrics_s),
            "networkx exact betweenness",
            sec(s.exact_s),
            f"{s.exact_s / s.metrics_s:.2f}× (exact ÷ ours)",
            "< 10 s at 100 municipalities",
            met(s.metrics_s < 10 if big(s) else None),
        )
        row("", "", "", "networkx betweenness k=500", sec(s.sampled_s), f"{s.sampled_s / s.metrics_s:.2f}×", "—", "—")
    if maps is not None:
        base = f"> {maps.cap_s:.0f} s (cap)" if maps.pyvis_s is None else sec(maps.pyvis_s)
        ratio = "—" if maps.pyvis_s is None else f"{maps.pyvis_s / maps.ours_s:.1f}× (pyvis ÷ ours)"
        pyvis = f"pyvis defaults (physics on), {maps.pyvis_nodes:,} nodes, until stabilised"
        fig = f"{FIGURES[8]}, {maps.ours_nodes:,} actors"
        row(fig, "—", sec(maps.ours_s), pyvis, base, ratio, "< 2 s", met(maps.ours_s < 2))
    else:
        row(FIGURES[8], "—", "skipped (--no-browser)", "pyvis defaults", "—", "—", "< 2 s", "—")
    for s in sizes:
        mb = s.peak_rss / 2**20
        row(FIGURES[9], label(s), f"{mb:,.0f} MB", "—", "—", "—", "< 1 GB at 1M", met(mb < 1024 if big(s) else None))
    return out


def details(sizes: list[Size], cap: float) -> list[str]:
    out: list[str] = []
    for s in sizes:
        out += [
            f"### Example queries at {label(s)}: median ms",
            "",
            "| query | rows | pyoxigraph direct | /sparql | ÷ direct | Oxigraph server | rdflib in-memory | "
            "rdflib-endpoint |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for k in s.ours:
            rd = s.skipped.get("rdflib") or ms(s.rdflib.get(k), cap)
            ep = s.skipped.get("endpoint") or ms(s.endpoint.get(k), cap)
            out.append(
                f"| {k} | {s.rows.get(k, 0):,} | {ms(s.direct[k])} | {ms(s.ours[k])} | "
                f"{s.ours[k] / s.direct[k]:.2f}× | {ms(s.oxigraph[k])} | {rd} | {ep} |"
            )
        out.append("")
    return out
