"""Minimum detectable effects: simulated power against the analytic Wald power, the ITS
slope change, Schoenfeld's formula and the seeds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from caretrends.analysis import detectable
from caretrends.models import power


def _trend_design(points: int) -> np.ndarray:
    t = np.arange(points, dtype=float)
    return np.column_stack([np.ones_like(t), t])


@pytest.mark.parametrize("dispersion", [1.0, 3.0])
def test_simulated_power_at_the_detectable_trend_matches_the_wald_power(dispersion) -> None:
    design, mean = _trend_design(10), np.full(10, 50.0)
    apcs = np.array([-12.0, -9.0, -7.0, -5.0, -3.0, 3.0, 5.0, 7.0, 9.0, 12.0])
    effects = np.log1p(apcs / 100)
    simulated = power.simulated_power(
        mean, design, 1, effects, dispersion=dispersion, keep_total=True, n_sim=1000, seed=5
    )
    analytic = power.wald_power(
        mean, design, 1, effects, dispersion=dispersion, df=8, keep_total=True
    )
    found = power.detectable_effect(
        apcs, simulated, no_change=0.0, scale="percent_per_year", method="simulation"
    )
    assert found.fall < 0 < found.rise  # the grid brackets both
    for side in (found.fall, found.rise):
        at = apcs == side
        assert simulated[at][0] == pytest.approx(analytic[at][0], abs=0.05)
    # The whole curve, not only the chosen points.
    assert np.abs(simulated - analytic).max() < 0.06


def test_wald_power_without_df_is_the_normal_formula() -> None:
    design, mean = _trend_design(6), np.array([40.0, 35, 30, 28, 25, 20])
    b = math.log(0.85)
    information = design.T @ np.diag(mean * np.exp(b * design[:, 1])) @ design
    se = math.sqrt(2.0 * np.linalg.inv(information)[1, 1])
    z = 1.959963984540054
    expected = _phi(abs(b) / se - z) + _phi(-abs(b) / se - z)
    found = power.wald_power(mean, design, 1, [b], dispersion=2.0, df=None)
    assert found[0] == pytest.approx(expected, rel=1e-9)


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _series(years: int, level: float) -> pd.DataFrame:
    year = np.arange(2005, 2005 + years)
    # A mildly wobbling series, so its fitted dispersion is close to 1.
    wobble = np.where(np.arange(years) % 2 == 0, 1.05, 0.95)
    return pd.DataFrame({"year": year, "value": np.round(level * wobble)})


def test_its_slope_detectable_shrinks_with_a_longer_series_and_larger_counts() -> None:
    changes = tuple(float(c) for c in (-40, -30, -20, -15, -10, -7, -5, 5, 7, 10, 15, 20, 30, 40))

    def found(years: int, level: float) -> power.DetectableEffect:
        table = detectable.minimum_detectable_slope(
            _series(years, level), 2005 + years // 2, changes=changes, n_sim=300, seed=2
        )
        assert list(table.columns) == ["slope_change", "power"]
        return table.attrs["detectable"]

    short, longer, larger = found(10, 30.0), found(16, 30.0), found(10, 200.0)
    for effect in (short, longer, larger):
        assert effect.scale == "percent_per_year" and effect.method == "simulation"
        assert math.isfinite(effect.fall) and math.isfinite(effect.rise)
    assert longer.fall > short.fall and longer.rise < short.rise
    assert larger.fall > short.fall and larger.rise < short.rise


def test_the_level_curve_keeps_its_columns_and_reads_both_directions() -> None:
    table = detectable.minimum_detectable_ratio(
        _series(16, 40.0), 2013, ratios=(0.4, 0.6, 0.8, 1.25, 1.6, 2.5), n_sim=200, seed=1
    )
    assert list(table.columns) == ["ratio", "power"]
    found = table.attrs["detectable"]
    assert found.scale == "percent" and found.fall < 0 < found.rise
    assert table.attrs["mdr"] == pytest.approx(1 + found.fall / 100)


def test_schoenfeld_matches_a_hand_computation() -> None:
    # 60 events, 30% in the group: (1.959964 + 0.841621) / sqrt(60 * 0.3 * 0.7) = 0.789258.
    found = power.schoenfeld_hazard_ratio(60, 0.3)
    assert found.rise == pytest.approx(math.exp(0.789258), rel=1e-5)
    assert found.fall == pytest.approx(math.exp(-0.789258), rel=1e-5)
    assert (found.scale, found.method, found.n_sim, found.seed) == (
        "hazard_ratio",
        "schoenfeld",
        None,
        None,
    )
    children = pd.DataFrame(
        {
            "months": np.arange(100.0),
            "event": [1] * 60 + [0] * 40,
            "infant": [1] * 30 + [0] * 70,
        }
    )
    by_covariate = detectable.cox_detectable(children, ["infant"], duration="months", event="event")
    assert by_covariate["infant"] == found
    table = detectable.detectable_table(by_covariate)
    assert table.columns.tolist() == [
        "effect",
        "fall",
        "rise",
        "power",
        "alpha",
        "scale",
        "method",
        "n_sim",
        "seed",
    ]
    assert math.isnan(power.schoenfeld_hazard_ratio(0, 0.3).rise)


def test_a_covariate_adjusted_for_another_loses_the_information_they_share() -> None:
    children = pd.DataFrame(
        {
            "months": np.arange(100.0),
            "event": [1] * 60 + [0] * 40,
            "infant": [1] * 30 + [0] * 70,
            "residential": [1] * 20 + [0] * 10 + [1] * 20 + [0] * 50,
        }
    )
    # One other binary covariate: R2 is the squared correlation of the two.
    shared = np.corrcoef(children["infant"], children["residential"])[0, 1] ** 2
    found = detectable.cox_detectable(
        children, ["infant", "residential"], duration="months", event="event"
    )["infant"]
    log_ratio = 2.801585 / math.sqrt(60 * 0.3 * 0.7 * (1 - shared))
    assert found.rise == pytest.approx(math.exp(log_ratio), rel=1e-5)
    assert found.rise > power.schoenfeld_hazard_ratio(60, 0.3).rise


def test_a_seed_repeats_its_numbers_and_another_seed_does_not() -> None:
    series = _series(12, 25.0)
    first = detectable.minimum_detectable_slope(series, 2011, n_sim=100, seed=9)
    again = detectable.minimum_detectable_slope(series, 2011, n_sim=100, seed=9)
    other = detectable.minimum_detectable_slope(series, 2011, n_sim=100, seed=10)
    pd.testing.assert_frame_equal(first, again)
    assert first.attrs["detectable"] == again.attrs["detectable"]
    assert not first["power"].equals(other["power"])
    spec = _primary()
    births = series.assign(births=20_000.0)
    assert detectable.headline_power(births, spec, n_sim=100, seed=3).equals(
        detectable.headline_power(births, spec, n_sim=100, seed=3)
    )


def _primary():
    from caretrends.analysis.headline import PrimaryAnalysis

    return PrimaryAnalysis("births", "quasipoisson", 2005, 2016)
