"""Reconciliation: priority, conflicts, and inference from published totals."""

from __future__ import annotations

import pandas as pd

from caretrends import paths
from caretrends.pipeline.reconcile import (
    INFERRED_SOURCE,
    ReconcileRules,
    infer_from_totals,
    reconcile,
)
from caretrends.sources.compiled import read_compiled_figures
from tests.conftest import observation_row

RULES = ReconcileRules(("KAS", "MPMS"), tolerance=0.005)


def test_priority_chooses_and_keeps_alternatives() -> None:
    frame = pd.DataFrame(
        [
            observation_row("2016", 36, source="MPMS"),
            observation_row("2016", 41, source="KAS"),
            observation_row("2016", 41, source="X"),
        ]
    )
    row = reconcile(frame, RULES).iloc[0]
    assert (row["source"], row["value"], row["n_sources"]) == ("KAS", 41, 3)
    assert bool(row["conflict"])
    assert row["alternatives"] == "MPMS [t]: 36; X [t]: 41"


def test_agreeing_sources_are_not_a_conflict_and_ties_keep_file_order() -> None:
    frame = pd.DataFrame(
        [
            observation_row("2020", 28, source="KAS", table="a"),
            observation_row("2020", 28, source="KAS", table="b"),
        ]
    )
    row = reconcile(frame, RULES).iloc[0]
    assert row["source_table"] == "a"
    assert not row["conflict"]


def test_reconcile_does_not_depend_on_row_order() -> None:
    rows = [
        observation_row("2016", 36, source="MPMS"),
        observation_row("2016", 41, source="KAS"),
        observation_row("2017", 30, source="KAS"),
    ]
    forward = reconcile(pd.DataFrame(rows), RULES).sort_values("period").reset_index(drop=True)
    backward = reconcile(pd.DataFrame(rows[::-1]), RULES).sort_values("period")
    pd.testing.assert_frame_equal(forward, backward.reset_index(drop=True))


def test_totals_fill_one_missing_year_and_chain() -> None:
    rows = [
        observation_row("2010", 10, source="KAS"),
        observation_row("2012", 30, source="KAS"),
        observation_row("2010/2012", 60, source="KAS", freq="P"),
        observation_row("2011/2013", 70, source="KAS", freq="P"),
    ]
    inferred = infer_from_totals(reconcile(pd.DataFrame(rows), RULES)).set_index("period")
    assert inferred.loc["2011", "value"] == 20  # 60 - 10 - 30
    assert inferred.loc["2013", "value"] == 20  # 70 - 20 (inferred) - 30
    assert set(inferred["obs_status"]) == {"E"}
    assert set(inferred["source"]) == {INFERRED_SOURCE}
    assert inferred.loc["2011", "note"].startswith("inferred, not published: 60 (KAS, 2010-2012)")


def test_no_inference_when_two_years_are_missing_or_the_remainder_is_negative() -> None:
    rows = [
        observation_row("2010", 10, source="KAS"),
        observation_row("2010/2012", 60, source="KAS", freq="P"),
    ]
    assert infer_from_totals(reconcile(pd.DataFrame(rows), RULES)).empty
    rows = [
        observation_row("2010", 70, source="KAS"),
        observation_row("2010/2011", 60, source="KAS", freq="P"),
    ]
    assert infer_from_totals(reconcile(pd.DataFrame(rows), RULES)).empty


def test_kosovo_published_years_replace_the_inferred_ones() -> None:
    observations, _ = read_compiled_figures(paths.raw_dir() / "kosovo/kosovo_figures.csv")
    reconciled = reconcile(observations, ReconcileRules.from_yaml())
    # 2014 and 2017 were inferred from KAS totals (33, 37) until the ministry's own figures
    # (41, 34) were found: nothing is inferred where a published value exists.
    assert infer_from_totals(reconciled).query("ref_area == 'XKX'").empty
    annual = reconciled[
        (reconciled["indicator"] == "PT_CHLD_NO_PARENTAL_CARE_ABANDON")
        & (reconciled["ref_area"] == "XKX")
        & (reconciled["sex"] == "_T")
        & (reconciled["freq"] == "A")
    ].set_index("year")
    assert annual.loc[[2014, 2017, 2018], "value"].tolist() == [41, 34, 28]
    assert (annual.loc[[2014, 2017, 2018], "source"] == "MPMS").all()
    abandoned_2016 = reconciled[
        (reconciled["indicator"] == "PT_CHLD_NO_PARENTAL_CARE_ABANDON")
        & (reconciled["period"] == "2016")
        & (reconciled["ref_area"] == "XKX")
        & (reconciled["sex"] == "_T")
    ].iloc[0]
    assert (abandoned_2016["source"], abandoned_2016["value"]) == ("KAS", 41)
    assert abandoned_2016["conflict"]
