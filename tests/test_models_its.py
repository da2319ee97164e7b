"""Interrupted time series checked against Lopez Bernal, Cummins & Gasparrini (2017)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caretrends.errors import ParameterError
from caretrends.models.glm import fit_count_glm
from caretrends.models.its import fit_its
from caretrends.warnings import DataQualityWarning, SmallNumbersWarning
from tests._data import TEST_DATA


@pytest.fixture(scope="module")
def sicily() -> pd.DataFrame:
    return pd.read_csv(TEST_DATA / "its_sicily" / "sicily.csv")


def test_quasipoisson_with_seasonality_matches_the_tutorial(sicily: pd.DataFrame) -> None:
    # Published: level change 0.885 (0.839-0.933), dispersion 2.262. The tutorial's intervals
    # come from Epi::ci.lin, which uses the normal quantile; the default t(52) gives
    # 0.838-0.934.
    result = fit_its(
        sicily.sample(frac=1, random_state=4),  # row order must not matter
        outcome="aces",
        time="time",
        intervention_start=37,
        offset="stdpop",
        harmonics=2,
        period=12,
        labels=["the smoking ban"],
        time_unit="month",
        interval="normal",
    )
    change = result.level_change
    assert round(change.estimate, 3) == 0.885
    assert round(change.conf_low, 3) == 0.839
    assert round(change.conf_high, 3) == 0.933
    assert round(result.dispersion, 3) == 2.262
    assert result.summary_text().startswith(
        "After the smoking ban the level fell by 11.5% (95% CI 6.7% to 16.1%)"
    )


def test_poisson_without_seasonality_matches_the_tutorial(sicily: pd.DataFrame) -> None:
    # Published: 0.894 (0.865-0.925).
    with pytest.warns(DataQualityWarning, match="overdispersion"):
        result = fit_its(
            sicily,
            outcome="aces",
            time="time",
            intervention_start=37,
            offset="stdpop",
            family="poisson",
        )
    change = result.level_change
    assert (round(change.estimate, 3), round(change.conf_low, 3)) == (0.894, 0.865)
    assert round(change.conf_high, 3) == 0.925


def test_counterfactual_removes_only_the_intervention(sicily: pd.DataFrame) -> None:
    result = fit_its(
        sicily, outcome="aces", time="time", intervention_start=37, offset="stdpop", harmonics=2
    )
    frame = result.counterfactual()
    assert frame.columns.tolist() == ["time", "observed", "fitted", "counterfactual"]
    before, after = frame[frame["time"] < 37], frame[frame["time"] >= 37]
    np.testing.assert_allclose(before["fitted"], before["counterfactual"])
    np.testing.assert_allclose(
        after["fitted"] / after["counterfactual"], result.level_change.estimate
    )


def _annual(level_drop: float = 0.7) -> pd.DataFrame:
    years = np.arange(2009, 2024)
    births = np.full(years.size, 30_000.0)
    mean = 60 * 0.97 ** (years - 2009) * np.where(years >= 2013, level_drop, 1.0)
    return pd.DataFrame({"year": years, "n": np.round(mean), "births": births})


def test_annual_series_with_two_campaigns_gives_both_changes_and_a_caveat() -> None:
    with pytest.warns(SmallNumbersWarning, match="between May 2013 and May 2015"):
        result = fit_its(
            _annual(),
            outcome="n",
            time="year",
            intervention_start=[2013, 2015],
            offset="births",
            slope_change=True,
            labels=["May 2013", "May 2015"],
        )
    assert set(result.level_changes) == {2013.0, 2015.0}
    assert result.level_changes[2013.0].estimate == pytest.approx(0.7, abs=0.05)
    # the trend before, two level and two slope changes, and the trend from each start on
    assert len(result.tidy()) == 7
    with pytest.raises(ParameterError, match="level_changes"):
        _ = result.level_change
    assert "fewer than the 3 the Cochrane EPOC criteria require" in result.summary_text()
    assert "not proof" in result.summary_text()


def test_no_clear_change_is_reported_as_such() -> None:
    result = fit_its(_annual(level_drop=1.0), outcome="n", time="year", intervention_start=2013)
    first = result.summary_text().split(": no clear change")[0]
    assert first.startswith("After year 2013 the level changed by an estimated")
    assert "compatible with anything from a fall of" in first
    assert " fell " not in first and " rose " not in first


def test_an_intervention_with_no_points_after_it_is_refused() -> None:
    with pytest.raises(ParameterError, match="0 points from"):
        fit_its(_annual(), outcome="n", time="year", intervention_start=2030)


def test_the_trend_after_a_slope_change_is_the_sum_of_the_two_slopes(
    sicily: pd.DataFrame,
) -> None:
    # Refit with the post-intervention trend as a coefficient of its own (time before
    # the start, time after it): its estimate and interval must equal the combination.
    result = fit_its(sicily, outcome="aces", time="time", intervention_start=37, slope_change=True)
    trend_after = result.post_trends[37.0]
    assert trend_after.estimate == pytest.approx(
        result.trend.estimate * result.slope_change.estimate
    )
    t = sicily["time"].to_numpy(float)
    exog = pd.DataFrame(
        {
            "Intercept": 1.0,
            "before": np.minimum(t, 37) - t.min(),
            "level": (t >= 37).astype(float),
            "after": np.maximum(t - 37, 0),
        }
    )
    refit = fit_count_glm(
        sicily["aces"].to_numpy(float), exog, np.zeros(len(t)), "quasipoisson", []
    )
    direct = refit.estimate("after", 0.95)
    assert trend_after.conf_low == pytest.approx(direct.conf_low)
    assert trend_after.conf_high == pytest.approx(direct.conf_high)
    assert trend_after.p_value == pytest.approx(direct.p_value)
    assert "From time 37 on, the number" in result.summary_text()
    assert "relative to the trend before it (the slope change)" in result.summary_text()


def test_the_trend_from_a_start_on_is_named_in_each_language() -> None:
    from caretrends.labels import model_term

    assert model_term("trend from 2014 per year", "en") == "trend from 2014 per year"
    assert model_term("trend from 2014 per year", "sr") == "trend od 2014 nadalje po godinu"
