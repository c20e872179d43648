"""``integrationsgraph progress``: the German table, the JSON contract (exact keys) and the CSV, on a real store."""

from __future__ import annotations

import csv
import doctest
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrationsgraph.cli import monitoring
from integrationsgraph.cli.main import main

KEYS = {
    "indicator",
    "label",
    "direction",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "cagr_observed",
    "cagr_required",
    "ratio",
    "status",
    "manual",
}
"""The contract of ``--format json`` (docs/monitoring.md): exactly these keys."""
STATUS = {
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
}
I1 = "https://w3id.org/integrationsgraph/id/musterstadt/indikator/i1-1-1-1"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("progress") / "store"


def run(store_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["progress", "--store", str(store_path), *args])
    return result.exit_code, result.output


def test_json_is_the_contract(store_path: Path) -> None:
    code, out = run(store_path, "--dataset", "musterstadt", "--format", "json")
    assert code == 0, out
    rows = json.loads(out)
    assert len(rows) == 23  # I5.1.1.2 has no values yet (Berichtsstatus „in Bearbeitung“): not_available
    assert all(set(r) == KEYS for r in rows)
    assert all(r["status"] in STATUS and isinstance(r["manual"], bool) for r in rows)
    assert all(r["direction"] in ("increase", "decrease", None) for r in rows)
    first = rows[0]
    assert {k: first[k] for k in ("indicator", "direction", "base_year", "base_value", "latest_year")} == {
        "indicator": I1,
        "direction": "increase",
        "base_year": 2021,
        "base_value": 54.5,
        "latest_year": 2025,
    }
    assert (first["latest_value"], first["target_year"], first["target_value"], first["status"]) == (
        62.8,
        2027,
        66.0,
        "substantial_progress",
    )
    # (62.8/54.5)^(1/4) − 1 = 0.036074; (66/54.5)^(1/6) − 1 = 0.032424; R = 1.1126
    assert first["cagr_observed"] == pytest.approx(0.036074, abs=1e-6)
    assert first["ratio"] == pytest.approx(1.1126, abs=1e-4)
    without = [r for r in rows if r["target_year"] is None]
    assert without and all(r["target_value"] is None and r["cagr_required"] is None for r in without)
    by_code = {r["indicator"].rpartition("/")[2]: r for r in rows}
    assert [k for k, r in by_code.items() if r["manual"]] == ["i3-1-1-2"]  # set by hand, with its reason
    assert by_code["i3-1-1-2"]["status"] == "not_available"
    assert (by_code["i3-1-2-1"]["base_year"], by_code["i3-1-2-1"]["base_value"]) == (2020, 85.0)  # kio:basisjahr
    assert by_code["i5-1-1-2"]["status"] == "not_available" and by_code["i5-1-1-2"]["latest_year"] is None


def test_csv_has_the_same_columns(store_path: Path) -> None:
    code, out = run(store_path, "--dataset", "musterstadt", "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 23
    assert list(rows[0]) == [
        "indicator",
        "label",
        "direction",
        "base_year",
        "base_value",
        "latest_year",
        "latest_value",
        "target_year",
        "target_value",
        "cagr_observed",
        "cagr_required",
        "ratio",
        "status",
        "manual",
    ]
    assert (rows[0]["indicator"], rows[0]["base_value"], rows[0]["manual"]) == (I1, "54.5", "false")


def test_table_is_german(store_path: Path) -> None:
    code, out = run(store_path, "--dataset", "musterstadt")
    assert code == 0, out
    assert out.startswith("Fortschritt der Indikatoren: musterstadt — 23 Indikatoren (")
    line = next(li for li in out.splitlines() if li.startswith("I1.1.1.1 "))
    assert "2021: 54,5" in line and "2025: 62,8" in line and "2027: 66,0" in line
    assert "3,61 %" in line and "1,11" in line and "Auf Kurs" in line
    assert "2021: 1.026,0" in out  # thousands with a point
    assert "Zielrichtung „halten“" in out  # the reasons below the table
    assert "Nicht bewertbar (von Hand gesetzt)" in next(li for li in out.splitlines() if li.startswith("I3.1.1.2 "))


def test_a_dataset_without_indicators(store_path: Path) -> None:
    code, out = run(store_path, "--dataset", "rheine")
    assert code == 0, out
    assert "keine Indikatoren" in out
    assert run(store_path, "--dataset", "rheine", "--format", "json") == (0, "[]\n")


def test_an_unknown_dataset_is_refused_in_german(store_path: Path) -> None:
    code, out = run(store_path, "--dataset", "gibtesnicht")
    assert code != 0
    assert "Datensatz „gibtesnicht“ gibt es nicht" in out


def test_doctests() -> None:
    assert doctest.testmod(monitoring).failed == 0
