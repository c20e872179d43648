"""The guard reads SPARQL text as the grammar does: SERVICE and LOAD are refused wherever they could act."""

from __future__ import annotations

import pytest

from integrationsgraph.graph.sparql.guard import Refused, TooDeep, check, decode_escapes, depth, reaching_out
from tests.data.sparql.reach_out import HARMLESS, QUERIES, UPDATES

URL = "http://127.0.0.1:9/"


@pytest.mark.parametrize("text", QUERIES, ids=range(len(QUERIES)))
def test_every_query_variant_is_refused(text: str) -> None:
    with pytest.raises(Refused, match="ist auf diesem Endpunkt nicht erlaubt"):
        check(text.replace("{url}", URL), max_depth=100)


@pytest.mark.parametrize("text", UPDATES, ids=range(len(UPDATES)))
def test_every_update_variant_is_refused_with_the_update_hint(text: str) -> None:
    with pytest.raises(Refused, match="INSERT DATA"):
        check(text.replace("{url}", URL), max_depth=100, update=True)


@pytest.mark.parametrize("text", HARMLESS, ids=range(len(HARMLESS)))
def test_the_words_in_strings_iris_and_names_are_harmless(text: str) -> None:
    check(text.replace("{url}", URL), max_depth=100)


@pytest.mark.parametrize(
    "text",
    [
        # the trick: a scanner that takes "#" inside an IRI with an escape for a comment start
        "SELECT * { BIND(<http://x/\\u0041#> AS ?z) SERVICE <http://h/> { ?s ?p ?o } }",
        # a keyword spelt with an escape: only the decoded reading sees it
        "SELECT * { SERV\\u0049CE <http://h/> { ?s ?p ?o } }",
        # a comment in the decoded reading, a keyword in the written one (an escaped newline ends nothing)
        "SELECT * { ?s ?p ?o } #\\u000A\nLOAD <http://h/>",
        # a keyword inside an IRI whose end the decoded reading moves
        "SELECT * { BIND(<http://x/\\u003E SERVICE <http://h/> { ?s ?p ?o } }",
    ],
)
def test_a_keyword_either_reading_can_see_is_found(text: str) -> None:
    assert reaching_out(text) in {"SERVICE", "LOAD"}


def test_a_comment_with_the_word_is_refused_too() -> None:
    """Where a comment ends is what the attack fights over, so a word in a comment is not given the benefit."""
    assert reaching_out("SELECT * { ?s ?p ?o } # SERVICE is not used") == "SERVICE"


@pytest.mark.parametrize("escape", ["\\u00", "\\UZZZZZZZZ", "\\uD800", "\\U00110000"])
def test_an_escape_that_cannot_be_decoded_is_refused(escape: str) -> None:
    with pytest.raises(Refused, match="Escape-Folge"):
        check(f"SELECT * {{ BIND(<http://x/{escape}> AS ?x) }}", max_depth=100)


def test_escapes_decode_as_section_19_2_says() -> None:
    assert decode_escapes("<http://x/\\u0041\\U0001F600>") == "<http://x/A\U0001f600>"


def test_words_that_only_contain_the_keyword_are_not_keywords() -> None:
    assert reaching_out("SELECT ?SERVICEs ?loader { ?s <http://x/LOAD> ?DOWNLOAD }") is None


def test_depth_counts_brackets_outside_strings_iris_and_comments() -> None:
    assert depth('SELECT * { { ?s ?p "{{{{" } } # (((((') == 2
    assert depth("SELECT * { FILTER((1+(2))) }") == 4


def test_too_deep_is_refused_with_the_setting_named() -> None:
    text = "SELECT * " + "{ " * 101 + "?s ?p ?o" + " }" * 101
    check(text, max_depth=101)
    with pytest.raises(TooDeep, match=r"101 Ebenen tief verschachtelt; erlaubt sind 100 .*QUERY_MAX_DEPTH"):
        check(text, max_depth=100)


def test_a_deep_update_names_the_update() -> None:
    text = "DELETE WHERE " + "{ " * 50 + "?s ?p ?o" + " }" * 50
    with pytest.raises(TooDeep, match="Die Änderung ist 50 Ebenen"):
        check(text, max_depth=10, update=True)
