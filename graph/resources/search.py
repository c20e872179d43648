"""German-aware full-text search over labels and descriptions, as an in-memory index built from the store.

Words are case-folded, umlauts and ß spelled out (``ä→ae``, ``ß→ss``, so both spellings meet) and cut
to their stem by the Snowball German stemmer; a query word matches a word of a resource when their
stems are equal, when one stem begins with the other (``sprachforder`` ~ ``sprachford`` from
„sprachförderliche“), or when the query stem sits inside a compound (``kitasprachforder``).

The index holds one entry per resource with a label; building it reads every label and description
once (one SPARQL query); companion graphs with personal data (``…/privat``) are left out. It is
rebuilt after writes through the REST API and when older than ``max_age`` seconds.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import time
from dataclasses import dataclass, field

import pyoxigraph as ox
import snowballstemmer  # type: ignore[import-untyped]

from integrationsgraph.graph.core.config import dataset_name
from integrationsgraph.graph.core.iris import sparql_prefixes
from integrationsgraph.graph.store.embedded import Store

_STEMMER = snowballstemmer.stemmer("german")
_SPELL = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"\w+", re.UNICODE)
MIN_PREFIX = 5
"""Shortest stem that may match by prefix; shorter stems (``kur``) must match exactly."""
MIN_INFIX = 6
"""Shortest query stem that may match inside a compound word."""

TEXT_QUERY = (
    sparql_prefixes("skos", "dct", "kio")
    + """SELECT ?g ?s ?p ?text ?type ?fiktiv WHERE {
  GRAPH ?g {
    ?s skos:prefLabel ?label .
    VALUES ?p { skos:prefLabel skos:altLabel dct:description skos:definition dct:title }
    ?s ?p ?text .
    OPTIONAL { ?s a ?type }
    OPTIONAL { ?s kio:fiktiv ?fiktiv }
  }
  FILTER (?g NOT IN (<https://w3id.org/integrationsgraph/graph/ontology>,
                     <https://w3id.org/integrationsgraph/graph/shapes>) && !STRENDS(STR(?g), "/privat"))
}
"""
)
WEIGHTS = {"prefLabel": 3.0, "altLabel": 2.0, "title": 2.0, "definition": 1.0, "description": 1.0}


def normalise(word: str) -> str:
    """Case-folded, umlauts and ß spelled out: ``Straße`` → ``strasse``, ``Förderung`` → ``foerderung``."""
    return word.casefold().translate(_SPELL)


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The German stem of one word, the same for ``Sprachförderung`` and ``Sprachfoerderung`` (cached)."""
    return str(_STEMMER.stemWord(normalise(word)))


def stems(text: str) -> list[str]:
    """The stems of every word in ``text``."""
    return [stem(w) for w in _WORD.findall(text)]


@dataclass
class Doc:
    """One resource in the index."""

    iri: str
    dataset: str
    labels: dict[str, str] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)
    fictional: bool = False
    text: str = ""
    weights: dict[str, float] = field(default_factory=dict)


@dataclass
class Hit:
    """A search result."""

    iri: str
    dataset: str
    label: str
    label_en: str | None
    types: list[str]
    fictional: bool
    score: float
    snippet: str


class SearchIndex:
    """Stems → resources, with a sorted vocabulary for prefix matching."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self.built = time.monotonic()
        self.postings: dict[str, dict[int, float]] = {}
        for i, doc in enumerate(docs):
            for s, w in doc.weights.items():
                self.postings.setdefault(s, {})[i] = w
        self.vocabulary = sorted(self.postings)

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """Read every label and description of every dataset graph."""
        rows = store.query(TEXT_QUERY)
        assert isinstance(rows, ox.QuerySolutions)
        by_iri: dict[tuple[str, str], Doc] = {}
        seen: set[tuple[str, str, str, str]] = set()
        for row in rows:
            g, s, p, text = row["g"], row["s"], row["p"], row["text"]
            if not (isinstance(g, ox.NamedNode) and isinstance(s, ox.NamedNode)):
                continue
            if not (isinstance(p, ox.NamedNode) and isinstance(text, ox.Literal)):
                continue
            doc = by_iri.setdefault((g.value, s.value), Doc(s.value, dataset_name(g.value)))
            if isinstance(row["type"], ox.NamedNode):
                doc.types.add(row["type"].value)
            fiktiv = row["fiktiv"]
            doc.fictional = doc.fictional or (isinstance(fiktiv, ox.Literal) and fiktiv.value == "true")
            key = (g.value, s.value, p.value, str(text))
            if key in seen:
                continue
            seen.add(key)
            local = p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if local == "prefLabel":
                doc.labels.setdefault(text.language or "de", text.value)
            if local in ("description", "definition") and not doc.text:
                doc.text = text.value
            for st in stems(text.value):
                doc.weights[st] = max(doc.weights.get(st, 0.0), WEIGHTS.get(local, 1.0))
        return cls(list(by_iri.values()))

    def _matches(self, query_stem: str) -> dict[str, float]:
        """Vocabulary stems that match ``query_stem``, with how well (1 exact … 0.4 inside a compound)."""
        out: dict[str, float] = {}
        if query_stem in self.postings:
            out[query_stem] = 1.0
        if len(query_stem) >= MIN_PREFIX:
            i = bisect.bisect_left(self.vocabulary, query_stem)
            while i < len(self.vocabulary) and self.vocabulary[i].startswith(query_stem):
                out.setdefault(self.vocabulary[i], 0.7)
                i += 1
            for n in range(MIN_PREFIX, len(query_stem)):
                if query_stem[:n] in self.postings:
                    out.setdefault(query_stem[:n], 0.7)
        if len(query_stem) >= MIN_INFIX:
            for word in self.vocabulary:
                if query_stem in word:
                    out.setdefault(word, 0.4)
        return out

    def search(
        self, query: str, *, dataset: str | None = None, types: set[str] | None = None, limit: int = 20
    ) -> list[Hit]:
        """Resources matching every word of ``query`` (best first)."""
        words = [s for s in dict.fromkeys(stems(query)) if s]
        if not words:
            return []
        scores: dict[int, float] | None = None
        for w in words:
            word_scores: dict[int, float] = {}
            for vocab_stem, quality in self._matches(w).items():
                idf = math.log(1 + len(self.docs) / len(self.postings[vocab_stem]))
                for i, weight in self.postings[vocab_stem].items():
                    word_scores[i] = max(word_scores.get(i, 0.0), quality * weight * idf)
            if scores is None:
                scores = word_scores
            else:
                scores = {i: s + word_scores[i] for i, s in scores.items() if i in word_scores}
        hits = []
        for i, score in (scores or {}).items():
            doc = self.docs[i]
            if dataset is not None and doc.dataset != dataset:
                continue
            if types is not None and not (doc.types & types):
                continue
            label = doc.labels.get("de") or next(iter(doc.labels.values()), doc.iri)
            hits.append(
                Hit(
                    doc.iri,
                    doc.dataset,
                    label,
                    doc.labels.get("en"),
                    sorted(doc.types),
                    doc.fictional,
                    score,
                    doc.text[:200],
                )
            )
        hits.sort(key=lambda h: (-h.score, h.label.casefold(), h.iri))
        return hits[:limit]
