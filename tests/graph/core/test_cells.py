"""The one rule for cells a spreadsheet could run (``graph.core.cells``): what gets a quote, and the way back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrationsgraph.graph.core.cells import TRIGGERS, neutralise, restore


@pytest.mark.parametrize("first", TRIGGERS)
def test_a_text_that_starts_with_a_formula_character_gets_a_quote(first: str) -> None:
    text = f'{first}HYPERLINK("http://example.org")'
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize(
    "text",
    ["=Ziel", "-5 %", "+49 5971 939-0", "@SUM(A1)", "=cmd|' /C calc'!A0", "-", "+", "\t-3", "\r=1", "-1+2", "-0x1F"],
)
def test_formulas_and_texts_that_only_look_like_numbers_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("number", ["-5", "+5", "-1.234,5", "-12.5", "-.5", "-2.5E3", "+1e-7", "-INF", "-0"])
def test_numbers_stay_numbers(number: str) -> None:
    assert neutralise(number) == number


@pytest.mark.parametrize("text", ["Ziel", "", "'s-Hertogenbosch", "'", "a=b", " =1+1", "5-3", "'-5"])
def test_other_text_is_left_alone_both_ways(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


def test_a_text_with_its_own_quote_before_a_formula_character_round_trips() -> None:
    assert neutralise("'=x") == "''=x"
    assert restore("''=x") == "'=x"
    assert restore("'=x") == "=x"


@given(st.text(alphabet=st.sampled_from(["'", "=", "-", "+", "@", "\t", "\r", "1", ",", "E", "a", " "]), max_size=8))
def test_restore_undoes_neutralise_for_every_text(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(TRIGGERS) or safe == text  # only numbers keep a leading sign


@given(st.text(max_size=20))
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text
