"""Interrupted time series checked against Lopez Bernal, Cummins & Gasparrini (2017)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caretrends.errors import ParameterError
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
    assert len(result.tidy()) == 5
    with pytest.raises(ParameterError, match="level_changes"):
        _ = result.level_change
    assert "fewer than the 3 the Cochrane EPOC criteria require" in result.summary_text()
    assert "not proof" in result.summary_text()


def test_no_clear_change_is_reported_as_such() -> None:
    result = fit_its(_annual(level_drop=1.0), outcome="n", time="year", intervention_start=2013)
    assert "showed no clear change" in result.summary_text().split(".")[0]


def test_an_intervention_with_no_points_after_it_is_refused() -> None:
    with pytest.raises(ParameterError, match="0 points from"):
        fit_its(_annual(), outcome="n", time="year", intervention_start=2030)
