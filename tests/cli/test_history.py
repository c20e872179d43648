"""``integrationsgraph history`` and ``revert`` as an administrator on the service's machine runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from integrationsgraph.cli.main import main

DATA = Path(__file__).parents[1] / "data" / "core"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_load_is_listed_and_undone(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    code, out = run("load", *store, str(DATA / "kette.ttl"), "--graph", "verlaufprobe")
    assert code == 0, out
    code, out = run("history", "--dataset", "verlaufprobe", "--format", "json", *store)
    assert code == 0, out
    [entry] = json.loads(out)["entries"]
    assert entry["door"] == "Kommandozeile" and entry["added"] > 0 and entry["removed"] == 0
    code, table = run("history", "--dataset", "verlaufprobe", *store)
    assert entry["id"] in table and "1 von 1 Einträgen" in table

    code, out = run("revert", "--dataset", "verlaufprobe", entry["id"], *store)
    assert code == 0 and "rückgängig gemacht" in out, out
    code, out = run(
        "query", *store, "ASK { GRAPH <https://w3id.org/integrationsgraph/graph/verlaufprobe> { ?s ?p ?o } }"
    )
    assert code == 0 and "nein" in out, out
    code, out = run("revert", "--dataset", "verlaufprobe", entry["id"], *store)
    assert code == 2 and "spätere Änderung" in out, out

    code, out = run("history", "--dataset", "verlaufprobe", "--prune-before", "01.01.2030", *store)
    assert code == 2 and "kein Datum" in out
    code, out = run("history", "--dataset", "verlaufprobe", "--prune-before", "9999-12-31", *store)
    assert code == 0 and "2 Einträge" in out, out
    code, out = run("revert", "--dataset", "verlaufprobe", entry["id"], *store)
    assert code == 2 and "Keine Änderung" in out, out
