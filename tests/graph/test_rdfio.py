"""Parsing names the culprit; terms move between pyoxigraph and rdflib without the xsd:string trap."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.errors import ParseError
from graph.rdfio import from_rdflib, parse_file, rdf_files, rdf_format, to_rdflib

DATA = Path(__file__).parents[1] / "data" / "core"


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_file(DATA / "kaputt.ttl")
    assert info.value.line == 3
    assert "kaputt.ttl, Zeile 3" in str(info.value)


def test_unknown_format_is_named() -> None:
    with pytest.raises(ParseError, match="Unbekanntes RDF-Format 'docx'"):
        rdf_format("konzept.docx")


def test_formats_from_suffix() -> None:
    assert rdf_format("a.ttl") == ox.RdfFormat.TURTLE
    assert rdf_format("a.jsonld") == ox.RdfFormat.JSON_LD
    assert rdf_format("nq") == ox.RdfFormat.N_QUADS


def test_folder_expands_to_rdf_files_sorted() -> None:
    files = rdf_files([DATA])
    assert [f.name for f in files] == sorted(f.name for f in files)
    assert DATA / "kette.ttl" in files


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="nicht gefunden"):
        rdf_files([tmp_path / "fehlt.ttl"])


def test_plain_strings_compare_equal_to_rdflib_parsed_ones() -> None:
    ox_literal = ox.Literal("geplant")  # Oxigraph types it xsd:string
    assert to_rdflib(ox_literal) == rdflib.Literal("geplant")


def test_round_trip_keeps_language_and_datatype() -> None:
    for term in (
        ox.Literal("Sprache", language="de"),
        ox.Literal("2017-06-27", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ox.NamedNode("https://w3id.org/integrationsgraph/id/rheine/handlungsfeld/wohnen"),
    ):
        assert from_rdflib(to_rdflib(term)) == term
