"""Series consistency checks, each on a constructed inconsistency, and on the real file."""

from __future__ import annotations

import pandas as pd

from caretrends import analysis, paths
from caretrends.analysis.contested import contested_choices
from caretrends.pipeline.consistency import (
    check_series_changes,
    check_stated_totals,
    check_subannual,
    consistency_findings,
)
from caretrends.pipeline.reconcile import ReconcileRules, reconcile
from caretrends.sources.compiled import read_compiled_figures
from tests.conftest import observation_row


def test_pieces_adding_to_more_than_the_year_are_found() -> None:
    rows = pd.DataFrame(
        [
            observation_row("2019", 10),
            observation_row("2019-S1", 8, freq="S"),
            observation_row("2019-Q3", 5, freq="Q"),
        ]
    )
    found = check_subannual(rows, rows)
    assert len(found) == 1
    assert found.iloc[0][["value", "compared_with", "difference"]].tolist() == [13, 10, 3]


def test_an_implausible_remainder_and_disagreeing_pieces_are_found() -> None:
    rows = pd.DataFrame(
        [
            observation_row("2019", 47),
            observation_row("2019-S1", 13, freq="S", source="unstated"),
            observation_row("2019-Q3", 7, freq="Q"),
            observation_row("2019-01/2019-09", 22, freq="P", source="MPMS"),
        ]
    )
    found = check_subannual(rows, rows)
    assert len(found) == 3
    assert found["finding"].str.contains("the same months disagree").sum() == 1
    assert found["finding"].str.contains("p < 0.001").sum() == 2
    # machine-readable: the year, the months the pieces cover, what was found
    assert found["code"].tolist() == ["remainder", "remainder", "months_disagree"]
    assert found[["first_year", "last_year", "months"]].drop_duplicates().values.tolist() == [
        [2019, 2019, 9]
    ]
    assert found["covering"].iloc[1] == "22 (2019-01/2019-09, MLSW)"
    # a remainder in line with the pieces' rate is no finding
    calm = pd.DataFrame(
        [
            observation_row("2020", 28),
            observation_row("2020-Q1", 8, freq="Q"),
            observation_row("2020-Q2", 6, freq="Q"),
        ]
    )
    assert check_subannual(calm, calm).empty


def test_a_stated_total_that_is_not_the_sum_of_its_years_is_found() -> None:
    years = [
        observation_row(str(y), v, table="article")
        for y, v in zip(range(2020, 2025), [28, 15, 22, 9, 23], strict=True)
    ]
    rows = pd.DataFrame([*years, observation_row("2020/2024", 87, freq="P", table="article")])
    found = check_stated_totals(rows, rows)
    assert found.iloc[0][["value", "compared_with", "difference"]].tolist() == [87, 97, -10]
    right = pd.DataFrame([*years, observation_row("2020/2024", 97, freq="P", table="article")])
    assert check_stated_totals(right, right).empty


def test_a_change_of_definition_or_producer_is_found() -> None:
    series = pd.DataFrame(
        {
            "year": [2012, 2013, 2014],
            "value": [54.0, 52.0, 41.0],
            "source": ["MPMS", "MPMS", "KAS"],
            "definition": ["removed", "removed", "registered"],
        }
    )
    found = check_series_changes(series, indicator="X")
    assert found["check"].tolist() == ["definition change", "producer change"]
    assert set(found["period"]) == {"2013-2014"}
    assert found["code"].tolist() == ["definition_change", "producer_change"]
    assert found[["first_year", "last_year"]].values.tolist() == [[2013, 2014]] * 2


def test_disagreeing_pieces_make_their_year_contested_with_the_annualised_value() -> None:
    rows = pd.DataFrame(
        [
            observation_row("2018", 28, source="MPMS"),
            observation_row("2019", 47),
            observation_row("2019-01/2019-09", 22, freq="P", source="MPMS"),
        ]
    )
    series = pd.DataFrame(
        {
            "year": [2018, 2019],
            "value": [28.0, 47.0],
            "source": ["MPMS", "KAS"],
            "definition": "registered",
            "cited_as": ["MPMS", "KAS"],
            "obs_status": "A",
            "alternatives": "",
        }
    )
    found = pd.concat([check_subannual(rows, rows), check_series_changes(series)])
    choices = contested_choices(series, found)
    assert choices["year"].unique().tolist() == [2019]
    assert choices["choice"].tolist() == ["published", "annualised", "left_out"]
    assert choices["value"].round(1).tolist()[:2] == [47.0, 29.3]
    assert choices["check"].tolist()[0] == "sub-annual pieces; producer change"


def test_the_real_kosovo_series_findings() -> None:
    observations, _ = read_compiled_figures(paths.raw_dir() / "kosovo/kosovo_figures.csv")
    observations = observations[(observations["ref_area"] == "XKX") & (observations["sex"] == "_T")]
    reconciled = reconcile(observations, ReconcileRules.from_yaml())
    series = analysis.abandonment_series(reconciled, start=2008)
    found = consistency_findings(
        observations, reconciled, series, indicator=analysis.kosovo.ABANDONED
    )
    totals = found[found["check"] == "stated total"].set_index("period")
    assert totals.loc["2020-2024", ["value", "compared_with"]].tolist() == [87, 97]
    pieces = found[found["check"] == "sub-annual pieces"]
    assert ((pieces["period"] == "2019") & (pieces["compared_with"] == 47)).sum() == 2
    assert (found["check"] == "definition change").sum() == 1
