"""benchmarks/scale.py runs end to end at the smallest size and writes every figure of the scale issue.

No timing is asserted: only that each figure has its row, with a value, a baseline and a goal.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = [  # the figures, in the words of the summary table
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
BASELINES = [
    "pyoxigraph direct",
    "rdflib in-memory",
    "rdflib-endpoint",
    "Oxigraph server",
    "pyshacl focus_nodes + use_shapes",
    "pyshacl, one rdflib graph",
    "rdflib parse + add",
    "pyoxigraph bulk_load",
    "networkx exact betweenness",
    "networkx betweenness k=500",
    "pyvis defaults",
]


@pytest.mark.slow
def test_scale_writes_every_figure_with_its_baselines(tmp_path: Path) -> None:
    out = tmp_path / "scale.md"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "1", "--quick", "-o", str(out)]
    done = subprocess.run(
        [*cmd, "--map-actors", "200", "--pyvis-nodes", "50"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.rstrip("\n") == done.stdout.rstrip("\n")  # the file is what was printed
    assert "## Machine" in text and "- CPU: " in text
    summary = text.split("## Summary", 1)[1].split("## Details", 1)[0]
    rows = [line.split(" | ") for line in summary.splitlines() if line.startswith("| ") and "---" not in line]
    for figure in FIGURES:
        found = [r for r in rows if r[0].removeprefix("| ").startswith(figure)]
        assert found, f"no row for {figure!r}"
        assert all(cell.strip() for cell in found[0][2:]), found[0]  # ours, baseline, value, ratio, goal, met
    for baseline in BASELINES:
        assert any(r[3].startswith(baseline) for r in rows), f"no baseline {baseline!r}"
    assert "pyshacl, one rdflib graph | skipped" not in summary  # --quick skips it only above 100k
    details = text.split("## Details", 1)[1]
    for name in sorted(p.stem for p in (ROOT / "queries").glob("*.rq")):
        assert f"| {name} |" in details
