"""Run every benchmark in ``benchmarks/`` and write ``benchmarks/RESULTS.md`` with the machine's description.

Run: scripts/bench [--scale small|default] [--only NAME ...] [--out FILE]

``small`` (the default) runs each script at a size that takes seconds to a minute, to see that they
run and what the ratios look like; ``default`` runs each with its own defaults (minutes to hours; the
1M-triple figures of issue 8 need the scripts' large options on top). Each script runs as its own
process with a time limit; its output (most print a Markdown table, each figure next to the baseline
measured in the same run) goes into the file as it is. A script that fails or runs out of time is
recorded as such, and the others still run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"

SMALL: dict[str, list[str]] = {
    "foundation": ["--repeat", "3"],
    "write_latency": ["--sizes", "0,1", "--repeat", "10"],
    "remote_store": ["--sizes", "0,1", "--repeat", "10"],
    "sparql_overhead": ["--sizes", "10000", "--repeat", "5"],
    "example_queries": ["--sizes", "1", "--repeat", "3"],
    "analysis": ["--sizes", "1,10", "--actors", "200", "--repeat", "1"],
    "import": ["--rows", "500", "--repeat", "1"],
    "publish": ["--municipalities", "1", "--repeat", "1"],
    "scale": ["--sizes", "1", "--quick", "--pyvis-nodes", "300"],
    "progress": ["--towns", "10", "--repeat", "1"],
    "monitoring_pages": ["--municipalities", "10", "--sample", "5", "--repeat", "3"],
    "report": ["--repeat", "1"],
    "values_import": ["--lines", "500", "--repeat", "1"],
    "history": ["--entries", "500", "--repeat", "5"],
}
"""Arguments per script at the small scale (every script in ``benchmarks/`` except this one and ``_helpers``)."""

DEFAULT: dict[str, list[str]] = {"scale": ["--sizes", "1,10"]}
"""Arguments at ``--scale default`` where a script's own defaults take too long (1M triples: scripts/bench-scale)."""

PACKAGES = [
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "pyshacl",
    "networkx",
    "pyvis",
    "fastapi",
    "uvicorn",
    "httpx",
    "rdflib-endpoint",
]


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unbekannt"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unbekannt"


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "nicht installiert"


def machine() -> list[str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores (nproc), load average at start "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        f"- Memory: {memory()}",
        f"- System: {platform.platform()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        "- Packages: " + ", ".join(f"{p} {version(p)}" for p in PACKAGES),
    ]


def run(name: str, args: list[str], limit: float) -> tuple[str, float, str]:
    cmd = [sys.executable, str(HERE / f"{name}.py"), *args]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return out, time.perf_counter() - start, f"nach {limit:g} s abgebrochen (Zeitlimit)"
    status = "ok" if done.returncode == 0 else f"Fehler (Exit-Code {done.returncode}): {done.stderr.strip()[-800:]}"
    return done.stdout, time.perf_counter() - start, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", choices=["small", "default"], default="small")
    parser.add_argument("--only", nargs="*", default=None, help="only these scripts (names without .py)")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds per script")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    scripts = sorted(p.stem for p in HERE.glob("*.py") if p.stem != "run_all" and not p.stem.startswith("_"))
    unknown = set(args.only or []) - set(scripts)
    if unknown:
        raise SystemExit(f"Unbekannte Benchmarks: {', '.join(sorted(unknown))} (vorhanden: {', '.join(scripts)})")
    chosen = [s for s in scripts if args.only is None or s in args.only]
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `scripts/bench --scale {args.scale}` on {started}. Every figure is compared with a baseline",
        "measured in the same run (see each script's docstring); the machine is shared and noisy, so read ratios,",
        "not absolute times. Tests never assert timings. Every figure of the scale issue at 10k, 100k and 1M",
        "triples, in one table: [RESULTS-scale.md](RESULTS-scale.md) (`scripts/bench-scale`).",
        "",
        "## Machine",
        "",
        *machine(),
        "",
    ]
    for name in chosen:
        extra = SMALL.get(name, []) if args.scale == "small" else DEFAULT.get(name, [])
        print(f"scripts/bench: {name} {' '.join(extra)}", file=sys.stderr, flush=True)
        out, seconds, status = run(name, extra, args.limit)
        lines += [
            f"## {name}",
            "",
            f"`.venv/bin/python benchmarks/{name}.py {' '.join(extra)}`".replace(" `", "`"),
            f"— {seconds:.0f} s, {status}",
            "",
        ]
        body = out.strip()
        if body.startswith(("|", "#")):  # Markdown: its headings one level below this script's
            lines += [f"#{line}" if line.startswith("#") else line for line in body.splitlines()] + [""]
        elif body:
            lines += ["```", body, "```", ""]
        args.out.write_text("\n".join(lines), encoding="utf-8")  # keep what is done if a later one hangs
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"scripts/bench: {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
