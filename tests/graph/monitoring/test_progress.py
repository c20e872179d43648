"""The progress method on hand-computed cases: every branch and every edge rule (docs/monitoring.md).

Each case writes its arithmetic out, so a reader can check it with a pocket calculator. CAGR = (y_i / y_0)^(1/(t_i −
t_0)) − 1; with a target R = d·CAGR_o / |CAGR_r| (d = +1 increase, −1 decrease; equal to CAGR_o / CAGR_r whenever
the target lies in the desired direction).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.monitoring.model import (
    STATUS_CONCEPT,
    STATUS_DE,
    STATUS_KEYS,
    Indicator,
    Observation,
    Target,
    Thresholds,
)
from integrationsgraph.graph.monitoring.progress import assess, assess_all, cagr, chosen_target, yearly

ONTOLOGY = Path(__file__).resolve().parents[3] / "ontology" / "monitoring.ttl"
KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
IND = "https://example.org/id/test/indikator/i1"


def obs(
    year: int, value: float, *, date: str | None = None, breakdown: tuple[tuple[str, str], ...] = ()
) -> Observation:
    day = date or f"{year}-12-31"
    suffix = "-" + "-".join(v for _k, v in breakdown) if breakdown else ""
    return Observation(f"{IND}/messwert/{day}{suffix}", year, day, value, None, breakdown)


def target(year: int, value: float, name: str = "zv") -> Target:
    return Target(f"https://example.org/id/test/zielvorgabe/{name}", None, None, year, value)


def indicator(
    values: dict[int, float],
    direction: str | None = "steigend",
    base_year: int | None = 2020,
    targets: tuple[Target, ...] = (),
    **more: object,
) -> Indicator:
    return Indicator(
        iri=IND,
        dataset="test",
        code="I1",
        label="Testindikator (fiktiv)",
        direction=direction,
        base_year=base_year,
        targets=targets,
        observations=tuple(obs(y, v) for y, v in sorted(values.items())),
        **more,  # type: ignore[arg-type]
    )


# --- fewer than two values, the base year -------------------------------------------------------------------------


def test_one_value_is_not_available() -> None:
    a = assess(indicator({2020: 10.0}))
    assert a.status == "not_available"
    assert a.reason == "Weniger als zwei Werte ab dem Basisjahr 2020."
    assert (a.base_year, a.base_value, a.latest_year, a.latest_value) == (2020, 10.0, 2020, 10.0)
    assert a.cagr_observed is None


def test_no_value_is_not_available() -> None:
    a = assess(indicator({}))
    assert (a.status, a.base_year, a.latest_year) == ("not_available", None, None)


def test_values_before_the_base_year_do_not_count() -> None:
    # 2018 and 2019 lie before t0 = 2020: one value from 2020 on → not_available
    assert assess(indicator({2018: 5.0, 2019: 6.0, 2020: 7.0})).status == "not_available"


def test_base_year_without_value_takes_the_next_year_with_one() -> None:
    # t0 = 2020 has no value → base 2021 (50), latest 2023 (60.5): (60.5/50)^(1/2) − 1 = 1.1 − 1 = 0.10 ≥ 1.5 %
    a = assess(indicator({2019: 40.0, 2021: 50.0, 2023: 60.5}))
    assert (a.base_year, a.base_value, a.latest_year, a.latest_value) == (2021, 50.0, 2023, 60.5)
    assert a.cagr_observed == pytest.approx(0.10)
    assert a.status == "substantial_progress"


def test_two_values_in_one_year_are_one_value_the_later_counts() -> None:
    # t_i = t_0 cannot happen: one value per year (the latest Stichtag), so 2020 alone → not_available
    ind = indicator({})
    ind = Indicator(**{**ind.__dict__, "observations": (obs(2020, 1.0, date="2020-06-30"), obs(2020, 2.0))})
    assert [o.value for o in yearly(ind)] == [2.0]
    assert assess(ind).status == "not_available"


def test_without_base_year_not_available() -> None:
    a = assess(indicator({2020: 1.0, 2021: 2.0}, base_year=None))
    assert a.status == "not_available"
    assert "Basisjahr" in (a.reason or "")


def test_only_the_headline_series_counts() -> None:
    # headline 100 → 101 in one year: 1 % (moderate); the Sozialraum values (100 → 50) are ignored
    ind = indicator({2020: 100.0, 2021: 101.0})
    area = (("Gebiet", "Altstadt"),)
    ind = Indicator(
        **{
            **ind.__dict__,
            "observations": (*ind.observations, obs(2020, 100.0, breakdown=area), obs(2021, 50.0, breakdown=area)),
        }
    )
    a = assess(ind)
    assert a.cagr_observed == pytest.approx(0.01)
    assert a.status == "moderate_progress"
    assert a.used == (f"{IND}/messwert/2020-12-31", f"{IND}/messwert/2021-12-31")


# --- without a target ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "direction", "rate", "status"),
    [
        # (110.25/100)^(1/2) − 1 = 1.05 − 1 = 5 % ≥ 1.5 %
        ({2020: 100.0, 2022: 110.25}, "steigend", 0.05, "substantial_progress"),
        # 101/100 − 1 = 1 %: 0.5 % ≤ 1 % < 1.5 %
        ({2020: 100.0, 2021: 101.0}, "steigend", 0.01, "moderate_progress"),
        # 100.2/100 − 1 = 0.2 %: 0 ≤ 0.2 % < 0.5 %
        ({2020: 100.0, 2021: 100.2}, "steigend", 0.002, "limited_progress"),
        # unchanged: 0 % is still limited progress (0 ≤ x)
        ({2020: 100.0, 2021: 100.0}, "steigend", 0.0, "limited_progress"),
        # 99/100 − 1 = −1 % < 0
        ({2020: 100.0, 2021: 99.0}, "steigend", -0.01, "deterioration"),
        # lower is better: (81/100)^(1/2) − 1 = 0.9 − 1 = −10 %, negated +10 % ≥ 1.5 %
        ({2020: 100.0, 2022: 81.0}, "fallend", -0.10, "substantial_progress"),
        # lower is better and it rose: 101/100 − 1 = +1 %, negated −1 % < 0
        ({2020: 100.0, 2021: 101.0}, "fallend", 0.01, "deterioration"),
    ],
)
def test_without_target(values: dict[int, float], direction: str, rate: float, status: str) -> None:
    a = assess(indicator(values, direction))
    assert a.cagr_observed == pytest.approx(rate, abs=1e-12)
    assert (a.status, a.cagr_required, a.ratio, a.target_year, a.target_value) == (status, None, None, None, None)
    assert a.direction == ("increase" if direction == "steigend" else "decrease")


def test_rate_thresholds_are_per_indicator() -> None:
    # 1 % a year: moderate by default, substantial from 0.8 % on
    ind = indicator({2020: 100.0, 2021: 101.0}, thresholds=Thresholds(rate_substantial=0.008, rate_moderate=0.004))
    assert assess(ind).status == "substantial_progress"


# --- with a target ---------------------------------------------------------------------------------------------------

GROWING = {2020: 100.0, 2022: 121.0}  # CAGR_o = (121/100)^(1/2) − 1 = 0.10


@pytest.mark.parametrize(
    ("goal", "required", "ratio", "status"),
    [
        # CAGR_r = (150/100)^(1/6) − 1 = 0.069913; R = 0.10 / 0.069913 = 1.4303 ≥ 0.95
        (target(2026, 150.0), 0.069913, 1.4303, "substantial_progress"),
        # CAGR_r = (175/100)^(1/5) − 1 = 0.118427; R = 0.10 / 0.118427 = 0.8444: 0.60 ≤ R < 0.95
        (target(2025, 175.0), 0.118427, 0.8444, "moderate_progress"),
        # CAGR_r = (200/100)^(1/4) − 1 = 0.189207; R = 0.10 / 0.189207 = 0.5285: 0 ≤ R < 0.60
        (target(2024, 200.0), 0.189207, 0.5285, "limited_progress"),
    ],
)
def test_with_target(goal: Target, required: float, ratio: float, status: str) -> None:
    a = assess(indicator(GROWING, targets=(goal,)))
    assert a.cagr_observed == pytest.approx(0.10)
    assert a.cagr_required == pytest.approx(required, abs=1e-6)
    assert a.ratio == pytest.approx(ratio, abs=1e-4)
    assert (a.status, a.target_year, a.target_value) == (status, goal.target_year, goal.target_value)
    assert a.used == (f"{IND}/messwert/2020-12-31", f"{IND}/messwert/2022-12-31", goal.iri)


def test_with_target_deterioration() -> None:
    # CAGR_o = (81/100)^(1/2) − 1 = −0.10; CAGR_r = (200/100)^(1/4) − 1 = 0.189207; R = −0.10/0.189207 = −0.5285 < 0
    a = assess(indicator({2020: 100.0, 2022: 81.0}, targets=(target(2024, 200.0),)))
    assert a.ratio == pytest.approx(-0.5285, abs=1e-4)
    assert a.status == "deterioration"


def test_with_target_lower_is_better() -> None:
    # CAGR_o = (81/100)^(1/2) − 1 = −0.10; CAGR_r = (50/100)^(1/6) − 1 = −0.109101;
    # R = CAGR_o / CAGR_r = −0.10 / −0.109101 = 0.9166 (= d·CAGR_o/|CAGR_r| = −1·−0.10/0.109101): moderate
    a = assess(indicator({2020: 100.0, 2022: 81.0}, "fallend", targets=(target(2026, 50.0),)))
    assert a.cagr_required == pytest.approx(-0.109101, abs=1e-6)
    assert a.ratio == pytest.approx(0.9166, abs=1e-4)
    assert (a.status, a.direction) == ("moderate_progress", "decrease")


def test_ratio_thresholds_are_per_indicator() -> None:
    # R = 0.8444 (as above): moderate by default, substantial from 0.80 on
    ind = indicator(GROWING, targets=(target(2025, 175.0),), thresholds=Thresholds(substantial=0.80, moderate=0.5))
    assert assess(ind).status == "substantial_progress"


@pytest.mark.parametrize(
    ("values", "direction", "goal"),
    [
        ({2020: 50.0, 2022: 70.0}, "steigend", 66.0),  # 70 ≥ 66
        ({2020: 50.0, 2022: 66.0}, "steigend", 66.0),  # 66 ≥ 66: meeting it exactly is enough
        ({2020: 30.0, 2022: 20.0}, "fallend", 24.0),  # 20 ≤ 24
    ],
)
def test_target_achieved(values: dict[int, float], direction: str, goal: float) -> None:
    a = assess(indicator(values, direction, targets=(target(2027, goal),)))
    assert a.status == "target_achieved"
    assert a.cagr_observed is not None and a.cagr_required is None and a.ratio is None


def test_target_on_the_wrong_side_of_the_base_is_deterioration_not_progress() -> None:
    # higher is better, the base 100 already met the target 90, the latest 81 no longer does.
    # CAGR_o = −0.10; CAGR_r = (90/100)^(1/6) − 1 = −0.017407; the CAGR_o/CAGR_r would be +5.74 ("on track");
    # Open SDG's d·CAGR_o/|CAGR_r| = +1·−0.10/0.017407 = −5.74 → deterioration (what we do)
    a = assess(indicator({2020: 100.0, 2022: 81.0}, targets=(target(2026, 90.0),)))
    assert a.ratio == pytest.approx(-5.7448, abs=1e-3)
    assert a.status == "deterioration"


def test_target_equal_to_the_base_and_missed_is_deterioration() -> None:
    # target 100 = base 100 → CAGR_r = 0 (no ratio); the latest 81 < 100 misses it: it moved away from it
    a = assess(indicator({2020: 100.0, 2022: 81.0}, targets=(target(2026, 100.0),)))
    assert (a.status, a.cagr_required, a.ratio) == ("deterioration", 0.0, None)


def test_target_year_not_after_base_year_is_not_available() -> None:
    a = assess(indicator({2020: 100.0, 2022: 110.0}, targets=(target(2020, 150.0),)))
    assert a.status == "not_available"
    assert a.reason == "Das Zieljahr 2020 liegt nicht nach dem Basisjahr 2020."


def test_several_targets_the_latest_target_year_counts() -> None:
    early, late = target(2024, 200.0, "a"), target(2026, 150.0, "b")
    ind = indicator(GROWING, targets=(early, late))
    assert chosen_target(ind) == late
    assert assess(ind).status == "substantial_progress"  # R = 1.4303 against 150 in 2026 (above)


# --- zero and signs --------------------------------------------------------------------------------------------------


def test_zero_base_counts_as_0_001() -> None:
    # y_0 = 0 → 0.001; y_i = 0.004 two years later: (0.004/0.001)^(1/2) − 1 = 2 − 1 = 1.0
    a = assess(indicator({2020: 0.0, 2022: 0.004}))
    assert a.cagr_observed == pytest.approx(1.0)
    assert a.base_value == 0.0  # reported as measured
    assert a.status == "substantial_progress"


def test_zero_target_counts_as_0_001() -> None:
    # lower is better, 1 → 0.25 in two years: CAGR_o = 0.5 − 1 = −0.5; target 0 → 0.001 in 2024:
    # CAGR_r = 0.001^(1/4) − 1 = 0.177828 − 1 = −0.822172; R = −1·−0.5/0.822172 = 0.6081: 0.60 ≤ R < 0.95
    a = assess(indicator({2020: 1.0, 2022: 0.25}, "fallend", targets=(target(2024, 0.0),)))
    assert a.cagr_required == pytest.approx(-0.822172, abs=1e-6)
    assert a.ratio == pytest.approx(0.6081, abs=1e-4)
    assert a.status == "moderate_progress"
    assert a.target_value == 0.0


def test_zero_latest_value_meets_a_zero_target() -> None:
    # lower is better: 0 ≤ 0.001
    assert (
        assess(indicator({2020: 1.0, 2022: 0.0}, "fallend", targets=(target(2024, 0.0),))).status == "target_achieved"
    )


@pytest.mark.parametrize(
    ("values", "targets", "reason"),
    [
        ({2020: -5.0, 2021: 3.0}, (), "Basiswert und aktueller Wert haben verschiedene Vorzeichen."),
        ({2020: 5.0, 2021: 6.0}, (target(2025, -1.0),), "Basiswert und Zielwert haben verschiedene Vorzeichen."),
    ],
)
def test_mixed_signs_are_not_available(values: dict[int, float], targets: tuple[Target, ...], reason: str) -> None:
    a = assess(indicator(values, "fallend", targets=targets))
    assert (a.status, a.reason) == ("not_available", reason)


def test_negative_values_rising_is_progress() -> None:
    # −10 → −5 in two years: (−5/−10)^(1/2) − 1 = 0.7071 − 1 = −0.2929; negative values flip the sign (s = −1):
    # s·d·CAGR = −1·+1·−0.2929 = +0.2929 ≥ 1.5 % — the values rose, as wanted
    a = assess(indicator({2020: -10.0, 2022: -5.0}))
    assert a.cagr_observed == pytest.approx(-0.292893, abs=1e-6)
    assert a.status == "substantial_progress"


# --- direction "halten", no direction ------------------------------------------------------------------------------


def test_hold_with_target_above_the_base_is_increase() -> None:
    a = assess(indicator(GROWING, "halten", targets=(target(2026, 150.0),)))
    assert (a.direction, a.status) == ("increase", "substantial_progress")  # as in test_with_target: R = 1.4303


def test_hold_with_target_below_the_base_is_decrease() -> None:
    a = assess(indicator({2020: 100.0, 2022: 81.0}, "halten", targets=(target(2026, 50.0),)))
    assert (a.direction, a.status) == ("decrease", "moderate_progress")  # R = 0.9166 as above


@pytest.mark.parametrize("targets", [(), (target(2026, 100.0),)])
def test_hold_without_a_target_off_the_base_is_not_available(targets: tuple[Target, ...]) -> None:
    a = assess(indicator(GROWING, "halten", targets=targets))
    assert (a.status, a.direction) == ("not_available", None)
    assert a.reason == "Zielrichtung „halten“: nur mit einem Zielwert bewertbar, der vom Basiswert abweicht."


def test_no_direction_without_target_is_not_available() -> None:
    assert assess(indicator(GROWING, None)).status == "not_available"


# --- set by hand -----------------------------------------------------------------------------------------------------


def test_status_set_by_hand_wins_and_says_so() -> None:
    reason = "Erhebungsmethode 2023 geändert; die Werte sind nicht vergleichbar (fiktiv)."
    a = assess(indicator(GROWING, manual_status="not_available", manual_reason=reason))
    assert (a.status, a.manual, a.reason) == ("not_available", True, reason)
    assert a.cagr_observed == pytest.approx(0.10)  # the inputs stay visible


def test_unknown_status_by_hand_is_ignored() -> None:
    a = assess(indicator(GROWING, manual_status="great"))
    assert (a.status, a.manual) == ("substantial_progress", False)


# --- the worked example of docs/monitoring.md and the vocabulary -----------------------------------------------------


def test_worked_example_of_the_docs() -> None:
    # Musterstadt (fiktiv) I1.1.1.1: base year 2021 (concept adopted 18.03.2021), 54.5 → 62.8 in 2025, target 66 in 2027
    # CAGR_o = (62.8/54.5)^(1/4) − 1 = 0.03607; CAGR_r = (66/54.5)^(1/6) − 1 = 0.03242; R = 1.113 ≥ 0.95 → Auf Kurs
    values = {2020: 52.0, 2021: 54.5, 2022: 55.9, 2023: 58.8, 2024: 60.2, 2025: 62.8}
    a = assess(indicator(values, base_year=2021, targets=(target(2027, 66.0),)))
    assert a.cagr_observed == pytest.approx(0.03607, abs=1e-5)
    assert a.cagr_required == pytest.approx(0.03242, abs=1e-5)
    assert a.ratio == pytest.approx(1.113, abs=1e-3)
    assert a.status == "substantial_progress"
    assert cagr(62.8, 54.5, 4) == a.cagr_observed


def test_assess_all_keeps_the_order() -> None:
    one, two = indicator(GROWING), indicator({2020: 1.0})
    assert [a.status for a in assess_all([one, two])] == ["substantial_progress", "not_available"]


def test_status_words_are_the_ontology_s_labels() -> None:
    store = ox.Store()
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)
    rows = store.query(
        f"SELECT ?c ?key ?de WHERE {{ ?c <{SKOS}inScheme> <{KIO}Fortschrittsstatus> ; <{SKOS}notation> ?key ;"
        f" <{SKOS}prefLabel> ?de FILTER(lang(?de) = 'de') }}"
    )
    found = {r["key"].value: (r["c"].value, r["de"].value) for r in rows}  # type: ignore[union-attr]
    assert set(found) == set(STATUS_KEYS)
    assert {k: de for k, (_c, de) in found.items()} == STATUS_DE
    assert {k: c.removeprefix(KIO) for k, (c, _de) in found.items()} == STATUS_CONCEPT


def test_doctests() -> None:
    import doctest

    from integrationsgraph.graph.monitoring import progress

    assert doctest.testmod(progress).failed == 0
