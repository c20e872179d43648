"""benchmarks/progress.py runs end to end with two towns and prints its table: both stores, every column.

No timing is asserted: only that each store has its row, with the same indicator count and a value in each cell.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_progress_benchmark_prints_both_stores() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "progress.py"), "--towns", "2", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("## Progress of every indicator: 2 fictional municipalities")
    header = lines[2].split(" | ")
    rows = [line.split(" | ") for line in lines[4:]]
    assert [r[0].removeprefix("| ") for r in rows] == ["in memory", "on disk"]
    assert all(len(r) == len(header) and all(cell.strip(" |") for cell in r) for r in rows)
    assert rows[0][2] == rows[1][2] and int(rows[0][2].replace(",", "")) > 200  # the same indicators on both
    assert "(1.00)" in rows[0][3] and rows[0][6] == "–"  # the baseline; the goal is for 100 towns
