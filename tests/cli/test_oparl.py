"""``integrationsgraph oparl URL --dataset D`` against the fictional OParl 1.1 test server
(``tests/data/oparl/server.py``): one validated change, recorded in the history, or nothing at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrationsgraph.cli.main import main
from tests.data.oparl.server import State, serving

ENV = {"INTEGRATIONSGRAPH_DATASETS": '["musterstadt"]'}  # the one dataset these fixtures are about


@pytest.fixture(scope="module")
def server() -> Iterator[State]:
    with serving() as state:
        yield state


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env=ENV).invoke(main, list(args))
    return result.exit_code, result.output


def oparl_entries(store: list[str]) -> list[dict[str, object]]:
    code, out = run("history", "--dataset", "musterstadt", "--format", "json", *store)
    assert code == 0, out
    return [e for e in json.loads(out)["entries"] if "oparl" in str(e["summary"])]


def test_an_import_and_a_resumed_one(server: State, tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    code, out = run("oparl", f"{server.base('ok')}/system", "--dataset", "musterstadt", *store)
    assert code == 0, out
    assert "6 Anfrage(n), 6 Drucksache(n) gelesen, 4 passend" in out
    assert "V 2024/017: Kinderbetreuung während der Integrationskurse" in out
    assert "3 vorgeschlagene Verknüpfung(en)" in out and "Nächster Lauf ab hier: --since " in out
    [entry] = oparl_entries(store)
    assert entry["door"] == "Kommandozeile" and int(str(entry["added"])) > 0

    server.new_paper = True
    try:
        code, out = run(
            "oparl", f"{server.base('ok')}/system", "--dataset", "musterstadt", "--since", "2025-01-01", *store
        )
    finally:
        server.new_paper = False
    assert code == 0, out
    assert "1 Drucksache(n) gelesen, 1 passend" in out and "A 2025/041" in out
    assert len(oparl_entries(store)) == 2


def test_a_server_that_is_not_oparl_is_refused_and_nothing_written(server: State, tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    code, out = run("oparl", f"{server.base('notjson')}/system", "--dataset", "musterstadt", *store)
    assert code == 2 and "kein JSON" in out and "nichts geschrieben" in out, out
    code, out = run("oparl", f"{server.base('ok')}/system", "--dataset", "musterstadt", "--max-requests", "3", *store)
    assert code == 2 and "Anfragebudget von 3" in out, out
    assert oparl_entries(store) == []


def test_own_filter_words_and_a_dataset_the_papers_do_not_match(server: State, tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    code, out = run("oparl", f"{server.base('offtopic')}/system", "--dataset", "musterstadt", *store)
    assert code == 0 and "Keine passende Drucksache" in out and "nichts hinzugefügt" in out, out
    assert oparl_entries(store) == []
    code, out = run(
        "oparl", f"{server.base('offtopic')}/system", "--dataset", "musterstadt", "--filter", "Friedhof", *store
    )
    assert code == 0 and "1 passend" in out and "V 2024/051" in out, out
    code, out = run("oparl", f"{server.base('ok')}/system", "--dataset", "nirgendwo", *store)
    assert code == 2 and "„nirgendwo“ gibt es nicht" in out, out
