"""The headline's machinery: contested years, their variants, the primary estimate, power."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from caretrends import load_observations
from caretrends.analysis import (
    abandonment_findings,
    abandonment_series,
    contested,
    detectable,
    headline,
)
from caretrends.models.text import p_value_text
from caretrends.pipeline.consistency import FINDING_COLUMNS


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2010, 2011, 2012, 2013, 2014],
            "value": [50.0, 48.0, 45.0, 40.0, 38.0],
            "obs_status": ["A", "A", "E", "A", "A"],
            "alternatives": ["AiBi [r]: 51", "", "", "MPMS [x]: 43; AiBi [y]: 40", ""],
            "births": 30_000.0,
        }
    )


def _findings(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _series() -> pd.DataFrame:
    table = _table().assign(cited_as="KAS", obs_status="A", alternatives="")
    return table


def test_annual_alternatives_and_inferred_years_are_contested() -> None:
    choices = contested.contested_choices(_table().assign(cited_as="KAS"))
    assert headline.contested_years(choices) == [2010, 2012, 2013]
    by_year = choices.groupby("year")["choice"].apply(list).to_dict()
    assert by_year[2012] == ["published", "left_out"]  # inferred: used or left out
    assert by_year[2013] == ["published", "other_source"]  # the equal AiBi value is no choice
    assert choices.loc[choices["choice"] == "other_source", "value"].tolist() == [51.0, 43.0]


def test_disagreeing_pieces_contest_the_year_with_their_annualised_value() -> None:
    findings = _findings(
        [
            {
                "check": "sub-annual pieces",
                "value": 22.0,
                "first_year": 2013,
                "last_year": 2013,
                "months": 9,
                "code": "remainder",
                "covering": "22 (M)",
            },
            {
                "check": "sub-annual pieces",
                "value": 20.0,
                "first_year": 2013,
                "last_year": 2013,
                "months": 9,
                "code": "months_disagree",
                "covering": "",
            },
        ]
    )
    choices = contested.contested_choices(_series(), findings)
    assert headline.contested_years(choices) == [2013]
    annualised = choices[choices["choice"] == "annualised"]
    assert annualised["value"].round(1).tolist() == [29.3]
    assert annualised["basis"].iloc[0] == "22 (M) = 22 over 9 months, annualised: 22 × 12/9"
    assert choices["choice"].tolist() == ["published", "annualised", "left_out"]
    marked = contested.mark_contested(_series(), findings)
    assert marked["conflict"].tolist() == [False, False, False, True, False]
    assert marked.loc[3, "contested_by"] == "sub-annual pieces"


def test_a_producer_change_contests_the_later_year() -> None:
    findings = _findings(
        [
            {
                "check": "producer change",
                "value": 40.0,
                "first_year": 2012,
                "last_year": 2013,
                "code": "producer_change",
            }
        ]
    )
    choices = contested.contested_choices(_series(), findings)
    assert choices[["year", "choice"]].values.tolist() == [[2013, "published"], [2013, "left_out"]]


def test_a_stated_total_scales_its_years_in_one_variant() -> None:
    findings = _findings(
        [
            {
                "check": "stated total",
                "value": 90.0,
                "first_year": 2013,
                "last_year": 2014,
                "code": "stated_total_series_years",
            }
        ]
    )
    choices = contested.contested_choices(_series(), findings)
    scaled = choices[choices["choice"] == "scaled_to_total"]
    assert scaled["variant"].nunique() == 1 and scaled["value"].sum() == pytest.approx(90.0)


def test_source_sensitivity_changes_one_contested_year_at_a_time() -> None:
    spec = headline.PrimaryAnalysis("births", "quasipoisson", 2010, 2014)
    table = headline.source_sensitivity(_table().assign(cited_as="KAS"), spec)
    assert table["variant"].tolist() == [0, 1, 2, 3]
    assert table["years"].tolist() == ["", "2010", "2012", "2013"]
    assert table["choice"].tolist() == ["published", "other_source", "left_out", "other_source"]
    assert (table["conf_low"] < table["estimate"]).all()
    assert (table["estimate"] < table["conf_high"]).all()
    assert table.attrs["note"].startswith("3 variants from 3 contested years")


def test_the_variants_are_fitted_once_for_every_language() -> None:
    spec = headline.PrimaryAnalysis("births", "quasipoisson", 2010, 2014)
    series = _table().assign(cited_as="KAS")
    fits = headline.variant_fits(series, spec, its_starts=[2012])
    for lang in ("en", "sq"):
        fitted_here = headline.source_sensitivity(series, spec, its_starts=[2012], lang=lang)
        given = headline.source_sensitivity(series, spec, its_starts=[2012], lang=lang, fits=fits)
        pd.testing.assert_frame_equal(given, fitted_here)
        assert given.attrs == fitted_here.attrs


def test_moves_headline_when_the_interval_flips_or_the_apc_moves_more_than_a_point() -> None:
    fitted = pd.DataFrame(
        [(-10.4, -21.6, 2.3), (-10.5, -18.7, -1.4), (-11.6, -22.0, 0.5), (-10.9, -21.0, 1.0)],
        columns=["estimate", "conf_low", "conf_high"],
    )
    assert headline.moves_headline(fitted).tolist() == [False, True, True, False]
    table = fitted.assign(variant=range(4), years=["", "2019", "2023", "2016"])
    table["moves_headline"] = headline.moves_headline(fitted)
    assert headline.headline_moving_years(table) == ["2019", "2023"]


def test_the_2019_choices_of_the_bundled_series() -> None:
    reconciled = load_observations("reconciled")
    findings = abandonment_findings(load_observations("observations"), reconciled)
    series = abandonment_series(reconciled, findings=findings)
    choices = contested.contested_choices(series, findings)
    year = choices[choices["year"] == 2019]
    assert year["choice"].tolist() == ["published", "annualised", "annualised", "left_out"]
    assert year["value"].round(1).tolist()[:3] == [47.0, 26.7, 29.3]
    assert "22 × 12/9" in year["basis"].iloc[2]
    assert series.set_index("year").loc[2019, "conflict"]


def test_minimum_detectable_ratio_agrees_with_an_independent_simulation() -> None:
    years = np.arange(2005, 2021)
    series = pd.DataFrame({"year": years, "value": np.round(60 * 0.95 ** (years - 2005))})
    power = detectable.minimum_detectable_ratio(
        series, 2013, n_sim=150, ratios=(0.5, 0.7, 0.9), seed=3
    )
    assert list(power["power"]) == sorted(power["power"], reverse=True)
    # An independent simulation: Poisson counts, quasi-Poisson Wald t test of the level term.
    rng = np.random.default_rng(7)
    mean = np.asarray(series["value"], dtype=float)
    after = (years >= 2013).astype(float)
    design = sm.add_constant(np.column_stack([years - years.mean(), after]))
    for ratio, expected in zip(power["ratio"], power["power"], strict=True):
        hits = 0
        for _ in range(150):
            y = rng.poisson(mean * np.where(after == 1, ratio, 1.0))
            fit = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
            p = 2 * stats.t.sf(abs(fit.tvalues[2]), len(years) - 3)  # quasi-Poisson: t on df
            hits += p < 0.05 and fit.params[2] < 0
        assert expected == pytest.approx(hits / 150, abs=0.15)


def test_p_values_below_a_thousandth_read_as_such_in_the_locale() -> None:
    assert p_value_text(1e-6, "en") == "p < 0.001" and p_value_text(1e-6, "sq") == "p < 0,001"
