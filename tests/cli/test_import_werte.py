"""``integrationsgraph import-werte FILE.csv --dataset NAME --indikator CODE``: the file is the indicator's whole
series; errors per line and column on stderr (or as JSON), exit code 1, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrationsgraph.cli.main import main

MESSWERT = "https://w3id.org/integrationsgraph/id/musterstadt/messwert/"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose first start loaded Rheine and Musterstadt."""
    path = tmp_path_factory.mktemp("werte") / "store"
    assert CliRunner().invoke(main, ["query", "--store", str(path), "ASK { ?s ?p ?o }"]).exit_code == 0
    return path


def invoke(store_path: Path, file: Path, *more: str) -> tuple[int, str, str]:
    args = ["import-werte", "--store", str(store_path), str(file), "--dataset", "musterstadt", *more]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def values(store_path: Path) -> list[str]:
    query = (
        "SELECT ?s WHERE { ?s <https://w3id.org/integrationsgraph/ontology#indikator> "
        "<https://w3id.org/integrationsgraph/id/musterstadt/indikator/i2-1-1-1> } ORDER BY ?s"
    )
    out = CliRunner().invoke(main, ["query", "--store", str(store_path), "--format", "csv", query]).stdout
    return [line.removeprefix(MESSWERT) for line in out.split() if line.startswith(MESSWERT)]


def test_a_series_with_breakdowns_replaces_the_indicators_values(store_path: Path, tmp_path: Path) -> None:
    assert "i2-1-1-1-2024-nordstadt" in values(store_path) and len(values(store_path)) == 12
    file = tmp_path / "betreuung.csv"
    file.write_text("Jahr,Gebiet,Wert\n2024,,25.4\n2025,,27.9\n2025,Nordstadt,22.1\n", encoding="utf-8")
    code, out, _err = invoke(store_path, file, "--indikator", "I2.1.1.1", "--format", "json")
    assert code == 0, out
    body = json.loads(out)
    assert (body["added"], body["changed"], body["removed"], body["unchanged"]) == (0, 1, 9, 2)
    assert values(store_path) == ["i2-1-1-1-2024", "i2-1-1-1-2025", "i2-1-1-1-2025-nordstadt"]
    code, out, _err = invoke(store_path, file, "--indikator", "i2-1-1-1")
    assert code == 0 and "0 neu, 0 geändert, 0 entfernt, 3 unverändert" in out


def test_a_bad_file_names_the_line_and_writes_nothing(store_path: Path, tmp_path: Path) -> None:
    before = values(store_path)
    file = tmp_path / "falsch.csv"
    file.write_text("Jahr,Gebiet,Wert\n2024,Weststadt,25.4\n2025,,viel\n", encoding="utf-8")
    code, _out, err = invoke(store_path, file, "--indikator", "I2.1.1.1")
    assert code == 1
    assert "falsch.csv: 2 Fehler in der CSV-Datei; nichts wurde geschrieben." in err
    assert "Zeile 2, Spalte „Gebiet“ – Wert „Weststadt“: Kein Sozialraum des Datensatzes" in err
    assert "Zeile 3, Spalte „Wert“ – Wert „viel“: Keine Zahl" in err
    assert values(store_path) == before
    code, out, _err = invoke(store_path, file, "--indikator", "I2.1.1.1", "--format", "json")
    assert code == 1 and [e["row"] for e in json.loads(out)["errors"]] == [2, 3]


def test_an_unknown_dataset_or_version(store_path: Path, tmp_path: Path) -> None:
    file = tmp_path / "w.csv"
    file.write_text("Jahr,Wert\n2024,1\n", encoding="utf-8")
    code, _out, err = invoke(store_path, file, "--indikator", "I2.1.1.1", "--version", "1999")
    assert code == 2 and "die Version „1999“ des Datensatzes „musterstadt“ nicht" in err
