"""What a write would do, by entity (graph/write/preview.py): added, changed, removed, by kind and label."""

from __future__ import annotations

import pyoxigraph as ox

from integrationsgraph.graph.write.preview import preview, shrinks_too_much

ID = "https://w3id.org/integrationsgraph/id/test/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
STATUS = ox.NamedNode(KIO + "umsetzungsstatus")


def thing(local: str, kind: str, label: str, *more: tuple[ox.NamedNode, ox.NamedNode | ox.Literal]) -> set[ox.Triple]:
    s = ox.NamedNode(ID + local)
    return {
        ox.Triple(s, TYPE, ox.NamedNode(KIO + kind)),
        ox.Triple(s, LABEL, ox.Literal(label, language="de")),
        *(ox.Triple(s, p, o) for p, o in more),
    }


def test_added_changed_and_removed_by_kind_and_label() -> None:
    kept = thing("massnahme/m1", "Massnahme", "Sprachcafé", (STATUS, ox.NamedNode(KIO + "geplant")))
    gone = thing("akteur/a1", "Akteur", "Verein (fiktiv)")
    current = kept | gone | thing("massnahme/m2", "Massnahme", "Lotsen")
    new = thing("massnahme/m1", "Massnahme", "Sprachcafé", (STATUS, ox.NamedNode(KIO + "laufend")))
    wanted = new | thing("massnahme/m2", "Massnahme", "Lotsen") | thing("indikator/i1", "Indikator", "Quote")
    p = preview(current, wanted)
    assert [(e.kind, e.label) for e in p.added] == [("Indikator", "Quote")]
    assert [(e.kind, e.label) for e in p.changed] == [("Massnahme", "Sprachcafé")]
    assert [(e.kind, e.label, e.iri) for e in p.removed] == [("Akteur", "Verein (fiktiv)", ID + "akteur/a1")]
    assert p.by_kind() == {
        "Akteur": {"added": 0, "changed": 0, "removed": 1},
        "Indikator": {"added": 1, "changed": 0, "removed": 0},
        "Massnahme": {"added": 0, "changed": 1, "removed": 0},
    }
    assert p.to_dict()["entities"]["removed"] == [
        {"iri": ID + "akteur/a1", "label": "Verein (fiktiv)", "kind": "Akteur"}
    ]


def test_a_renamed_entity_is_shown_by_its_new_name_and_nothing_else_is_touched() -> None:
    current = thing("feld/f1", "Handlungsfeld", "Sprache") | thing("feld/f2", "Handlungsfeld", "Arbeit")
    wanted = thing("feld/f1", "Handlungsfeld", "Sprache und Bildung") | thing("feld/f2", "Handlungsfeld", "Arbeit")
    p = preview(current, wanted)
    assert [e.label for e in p.changed] == ["Sprache und Bildung"] and not p.added and not p.removed
    assert preview(current, current).to_dict()["by_kind"] == {}


def test_an_untyped_unlabelled_node_is_still_named() -> None:
    s = ox.NamedNode(ID + "ding/x")
    p = preview(set(), {ox.Triple(s, STATUS, ox.Literal("1"))})
    assert [(e.kind, e.label) for e in p.added] == [("Ressource", "x")]


def test_the_guard_is_more_than_half() -> None:
    assert not shrinks_too_much(100, 50)
    assert shrinks_too_much(100, 51)
    assert not shrinks_too_much(0, 0)  # a new dataset
