"""Versions: each in its own named graph, linked to the one it replaces; the diff lists added, removed, changed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.datasets.versions import InvalidVersion, diff, version_graph, version_record, versions
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.workbook import import_workbook
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.write.path import WritePath
from tests.data.sheets.make_bad import good_bytes

BASE = "https://w3id.org/integrationsgraph/id/"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


def good() -> bytes:
    return good_bytes()


def edited() -> bytes:
    """The next Fortschreibung: a Leitziel renamed, a Maßnahme done, one Maßnahme new, the Netzwerk gone."""
    wb = load_workbook(io.BytesIO(good()))

    def put(sheet: str, row: int, header: str, value: object) -> None:
        ws = wb[sheet]
        ws.cell(row, [c.value for c in ws[1]].index(header) + 1).value = value  # type: ignore[assignment]

    put("Leitziele", 2, "Bezeichnung", "Alle sprechen gut Deutsch")
    put("Maßnahmen", 2, "Umsetzungsstatus", "abgeschlossen")
    for header, value in {
        "Code": "M1.1.1.2",
        "Bezeichnung": "Sprachcafé in der Bibliothek",
        "Handlungsziele": "HZ1.1.1",
        "Federführung": "Volkshochschule Probestadt",
        "Fiktiv": "ja",
    }.items():
        put("Maßnahmen", 3, header, value)
    wb["Mitgliedschaften"].delete_rows(2)
    wb["Gremien und Netzwerke"].delete_rows(2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def import_version(writer: WritePath, data: bytes, version: str) -> None:
    record = version_record(writer.store, "probe", version)
    import_workbook(writer, data, version_graph("probe", version), "probe", BASE, extra_triples=record)


@pytest.fixture(scope="module")
def two_versions(shapes: Shapes) -> EmbeddedStore:
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    import_version(writer, good(), "2020")
    import_version(writer, edited(), "2025")
    return store


def test_each_version_is_a_named_graph_of_its_own(two_versions: EmbeddedStore) -> None:
    assert versions(two_versions, "probe") == ["2020", "2025"]
    assert version_graph("probe", "2025") == graph_iri("probe/v/2025")
    assert two_versions.count(graph_iri("probe/v/2020")) > 50
    assert graph_iri("probe") not in two_versions.graphs()


def test_a_version_is_linked_to_the_one_it_replaces(two_versions: EmbeddedStore) -> None:
    new, old = ox.NamedNode(graph_iri("probe/v/2025")), ox.NamedNode(graph_iri("probe/v/2020"))
    about = {(t.predicate.value, t.object) for t in two_versions.triples(new.value) if t.subject == new}
    assert (f"{DCAT}previousVersion", old) in about and (f"{DCT}replaces", old) in about
    assert (f"{DCAT}version", ox.Literal("2025")) in about
    first = {t.predicate.value for t in two_versions.triples(old.value) if t.subject == old}
    assert f"{DCAT}previousVersion" not in first


def test_the_diff_lists_added_removed_and_changed(two_versions: EmbeddedStore) -> None:
    result = diff(two_versions, "probe", "2020", "2025", BASE)
    by_name = {c.name: c for c in result.categories}
    assert [e.code for e in by_name["Maßnahmen"].added] == ["M1.1.1.2"]
    [changed] = by_name["Maßnahmen"].changed
    assert changed.code == "M1.1.1.1"
    assert [(f.field, f.before, f.after) for f in changed.fields] == [("Umsetzungsstatus", "laufend", "abgeschlossen")]
    [goal] = by_name["Leitziele"].changed
    assert goal.fields[0].before == "Alle sprechen Deutsch" and goal.fields[0].after == "Alle sprechen gut Deutsch"
    assert [e.label for e in by_name["Akteure, Gremien und Netzwerke"].removed] == ["Netzwerk Sprache"]
    assert len(by_name["Mitgliedschaften"].removed) == 1
    assert by_name["Indikatoren"].empty() and by_name["Handlungsziele"].empty()


def test_the_diff_as_german_text_and_json(two_versions: EmbeddedStore) -> None:
    result = diff(two_versions, "probe", "2020", "2025", BASE)
    text = result.to_text()
    assert "von Version 2020 zu Version 2025" in text
    assert "Maßnahmen: 1 neu, 0 entfallen, 1 geändert" in text
    assert "  + M1.1.1.2 „Sprachcafé in der Bibliothek“" in text
    assert "      Umsetzungsstatus: „laufend“ → „abgeschlossen“" in text
    body = json.loads(json.dumps(result.to_dict()))
    assert body["summary"]["Maßnahmen"] == {"added": 1, "removed": 0, "changed": 1}
    assert "Indikatoren" not in {c["name"] for c in body["categories"]}


def test_the_diff_shows_private_values_only_to_a_reader_with_the_right(shapes: Shapes) -> None:
    """A private person's name and e-mail change between two versions (issue 12, part 3)."""
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    person = ox.NamedNode(f"{BASE}probe/person/paula")
    foaf = "http://xmlns.com/foaf/0.1/"
    mail = ox.NamedNode("http://www.w3.org/2006/vcard/ns#hasEmail")

    def version(name: str, email: str) -> list[ox.Triple]:
        return [
            ox.Triple(
                person, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(f"{foaf}Person")
            ),
            ox.Triple(person, ox.NamedNode(f"{foaf}name"), ox.Literal(name)),
            ox.Triple(person, mail, ox.NamedNode(f"mailto:{email}")),
        ]

    writer.write(
        Change(
            version_graph("probe", "1"),
            add=[*version("Paula Probe", "paula@probe.example"), *version_record(store, "probe", "1")],
        ),
        validate_change=False,
    )
    writer.write(
        Change(
            version_graph("probe", "2"),
            add=[*version("Paula Neu", "neu@probe.example"), *version_record(store, "probe", "2")],
        ),
        validate_change=False,
    )
    assert store.count(version_graph("probe", "1")) == 2, "the person went to the version's companion graph"
    public = diff(store, "probe", "1", "2", BASE)
    shown = public.to_text() + json.dumps(public.to_dict())
    assert "Paula" not in shown and "probe.example" not in shown and "person/paula" not in shown
    assert public.to_text().endswith("keine.\n")
    private = diff(store, "probe", "1", "2", BASE, private=True).to_text()
    assert "Name: „Paula Probe“ → „Paula Neu“" in private
    assert "E-Mail: „paula@probe.example“ → „neu@probe.example“" in private


def test_the_same_version_twice_has_no_differences(two_versions: EmbeddedStore) -> None:
    result = diff(two_versions, "probe", "2025", "2025", BASE)
    assert all(c.empty() for c in result.categories) and result.to_text().endswith("keine.\n")


def test_unknown_and_invalid_versions(two_versions: EmbeddedStore) -> None:
    with pytest.raises(NotFound, match="2030"):
        diff(two_versions, "probe", "2020", "2030", BASE)
    with pytest.raises(InvalidVersion):
        version_graph("probe", "../x")


def test_import_and_diff_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "2020.xlsx").write_bytes(good())
    (tmp_path / "2025.xlsx").write_bytes(edited())
    store = ["--store", str(tmp_path / "store")]
    runner = CliRunner()
    env = {"INTEGRATIONSGRAPH_DATASETS": "[]"}
    for version in ("2020", "2025"):
        result = runner.invoke(
            main,
            ["import", str(tmp_path / f"{version}.xlsx"), "--dataset", "probe", "--version", version, *store],
            env=env,
        )
        assert result.exit_code == 0, result.output
        assert f"graph/probe/v/{version}" in result.output
    result = runner.invoke(main, ["diff", "--dataset", "probe", "2020", "2025", *store], env=env)
    assert result.exit_code == 0 and "Maßnahmen: 1 neu" in result.output
    result = runner.invoke(main, ["diff", "--dataset", "probe", "2020", "2025", "--format", "json", *store], env=env)
    assert json.loads(result.output)["summary"]["Leitziele"]["changed"] == 1
    result = runner.invoke(main, ["export", str(tmp_path / "back.xlsx"), "--dataset", "probe/v/2025", *store], env=env)
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "back.xlsx")
    assert [c.value for c in wb["Maßnahmen"]["A"][1:]] == ["M1.1.1.1", "M1.1.1.2"]


def test_a_bad_workbook_on_the_command_line_exits_1_with_every_error(tmp_path: Path, workbooks: Path) -> None:
    runner = CliRunner()
    args = ["import", str(workbooks / "mehrere-fehler.xlsx"), "--dataset", "probe", "--store", str(tmp_path / "s")]
    result = runner.invoke(main, args, env={"INTEGRATIONSGRAPH_DATASETS": "[]"})
    assert result.exit_code == 1
    assert "3 Fehler" in result.output and "Blatt „Messwerte“, Zeile 2, Spalte D („Wert“)" in result.output
