"""Parsing names the culprit; terms move between pyoxigraph and rdflib without the xsd:string trap."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import ParseError
from integrationsgraph.graph.rdf.io import from_rdflib, parse_bytes, parse_file, rdf_files, rdf_format, to_rdflib
from integrationsgraph.graph.write.load import load_files
from integrationsgraph.graph.write.path import WritePath

DATA = Path(__file__).parents[2] / "data" / "core"


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


# ---------------------------------------------------------------------------------------------------------
# RDF/XML with DTD entities (issue 12, part 5): Oxigraph expands them (also nested, and in a DOCTYPE after the
# root element), so a 1 KB body becomes a 30 MB literal, and billion laughs aborts the process. Refused.
# ---------------------------------------------------------------------------------------------------------

RDF_BODY = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">\n'
    '<rdf:Description rdf:about="http://example.org/s"><e:p>{}</e:p></rdf:Description>\n</rdf:RDF>\n'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY a "'
    + "ha" * 50
    + '">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">\n' for i in range(6))
    + "]>\n"
    + RDF_BODY.format("&g;")
)
"""Billion laughs, 7 levels: 10⁶ × 100 characters (100 MB) if expanded (the full bomb kills the process)."""
ENTITY_VARIANTS = {
    "plain": '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "Musterstadt">]>\n' + RDF_BODY.format("&a;"),
    "after a comment and a PI": '<?xml version="1.0"?>\n<!-- Kommentar -->\n<?pi x?>\n'
    '<!DOCTYPE rdf:RDF [<!ENTITY a "Musterstadt">]>\n' + RDF_BODY.format("&a;"),
    "tab after ENTITY": '<!DOCTYPE rdf:RDF [<!ENTITY\ta "Musterstadt">]>\n' + RDF_BODY.format("&a;"),
    "DOCTYPE after the root element": RDF_BODY.replace(
        "<e:p>", '\n<!DOCTYPE x [<!ENTITY a "Musterstadt">]><e:p>'
    ).format("&a;"),
    "parameter entity": '<!DOCTYPE rdf:RDF [<!ENTITY % p "x">]>\n' + RDF_BODY.format("y"),
    "billion laughs": LAUGHS,
}


@pytest.mark.parametrize("name", list(ENTITY_VARIANTS))
def test_rdf_xml_with_dtd_entities_is_refused(name: str) -> None:
    data = ENTITY_VARIANTS[name].encode()
    with pytest.raises(ParseError) as info:
        parse_bytes(data, ox.RdfFormat.RDF_XML, "Anfrage")
    assert "Entität" in str(info.value) and "Anfrage, Zeile" in str(info.value)
    assert info.value.line == data[: data.find(b"ENTITY")].count(b"\n") + 1


def test_rdf_xml_in_utf16_is_refused_before_any_entity_is_expanded() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "x">]>\n' + RDF_BODY.format("&a;")
    with pytest.raises(ParseError, match="UTF-8"):
        parse_bytes(text.encode("utf-16"), ox.RdfFormat.RDF_XML, "Anfrage")


def test_rdf_xml_file_with_entities_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "lachen.rdf"
    path.write_text(LAUGHS)
    with pytest.raises(ParseError) as info:
        parse_file(path)
    assert info.value.line == 3 and f"{path}, Zeile 3" in str(info.value)


def test_load_refuses_rdf_xml_with_entities_and_writes_nothing(tmp_path: Path, writer: WritePath) -> None:
    path = tmp_path / "konzept.owl"
    path.write_text(ENTITY_VARIANTS["plain"])
    with pytest.raises(ParseError, match="Entität"):
        load_files(writer, [tmp_path], graph_iri("probe"))
    assert writer.store.count(graph_iri("probe")) == 0


def test_rdf_xml_without_entities_still_parses() -> None:
    # The five predefined entities and character references are not declarations.
    quads = parse_bytes(RDF_BODY.format("&lt;Stadt&gt; &amp; &#x4C;and").encode(), ox.RdfFormat.RDF_XML)
    assert [q.object.value for q in quads] == ["<Stadt> & Land"]
