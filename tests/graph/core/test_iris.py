"""One prefix map (:data:`integrationsgraph.graph.core.iris.PREFIXES`): no module keeps a map of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import integrationsgraph
from integrationsgraph.graph.core.iris import PREFIXES, curie, expand, sparql_prefixes

PACKAGE = Path(integrationsgraph.__file__).parent
HOME = PACKAGE / "graph" / "core" / "iris.py"
SPARQL_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)\s*:\s*<([^>]*)>", re.IGNORECASE)


def modules() -> list[Path]:
    """Every module of the package (``graph`` and ``api`` are links in a checkout: followed once)."""
    found = {p.resolve(): p for p in PACKAGE.rglob("*.py")}
    for room in ("graph", "api"):
        found.update({p.resolve(): p for p in (PACKAGE / room).resolve().rglob("*.py")})
    return sorted(p for p in found if p != HOME.resolve())


def namespace_like(value: ast.expr) -> bool:
    """An IRI written out (``"http://…"``) or a namespace constant (``SKOS``), not a file format (``"rdf": …``)."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and "://" in value.value
    return isinstance(value, ast.Name) and value.id.isupper()


def own_maps(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, prefix) of every entry ``"skos": <namespace>`` in a dict literal whose key is a prefix of the one
    map, and of every ``PREFIX skos: <…>`` written into a string."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in PREFIXES and namespace_like(value):
                    out.append((key.lineno, str(key.value)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out += [(node.lineno, m.group(1)) for m in SPARQL_PREFIX.finditer(node.value) if m.group(1) in PREFIXES]
    return out


def test_no_module_defines_its_own_map_of_the_shared_prefixes() -> None:
    found = [
        f"{path.relative_to(path.parents[2])}:{line}: {prefix}"
        for path in modules()
        for line, prefix in own_maps(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert modules(), "no modules found"
    assert found == [], "take these from integrationsgraph.graph.core.iris.PREFIXES:\n" + "\n".join(found)


def test_the_check_finds_a_map_of_its_own() -> None:
    text = 'NS = {"skos": "http://www.w3.org/2004/02/skos/core#", "org": ORG, "void": VOID}\nQ = "PREFIX dct: <x>"'
    assert own_maps(ast.parse(text)) == [(1, "skos"), (1, "org"), (2, "dct")]
    assert own_maps(ast.parse('EXTRA = {**PREFIXES, "void": "http://rdfs.org/ns/void#"}')) == []
    assert own_maps(ast.parse('FORMATS = {"rdf": "application/rdf+xml", "owl": ox.RdfFormat.RDF_XML}')) == []


def test_short_names_and_prefix_lines_come_from_the_one_map() -> None:
    assert curie(PREFIXES["skos"] + "notation") == "skos:notation"
    assert expand("kio:Massnahme") == PREFIXES["kio"] + "Massnahme"
    assert sparql_prefixes("kio", "skos") == f"PREFIX kio: <{PREFIXES['kio']}>\nPREFIX skos: <{PREFIXES['skos']}>\n"
