"""The OParl importer against a real HTTP server (``tests/data/oparl/server.py``) serving fictional OParl 1.1
fixtures: paging, filtering, suggestions, provenance, ``--since``, and every refusal leaving the store as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import Settings, graph_iri
from integrationsgraph.graph.core.iris import KIO, PROV, SKOS
from integrationsgraph.graph.oparl.client import Client, OParlError
from integrationsgraph.graph.oparl.importer import fetch, field_words, import_papers, suggest, targets
from integrationsgraph.graph.oparl.model import OPARL, Minter
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import bootstrap, validate_store
from integrationsgraph.graph.write.path import WritePath
from tests.data.oparl.server import State, serving

GRAPH = graph_iri("musterstadt")
BASE = "https://w3id.org/integrationsgraph/id/"
TODAY = dt.date(2026, 12, 8)


@pytest.fixture(scope="module")
def server() -> Iterator[State]:
    with serving() as state:
        yield state


@pytest.fixture
def loaded(tmp_path: Path, shapes: Shapes) -> tuple[EmbeddedStore, WritePath]:
    store = EmbeddedStore(None)
    writer = WritePath(store, shapes)
    bootstrap(writer, Settings(store=tmp_path / "store", datasets=["musterstadt"]))
    return store, writer


def run(server: State, scenario: str, store: EmbeddedStore, writer: WritePath, **options: object) -> object:
    budget = int(options.pop("budget", 500))  # type: ignore[call-overload]
    since = options.pop("since", None)
    with Client(f"{server.base(scenario)}/system", budget=budget, backoff=0.0) as client:
        fetched = fetch(client, since if isinstance(since, str) else None)
    return import_papers(store, writer, fetched, dataset="musterstadt", base_iri=BASE, today=TODAY, **options)  # type: ignore[arg-type]


def snapshot(store: EmbeddedStore) -> set[ox.Quad]:
    return set(store.native.quads_for_pattern(None, None, None, None))


def papers(store: EmbeddedStore) -> dict[str, ox.NamedNode]:
    """Reference (or name) → node of every imported paper."""
    rows = store.query(
        f"SELECT ?p ?label ?ref WHERE {{ ?p a <{OPARL}Paper> ; <{SKOS}prefLabel> ?label "
        f"OPTIONAL {{ ?p <{OPARL}reference> ?ref }} }}",
        default_graphs=[GRAPH],
    )
    out = {}
    for row in rows:  # type: ignore[union-attr]
        key = row["ref"].value if row["ref"] is not None else row["label"].value
        out[key] = row["p"]
    return out


def objects(store: EmbeddedStore, node: ox.NamedNode, predicate: str) -> set[str]:
    return {q.object.value for q in store.native.quads_for_pattern(node, ox.NamedNode(predicate), None, None)}


def test_a_matching_paper_is_written_with_its_provenance_bodies_and_suggestion(
    server: State, loaded: tuple[EmbeddedStore, WritePath]
) -> None:
    store, writer = loaded
    result = run(server, "ok", store, writer)
    assert result.requests == 6  # system, bodies, organisations, three pages of papers
    assert (result.papers_read, result.papers_kept, result.suggestions) == (6, 4, 3)  # the deleted one is not read
    found = papers(store)
    assert set(found) == {
        "V 2024/017",
        "A 2024/021",
        "M 2024/032",
        "Mitteilung: Wohnen für Geflüchtete im Quartier Süd",
    }
    paper = found["V 2024/017"]
    assert objects(store, paper, PROV + "wasDerivedFrom") == {f"{server.base('ok')}/paper/17"}
    assert objects(store, paper, KIO + "abgerufenAm") == {"2026-12-08"}
    assert objects(store, paper, OPARL + "date") == {"2024-03-05"}
    assert objects(store, paper, OPARL + "paperType") == {"Beschlussvorlage"}
    measure = f"{BASE}musterstadt/massnahme/m1-1-1-1"
    assert objects(store, paper, KIO + "vorgeschlageneVerknuepfung") == {measure}
    # a suggestion only: the paper is not made the measure's decision, nor anything else of the measure's
    assert not list(store.native.quads_for_pattern(ox.NamedNode(measure), None, paper, None))
    bodies = {
        store.native.quads_for_pattern(b, ox.NamedNode(SKOS + "prefLabel"), None, None).__next__().object.value
        for b in map(ox.NamedNode, objects(store, paper, KIO + "beratenIn"))
    }
    assert bodies == {"Rat der Stadt Musterstadt", "Integrationsrat Musterstadt"}
    by_code = objects(store, found["A 2024/021"], KIO + "vorgeschlageneVerknuepfung")
    assert len(by_code) == 2 and measure in by_code
    # every subject written carries its provenance, and the dataset still conforms as a whole
    imported = {q.subject for q in store.native.quads_for_pattern(None, ox.NamedNode(KIO + "abgerufenAm"), None, None)}
    assert len(imported) == 4 + 1 + 2  # papers, the body, Rat and Integrationsrat (not the Bauausschuss)
    for subject in imported:
        assert objects(store, subject, PROV + "wasDerivedFrom"), subject
        assert objects(store, subject, KIO + "fiktiv") == {"true"}, subject  # Musterstadt is fictional
    assert validate_store(store, writer.shapes, [GRAPH])[GRAPH].conforms


def test_a_paper_without_optional_fields_is_kept_with_what_it_has(
    server: State, loaded: tuple[EmbeddedStore, WritePath]
) -> None:
    store, writer = loaded
    run(server, "ok", store, writer)
    paper = papers(store)["Mitteilung: Wohnen für Geflüchtete im Quartier Süd"]
    assert objects(store, paper, OPARL + "date") == set() and objects(store, paper, OPARL + "body") == set()
    assert objects(store, paper, PROV + "wasDerivedFrom") == {f"{server.base('ok')}/paper/22"}


def test_a_second_run_with_since_adds_only_the_new_paper(
    server: State, loaded: tuple[EmbeddedStore, WritePath]
) -> None:
    store, writer = loaded
    run(server, "ok", store, writer)
    before = snapshot(store)
    server.new_paper = True
    try:
        result = run(server, "ok", store, writer, since="2025-01-01")
    finally:
        server.new_paper = False
    assert (result.papers_read, result.papers_kept) == (1, 1)
    assert any("modified_since=2025-01-01T00%3A00%3A00%2B00%3A00" in r for r in server.requests)
    after = snapshot(store)
    assert before - after == set()
    assert {q.subject.value for q in after - before if q.graph_name == ox.NamedNode(GRAPH)} == {
        str(papers(store)["A 2025/041"].value)
    }


def test_a_paper_the_server_deleted_is_removed_by_the_next_run(
    server: State, loaded: tuple[EmbeddedStore, WritePath]
) -> None:
    store, writer = loaded
    run(server, "ok", store, writer)
    paper = papers(store)["V 2024/017"]
    note = ox.Literal("Von der Fachstelle geprüft.", language="de")
    person = ox.Quad(paper, ox.NamedNode("http://purl.org/dc/terms/description"), note, ox.NamedNode(GRAPH))
    store.native.add(person)  # a person's own statement about the paper
    server.deleted_17 = True
    try:
        result = run(server, "ok", store, writer, since="2025-01-01")
    finally:
        server.deleted_17 = False
    assert result.removed > 10 and result.added == 0
    assert "V 2024/017" not in papers(store)
    assert set(store.native.quads_for_pattern(paper, None, None, None)) == {person}  # the person's stays


def test_the_same_run_twice_changes_nothing(server: State, loaded: tuple[EmbeddedStore, WritePath]) -> None:
    store, writer = loaded
    run(server, "ok", store, writer)
    before = snapshot(store)
    result = run(server, "ok", store, writer)
    assert result.added == 0 and snapshot(store) == before


@pytest.mark.parametrize(
    ("scenario", "options", "message"),
    [
        ("broken", {}, "404"),
        ("notjson", {}, "kein JSON"),
        ("wrongtype", {}, "kein OParl-1.1-Objekt vom Typ System"),
        ("oldversion", {}, "anderen Version"),
        ("loop", {}, "im Kreis"),
        ("foreign", {}, "anderen Server"),
        ("moved", {}, "leitet weiter"),
        ("endless", {}, "Anfragebudget von 500"),
        ("ok", {"budget": 4}, "Anfragebudget von 4"),
    ],
)
def test_bad_servers_are_refused_with_a_clear_message_and_nothing_written(
    server: State, loaded: tuple[EmbeddedStore, WritePath], scenario: str, options: dict[str, object], message: str
) -> None:
    store, writer = loaded
    before = snapshot(store)
    server.requests.clear()
    with pytest.raises(OParlError, match=message) as caught:
        run(server, scenario, store, writer, **options)
    assert "nichts geschrieben" in str(caught.value) or scenario == "oldversion"
    assert snapshot(store) == before
    if scenario in ("foreign", "moved"):
        assert not any(r.startswith("/ok/") for r in server.requests)  # the foreign link was never followed


def test_a_server_that_does_not_answer_is_given_up_after_the_retries(server: State) -> None:
    with (
        Client(f"{server.base('hang')}/system", timeout=0.2, backoff=0.0) as client,
        pytest.raises(OParlError) as caught,
    ):
        fetch(client)
    assert "keine Antwort in der Zeit" in str(caught.value) and "nach 4 Versuchen" in str(caught.value)
    assert client.requests == 4


def test_an_answer_larger_than_the_limit_is_refused(server: State) -> None:
    with Client(f"{server.base('ok')}/system", max_bytes=200) as client, pytest.raises(OParlError) as caught:
        fetch(client)
    assert "größer als 200 Bytes" in str(caught.value) and "nichts geschrieben" in str(caught.value)


def test_a_server_error_is_retried_and_then_read(server: State, loaded: tuple[EmbeddedStore, WritePath]) -> None:
    store, writer = loaded
    result = run(server, "flaky", store, writer)
    assert result.requests == 7 and result.papers_kept == 4


def test_papers_no_field_matches_write_nothing(server: State, loaded: tuple[EmbeddedStore, WritePath]) -> None:
    store, writer = loaded
    before = snapshot(store)
    result = run(server, "offtopic", store, writer)
    assert (result.papers_read, result.papers_kept, result.added) == (2, 0, 0)
    assert snapshot(store) == before


def test_the_default_words_come_from_the_fields(loaded: tuple[EmbeddedStore, WritePath]) -> None:
    store, _ = loaded
    words = field_words(store, GRAPH)
    assert {"Sprache", "Wohnen", "Gesundheit", "Integration", "Migration"} <= set(words)
    assert "und" not in words and "Verwaltung" not in words  # „Interkulturelle Öffnung der Verwaltung“


def test_suggestions_by_code_and_exact_title_only(loaded: tuple[EmbeddedStore, WritePath]) -> None:
    store, _ = loaded
    found = targets(store, GRAPH)
    assert suggest("Nichts davon: M1.1.1.10 und XHZ1.1.1", found) == []
    assert len(suggest("Zu HZ1.1.1", found)) == 1
    assert len(suggest("KINDERBETREUUNG WÄHREND DER INTEGRATIONSKURSE", found)) == 1


def test_an_unknown_dataset_is_refused(server: State, loaded: tuple[EmbeddedStore, WritePath]) -> None:
    store, writer = loaded
    with Client(f"{server.base('ok')}/system") as client:
        fetched = fetch(client)
    with pytest.raises(OParlError, match="gibt es nicht"):
        import_papers(store, writer, fetched, dataset="nirgendwo", base_iri=BASE)


def test_the_minter_gives_stable_iris() -> None:
    one, two = Minter(BASE, "musterstadt", TODAY, True), Minter(BASE, "musterstadt", TODAY, False)
    assert one.document("https://ris.example/paper/1") == two.document("https://ris.example/paper/1")
    assert one.document("https://ris.example/paper/1") != one.document("https://ris.example/paper/2")
