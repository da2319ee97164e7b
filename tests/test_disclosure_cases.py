"""The disclosure rules for numbers from case records (issue 26): curves, readings, shares,
models, and the page 03 analyses built on them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caretrends as ct
from caretrends import disclosure
from caretrends.analysis import case_curves
from caretrends.warnings import DataQualityWarning


def _curve(group: str, at_risk: list[int], events: list[int]) -> pd.DataFrame:
    survival = np.cumprod([1 - e / n for e, n in zip(events, at_risk, strict=True)])
    return pd.DataFrame(
        {
            "group": group,
            "time": np.arange(1.0, len(at_risk) + 1),
            "at_risk": at_risk,
            "events": events,
            "survival": survival,
            "conf_low": survival * 0.9,
            "conf_high": np.minimum(survival * 1.1, 1),
        }
    )


def test_a_curve_of_few_children_or_few_events_is_withheld_and_a_long_one_stops() -> None:
    table = pd.concat(
        [
            _curve("large", [40, 30, 12, 6, 4, 2], [5, 5, 2, 1, 1, 1]),
            _curve("few_children", [12, 8], [2, 2]),
            _curve("few_events", [30, 25], [2, 1]),
        ]
    )
    sizes = {"large": 40, "few_children": 12, "few_events": 30, "never_fitted": 3}
    curves = disclosure.protect_curves(table, estimate="survival", sizes=sizes)
    assert curves.withheld == {
        "few_children": "few_children",
        "few_events": "few_events",
        "never_fitted": "few_children",
    }
    assert curves.stops == {"large": 4.0}
    assert curves.table["at_risk"].min() == 6 and set(curves.table["group"]) == {"large"}


def test_readings_past_a_stop_or_of_a_withheld_curve_are_withheld_with_their_reason() -> None:
    table = pd.concat([_curve("a", [40, 20, 3], [4, 4, 1]), _curve("b", [9, 5], [1, 1])])
    curves = disclosure.protect_curves(table, estimate="survival", sizes={"a": 40, "b": 9})
    readings = pd.DataFrame(
        {
            "group": ["a", "a", "b"],
            "time": [2.0, 3.0, 1.0],
            "survival": [0.8, 0.7, 0.9],
            "conf_low": [0.7, 0.6, 0.8],
            "conf_high": [0.9, 0.8, 1.0],
            "at_risk": [20, 3, 9],
        }
    )
    shown = curves.protect_readings(readings)
    assert shown["withheld"].tolist() == ["", "few_at_risk", "few_children"]
    assert shown["survival"].notna().tolist() == [True, False, False]
    assert shown["at_risk"].dropna().tolist() == [20]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 60), st.integers(0, 5)), min_size=1, max_size=12).map(sorted),
    st.integers(1, 80),
)
def test_no_published_step_describes_fewer_than_five_children(steps, size) -> None:
    at_risk = sorted((n for n, _ in steps), reverse=True)
    events = [min(e, n) for (_, e), n in zip(steps, at_risk, strict=True)]
    curves = disclosure.protect_curves(
        _curve("g", at_risk, events), estimate="survival", sizes={"g": size}
    )
    assert curves.table.empty or curves.table["at_risk"].min() >= 5
    if size < disclosure.MIN_GROUP_CHILDREN or 1 <= sum(events) <= 4:
        assert curves.empty and "g" in curves.withheld


@pytest.mark.parametrize(
    ("events", "sides", "reason"),
    [
        ([1] * 19 + [0] * 21, [20, 20], "few_events"),
        ([1] * 30 + [0] * 10, [37, 3], "small_group"),
        ([1] * 30 + [0] * 10, [20, 20], ""),
    ],
)
def test_a_model_is_fitted_only_with_ten_events_a_covariate_and_five_on_each_side(
    events, sides, reason
) -> None:
    data = pd.DataFrame({"event": events, "infant": [1] * sides[0] + [0] * sides[1]})
    data["residential"] = np.arange(40) % 2
    check = disclosure.model_withheld(data, ["infant", "residential"], event="event")
    assert check.reason == reason and check.needed_events == 20


@pytest.fixture(scope="module")
def children() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        episodes = ct.cases.load_cases("episodes", source="bundled")
    return ct.cases.build_children(episodes.data, analysis_date="2025-12-31")


@pytest.mark.parametrize("size", [3, 6, 19])
def test_page_03_analyses_of_a_few_children_withhold_every_reading_quietly(children, size) -> None:
    few = children.head(size)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would quote a few records on the page
        reached = case_curves.permanency_milestones(few, [12, 24])
        median = case_curves.permanency_median(few)
        legal_median, legal, _ = case_curves.legal_status(few, [12])
        placements = case_curves.placement_curves(few)
        within = ct.analysis.permanency_within(few, 24)
    assert set(reached["withheld"]) == {"few_children"} and reached["km_reached"].isna().all()
    assert set(median["withheld"]) == set(legal_median["withheld"]) == {"few_children"}
    assert legal["resolved"].isna().all() and placements.empty
    assert within.at[0, "withheld"] == "few_children" and np.isnan(within.at[0, "estimate"])
    assert "children" not in within.columns  # a count that may be small is never stored
    sentence = ct.labels.median_sentence(median, what="model.km.permanent_family", lang="sr")
    assert sentence.endswith("nije prikazano: manje od 20 dece.")


def test_page_03_analyses_of_the_demonstration_set_match_the_unprotected_values(
    children,
) -> None:
    reached = case_curves.permanency_milestones(children, [24])
    assert reached.at[0, "cumulative_incidence"] == pytest.approx(0.724, abs=0.001)
    assert reached.at[0, "km_reached"] == pytest.approx(0.758, abs=0.001)
    incidence, exits = case_curves.exit_curves(children)
    assert not exits.withheld and exits.table["at_risk"].min() >= 5
    assert exits.table["time"].max() < incidence["time"].max()  # the tail stops
    rows = case_curves.withheld_analyses(exits=exits, cox=disclosure.ModelCheck(9, 9, 20, 9, ""))
    assert set(rows["withheld"]) == {"stopped"} and set(rows["analysis"]) == {"exits"}


def test_the_prevention_chart_hides_a_small_yearly_total_and_keeps_a_single_year_in_view() -> None:
    data = pd.DataFrame(
        {
            "year": [2024] * 3,
            "outcome": ["stayed_in_family", "entered_care", "lost_to_follow_up"],
            "value": [2, 1, 0],
            "source": "test",
        }
    )
    chart = ct.figures.prevention_chart(
        data, success="stayed_in_family", title="t", measure="m", lang="en"
    )
    total = chart.data[chart.data["outcome"] == "total"]
    assert total["value"].tolist() == ["c"]
    for ax in chart.figure.axes[:2]:
        low, high = ax.get_xlim()
        assert low < 2024 < high and high - low < 3
