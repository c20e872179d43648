"""Council documents from OParl into a dataset: fetch everything first, keep the papers that match the dataset's
fields, suggest (never set) links to the measures and goals a paper names, and write it all as ONE validated
change through the write path — or nothing at all.

The filter's default words are the words of the dataset's Handlungsfeld labels plus „Integration“ and „Migration“.
A paper whose name contains a measure's or goal's code (``M1.1.1.1``, ``HZ1.1``, ``LZ1``) or its exact title gets
``kio:vorgeschlageneVerknuepfung`` to it: a suggestion for a person to confirm, not the link itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import KIO, SKOS
from integrationsgraph.graph.oparl.client import Client, OParlError, expect_type, text_of
from integrationsgraph.graph.oparl.model import (
    Minter,
    Paper,
    body_triples,
    organization_triples,
    owned,
    paper_triples,
)
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath

ALWAYS = ("Integration", "Migration")
STOP_WORDS = frozenset({"und", "oder", "der", "die", "das", "für", "von", "mit", "im", "in", "zur", "zum", "des"})
GENERIC = frozenset(
    {"verwaltung", "stadt", "gemeinde", "kommune", "antrag", "anfrage", "bericht", "mitteilung", "vorlage"}
)
"""Words of field labels that stand in nearly every council paper („Mitteilung der Verwaltung“): not filter words."""
MIN_WORD = 4
CODE = re.compile(r"(?<![\w.])((?:LZ|HZ|M)\d+(?:\.\d+)*)(?![\w])")
MIN_TITLE = 8
"""A title shorter than this is not looked for in paper names (too many accidental matches)."""


@dataclass
class Fetched:
    """What one run read from the server."""

    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    papers: list[Paper] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    """The URLs of papers the server reports as deleted (``"deleted": true``, listed with ``modified_since``)."""
    requests: int = 0


@dataclass
class Result:
    """What one run did (the command line prints it)."""

    requests: int
    papers_read: int
    papers_kept: int
    suggestions: int
    added: int
    words: list[str]
    removed: int = 0
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(reference or URL, name) of every paper written."""


def field_words(store: Store, graph: str) -> list[str]:
    """The words of the dataset's Handlungsfeld labels (German), then „Integration“ and „Migration“."""
    rows = store.query(
        f"SELECT ?label WHERE {{ ?f a <{KIO}Handlungsfeld> ; <{SKOS}prefLabel> ?label }}", default_graphs=[graph]
    )
    words: list[str] = []
    for row in rows:  # type: ignore[union-attr]
        label = row["label"]
        if isinstance(label, ox.Literal) and label.language in (None, "de"):
            for word in re.findall(r"\w+", label.value):
                if len(word) >= MIN_WORD and word.lower() not in STOP_WORDS | GENERIC and word not in words:
                    words.append(word)
    return sorted(words) + [w for w in ALWAYS if w not in words]


def matches(paper: Paper, words: Iterable[str]) -> bool:
    """Whether any word occurs in the paper's name or keywords (case ignored; „Integrationsrat“ has „Integration“)."""
    haystack = " ".join([paper.name, *paper.keywords]).casefold()
    return any(word.casefold() in haystack for word in words)


def targets(store: Store, graph: str) -> list[tuple[ox.NamedNode, str | None, str | None]]:
    """(node, code, German title) of every Leitziel, Handlungsziel and Maßnahme of the dataset."""
    rows = store.query(
        f"SELECT ?node ?code ?title WHERE {{ VALUES ?class {{ <{KIO}Leitziel> <{KIO}Handlungsziel> <{KIO}Massnahme> }} "
        f"?node a ?class OPTIONAL {{ ?node <{SKOS}notation> ?code }} "
        f"OPTIONAL {{ ?node <{SKOS}prefLabel> ?title FILTER(LANG(?title) = 'de') }} }}",
        default_graphs=[graph],
    )
    out = []
    for row in rows:  # type: ignore[union-attr]
        node, code, title = row["node"], row["code"], row["title"]
        if isinstance(node, ox.NamedNode):
            out.append(
                (
                    node,
                    code.value if isinstance(code, ox.Literal) else None,
                    title.value if isinstance(title, ox.Literal) else None,
                )
            )
    return out


def suggest(name: str, candidates: list[tuple[ox.NamedNode, str | None, str | None]]) -> list[ox.NamedNode]:
    """The measures and goals whose code or exact title the paper's name contains."""
    codes = set(CODE.findall(name))
    folded = name.casefold()
    found: list[ox.NamedNode] = []
    for node, code, title in candidates:
        by_code = code is not None and code in codes
        by_title = title is not None and len(title) >= MIN_TITLE and title.casefold() in folded
        if (by_code or by_title) and node not in found:
            found.append(node)
    return sorted(found, key=lambda n: n.value)


def since_param(since: str) -> str:
    """``2024-05-01`` → ``2024-05-01T00:00:00+00:00`` (OParl's filters want a full date-time)."""
    try:
        if len(since) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.UTC).isoformat()
        return dt.datetime.fromisoformat(since).isoformat()
    except ValueError:
        raise OParlError(
            f"„{since}“ ist kein Datum (JJJJ-MM-TT) und kein Zeitpunkt (JJJJ-MM-TTThh:mm:ss+01:00)."
        ) from None


def fetch(client: Client, since: str | None = None) -> Fetched:
    """System → its bodies → each body's organisations and papers (only those modified since ``since``)."""
    out = Fetched()
    system = client.get_object(client.start, "System")
    bodies_url = text_of(system, "body")
    if bodies_url is None:
        raise OParlError(f"Das OParl-System {client.start} nennt keine Liste seiner Körperschaften („body“).")
    for body in client.pages(bodies_url):
        body_url = text_of(body, "id") or bodies_url
        expect_type(body, "Body", body_url)
        out.bodies[body_url] = body
        org_list = text_of(body, "organization")
        if org_list is not None:
            for org in client.pages(org_list):
                org_url = text_of(org, "id")
                if org_url is not None:
                    out.organizations[org_url] = expect_type(org, "Organization", org_url)
        paper_list = text_of(body, "paper")
        if paper_list is None:
            continue
        params = {"modified_since": since_param(since)} if since else None
        for obj in client.pages(paper_list, params):
            paper_url = text_of(obj, "id") or paper_list
            paper = Paper.from_json(expect_type(obj, "Paper", paper_url))
            if paper is not None:
                out.papers.append(paper)
            elif obj.get("deleted") is True and text_of(obj, "id") is not None:
                out.deleted.append(paper_url)
    out.requests = client.requests
    return out


def is_fictional(store: Store, graph: str) -> bool:
    """Whether the dataset is fictional (its subjects say ``kio:fiktiv true``); imported subjects say so too."""
    result = store.query(f"ASK {{ ?s <{KIO}fiktiv> true }}", default_graphs=[graph])
    return bool(result)


def import_papers(
    store: Store,
    writer: WritePath,
    fetched: Fetched,
    *,
    dataset: str,
    base_iri: str,
    words: list[str] | None = None,
    today: dt.date | None = None,
) -> Result:
    """Write the matching papers of ``fetched`` into ``dataset`` and remove the deleted ones (one change); nothing
    if nothing matches."""
    graph = graph_iri(dataset)
    if graph not in store.graphs():
        raise OParlError(f"Den Datensatz „{dataset}“ gibt es nicht. Bitte einen vorhandenen Datensatz angeben.")
    words = words or field_words(store, graph)
    kept = [p for p in fetched.papers if matches(p, words)]
    minter = Minter(base_iri, dataset, today or dt.date.today(), is_fictional(store, graph))
    candidates = targets(store, graph)
    add: list[ox.Triple] = []
    suggestions = 0
    bodies: set[str] = set()
    orgs: set[str] = set()
    for paper in kept:
        proposed = suggest(paper.name, candidates)
        suggestions += len(proposed)
        add += paper_triples(minter, paper, proposed, set(fetched.bodies), set(fetched.organizations))
        orgs.update(o for o in paper.organizations if o in fetched.organizations)
        if paper.body in fetched.bodies:
            bodies.add(paper.body)
    for url in sorted(bodies):
        add += body_triples(minter, fetched.bodies[url])
    for url in sorted(orgs):
        add += organization_triples(minter, url, fetched.organizations[url])
    result = Result(fetched.requests, len(fetched.papers), len(kept), suggestions, 0, words)
    result.kept = [(p.reference or p.url, p.name) for p in kept]
    subjects = {t.subject for t in add if isinstance(t.subject, ox.NamedNode)}
    subjects |= {minter.document(url) for url in fetched.deleted}  # what the server deleted goes here too
    counts = {"added": 0, "removed": 0}

    def build() -> list[Change]:
        old = [t for t in store.outgoing(graph, subjects) if owned(t)]
        new, gone = sorted(set(add) - set(old), key=str), sorted(set(old) - set(add), key=str)
        counts.update(added=len(new), removed=len(gone))
        return [Change(graph, add=new, remove=gone)] if new or gone else []

    if subjects:
        writer.transact(build)
    result.added, result.removed = counts["added"], counts["removed"]
    return result
