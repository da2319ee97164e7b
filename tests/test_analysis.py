"""Analysis steps on the bundled Kosovo figures and on tiny constructed series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from caretrends import analysis, paths
from caretrends.reconcile import ReconcileRules, infer_from_totals, reconcile
from caretrends.sources.figures import read_compiled_figures


@pytest.fixture(scope="module")
def reconciled() -> pd.DataFrame:
    observations, _ = read_compiled_figures(paths.raw_dir() / "kosovo/kosovo_figures.csv")
    chosen = reconcile(observations, ReconcileRules.from_yaml())
    return pd.concat([chosen, infer_from_totals(chosen)], ignore_index=True)


def test_abandonment_series_joins_births_and_marks_inferred_years(reconciled) -> None:
    series = analysis.abandonment_series(reconciled).set_index("year")
    assert series.loc[2008, "value"] == 61 and series.loc[2024, "value"] == 23
    assert series.loc[2014, "obs_status"] == "E" and series.loc[2017, "obs_status"] == "E"
    assert 2018 not in series.index  # neither published nor inferable
    assert series.loc[2024, "births"] == 21487 and np.isnan(series.loc[2010, "births"])


def test_campaign_variants_follow_the_analysis_plan() -> None:
    variants = analysis.campaign_variants(dt.date(2013, 5, 15), placebo_year=2011)
    assert [v.first_year_after for v in variants] == [2013, 2014, 2013, 2011]
    assert variants[2].excluded_years == (2020,)
    assert variants[3].last_year == 2012


def test_its_sensitivity_recovers_a_constructed_level_drop() -> None:
    years = np.arange(2005, 2021)
    expected = 60 * 0.97 ** (years - 2005) * np.where(years >= 2013, 0.6, 1.0)
    series = pd.DataFrame({"year": years, "value": np.round(expected)})
    variants = analysis.campaign_variants(dt.date(2013, 5, 15), placebo_year=2009)
    table = analysis.its_sensitivity(series, variants, family="poisson").set_index("variant")
    main = table.iloc[0]
    assert main["level_change"] == pytest.approx(0.6, abs=0.05)
    assert (main["years_before"], main["years_after"]) == (8, 8)
    placebo = table.iloc[3]
    assert placebo["conf_low"] < 1 < placebo["conf_high"]  # no change where there was none


def test_hospital_series_shares_with_wilson_intervals(reconciled) -> None:
    hospital = analysis.hospital_series(reconciled).set_index("year")
    assert hospital.loc[2020, ["left", "reunited", "placed"]].tolist() == [39, 20, 19]
    assert hospital.loc[2020, "share_reunited"] == pytest.approx(20 / 39)
    assert hospital["adds_up"].all()
    assert (hospital["conf_low"] < hospital["share_reunited"]).all()
    long = analysis.hospital_outcomes_long(hospital.reset_index())
    assert set(long["outcome"]) == {"reunited", "placed_by_csw"}


def test_latest_by_country_takes_each_areas_last_year() -> None:
    frame = pd.DataFrame(
        {
            "ref_area": ["ALB", "ALB", "SRB"],
            "indicator": "X",
            "age": "Y0T2",
            "sex": "_T",
            "freq": "A",
            "unit": "NUMBER",
            "year": [2017, 2018, 2016],
            "value": [10.0, 12.0, 30.0],
            "source": "s",
            "note": "",
        }
    )
    latest = analysis.latest_by_country(frame, indicator="X", age="Y0T2")
    assert latest[["ref_area", "year"]].values.tolist() == [["SRB", 2016], ["ALB", 2018]]
