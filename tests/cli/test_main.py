"""The command line as a user runs it: validate, query, load, export (in-process through click)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import ROOT

DATA = Path(__file__).parents[1] / "data" / "core"
HF_QUERY = """PREFIX kio: <https://w3id.org/integrationsgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation ?feld WHERE { GRAPH <https://w3id.org/integrationsgraph/graph/rheine> {
  ?f a kio:Handlungsfeld ; skos:notation ?notation ; skos:prefLabel ?feld . FILTER(LANG(?feld) = "de") } }
ORDER BY ?notation"""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(main, ["query", "--store", str(path), "ASK { ?s ?p ?o }"])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_validate_musterstadt_conforms() -> None:
    code, out = run("validate", str(ROOT / "data" / "musterstadt"))
    assert code == 0, out
    assert "konform" in out and "NICHT" not in out


def test_validate_names_the_orphan_handlungsziel_in_german() -> None:
    code, out = run("validate", str(DATA / "handlungsziel-ohne-leitziel.ttl"))
    assert code == 1
    assert "NICHT konform" in out
    assert "„Beratung ausbauen“" in out
    assert "https://w3id.org/integrationsgraph/id/test/handlungsziel/verwaist" in out
    assert "Pfad: kio:konkretisiert" in out
    assert "Regel: kios:" in out
    assert "Leitziel" in out


def test_validate_in_english_and_as_json() -> None:
    code, out = run("validate", "--lang", "en", str(DATA / "handlungsziel-ohne-leitziel.ttl"))
    assert code == 1 and "does NOT conform" in out
    code, out = run("validate", "--format", "json", str(DATA / "handlungsziel-ohne-leitziel.ttl"))
    body = json.loads(out)
    [report] = body.values()
    assert report["conforms"] is False
    assert any(r["path"] == "kio:konkretisiert" and r["message_de"] and r["message_en"] for r in report["results"])


def test_validate_parse_error_names_file_and_line() -> None:
    code, out = run("validate", str(DATA / "kaputt.ttl"))
    assert code == 2
    assert "kaputt.ttl, Zeile 3" in out


def test_query_prints_the_eight_rheine_fields_as_a_table(store_path: Path) -> None:
    code, out = run("query", "--store", str(store_path), HF_QUERY)
    assert code == 0, out
    assert "(8 Zeilen)" in out
    assert "Sprachförderung" in out and "Interreligiöser Dialog" in out


@pytest.mark.parametrize(("fmt", "marker"), [("csv", "notation,feld"), ("tsv", "?notation\t?feld"), ("json", '"vars"')])
def test_query_formats(store_path: Path, fmt: str, marker: str) -> None:
    code, out = run("query", "--store", str(store_path), "--format", fmt, HF_QUERY)
    assert code == 0, out
    assert marker in out
    assert "Wohnen und dezentrales Unterbringungskonzept" in out


def test_query_syntax_error_exits_2(store_path: Path) -> None:
    code, out = run("query", "--store", str(store_path), "SELECT * WHERE { ?s ?p }")
    assert code == 2
    assert "Fehler" in out


def test_validate_the_store(store_path: Path) -> None:
    code, out = run("validate", "--store", str(store_path), "--format", "json")
    assert code == 0, out
    assert set(json.loads(out)) == {"rheine", "musterstadt"}


def test_load_and_export_round_trip(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, out = run("load", "--store", store, str(DATA / "kette.ttl"), "--graph", "teststadt")
    assert code == 0, out
    assert "teststadt:" in out
    out_file = tmp_path / "teststadt.nt"
    code, out = run("export", "--store", store, str(out_file), "--graph", "teststadt")
    assert code == 0, out
    exported = rdflib.Graph().parse(out_file, format="nt")
    original = rdflib.Graph().parse(DATA / "kette.ttl", format="turtle")
    assert isomorphic(exported, original)
    code, out = run("export", "--store", store, "--graph", "teststadt", "--format", "jsonld")
    assert json.loads(out)


def test_rejected_load_writes_nothing(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, before = run("export", "--store", store, "--format", "nq")
    assert code == 0
    code, out = run("load", "--store", store, str(DATA / "handlungsziel-ohne-leitziel.ttl"), "--graph", "musterstadt")
    assert code == 1
    assert "Beratung ausbauen" in out
    code, after = run("export", "--store", store, "--format", "nq")
    assert sorted(after.splitlines()) == sorted(before.splitlines())


def test_load_without_graph_for_a_triple_file_is_refused(tmp_path: Path) -> None:
    code, out = run("load", "--store", str(tmp_path / "s"), str(DATA / "kette.ttl"))
    assert code == 2
    assert "--graph" in out


def test_sequence_paths_are_shown_as_paths(tmp_path: Path) -> None:
    data = tmp_path / "ohne-termin.ttl"
    data.write_text(
        """@prefix kio: <https://w3id.org/integrationsgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <https://w3id.org/integrationsgraph/id/test/> .
t:hf a kio:Handlungsfeld ; skos:prefLabel "Feld"@de ; skos:notation "HF1" .
t:lz a kio:Leitziel ; skos:prefLabel "Leitziel"@de ; skos:notation "LZ1.1" ; kio:imHandlungsfeld t:hf .
t:hz a kio:Handlungsziel ; skos:prefLabel "Ohne Termin"@de ; skos:notation "HZ1.1.1" ; kio:konkretisiert t:lz .
""",
        encoding="utf-8",
    )
    code, out = run("validate", str(data))
    assert code == 0, out
    assert "Pfad: kio:hatZielvorgabe/kio:zieldatum" in out


FORMULA_QUERY = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?text ?n WHERE {
  VALUES (?text ?n) { ("=HYPERLINK(\\"http://example.org\\")" -5) ("-5 %" -1.5e3) ("@Ziel" "-INF"^^xsd:double) }
}"""


def test_query_csv_cells_run_no_formula_and_numbers_stay_numbers(store_path: Path) -> None:
    code, out = run("query", "--store", str(store_path), "--format", "csv", FORMULA_QUERY)
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [
        ["text", "n"],
        ['\'=HYPERLINK("http://example.org")', "-5"],
        ["'-5 %", "-1500"],  # xsd:double, as the engine writes it
        ["'@Ziel", "-INF"],
    ]
    code, out = run("query", "--store", str(store_path), "--format", "tsv", FORMULA_QUERY)
    assert '"=HYPERLINK(\\"http://example.org\\")"\t-5' in out  # TSV: RDF terms in SPARQL syntax, for programs


def test_analyze_csv_cells_run_no_formula() -> None:
    from integrationsgraph.cli.analysis import actors_csv
    from integrationsgraph.graph.network.metrics import ActorMetrics, Analysis

    actor = ActorMetrics("https://example.org/a", "=cmd|' /C calc'!A0", "-x", "", "@d", 1, 1.0, 0.0, 0.5, 0.0, 0)
    [header, row] = list(csv.reader(io.StringIO(actors_csv(Analysis([actor], [], {}, {}, {})))))
    assert dict(zip(header, row, strict=True))["label"] == "'=cmd|' /C calc'!A0"
    assert [row[header.index(c)] for c in ("typ", "dataset", "grad")] == ["'-x", "'@d", "1"]


def test_validate_without_shapes_refuses_to_run(tmp_path: Path) -> None:
    typo = tmp_path / "shaeps"
    env = {"INTEGRATIONSGRAPH_SHAPES_DIR": str(typo)}
    for args in (["validate", str(ROOT / "data" / "musterstadt")], ["validate", "--store", str(tmp_path / "s")]):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 2, result.output
        assert f"„{typo}“ fehlt" in result.output and "INTEGRATIONSGRAPH_SHAPES_DIR" in result.output
        assert "konform" not in result.output


def test_commands_that_write_refuse_to_run_without_shapes_and_keep_the_stored_ones(
    store_path: Path, tmp_path: Path
) -> None:
    from integrationsgraph.graph.core.config import SHAPES_GRAPH
    from integrationsgraph.graph.store.embedded import EmbeddedStore

    def stored_shapes() -> set[object]:
        s = EmbeddedStore(store_path)
        try:
            return set(s.triples(SHAPES_GRAPH))
        finally:
            s.close()

    before = stored_shapes()
    (tmp_path / "leer").mkdir()
    env = {"INTEGRATIONSGRAPH_SHAPES_DIR": str(tmp_path / "leer")}
    for args in (
        ["load", "--store", str(store_path), str(DATA / "kette.ttl"), "--graph", "ohneregeln"],
        ["import", "--store", str(store_path), str(ROOT / "data" / "musterstadt.xlsx"), "--dataset", "ohneregeln"],
        ["query", "--store", str(store_path), "ASK { ?s ?p ?o }"],
    ):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 2, result.output
        assert "enthält keine Turtle-Dateien" in result.output, result.output
    assert stored_shapes() == before and before
    code, out = run(
        "query", "--store", str(store_path), "ASK { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), 'ohneregeln')) }"
    )
    assert code == 0 and "nein" in out
