"""Indicators' status at a glance — symbol and word for progress and for reporting — for the field pages and the
municipality overview.

The verdicts are read from the stored assessments (the derived graph ``…/{dataset}/fortschritt``, which the write
path keeps current), one query for many indicators, so a page with fifty indicators does not read fifty series.
An indicator without a stored assessment (a store filled past the write path) is judged live
(:func:`graph.monitoring.progress.assess`), so the page is never wrong, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import KIO, sparql_prefixes
from integrationsgraph.graph.monitoring import progress, series
from integrationsgraph.graph.monitoring.assessments import assessment_graph
from integrationsgraph.graph.monitoring.model import REPORTING_CONCEPT, REPORTING_DE, STATUS_CONCEPT, STATUS_DE
from integrationsgraph.graph.monitoring.report import SYMBOLS
from integrationsgraph.graph.monitoring.report_format import with_unit
from integrationsgraph.graph.store.embedded import Store

REPORTING_SYMBOLS = {"complete": "●", "inprogress": "◐", "notstarted": "○"}
ON_TRACK = ("target_achieved", "substantial_progress")
_STATUS = {KIO + local: key for key, local in STATUS_CONCEPT.items()}
_REPORTING = {KIO + local: key for key, local in REPORTING_CONCEPT.items()}

QUERY = (
    sparql_prefixes("kio")
    + """SELECT ?ind ?s ?manual ?ly ?lv ?ty ?tv ?rep ?unit ?n WHERE {
  WHICH
  OPTIONAL { ?ind kio:einheit ?unit }
  OPTIONAL { ?ind kio:berichtsstatus ?rep }
  OPTIONAL { SELECT ?ind (COUNT(?mw) AS ?n) WHERE { WHICH ?mw kio:indikator ?ind } GROUP BY ?ind }
  OPTIONAL {
    ?a kio:bewerteterIndikator ?ind ; kio:fortschrittsstatus ?s .
    OPTIONAL { ?a kio:manuellGesetzt ?manual } OPTIONAL { ?a kio:aktuellesJahr ?ly }
    OPTIONAL { ?a kio:aktuellerWert ?lv } OPTIONAL { ?a kio:zieljahr ?ty } OPTIONAL { ?a kio:angestrebterWert ?tv }
  }
}
"""
)


@dataclass(frozen=True)
class Glance:
    """One indicator's status in a line: symbol and word for progress and for reporting."""

    iri: str
    status: str
    status_word: str
    symbol: str
    reporting: str
    reporting_word: str
    reporting_symbol: str
    manual: bool
    latest: str | None = None  # "62,8 % (2025)"
    target: str | None = None  # "66,0 % bis 2027"

    @property
    def on_track(self) -> bool:
        return self.status in ON_TRACK


def glance(
    iri: str,
    status: str,
    reporting: str,
    manual: bool,
    unit: str | None,
    latest: tuple[int, float] | None,
    target: tuple[int, float] | None,
) -> Glance:
    return Glance(
        iri,
        status,
        STATUS_DE[status],
        SYMBOLS[status],
        reporting,
        REPORTING_DE[reporting],
        REPORTING_SYMBOLS[reporting],
        manual,
        f"{with_unit(latest[1], unit)} ({latest[0]})" if latest else None,
        f"{with_unit(target[1], unit)} bis {target[0]}" if target else None,
    )


def _num(term: Any) -> float | None:
    try:
        return float(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _pair(year: Any, value: Any) -> tuple[int, float] | None:
    y, v = _num(year), _num(value)
    return (int(y), v) if y is not None and v is not None else None


def live(store: Store, dataset: str, iri: str) -> Glance | None:
    """The glance of one indicator, judged now from its series (None when it is no indicator of the dataset)."""
    ind = series.indicator(store, dataset, iri)
    if ind is None:
        return None
    a = progress.assess(ind)
    rep = ind.reporting or ("complete" if ind.headline else "notstarted")
    latest = (a.latest_year, a.latest_value) if a.latest_year is not None and a.latest_value is not None else None
    target = (a.target_year, a.target_value) if a.target_year is not None and a.target_value is not None else None
    if target is None and (chosen := progress.chosen_target(ind)) is not None:
        target = (chosen.target_year, chosen.target_value)
    return glance(iri, a.status, rep, a.manual, ind.unit, latest, target)


def glances(store: Store, dataset: str, iris: Iterable[str] | None = None) -> dict[str, Glance]:
    """Indicator IRI → its glance, for ``iris`` (None: every indicator of the dataset)."""
    graph = graph_iri(dataset)
    wanted = sorted(set(iris)) if iris is not None else None
    if wanted == []:
        return {}
    which = (
        "VALUES ?ind { " + " ".join(str(ox.NamedNode(i)) for i in wanted) + " } ?ind a kio:Indikator ."
        if wanted is not None
        else "?ind a kio:Indikator ."
    )
    result = store.query(QUERY.replace("WHICH", which), default_graphs=[graph, assessment_graph(graph)])
    assert isinstance(result, ox.QuerySolutions)
    out: dict[str, Glance] = {}
    missing = []
    for row in result:
        iri = str(getattr(row["ind"], "value", ""))
        status = _STATUS.get(str(getattr(row["s"], "value", "")))
        if iri in out:
            continue
        if status is None:
            missing.append(iri)
            continue
        n = _num(row["n"]) or 0
        rep = _REPORTING.get(str(getattr(row["rep"], "value", ""))) or ("complete" if n else "notstarted")
        manual = isinstance(row["manual"], ox.Literal) and row["manual"].value in ("true", "1")
        unit = row["unit"].value if isinstance(row["unit"], ox.NamedNode) else None
        out[iri] = glance(iri, status, rep, manual, unit, _pair(row["ly"], row["lv"]), _pair(row["ty"], row["tv"]))
    for iri in missing:
        if iri not in out and (found := live(store, dataset, iri)) is not None:
            out[iri] = found
    return out


def has_indicators(store: Store, dataset: str) -> bool:
    """Whether the dataset has any indicator (Rheine has none yet: "Indikatoren werden noch erarbeitet")."""
    query = sparql_prefixes("kio") + "ASK { ?i a kio:Indikator }"
    return bool(store.query(query, default_graphs=[graph_iri(dataset)]))
