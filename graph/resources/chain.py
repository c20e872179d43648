"""The goal chain of one Handlungsfeld as a tree, and its completeness scorecard.

``tree()`` walks Handlungsfeld ← Leitziel ← Handlungsziel ← Maßnahme through the store's indexes
(``incoming``/``outgoing``), adds each goal's indicators with their target (Zielvorgabe) and their
latest value — one query with ``MAX`` in a ``GROUP BY`` (never ``FILTER NOT EXISTS``, see
docs/architecture.md). ``scorecard()`` is a pure function of the tree.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.iris import KIO, SKOS, sparql_prefixes
from integrationsgraph.graph.resources.as_json import value
from integrationsgraph.graph.resources.kinds import vocab_name
from integrationsgraph.graph.store.embedded import Store

LATEST_QUERY = (
    sparql_prefixes("kio")
    + """SELECT ?ind ?stichtag ?wert WHERE {
  { SELECT ?ind (MAX(?tag) AS ?stichtag) WHERE { VALUES ?ind { INDICATORS } ?m kio:indikator ?ind ; kio:stichtag ?tag }
    GROUP BY ?ind }
  ?mw kio:indikator ?ind ; kio:stichtag ?stichtag ; kio:wert ?wert .
}
"""
)
GAPS = {
    "feld_ohne_leitziel": "Handlungsfeld ohne Leitziel",
    "feld_ohne_netzwerk": "Handlungsfeld ohne Netzwerk oder Tandem",
    "leitziel_ohne_handlungsziel": "Leitziel ohne Handlungsziel",
    "handlungsziel_nicht_messbar": "Handlungsziel ohne Indikator (nicht messbar)",
    "handlungsziel_nicht_terminiert": "Handlungsziel ohne Zielvorgabe mit Zieldatum (nicht terminiert)",
    "handlungsziel_ohne_massnahme": "Handlungsziel ohne Maßnahme",
    "massnahme_ohne_federfuehrung": "Maßnahme ohne Federführung",
    "massnahme_ohne_indikator": "Maßnahme ohne Indikator (keines ihrer Handlungsziele ist messbar)",
}


class _Graph:
    """Cached look-ups in one dataset graph."""

    def __init__(self, store: Store, graph: str, lang: str) -> None:
        self.store, self.graph, self.lang = store, graph, lang
        self._out: dict[str, dict[str, list[Any]]] = {}

    def out(self, iri: str) -> dict[str, list[Any]]:
        if iri not in self._out:
            props: dict[str, list[Any]] = {}
            for t in self.store.outgoing(self.graph, [ox.NamedNode(iri)]):
                props.setdefault(t.predicate.value, []).append(t.object)
            self._out[iri] = props
        return self._out[iri]

    def prefetch(self, iris: list[str]) -> None:
        """The triples of many nodes in one look-up (one request on a SPARQL server instead of one per node)."""
        todo = [i for i in dict.fromkeys(iris) if i not in self._out]
        for i in todo:
            self._out[i] = {}
        for t in self.store.outgoing(self.graph, [ox.NamedNode(i) for i in todo]) if todo else []:
            self._out[value(t.subject)].setdefault(t.predicate.value, []).append(t.object)

    def sources(self, iri: str, predicate: str, cls: str) -> list[str]:
        found = {
            value(t.subject)
            for t in self.store.incoming(self.graph, [ox.NamedNode(iri)])
            if t.predicate.value == predicate and isinstance(t.subject, ox.NamedNode)
        }
        self.prefetch(sorted(found))
        # what the tree shows of them next: their actors, indicators and targets
        self.prefetch(
            [
                value(o)
                for s in sorted(found)
                for objs in self._out[s].values()
                for o in objs
                if isinstance(o, ox.NamedNode)
            ]
        )
        return sorted((s for s in found if cls in self.objects(s, _TYPE)), key=self.sort_key)

    def objects(self, iri: str, predicate: str) -> list[str]:
        return sorted(value(o) for o in self.out(iri).get(predicate, []))

    def first(self, iri: str, predicate: str) -> str | None:
        values = self.objects(iri, predicate)
        return values[0] if values else None

    def node(self, iri: str) -> dict[str, Any]:
        labels = {o.language: o.value for o in self.out(iri).get(SKOS + "prefLabel", []) if isinstance(o, ox.Literal)}
        label = labels.get(self.lang) or labels.get("de") or next(iter(labels.values()), iri.rsplit("/", 1)[-1])
        return {"iri": iri, "label": label, "code": self.first(iri, SKOS + "notation")}

    def sort_key(self, iri: str) -> tuple[Any, ...]:
        code = self.first(iri, SKOS + "notation") or ""
        parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", code) if p)
        return (code == "", parts, iri)


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def tree(store: Store, graph: str, field: str, lang: str = "de") -> dict[str, Any]:
    """The whole chain of the Handlungsfeld ``field``: Leitziele → Handlungsziele → Maßnahmen, with indicators."""
    g = _Graph(store, graph, lang)
    indicators: dict[str, dict[str, Any]] = {}
    actors: dict[str, dict[str, Any]] = {}

    def indicator(iri: str, target_of: str | None) -> dict[str, Any]:
        info = indicators.setdefault(iri, {**g.node(iri), "einheit": _unit(g.first(iri, KIO + "einheit"))})
        out = {**info, "zielvorgabe": None}
        if target_of is not None:
            for zv in g.objects(target_of, KIO + "hatZielvorgabe"):
                if g.first(zv, KIO + "fuerIndikator") == iri:
                    out["zielvorgabe"] = {
                        "iri": zv,
                        **{k: g.first(zv, KIO + k) for k in ("ausgangswert", "ausgangsdatum", "zielwert", "zieldatum")},
                    }
        return out

    def actor(iri: str, role: str) -> dict[str, Any]:
        entry = actors.setdefault(iri, {**g.node(iri), "rollen": {}})
        entry["rollen"][role] = entry["rollen"].get(role, 0) + 1
        return g.node(iri)

    leitziele = []
    for lz in g.sources(field, KIO + "imHandlungsfeld", KIO + "Leitziel"):
        hzs = []
        for hz in g.sources(lz, KIO + "konkretisiert", KIO + "Handlungsziel"):
            ms = []
            for m in g.sources(hz, KIO + "traegtBeiZu", KIO + "Massnahme"):
                lead = g.first(m, KIO + "federfuehrend")
                status = g.first(m, KIO + "umsetzungsstatus")
                ms.append(
                    {
                        **g.node(m),
                        "status": vocab_name("umsetzungsstatus", status) if status else None,
                        "federfuehrend": actor(lead, "federführend") if lead else None,
                        "kooperationspartner": [
                            actor(a, "Kooperationspartner") for a in g.objects(m, KIO + "kooperationspartner")
                        ],
                        "beginn": g.first(m, KIO + "beginn"),
                        "ende": g.first(m, KIO + "ende"),
                        "ressourcen": [
                            {
                                **g.node(r),
                                "betrag_euro": g.first(r, KIO + "betragEuro"),
                                "bewilligung": _local(g.first(r, KIO + "bewilligungsstatus")),
                            }
                            for r in g.objects(m, KIO + "hatRessource")
                        ],
                    }
                )
            inds = [indicator(i, hz) for i in g.objects(hz, KIO + "gemessenDurch")]
            dated = any(g.first(zv, KIO + "zieldatum") for zv in g.objects(hz, KIO + "hatZielvorgabe"))
            hzs.append(
                {**g.node(hz), "messbar": bool(inds), "terminiert": dated, "indikatoren": inds, "massnahmen": ms}
            )
        lz_inds = [indicator(i, None) for i in g.objects(lz, KIO + "gemessenDurch")]
        leitziele.append({**g.node(lz), "indikatoren": lz_inds, "handlungsziele": hzs})
    latest = _latest(store, graph, list(indicators))
    for lz_entry in leitziele:
        for ind in lz_entry["indikatoren"]:
            ind["letzter_wert"] = latest.get(ind["iri"])
        for hz_entry in lz_entry["handlungsziele"]:
            for ind in hz_entry["indikatoren"]:
                ind["letzter_wert"] = latest.get(ind["iri"])
    networks = [
        g.node(value(t.subject))
        for t in store.incoming(graph, [ox.NamedNode(field)])
        if t.predicate.value == "http://www.w3.org/ns/org#purpose"
    ]
    return {
        "feld": g.node(field),
        "leitziele": leitziele,
        "akteure": sorted(actors.values(), key=lambda a: (-sum(a["rollen"].values()), a["label"].casefold())),
        "netzwerke": networks,
    }


def _local(iri: str | None) -> str | None:
    """``inErarbeitung`` for ``kio:inErarbeitung`` (a measure's resource: its approval status)."""
    return iri.rsplit("#", 1)[-1] if iri else None


def _unit(iri: str | None) -> str | None:
    return vocab_name("einheit", iri) if iri else None


def _latest(store: Store, graph: str, indicators: list[str]) -> dict[str, dict[str, str]]:
    if not indicators:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in indicators)
    rows = store.query(LATEST_QUERY.replace("INDICATORS", values), default_graphs=[graph])
    assert isinstance(rows, ox.QuerySolutions)
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        ind, day, wert = row["ind"], row["stichtag"], row["wert"]
        if isinstance(ind, ox.NamedNode) and isinstance(day, ox.Literal) and isinstance(wert, ox.Literal):
            out.setdefault(ind.value, {"wert": wert.value, "stichtag": day.value})
    return out


def _counts() -> dict[str, int]:
    keys = ("leitziele", "handlungsziele", "handlungsziele_messbar", "handlungsziele_terminiert")
    return dict.fromkeys((*keys, "massnahmen", "massnahmen_mit_federfuehrung", "massnahmen_mit_indikator"), 0)


def _gap(kind: str, node: dict[str, Any]) -> dict[str, Any]:
    return {"art": kind, "text": GAPS[kind], "iri": node["iri"], "label": node["label"], "code": node["code"]}


def scorecard(chain: dict[str, Any]) -> dict[str, Any]:
    """Completeness per field and per Leitziel, each gap named and linked (pure function of :func:`tree`).

    A Maßnahme counts as having an indicator when one of the Handlungsziele it contributes to is measured;
    a Maßnahme under several Leitziele counts once for the field.
    """
    per_lz = []
    for lz in chain["leitziele"]:
        counts, gaps = _score([lz])
        per_lz.append({**{k: lz[k] for k in ("iri", "label", "code")}, "zaehlung": counts, "luecken": gaps})
    counts, gaps = _score(chain["leitziele"])
    # The field's own gaps come first: the same as the shapes' warnings on a Handlungsfeld.
    own = [_gap("feld_ohne_leitziel", chain["feld"])] if not chain["leitziele"] else []
    own += [_gap("feld_ohne_netzwerk", chain["feld"])] if not chain["netzwerke"] else []
    return {"feld": chain["feld"], "zaehlung": counts, "leitziele": per_lz, "luecken": own + gaps}


def _score(leitziele: list[dict[str, Any]]) -> tuple[dict[str, int], list[dict[str, Any]]]:
    counts, gaps = _counts(), []
    measures: dict[str, tuple[dict[str, Any], bool]] = {}
    for lz in leitziele:
        counts["leitziele"] += 1
        if not lz["handlungsziele"]:
            gaps.append(_gap("leitziel_ohne_handlungsziel", lz))
        for hz in lz["handlungsziele"]:
            counts["handlungsziele"] += 1
            counts["handlungsziele_messbar"] += hz["messbar"]
            counts["handlungsziele_terminiert"] += hz["terminiert"]
            if not hz["messbar"]:
                gaps.append(_gap("handlungsziel_nicht_messbar", hz))
            if not hz["terminiert"]:
                gaps.append(_gap("handlungsziel_nicht_terminiert", hz))
            if not hz["massnahmen"]:
                gaps.append(_gap("handlungsziel_ohne_massnahme", hz))
            for m in hz["massnahmen"]:
                measured = measures.get(m["iri"], (m, False))[1] or hz["messbar"]
                measures[m["iri"]] = (m, measured)
    for m, measured in measures.values():
        counts["massnahmen"] += 1
        counts["massnahmen_mit_federfuehrung"] += m["federfuehrend"] is not None
        counts["massnahmen_mit_indikator"] += measured
        if m["federfuehrend"] is None:
            gaps.append(_gap("massnahme_ohne_federfuehrung", m))
        if not measured:
            gaps.append(_gap("massnahme_ohne_indikator", m))
    return counts, gaps
