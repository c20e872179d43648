"""The progress method: is an indicator on track? Open SDG's measure, adopted from Statistics Canada.

One pure function, :func:`assess`, turns an :class:`Indicator` (its headline series, its target, its settings)
into an :class:`Assessment` with every input and intermediate result. The method as published:

- base year ``t0`` (the indicator's ``kio:basisjahr``, else the year the concept was adopted); the base value is
  the headline value in ``t0`` or, when that year has none, in the first later year with one (which then is the
  base year, as in Open SDG's ``sdg-build``); the latest year ``ti`` is the last year with a value;
- fewer than two values from ``t0`` on → ``not_available``; a base or target value of 0 counts as 0.001; base and
  latest value (or base and target value) of different sign → ``not_available``;
- ``CAGR_o = (y_i / y_0)^(1/(t_i − t_0)) − 1``;
- with a target ``y_T`` in ``t_T``: the latest value meets it (≥ for increase, ≤ for decrease) →
  ``target_achieved``; else ``CAGR_r = (y_T / y_0)^(1/(t_T − t_0)) − 1`` and ``R = s·d·CAGR_o / |CAGR_r|``
  (``d`` = +1 increase, −1 decrease; ``s`` = −1 for negative values), which is the issue's ``CAGR_o / CAGR_r``
  whenever the target lies in the desired direction; R ≥ 0.95 substantial, ≥ 0.60 moderate, ≥ 0 limited, < 0
  deterioration (thresholds per indicator);
- without a target: ``s·d·CAGR_o`` ≥ 1.5 % substantial, ≥ 0.5 % moderate, ≥ 0 limited, < 0 deterioration;
- a status set by hand wins, marked ``manual`` with its reason.

docs/monitoring.md gives every choice, a worked example and where we differ from Open SDG.
"""

from __future__ import annotations

from dataclasses import dataclass

from integrationsgraph.graph.monitoring.model import (
    STATUS_KEYS,
    Assessment,
    Direction,
    Indicator,
    Observation,
    StatusKey,
    Target,
)

ZERO = 0.001
"""What a base or target value of 0 counts as (the growth rate of 0 is undefined)."""


@dataclass(frozen=True)
class _Inputs:
    """What the method has found so far; every field ends up in the Assessment."""

    direction: Direction | None = None
    base: Observation | None = None
    latest: Observation | None = None
    target: Target | None = None
    cagr_observed: float | None = None
    cagr_required: float | None = None
    ratio: float | None = None


def yearly(indicator: Indicator) -> list[Observation]:
    """The headline series, one value per year: where a year has several, the one with the latest Stichtag."""
    by_year: dict[int, Observation] = {}
    for o in sorted(indicator.headline, key=lambda o: (o.year, o.date, o.iri)):
        by_year[o.year] = o
    return [by_year[y] for y in sorted(by_year)]


def chosen_target(indicator: Indicator) -> Target | None:
    """The Zielvorgabe assessed against: the one with the latest target year (ties: the first IRI)."""
    if not indicator.targets:
        return None
    return min(indicator.targets, key=lambda t: (-t.target_year, t.iri))


def cagr(value: float, base: float, years: int) -> float:
    """Compound annual growth rate from ``base`` to ``value`` over ``years`` years (same sign, ``years`` > 0).

    >>> round(cagr(121.0, 100.0, 2), 10)
    0.1
    """
    return float((value / base) ** (1 / years) - 1)


def _nonzero(value: float) -> float:
    return ZERO if value == 0 else value


def _mixed(a: float, b: float) -> bool:
    return (a > 0 > b) or (a < 0 < b)


def _direction(indicator: Indicator, base: float | None, target: Target | None) -> Direction | None:
    """increase/decrease from ``kio:zielrichtung``; ``halten`` (or none) only with a target, by its side of the base."""
    if indicator.direction == "steigend":
        return "increase"
    if indicator.direction == "fallend":
        return "decrease"
    if target is None or base is None or _nonzero(target.target_value) == base:
        return None
    return "increase" if _nonzero(target.target_value) > base else "decrease"


def _grade(value: float, high: float, medium: float) -> StatusKey:
    if value >= high:
        return "substantial_progress"
    if value >= medium:
        return "moderate_progress"
    if value >= 0:
        return "limited_progress"
    return "deterioration"


def _evaluate(indicator: Indicator) -> tuple[StatusKey, str | None, _Inputs]:
    """The computed status, why it is not_available (if so), and the inputs found on the way."""
    t = indicator.thresholds
    target = chosen_target(indicator)
    if indicator.base_year is None:
        return (
            "not_available",
            "Kein Basisjahr: weder am Indikator noch ein Beschlussdatum des Konzepts.",
            _Inputs(target=target),
        )
    series = [o for o in yearly(indicator) if o.year >= indicator.base_year]
    base, latest = (series[0], series[-1]) if series else (None, None)
    y0 = _nonzero(base.value) if base is not None else None
    found = _Inputs(_direction(indicator, y0, target), base, latest, target)
    if base is None or latest is None or y0 is None or len(series) < 2:
        return "not_available", f"Weniger als zwei Werte ab dem Basisjahr {indicator.base_year}.", found
    if _mixed(y0, latest.value):
        return "not_available", "Basiswert und aktueller Wert haben verschiedene Vorzeichen.", found
    d = {"increase": 1, "decrease": -1, None: 0}[found.direction]
    if d == 0:
        what = "Zielrichtung „halten“" if indicator.direction == "halten" else "Keine Zielrichtung"
        return "not_available", f"{what}: nur mit einem Zielwert bewertbar, der vom Basiswert abweicht.", found
    s = -1 if y0 < 0 else 1
    cagr_o = cagr(latest.value, y0, latest.year - base.year)
    found = _Inputs(found.direction, base, latest, target, cagr_o)
    if target is None:
        return _grade(s * d * cagr_o, t.rate_substantial, t.rate_moderate), None, found
    y_t = _nonzero(target.target_value)
    if (d > 0 and latest.value >= y_t) or (d < 0 and latest.value <= y_t):
        return "target_achieved", None, found
    if target.target_year <= base.year:
        return "not_available", f"Das Zieljahr {target.target_year} liegt nicht nach dem Basisjahr {base.year}.", found
    if _mixed(y0, y_t):
        return "not_available", "Basiswert und Zielwert haben verschiedene Vorzeichen.", found
    cagr_r = cagr(y_t, y0, target.target_year - base.year)
    if cagr_r == 0:  # target = base, not met: the latest value is on the wrong side of it
        return "deterioration", None, _Inputs(found.direction, base, latest, target, cagr_o, cagr_r)
    ratio = s * d * cagr_o / abs(cagr_r)
    found = _Inputs(found.direction, base, latest, target, cagr_o, cagr_r, ratio)
    return _grade(ratio, t.substantial, t.moderate), None, found


def assess(indicator: Indicator) -> Assessment:
    """The verdict for one indicator (pure: the same indicator gives the same assessment)."""
    status, reason, found = _evaluate(indicator)
    manual = indicator.manual_status in STATUS_KEYS
    if manual:
        status = indicator.manual_status  # type: ignore[assignment]  # checked: one of STATUS_KEYS
        reason = indicator.manual_reason
    used = tuple(dict.fromkeys(o.iri for o in (found.base, found.latest) if o is not None))
    target = found.target
    return Assessment(
        indicator=indicator.iri,
        label=indicator.label,
        direction=found.direction,
        base_year=found.base.year if found.base else None,
        base_value=found.base.value if found.base else None,
        latest_year=found.latest.year if found.latest else None,
        latest_value=found.latest.value if found.latest else None,
        target_year=target.target_year if target else None,
        target_value=target.target_value if target else None,
        cagr_observed=found.cagr_observed,
        cagr_required=found.cagr_required,
        ratio=found.ratio,
        status=status,
        manual=manual,
        reason=reason,
        used=used + ((target.iri,) if target else ()),
        thresholds=indicator.thresholds,
    )


def assess_all(indicators: list[Indicator]) -> list[Assessment]:
    """:func:`assess` for each indicator, in the same order."""
    return [assess(i) for i in indicators]
