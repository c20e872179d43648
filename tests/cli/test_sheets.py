"""``integrationsgraph import`` as a user runs it: the wrong workbook is refused, ``--dry-run`` shows what would go."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import ROOT
from integrationsgraph.graph.store.embedded import EmbeddedStore
from tests.data.sheets.make_bad import good_bytes

GRAPH = "https://w3id.org/integrationsgraph/graph/probe-cli"


def stored(store_path: Path) -> set[object]:
    store = EmbeddedStore(store_path)
    try:
        return set(store.triples(GRAPH))
    finally:
        store.close()


def test_the_wrong_workbook_needs_confirm_replace_and_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    small = tmp_path / "klein.xlsx"
    small.write_bytes(good_bytes())
    base = ["import", "--store", str(store_path)]
    first = CliRunner().invoke(main, [*base, str(ROOT / "data" / "musterstadt.xlsx"), "--dataset", "probe-cli"])
    assert first.exit_code == 0, first.output
    before = stored(store_path)

    refused = CliRunner().invoke(main, [*base, str(small), "--dataset", "probe-cli"])
    assert refused.exit_code != 0
    assert "--confirm-replace" in refused.output and "nichts wurde geschrieben" in refused.output, refused.output
    assert stored(store_path) == before

    dry = CliRunner().invoke(main, [*base, str(small), "--dataset", "probe-cli", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Probelauf, nichts geschrieben" in dry.output, dry.output
    assert "entfernt: Datenquelle „Kita-Statistik Musterstadt“" in dry.output, dry.output
    as_json = CliRunner().invoke(main, [*base, str(small), "--dataset", "probe-cli", "--dry-run", "--format", "json"])
    body = json.loads(as_json.output)
    assert body["dry_run"] is True and body["confirm_needed"] is True and body["entities"]["removed"]
    assert stored(store_path) == before

    done = CliRunner().invoke(main, [*base, str(small), "--dataset", "probe-cli", "--confirm-replace"])
    assert done.exit_code == 0, done.output
    assert len(stored(store_path)) < len(before) / 2


def test_the_answer_lists_the_warnings_at_their_rows(tmp_path: Path) -> None:
    """Issue 15: not only their number. Musterstadt (fiktiv) has fields without a network and goals without a
    Handlungsziel: each warning comes with its sheet and row."""
    args = ["import", "--store", str(tmp_path / "s"), str(ROOT / "data" / "musterstadt.xlsx"), "--dataset", "probe"]
    result = CliRunner().invoke(main, [*args, "--dry-run", "--format", "json"])
    body = json.loads(result.output)
    assert body["warnings"] > 0 and len(body["notes"]) == body["warnings"] + body["infos"]
    assert all(n["sheet"] and n["row"] and n["kind"] in ("warnung", "hinweis") for n in body["notes"]), body["notes"]
    assert any(n["sheet"] == "Leitziele" and "kein Handlungsziel" in n["message"] for n in body["notes"])
