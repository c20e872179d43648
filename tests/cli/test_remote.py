"""The command line on a SPARQL server (``INTEGRATIONSGRAPH_STORE_URL``, ``--store-url``): the same output as on
the embedded store for query, analyze, map, export, import/diff and publish; nothing private in what it publishes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.store.remote import RemoteStore

ERIKA = "https://w3id.org/integrationsgraph/id/musterstadt/person/integrationsbeauftragte"
ENV = {"INTEGRATIONSGRAPH_DATASETS": '["musterstadt"]'}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Options for the embedded store in a folder of its own."""
    return ["--store", str(tmp_path_factory.mktemp("cli-embedded") / "store")]


@pytest.fixture
def remote(remote_store: RemoteStore) -> list[str]:
    """Options for the (emptied) Oxigraph server."""
    return ["--store-url", remote_store.query_url, "--update-url", remote_store.update_url]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner(env={**ENV, **(env or {})}).invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_the_environment_names_the_server(remote_store: RemoteStore) -> None:
    env = {
        "INTEGRATIONSGRAPH_STORE_URL": remote_store.query_url,
        "INTEGRATIONSGRAPH_UPDATE_URL": remote_store.update_url,
    }
    out = run("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }", "--format", "csv", env=env).stdout
    assert int(out.split()[1]) > 100
    assert graph_iri("musterstadt") in remote_store.graphs()  # loaded into the server on first use


def test_query_analyze_map_and_export_are_the_same(embedded: list[str], remote: list[str], tmp_path: Path) -> None:
    fields = (
        "SELECT ?f ?l WHERE { ?f a <https://w3id.org/integrationsgraph/ontology#Handlungsfeld> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?f ?l"
    )
    for args in (
        ["query", fields],
        ["analyze", "--dataset", "musterstadt", "--format", "json"],
        ["analyze", "--format", "csv"],
    ):
        assert run(*args, *remote).stdout == run(*args, *embedded).stdout, args
    for kind in ("actors", "chain"):
        extra = ["--dataset", "musterstadt", *(["--field", "HF1"] if kind == "chain" else [])]
        run("map", kind, *extra, *remote, "-o", str(tmp_path / "remote.html"))
        run("map", kind, *extra, *embedded, "-o", str(tmp_path / "embedded.html"))
        assert (tmp_path / "remote.html").read_text() == (tmp_path / "embedded.html").read_text(), kind
    for kind, options in (("remote", remote), ("embedded", embedded)):
        run("export", str(tmp_path / f"{kind}.nt"), "--graph", "musterstadt", *options)
    triples = [set(ox.parse(path=str(tmp_path / f"{k}.nt"))) for k in ("remote", "embedded")]
    assert triples[0] == triples[1] and len(triples[0]) > 500


def test_a_workbook_round_trip_import_and_diff(remote: list[str], remote_store: RemoteStore, tmp_path: Path) -> None:
    """Export Musterstadt from the server as a workbook, import it as two versions (one edited), diff them."""
    run("export", str(tmp_path / "eins.xlsx"), "--dataset", "musterstadt", *remote)
    options = ["--dataset", "probe", "--format", "json", *remote]
    first = json.loads(run("import", str(tmp_path / "eins.xlsx"), "--version", "1", *options).stdout)
    assert first["added"] > 500
    wb = load_workbook(tmp_path / "eins.xlsx")
    ws = wb["Maßnahmen"]
    cell = ws.cell(2, [c.value for c in ws[1]].index("Umsetzungsstatus") + 1)
    before, cell.value = cell.value, "ausgesetzt" if cell.value != "ausgesetzt" else "laufend"
    wb.save(tmp_path / "zwei.xlsx")
    run("import", str(tmp_path / "zwei.xlsx"), "--version", "2", *options)
    assert {graph_iri("probe/v/1"), graph_iri("probe/v/2")} <= set(remote_store.graphs())
    out = run("diff", "--dataset", "probe", "1", "2", *remote).stdout
    assert f"Umsetzungsstatus: „{before}“ → „{cell.value}“" in out


def test_publish_from_the_server(remote: list[str], tmp_path: Path) -> None:
    report = json.loads(run("publish", str(tmp_path / "site"), "--format", "json", *remote).stdout)
    assert set(report["datasets"]) == {"musterstadt"} and report["datasets"]["musterstadt"] > 500
    leaks = [p for p in (tmp_path / "site").rglob("*") if p.is_file() and ERIKA.encode() in p.read_bytes()]
    assert leaks == []
