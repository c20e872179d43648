"""Static linked data: one HTML page and one Turtle file per resource, linked relatively.

A resource ``{base_iri}{dataset}/{kind}/{slug}`` gets ``id/{dataset}/{kind}/{slug}.html`` and ``.ttl``; its
fragment resources (``…#zeitraum``) are sections of the same page. Links go only to pages that exist (or to
the ontology's documentation); any other IRI is shown as text, so every link resolves inside the folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_NS
from integrationsgraph.graph.core.iris import PREFIXES, SKOS, curie
from integrationsgraph.graph.publish.tables import RDF_TYPE, GraphIndex

ONTOLOGY_PAGE = "ontology/index.html"
INCOMING_LIMIT = 100
FIRST = [RDF_TYPE, f"{SKOS}prefLabel", f"{SKOS}notation"]
KIO_FIKTIV = f"{ONTOLOGY_NS}fiktiv"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
BOOLEANS = {"true": "ja", "1": "ja", "false": "nein", "0": "nein"}


def relative(target: str, from_page: str) -> str:
    """The relative link from the page at ``from_page`` to ``target`` (both paths below the site's root)."""
    target, hash_, frag = target.partition("#")
    to, here = target.split("/"), from_page.split("/")[:-1]
    common = 0
    while common < len(here) and common < len(to) - 1 and here[common] == to[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) + hash_ + frag


def resource_path(iri: str, base_iri: str) -> str | None:
    """``id/…`` (without suffix) for a resource under the base IRI; ``None`` for any other IRI."""
    if not iri.startswith(base_iri):
        return None
    rest = iri[len(base_iri) :].split("#", 1)[0]
    parts = [re.sub(r"[^A-Za-z0-9._~-]", "_", p) for p in rest.split("/") if p not in ("", ".", "..")]
    return "id/" + "/".join(parts) if parts else None


@dataclass
class Value:
    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    via: str = ""


@dataclass
class Row:
    label: str
    iri: str
    href: str | None
    values: list[Value]


@dataclass
class Block:
    iri: str
    anchor: str | None
    title: str
    rows: list[Row] = field(default_factory=list)


class Linker:
    """Knows which pages exist and makes links between them."""

    def __init__(
        self,
        base_iri: str,
        documents: Iterable[str],
        anchors: set[str],
        labels: dict[str, str],
        terms: set[str] | None = None,
    ) -> None:
        self.base_iri = base_iri
        self.documents = set(documents)
        self.anchors = anchors
        self.labels = labels
        self.terms = terms if terms is not None else {i for i in labels if i.startswith(ONTOLOGY_NS)}
        """The ontology terms the documentation has a section for."""

    def page(self, iri: str) -> str | None:
        """The page (``id/….html``, with ``#fragment`` when the section exists) of an IRI, if there is one."""
        doc = iri.split("#", 1)[0]
        if doc not in self.documents:
            return None
        path = resource_path(doc, self.base_iri)
        if path is None:
            return None
        frag = iri.split("#", 1)[1] if "#" in iri and iri in self.anchors else None
        return f"{path}.html" + (f"#{frag}" if frag else "")

    def href(self, iri: str, from_page: str) -> str | None:
        page = self.page(iri)
        if page is not None:
            return relative(page, from_page)
        if iri in self.terms:
            return relative(f"{ONTOLOGY_PAGE}#{iri[len(ONTOLOGY_NS) :]}", from_page)
        return None


def documents(indexes: Iterable[GraphIndex], base_iri: str) -> dict[str, list[ox.NamedNode]]:
    """Document IRI → its subjects (the resource itself first, then its fragments)."""
    out: dict[str, set[ox.NamedNode]] = {}
    for index in indexes:
        for s in index.by_subject:
            if isinstance(s, ox.NamedNode) and resource_path(s.value, base_iri) is not None:
                out.setdefault(s.value.split("#", 1)[0], set()).add(s)
    return {doc: sorted(subjects, key=lambda n: ("#" in n.value, n.value)) for doc, subjects in out.items()}


def _value(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, index: GraphIndex, linker: Linker, page: str
) -> Value:
    if isinstance(term, ox.Literal):
        if term.datatype.value == XSD_BOOLEAN:
            return Value(BOOLEANS.get(term.value, term.value))
        return Value(term.value, lang=term.language)
    if isinstance(term, ox.NamedNode):
        href = linker.href(term.value, page)
        label = index.label(term) if (href or term.value in linker.labels) else curie(term.value)
        return Value(label, href=href, iri=term.value)
    return Value(str(term))


def _rows(subject: ox.NamedNode, index: GraphIndex, linker: Linker, page: str) -> list[Row]:
    by_pred: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]] = {}
    for t in index.by_subject.get(subject, []):
        by_pred.setdefault(t.predicate.value, []).append(t.object)
    order = sorted(
        by_pred, key=lambda p: (FIRST.index(p) if p in FIRST else len(FIRST), (linker.labels.get(p) or p).casefold())
    )
    rows = []
    for p in order:
        values = sorted((_value(o, index, linker, page) for o in by_pred[p]), key=lambda v: (v.lang or "", v.text))
        rows.append(Row(linker.labels.get(p, curie(p)), p, linker.href(p, page), values))
    return rows


def render_resource(
    doc: str,
    subjects: list[ox.NamedNode],
    index: GraphIndex,
    incoming_index: Iterable[GraphIndex],
    linker: Linker,
) -> tuple[str, dict[str, Any], bytes]:
    """The page's path, the template context of its page and its Turtle."""
    base = resource_path(doc, linker.base_iri)
    assert base is not None
    page = f"{base}.html"
    blocks = []
    for s in subjects:
        anchor = s.value.split("#", 1)[1] if "#" in s.value else None
        blocks.append(Block(s.value, anchor, index.label(s), _rows(s, index, linker, page)))
    own = set(subjects)
    incoming: list[Value] = []
    total = 0
    for other in incoming_index:
        for s in subjects:
            for t in other.by_object.get(s, []):
                if t.subject in own or not isinstance(t.subject, ox.NamedNode):
                    continue
                total += 1
                if len(incoming) < INCOMING_LIMIT:
                    v = _value(t.subject, other, linker, page)
                    v.via = linker.labels.get(t.predicate.value, curie(t.predicate.value))
                    incoming.append(v)
    main = ox.NamedNode(doc)
    fictional = any(
        isinstance(v, ox.Literal) and v.value in ("true", "1") for s in subjects for v in index.values(s, KIO_FIKTIV)
    )
    triples = [t for s in subjects for t in index.by_subject.get(s, [])]
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert turtle is not None
    context = {
        "title": index.label(main) if main in index.by_subject else blocks[0].title,
        "iri": doc,
        "blocks": blocks,
        "incoming": sorted(incoming, key=lambda v: (v.via, v.text)),
        "more_incoming": total - len(incoming),
        "fictional": fictional,
        "rdf_href": posixpath.basename(base) + ".ttl",
        "rdf_name": posixpath.basename(base) + ".ttl",
    }
    return page, context, turtle
