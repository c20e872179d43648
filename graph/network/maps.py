"""Interactive network maps (pyvis / vis-network) that need nothing from the internet.

:func:`actor_map`, :func:`field_map` and :func:`chain_map` turn the networks of :mod:`graph.network.read` and an
:class:`~graph.network.metrics.Analysis` into a :class:`~graph.network.vis.VisMap` (nodes and edges with German
labels, the legend, the filters and the side panel's data); :func:`graph.network.vis.render` makes the HTML page.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from integrationsgraph.graph.network.metrics import GAP_LABELS, Analysis, method_text
from integrationsgraph.graph.network.read import (
    CHAIN_GAPS,
    TYPE_LABELS,
    actor_fields,
    collaboration_graph,
    memberships,
    neighbours,
    nodes_of,
)
from integrationsgraph.graph.network.vis import (
    BROWSER_LAYOUT_LIMIT,
    VisMap,
    finish,
    resource_link,
    vis_options,
    year_range,
)

TYPE_STYLE: dict[str, tuple[str, str]] = {
    # colour-blind-safe palette (Okabe–Ito) plus a shape each, so type never depends on colour alone
    "kommune": ("#0072B2", "dot"),
    "einheit": ("#56B4E9", "dot"),
    "organisation": ("#009E73", "dot"),
    "gremium": ("#E69F00", "square"),
    "politisches-gremium": ("#D55E00", "triangle"),
    "netzwerk": ("#CC79A7", "diamond"),
    "tandem": ("#F0E442", "star"),
    "stelle": ("#999999", "triangleDown"),
}
MAX_MAP_NODES = 2000
"""An actor map without ``top`` shows at most this many actors (the highest PageRank): it stays usable."""
MAX_BRIDGES = 300
"""The field map shows at most this many bridging actors, and as many cross-field Maßnahmen."""
ROLE_LABELS = {"federfuehrend": "federführend", "kooperationspartner": "Kooperationspartner"}
GAP_COLOUR = "#C00000"


def actor_map(
    k: nx.Graph,
    analysis: Analysis,
    *,
    field_iri: str | None = None,
    types: list[str] | None = None,
    top: int | None = None,
    base_iri: str | None = None,
    title: str = "Akteure",
) -> VisMap:
    """The actors, sized by PageRank, coloured and shaped by type, linked by what they share.

    ``field_iri``, ``types`` and ``top`` filter on the server (the page filters further in the browser).
    """
    collab = collaboration_graph(k)
    metrics = {a.iri: a for a in analysis.actors}
    fields_of = actor_fields(k)
    keep = [a for a in collab.nodes if a in metrics]
    if field_iri:
        keep = [a for a in keep if field_iri in fields_of.get(a, {})]
    if types:
        keep = [a for a in keep if collab.nodes[a]["typ"] in types]
    keep.sort(key=lambda a: (-metrics[a].pagerank, metrics[a].label))
    total = len(keep)
    capped = top is None and total > MAX_MAP_NODES
    top = MAX_MAP_NODES if capped else top
    keep = keep[:top] if top else keep
    g = collab.subgraph(keep).copy()  # a view is slow to walk, and the layout walks it often
    ids = {a: i for i, a in enumerate(keep)}
    field_list = sorted(nodes_of(k, "handlungsfeld"), key=lambda f: (k.nodes[f]["notation"], k.nodes[f]["label"]))
    field_ids = {f: i for i, f in enumerate(field_list)}
    top_pr = max((metrics[a].pagerank for a in keep), default=0.0) or 1.0
    low, span = (10, 30) if len(keep) <= BROWSER_LAYOUT_LIMIT else (6, 24)  # big maps: smaller dots
    orgs = memberships(k)
    member_of: dict[str, list[str]] = {}
    for org, members in orgs.items():
        for mb in members:
            member_of.setdefault(mb, []).append(org)
    nodes, details = [], {}
    for a in keep:
        d, mt = collab.nodes[a], metrics[a]
        colour, shape = TYPE_STYLE[d["typ"]]
        measures = neighbours(k, a, "massnahme")
        spans = [(k.nodes[x].get("von"), k.nodes[x].get("bis")) for x in measures]
        spans += [(e.get("von"), e.get("bis")) for _, _, e in k.edges(a, data=True) if "member" in e]
        nodes.append(
            {
                "id": ids[a],
                "label": d["label"],
                "shape": shape,
                "color": {
                    "background": colour,
                    "border": "#1b1b1b",
                    "highlight": {"background": colour, "border": "#000000"},
                },
                "size": round(low + span * math.sqrt(mt.pagerank / top_pr), 1),
                "title": f"{d['label']}\n{TYPE_LABELS[d['typ']]} · {mt.massnahmen} Maßnahmen · "
                f"PageRank {mt.pagerank:.3f}",
                "typ": d["typ"],
                "felder": sorted(field_ids[f] for f in fields_of.get(a, {}) if f in field_ids),
                "von": min((s[0] for s in spans if s[0] is not None), default=None),
                "bis": None
                if any(s[1] is None for s in spans) or not spans
                else max(s[1] for s in spans if s[1] is not None),
                "rank": ids[a] + 1,
            }
        )
        details[ids[a]] = {
            "iri": a,
            "label": d["label"],
            "typ": TYPE_LABELS[d["typ"]],
            "href": resource_link(a, base_iri),
            "kennzahlen": [
                ["Verbindungen (Grad)", mt.grad],
                ["gewichteter Grad", round(mt.gewichteter_grad, 2)],
                ["PageRank", round(mt.pagerank, 4)],
                ["Zwischenzentralität", round(mt.zwischenzentralitaet, 4)],
                ["Partizipation über Felder", round(mt.partizipation, 3)],
                ["Gemeinschaft", mt.gemeinschaft],
            ],
            "massnahmen": sorted(
                [k.nodes[x]["notation"], k.nodes[x]["label"], ROLE_LABELS.get(k.edges[a, x]["rel"], "")]
                for x in measures
            ),
            "felder": [k.nodes[f]["label"] for f in field_list if f in fields_of.get(a, {})],
            "gremien": sorted(k.nodes[o]["label"] for o in member_of.get(a, [])),
            "mitglieder": sorted(k.nodes[x]["label"] for x in orgs.get(a, [])),
        }
    edges = []
    for u, v, e in g.edges(data=True):
        # the tooltip text is composed in the browser from m/g/d: a third of the page's size at 1,000 actors
        edges.append(
            {
                "from": ids[u],
                "to": ids[v],
                "value": e["weight"],
                "m": e["massnahmen"],
                "g": e["gremien"],
                "d": e["direkt"],
                "von": e["von"],
                "bis": e["bis"],
            }
        )
    present = {collab.nodes[a]["typ"] for a in keep}
    counts = {t: sum(1 for a in keep if collab.nodes[a]["typ"] == t) for t in present}
    m = VisMap(
        kind="akteure",
        title=title,
        subtitle=f"{len(keep)} Akteure, {len(edges)} Verbindungen",
        nodes=[],
        edges=[],
        options={},
        legend=[
            {
                "key": t,
                "label": TYPE_LABELS[t],
                "color": TYPE_STYLE[t][0],
                "shape": TYPE_STYLE[t][1],
                "n": str(counts[t]),
            }
            for t in TYPE_STYLE
            if t in present
        ],
        details=details,
        filters={
            "felder": [[field_ids[f], f"{k.nodes[f]['notation']} {k.nodes[f]['label']}".strip()] for f in field_list],
            "typen": True,
            "jahre": year_range([n["von"] for n in nodes] + [n["bis"] for n in nodes]),
            "top": True,
        },
        total=total,
        notes=[
            *(
                [f"Gezeigt: die {MAX_MAP_NODES} Akteure mit dem höchsten PageRank von {total} (mehr mit ?top=)."]
                if capped
                else []
            ),
            "Größe: PageRank; Linienstärke: gemeinsame Maßnahmen, Gremien und Netzwerke.",
            f"Zwischenzentralität: {method_text(analysis.betweenness)}.",
        ],
    )
    return finish(m, g, ids, nodes, edges)


def field_map(
    k: nx.Graph, analysis: Analysis, *, base_iri: str | None = None, title: str = "Handlungsfelder"
) -> VisMap:
    """Handlungsfelder and what links them: actors working in two or more fields, Maßnahmen assigned to two or
    more. Fields with gaps have a red, dashed border."""
    fields_of = actor_fields(k)
    summaries = {s.iri: s for s in analysis.fields}
    gap_of: dict[str, list[str]] = {}
    for key, found in analysis.gaps.items():
        for g in found:
            gap_of.setdefault(g["iri"], []).append(key)
    fields = [s.iri for s in analysis.fields]
    all_bridges = sorted((a for a, fs in fields_of.items() if len(fs) > 1), key=lambda a: (-len(fields_of[a]), a))
    bridges = sorted(all_bridges[:MAX_BRIDGES], key=lambda a: k.nodes[a]["label"])
    all_shared = [m for m in nodes_of(k, "massnahme") if len(neighbours(k, m, "handlungsfeld")) > 1]
    shared = sorted(all_shared, key=lambda m: (k.nodes[m]["notation"], m))[:MAX_BRIDGES]
    order = fields + bridges + shared
    ids = {n: i for i, n in enumerate(order)}
    g = nx.Graph()
    g.add_nodes_from(order)
    nodes, details, edges = [], {}, []
    for f in fields:
        s, gaps = summaries[f], [GAP_LABELS[x] for x in gap_of.get(f, [])]
        nodes.append(
            {
                "id": ids[f],
                "label": f"{s.notation} {s.label}".strip(),
                "shape": "box",
                "color": {
                    "background": "#005ea5",
                    "border": GAP_COLOUR if gaps else "#003a66",
                    "highlight": {"background": "#005ea5", "border": "#000000"},
                },
                "font": {"color": "#ffffff", "size": 18},
                "borderWidth": 4 if gaps else 1,
                "shapeProperties": {"borderDashes": [8, 4] if gaps else False},
                "title": s.label + ("\nLücken: " + "; ".join(gaps) if gaps else ""),
                "felder": [ids[f]],
                "mass": 3,
            }
        )
        details[ids[f]] = {
            "label": s.label,
            "typ": "Handlungsfeld",
            "href": resource_link(f, base_iri),
            "kette": f.rsplit("/", 1)[-1] + (f"?dataset={s.dataset}" if s.dataset else ""),
            "kennzahlen": [
                ["Leitziele", s.leitziele],
                ["Maßnahmen", s.massnahmen],
                ["Akteure", s.akteure],
                ["federführende Akteure", len(s.federfuehrende)],
            ],
            "luecken": gaps,
            "gremien": [k.nodes[n]["label"] for n in s.netzwerke],
            "verbunden": [f"{x['label']}: {x['akteure']} Akteure, {x['massnahmen']} Maßnahmen" for x in s.verbunden],
        }
    for a in bridges:
        colour, shape = TYPE_STYLE[k.nodes[a]["typ"]]
        nodes.append(
            {
                "id": ids[a],
                "label": k.nodes[a]["label"],
                "shape": shape,
                "color": {
                    "background": colour,
                    "border": "#1b1b1b",
                    "highlight": {"background": colour, "border": "#000000"},
                },
                "size": 12 + 4 * len(fields_of[a]),
                "title": f"{k.nodes[a]['label']}\n{TYPE_LABELS[k.nodes[a]['typ']]} in {len(fields_of[a])} Feldern",
                "typ": k.nodes[a]["typ"],
                "felder": sorted(ids[f] for f in fields_of[a] if f in ids),
            }
        )
        details[ids[a]] = {
            "label": k.nodes[a]["label"],
            "typ": TYPE_LABELS[k.nodes[a]["typ"]],
            "href": resource_link(a, base_iri),
            "felder": [summaries[f].label for f in fields if f in fields_of[a]],
        }
        for f, w in fields_of[a].items():
            if f in ids:
                edges.append({"from": ids[a], "to": ids[f], "value": w, "title": f"{w:g} Verbindung(en)"})
                g.add_edge(a, f, weight=w)
    for x in shared:
        in_fields = neighbours(k, x, "handlungsfeld")
        nodes.append(
            {
                "id": ids[x],
                "label": k.nodes[x]["notation"] or k.nodes[x]["label"],
                "shape": "square",
                "size": 8,
                "color": {"background": "#ffffff", "border": "#555555"},
                "title": f"Maßnahme {k.nodes[x]['notation']}: {k.nodes[x]['label']}",
                "typ": "massnahme",
                "felder": sorted(ids[f] for f in in_fields if f in ids),
            }
        )
        details[ids[x]] = {
            "label": k.nodes[x]["label"],
            "typ": f"Maßnahme {k.nodes[x]['notation']}".strip(),
            "href": resource_link(x, base_iri),
            "felder": [k.nodes[f]["label"] for f in in_fields],
            "gremien": [],
            "mitglieder": [k.nodes[a]["label"] for a in neighbours(k, x, "akteur")],
        }
        for f in in_fields:
            if f in ids:
                edges.append({"from": ids[x], "to": ids[f], "value": 1, "dashes": True})
                g.add_edge(x, f, weight=1.0)
    types = {k.nodes[a]["typ"] for a in bridges}
    legend = [{"key": "feld", "label": "Handlungsfeld", "color": "#005ea5", "shape": "box", "n": str(len(fields))}]
    legend += [
        {"key": t, "label": TYPE_LABELS[t], "color": TYPE_STYLE[t][0], "shape": TYPE_STYLE[t][1], "n": ""}
        for t in TYPE_STYLE
        if t in types
    ]
    legend.append({"key": "massnahme", "label": "Maßnahme in mehreren Feldern", "color": "#ffffff", "shape": "square"})
    legend.append({"key": "luecke", "label": "Feld mit Lücke (rot gestrichelt)", "color": GAP_COLOUR, "shape": "box"})
    m = VisMap(
        kind="felder",
        title=title,
        subtitle=f"{len(fields)} Handlungsfelder, {len(bridges)} verbindende Akteure, {len(shared)} feldübergreifende "
        "Maßnahmen",
        nodes=[],
        edges=[],
        options={},
        legend=legend,
        details=details,
        filters={"felder": [[ids[f], f"{summaries[f].notation} {summaries[f].label}".strip()] for f in fields]},
        total=len(order),
        notes=[
            "Akteure erscheinen, wenn sie in mindestens zwei Handlungsfeldern arbeiten.",
            *(
                [f"Gezeigt: {len(bridges)} von {len(all_bridges)} verbindenden Akteuren (die mit den meisten Feldern)."]
                if len(all_bridges) > len(bridges)
                else []
            ),
            *(
                [f"Gezeigt: {len(shared)} von {len(all_shared)} feldübergreifenden Maßnahmen."]
                if len(all_shared) > len(shared)
                else []
            ),
        ],
    )
    return finish(m, g, ids, nodes, edges)


CHAIN_STYLE = {
    "handlungsfeld": ("#005ea5", "#ffffff", "Handlungsfeld"),
    "leitziel": ("#3a7d44", "#ffffff", "Leitziel"),
    "handlungsziel": ("#9ccc65", "#1b1b1b", "Handlungsziel"),
    "massnahme": ("#fff3cd", "#1b1b1b", "Maßnahme"),
}


def chain_map(tree: nx.DiGraph, *, base_iri: str | None = None, title: str = "Zielkette") -> VisMap:
    """One field's goal chain from :func:`graph.network.read.field_chain`, left to right, gaps marked in red."""
    order = sorted(tree.nodes, key=lambda n: (tree.nodes[n]["ebene"], tree.nodes[n]["notation"], n))
    ids = {n: i for i, n in enumerate(order)}
    nodes, details = [], {}
    for n in order:
        d = tree.nodes[n]
        bg, fg, kind_label = CHAIN_STYLE[d["kind"]]
        gaps = [CHAIN_GAPS[x] for x in d["luecken"]]
        text = f"{d['notation']} {d['label']}".strip()
        nodes.append(
            {
                "id": ids[n],
                "label": ("⚠ " if gaps else "") + text,
                "shape": "box",
                "level": d["ebene"],
                "color": {
                    "background": bg,
                    "border": GAP_COLOUR if gaps else "#1b1b1b",
                    "highlight": {"background": bg, "border": "#000000"},
                },
                "font": {"color": fg},
                "borderWidth": 3 if gaps else 1,
                "shapeProperties": {"borderDashes": [6, 3] if gaps else False},
                "widthConstraint": {"maximum": 220},
                "title": f"{kind_label}: {text}" + ("\nLücke: " + "; ".join(gaps) if gaps else ""),
            }
        )
        facts = []
        if d["kind"] in ("leitziel", "handlungsziel"):
            facts.append(["Indikatoren", d.get("indikatoren", 0)])
        if d["kind"] == "massnahme":
            facts.append(["federführende Akteure", d.get("federfuehrend", 0)])
        details[ids[n]] = {
            "label": text,
            "typ": kind_label,
            "href": resource_link(n, base_iri),
            "kennzahlen": facts,
            "luecken": gaps,
        }
    edges = [{"from": ids[u], "to": ids[v], "arrows": "to"} for u, v in tree.edges]
    n_gaps = sum(1 for n in order if tree.nodes[n]["luecken"])
    legend = [{"key": k, "label": v[2], "color": v[0], "shape": "box"} for k, v in CHAIN_STYLE.items()]
    legend.append({"key": "luecke", "label": "Lücke (rot gestrichelt, ⚠)", "color": GAP_COLOUR, "shape": "box"})
    m = VisMap(
        kind="kette",
        title=title,
        subtitle=f"{len(order) - 1} Ziele und Maßnahmen, {n_gaps} mit Lücke",
        nodes=[],
        edges=[],
        options=vis_options(False, False, hierarchical=True),
        legend=legend,
        details=details,
        physics=False,
        layout="hierarchisch",
        total=len(order),
    )
    return finish(m, tree.to_undirected(), ids, nodes, edges)


def link_text(edge: dict[str, Any]) -> str:
    """What two actors share, in words (the table's and the tooltip's text).

    >>> link_text({"m": 2, "g": 1, "d": 0})
    '2 gemeinsame Maßnahme(n), 1 gemeinsame(s) Gremium/Netzwerk'
    """
    parts = [
        f"{edge.get('m')} gemeinsame Maßnahme(n)" if edge.get("m") else "",
        f"{edge.get('g')} gemeinsame(s) Gremium/Netzwerk" if edge.get("g") else "",
        "direkte Zugehörigkeit" if edge.get("d") else "",
    ]
    return ", ".join(p for p in parts if p)


TABLE_COLUMNS = {
    "label": "Akteur",
    "typ": "Typ",
    "felder": "Handlungsfelder",
    "massnahmen": "Maßnahmen",
    "grad": "Verbindungen",
    "gewichteter_grad": "gewichteter Grad",
    "pagerank": "PageRank",
    "zwischenzentralitaet": "Zwischenzentralität",
    "partizipation": "Partizipation",
    "gemeinschaft": "Gemeinschaft",
}
"""The fallback table's columns (key → German heading); every key can sort it."""


def actor_table(
    m: VisMap, analysis: Analysis, *, sort: str = "pagerank", descending: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and edges of the actor map ``m`` as table rows (actors sorted by ``sort``, and links)."""
    metrics = {a.iri: a for a in analysis.actors}
    rows = []
    for n in m.nodes:
        d = m.details[n["id"]]
        mt = metrics[d["iri"]]
        rows.append(
            {
                "href": d["href"],
                "label": mt.label,
                "typ": mt.typ_label,
                "felder": ", ".join(d["felder"]),
                "massnahmen": mt.massnahmen,
                "grad": mt.grad,
                "gewichteter_grad": round(mt.gewichteter_grad, 2),
                "pagerank": round(mt.pagerank, 4),
                "zwischenzentralitaet": round(mt.zwischenzentralitaet, 4),
                "partizipation": round(mt.partizipation, 3),
                "gemeinschaft": mt.gemeinschaft,
            }
        )
    key = sort if sort in TABLE_COLUMNS else "pagerank"
    rows.sort(key=lambda r: str(r["label"]).casefold())
    rows.sort(
        key=lambda r: r[key] if key not in ("label", "typ", "felder") else str(r[key]).casefold(), reverse=descending
    )
    details = m.details
    links = [
        {
            "von": details[e["from"]]["label"],
            "von_href": details[e["from"]]["href"],
            "zu": details[e["to"]]["label"],
            "zu_href": details[e["to"]]["href"],
            "gewicht": e.get("value", 1),
            "art": link_text(e),
        }
        for e in m.edges
    ]
    return rows, links
