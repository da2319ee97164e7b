"""Page 02's sensitivity analyses: other methods, campaign ITS variants, campaign text."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from caretrends.analysis import campaigns, headline, sensitivity
from caretrends.models import fit_joinpoint, fit_rate_trend
from caretrends.models.power import DetectableEffect
from caretrends.models.result import direction

STARTS = [dt.date(2013, 5, 15), dt.date(2015, 5, 15)]


def _series(drop: float = 0.6) -> pd.DataFrame:
    years = np.arange(2005, 2025)
    expected = 60 * 0.97 ** (years - 2005) * np.where(years >= 2014, drop, 1.0)
    return pd.DataFrame(
        {
            "year": years,
            "value": np.round(expected),
            "births": 30_000.0,
            "cited_as": np.where(years < 2016, "MFLT", "KAS"),
            "obs_status": np.where(years == 2017, "E", "A"),
            "conflict": years == 2018,
            "alternatives": np.where(years == 2018, "MFLT [x]: 20", ""),
            "contested_by": np.where(years == 2018, "another source's annual figure", ""),
        }
    )


def test_campaign_sensitivity_recovers_a_constructed_level_drop() -> None:
    table = sensitivity.campaign_sensitivity(_series(), STARTS).set_index("variant")
    assert table.index.tolist() == [
        "main: one period from 2014 (level and slope)",
        "campaign year 2013 counted as after",
        "from 2016, the second campaign's first full year",
        "2020 (COVID-19) left out",
    ]
    assert table.iloc[0]["level_change_2014"] == pytest.approx(0.6, abs=0.05)
    assert table.iloc[3]["level_change_2014"] == pytest.approx(0.6, abs=0.05)
    assert "level_change_2013" in table.columns and "slope_change_2016" in table.columns


def test_other_methods_lists_the_primary_first_then_each_sensitivity() -> None:
    series = _series()
    spec = headline.PrimaryAnalysis("births", "quasipoisson", 2016, 2024)
    trend = fit_rate_trend(series, count="value", time="year")
    joinpoints = fit_joinpoint(series, x="year", count="value", max_joinpoints=1)
    its = campaigns.fit_campaign_its(series, [2014])
    table = sensitivity.other_methods(
        series, spec, first_year=2005, count_trend=trend, joinpoints=joinpoints, campaign_its=its
    )
    primary = table["analysis"].str.startswith("primary")
    assert primary.tolist() == [True] + [False] * (len(table) - 1)
    assert table.loc[0, "estimate"] == headline.primary_estimate(series, spec).estimate
    assert table.loc[1, "analysis"] == "sensitivity: number of children, 2005–2024"
    assert table.loc[1, "estimate"] == trend.apc.estimate
    assert table.loc[3, "estimate"] == pytest.approx(100 * (its.trend.estimate - 1))
    assert (table["conf_low"] < table["estimate"]).all()
    assert set(table["unit"]) == {"annual percent change"}


def test_headline_details_and_campaign_text_name_what_they_rest_on() -> None:
    series = _series()
    spec = headline.PrimaryAnalysis("births", "quasipoisson", 2016, 2024)
    estimate = headline.primary_estimate(series, spec)
    details = headline.headline_details(series, spec, estimate)
    assert "; 9 years; producers: KAS;" in details
    assert details.endswith(
        "inferred years used: 2017; years with conflicting figures: 2018 (another source's "
        "annual figure)"
    )
    row = headline.headline_table("The headline", estimate)
    assert row.columns.tolist() == ["headline", "estimate", "conf_low", "conf_high", "p_value"]
    its = campaigns.fit_campaign_its(series, [2014])
    placebo = pd.DataFrame(
        {"year": [2010, 2012, 2014, 2016], "level_change": [0.95, 1.4, 0.6, 1.1]}
    )
    level_power = pd.DataFrame({"ratio": [0.5], "power": [0.9]})
    level_power.attrs |= {
        "dispersion": 1.0,
        "detectable": DetectableEffect(-50.0, 80.0, 0.8, 0.05, "percent", "simulation"),
    }
    slope_power = pd.DataFrame({"slope_change": [-20.0], "power": [0.9]})
    slope_power.attrs["detectable"] = DetectableEffect(
        -20.0, float("nan"), 0.8, 0.05, "percent_per_year", "simulation"
    )
    text = sensitivity.campaign_text(its, level_power, slope_power, placebo, lang="en")
    assert text.startswith(f"After 2014 the level {its_level_words(its)}")
    # beside each unclear change, what the design could have detected
    for unclear in ("the level changed by", "the trend changed by"):
        if unclear in text:
            clause = text.split(unclear)[1].split(". ")[0]
            assert "could have detected only" in clause
    assert "Detectable effects: seeded simulation from the fitted model, dispersion 1.00." in text
    assert text.endswith(
        "The largest shifts in the placebo scan: 2014 (0.60), 2012 (1.40), 2016 (1.10)."
    )


def test_windows_keep_six_years_with_births_and_label_interpolated_births() -> None:
    series = _series()
    series["births"] = series["births"].where(series["year"].between(2016, 2024))
    series.loc[series["year"] == 2022, "births"] = None
    windows = sensitivity.primary_windows(series)
    assert windows[0] == (2016, 2021) and windows[-1] == (2018, 2024) and len(windows) == 6
    filled = sensitivity.interpolate_births(series.assign(births=series["births"] * 1.0))
    assert filled.loc[filled["year"] == 2022, "births_interpolated"].item()
    assert not filled.loc[filled["year"] == 2010, "births_interpolated"].item()  # not inside
    spec = headline.PrimaryAnalysis("births", "quasipoisson", 2016, 2024)
    trend = fit_rate_trend(series, count="value", time="year")
    joinpoints = fit_joinpoint(series, x="year", count="value", max_joinpoints=1)
    its = campaigns.fit_campaign_its(series, [2014])
    table = sensitivity.other_methods(
        series, spec, first_year=2005, count_trend=trend, joinpoints=joinpoints, campaign_its=its
    )
    interpolated = table[table["births_interpolated"] == "2022"]
    assert interpolated["analysis"].str.endswith("births of 2022 interpolated").all()
    assert len(interpolated) == 5  # every window holding 2022
    assert "net of a level shift in 2014" in table.loc[5, "analysis"]


def its_level_words(its) -> str:
    """The verb the wording function gives the campaign model's level change."""
    change = its.level_change.as_percent_change()
    return {"fell": "fell by", "rose": "rose by", "unclear": "changed by"}[direction(change)]
