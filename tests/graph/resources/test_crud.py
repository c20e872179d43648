"""Resources: JSON ↔ triples, create/replace/patch/delete through the write path, ETags, lists."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import NotFound, ValidationFailed
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.resources import crud as res
from integrationsgraph.graph.resources.as_json import InvalidValue, from_json, jsonld_context, to_json
from integrationsgraph.graph.resources.kinds import KINDS, slugify
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.write.path import WritePath

PROBE = Path(__file__).parents[2] / "data" / "resources" / "probe.ttl"
BASE = "https://w3id.org/integrationsgraph/id/"
ID = BASE + "probe/"
G = graph_iri("probe")
M = KINDS["massnahmen"]


@pytest.fixture
def probe(writer: WritePath) -> WritePath:
    writer.write(Change(G, add=[q.triple for q in parse_file(PROBE)], replace=True))
    return writer


def quads(store: EmbeddedStore) -> set[ox.Quad]:
    return set(store.native)


def new_measure(**extra: object) -> dict[str, object]:
    return {
        "label": {"de": "Sprachcafé für Eltern", "en": "Language café for parents"},
        "code": "M1.1.2.1",
        "fiktiv": True,
        "handlungsziele": ["handlungsziel/hz1-1-2"],
        "federfuehrend": ID + "akteur/vhs",
        "status": "geplant",
        **extra,
    }


def test_slug_is_lower_case_ascii_with_umlauts_spelled_out() -> None:
    assert slugify("Straße der Vielfalt – Öffnung & Teilhabe") == "strasse-der-vielfalt-oeffnung-teilhabe"
    assert slugify("!!!") == ""


def test_json_round_trip_of_a_membership_with_its_period() -> None:
    kind = KINDS["mitgliedschaften"]
    data = {
        "label": {"de": "VHS im Netzwerk"},
        "mitglied": "akteur/vhs",
        "organisation": "akteur/netzwerk-sprache",
        "mitglied_seit": "2021-03-01",
        "mitglied_bis": "2024-02-29",
    }
    iri = ID + "mitgliedschaft/x"
    triples = from_json(kind, iri, data, BASE, "probe")
    assert ox.Triple(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/ns/org#memberDuring"),
                     ox.NamedNode(iri + "#zeitraum")) in triples  # fmt: skip
    back = to_json(kind, iri, "probe", triples)
    assert back["mitglied_seit"] == "2021-03-01"
    assert back["mitglied_bis"] == "2024-02-29"
    assert back["mitglied"] == ID + "akteur/vhs"
    assert back["typ"] == ["Membership"]


def test_invalid_iri_names_the_field() -> None:
    with pytest.raises(InvalidValue) as err:
        from_json(M, ID + "massnahme/x", {"label": {"de": "x"}, "federfuehrend": "http://a b"}, BASE, "probe")
    assert err.value.errors == [{"field": "federfuehrend", "value": "http://a b"}]


def test_the_context_maps_every_field_of_every_kind() -> None:
    ctx = jsonld_context()["@context"]
    for kind in KINDS.values():
        for f in kind.fields:
            assert f.name in ctx
    assert ctx["federfuehrend"] == {"@id": "https://w3id.org/integrationsgraph/ontology#federfuehrend", "@type": "@id"}


def test_create_then_read_gives_the_same_json(probe: WritePath) -> None:
    created = res.create(probe, BASE, "probe", M, new_measure(), "sprachcafe")
    read = res.load(probe.store, BASE, "probe", M, "sprachcafe")
    assert read.json() == created.json()
    assert read.json()["handlungsziele"] == [ID + "handlungsziel/hz1-1-2"]
    assert read.json()["status"] == "geplant"
    assert read.etag == created.etag and read.etag.startswith('"')


def test_create_refuses_a_taken_iri(probe: WritePath) -> None:
    with pytest.raises(res.Conflict):
        res.create(probe, BASE, "probe", M, new_measure(), "m1-1-1-1")


def test_an_invalid_create_writes_nothing(probe: WritePath) -> None:
    before = quads(probe.store)
    with pytest.raises(ValidationFailed) as err:
        res.create(probe, BASE, "probe", M, new_measure(federfuehrend=None), "ohne-federfuehrung")
    assert any(r.path == "kio:federfuehrend" for r in err.value.report.violations)
    assert quads(probe.store) == before


def test_replace_keeps_properties_the_kind_does_not_model(probe: WritePath) -> None:
    extra = ox.Triple(ox.NamedNode(ID + "massnahme/m1-1-1-1"), ox.NamedNode("https://schema.org/url"),
                      ox.Literal("https://example.org"))  # fmt: skip
    probe.store.apply(G, add=[extra])
    current = res.load(probe.store, BASE, "probe", M, "m1-1-1-1")
    data = {**current.json(), "status": "abgeschlossen"}
    for key in ("iri", "slug", "datensatz", "typ"):
        data.pop(key)
    replaced = res.replace(probe, BASE, "probe", M, "m1-1-1-1", data, current.etag)
    assert replaced.json()["status"] == "abgeschlossen"
    assert extra in replaced.triples
    assert replaced.etag != current.etag


def test_patch_changes_only_the_fields_sent_and_null_removes(probe: WritePath) -> None:
    patched = res.patch(probe, BASE, "probe", M, "m1-1-1-1", {"beginn": None, "status": "ausgesetzt"}, None)
    body = patched.json()
    assert body["status"] == "ausgesetzt"
    assert "beginn" not in body
    assert body["federfuehrend"] == ID + "akteur/vhs"


def test_a_stale_if_match_changes_nothing(probe: WritePath) -> None:
    before = quads(probe.store)
    with pytest.raises(res.PreconditionFailed):
        res.patch(probe, BASE, "probe", M, "m1-1-1-1", {"status": "ausgesetzt"}, '"nicht-mehr-aktuell"')
    assert quads(probe.store) == before


def test_the_etag_is_checked_under_the_write_lock(probe: WritePath) -> None:
    """A write that slips in between reading and locking is seen by the precondition."""
    current = res.load(probe.store, BASE, "probe", M, "m1-1-1-1")
    sneaky = ox.Triple(ox.NamedNode(current.iri), ox.NamedNode("https://schema.org/url"), ox.Literal("x"))
    check = res._precondition(probe.store, G, current.iri, current.etag, current.etag)
    probe.store.apply(G, add=[sneaky])
    before = quads(probe.store)
    with pytest.raises(res.PreconditionFailed):
        probe.write(Change(G, remove=[sneaky]), precondition=check)
    assert quads(probe.store) == before


def test_delete_with_referrers_is_refused_naming_them(probe: WritePath) -> None:
    with pytest.raises(res.Conflict) as err:
        res.delete(probe, BASE, "probe", KINDS["leitziele"], "lz1-1", None, cascade=False)
    named = {e["iri"] for e in err.value.errors}
    assert named == {ID + "handlungsziel/hz1-1-1", ID + "handlungsziel/hz1-1-2"}
    assert {e["label"] for e in err.value.errors} == {"Mehr Kursplätze", "Kürzere Wartezeit"}


def test_cascade_deletes_what_cannot_exist_without_it(probe: WritePath) -> None:
    out = res.delete(probe, BASE, "probe", KINDS["leitziele"], "lz1-1", None, cascade=True)
    assert set(out["geloescht"]) == {
        ID + "leitziel/lz1-1",
        ID + "handlungsziel/hz1-1-1",
        ID + "handlungsziel/hz1-1-2",
        ID + "massnahme/m1-1-1-1",
        ID + "massnahme/m1-1-1-2",
        ID + "massnahme/m1-1-1-10",
    }
    for gone in out["geloescht"]:
        assert not probe.store.outgoing(G, [ox.NamedNode(gone)])
        assert not probe.store.incoming(G, [ox.NamedNode(gone)])
    assert probe.store.outgoing(G, [ox.NamedNode(ID + "indikator/i1-1-1-1")])


def test_cascade_keeps_a_measure_that_has_another_objective(probe: WritePath) -> None:
    out = res.delete(probe, BASE, "probe", KINDS["handlungsziele"], "hz1-1-2", None, cascade=True)
    assert ID + "massnahme/m1-1-1-2" in out["geloescht"]
    assert ID + "massnahme/m1-1-1-10" not in out["geloescht"]
    kept = res.load(probe.store, BASE, "probe", M, "m1-1-1-10").json()
    assert kept["handlungsziele"] == [ID + "handlungsziel/hz1-1-1"]


def test_deleting_the_lead_of_a_measure_is_refused_by_the_shapes(probe: WritePath) -> None:
    before = quads(probe.store)
    with pytest.raises(ValidationFailed):
        res.delete(probe, BASE, "probe", KINDS["akteure"], "vhs", None, cascade=True)
    assert quads(probe.store) == before


def test_unknown_resource_and_dataset_are_not_found(probe: WritePath) -> None:
    with pytest.raises(NotFound):
        res.load(probe.store, BASE, "probe", M, "gibt-es-nicht")
    with pytest.raises(NotFound):
        res.load(probe.store, BASE, "probe", KINDS["leitziele"], "m1-1-1-1")
    with pytest.raises(NotFound):
        res.load(probe.store, BASE, "nirgendwo", M, "m1-1-1-1")


def test_list_sorts_codes_naturally_and_pages(probe: WritePath) -> None:
    items, total = res.list_resources(probe.store, BASE, "probe", M, res.Filters(), "code", 2, 0)
    assert total == 3
    assert [r.json()["code"] for r in items] == ["M1.1.1.1", "M1.1.1.2"]
    items, _ = res.list_resources(probe.store, BASE, "probe", M, res.Filters(), "code", 2, 2)
    assert [r.json()["code"] for r in items] == ["M1.1.1.10"]
    items, _ = res.list_resources(probe.store, BASE, "probe", M, res.Filters(), "-label", 5, 0)
    assert [r.json()["label"]["de"] for r in items] == ["Straßenfest der Sprachen", "Sprachkurse am Abend", "Lernpaten"]


def test_list_filters_by_field_actor_status_and_type(probe: WritePath) -> None:
    def codes(kind: str, **filters: str) -> list[str]:
        items, _ = res.list_resources(probe.store, BASE, "probe", KINDS[kind], res.Filters(**filters), "code", 50, 0)
        return [r.json().get("code") or r.slug for r in items]

    assert codes("massnahmen", handlungsfeld="sprache") == ["M1.1.1.1", "M1.1.1.2", "M1.1.1.10"]
    assert codes("massnahmen", handlungsfeld="wohnen") == []
    assert codes("massnahmen", akteur="kita-traeger") == ["M1.1.1.1", "M1.1.1.10"]
    assert codes("massnahmen", status="laufend") == ["M1.1.1.1", "M1.1.1.2"]
    assert codes("akteure", typ="Netzwerk") == ["netzwerk-sprache"]
    assert codes("indikatoren", handlungsfeld=ID + "handlungsfeld/sprache") == ["I1.1.1.1"]
    assert codes("handlungsziele", verweist_auf="indikator/i1-1-1-1") == ["HZ1.1.1"]
    with pytest.raises(res.InvalidFilter):
        codes("massnahmen", status="irgendwie")
    with pytest.raises(res.InvalidFilter):
        codes("stellen", handlungsfeld="sprache")
