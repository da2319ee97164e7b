"""Joinpoint regression checked against NCI Joinpoint output and constructed series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caretrends.errors import DataValidationError, ParameterError
from caretrends.models.joinpoint import fit_joinpoint
from caretrends.warnings import SmallNumbersWarning
from tests._data import TEST_DATA


@pytest.fixture(scope="module")
def opioid() -> pd.DataFrame:
    path = TEST_DATA / "joinpoint_opioid" / "opioid_rate_ratio.csv"
    return pd.read_csv(path)


def test_opioid_rate_ratio_matches_joinpoint_output(opioid: pd.DataFrame) -> None:
    # Joinpoint 4.x output of Alexander, Kiang & Barbieri (2018) for the black/white opioid
    # mortality rate ratio 1979-2015 (repository mkiang/opioid_trends, 02_opioid_rate_ratio):
    # joinpoints 1993, 2010; APC -0.725 (-2.569, 1.155), 9.311 (8.491, 10.138),
    # -6.069 (-8.982, -3.061); AAPC 3.099 (2.192, 4.014); SSE 137.823741; slope SE 0.009171.
    result = fit_joinpoint(opioid, x="year", y="opioid_rr", se="opioid_rr_sd", max_joinpoints=2)
    assert result.joinpoints == [1993.0, 2010.0]
    published = [
        (-0.725, -2.569, 1.155),
        (9.311, 8.491, 10.138),
        (-6.069, -8.982, -3.061),
    ]
    got = result.segments[["apc", "conf_low", "conf_high"]].round(3)
    assert [tuple(row) for row in got.to_numpy()] == published
    aapc = result.aapc
    assert (round(aapc.estimate, 3), round(aapc.conf_low, 3), round(aapc.conf_high, 3)) == (
        3.099,
        2.192,
        4.014,
    )
    assert result.selection.set_index("n_joinpoints").loc[2, "sse"] == pytest.approx(137.823741)
    assert result.segments.loc[0, "std_error"] == pytest.approx(0.009171, abs=5e-7)


def test_permutation_test_agrees_with_joinpoint_and_is_reproducible(opioid) -> None:
    # Joinpoint (10,000 permutations) rejected 0 and 1 joinpoints against 2 ... and kept 2.
    kwargs = dict(x="year", y="opioid_rr", se="opioid_rr_sd", max_joinpoints=2)
    first = fit_joinpoint(opioid, method="permutation", n_permutations=49, seed=11, **kwargs)
    again = fit_joinpoint(opioid, method="permutation", n_permutations=49, seed=11, **kwargs)
    assert first.joinpoints == [1993.0, 2010.0]
    pd.testing.assert_frame_equal(first.permutation_tests, again.permutation_tests)
    assert (first.permutation_tests["p_value"] == 1 / 50).all()


def _series(noise: float, seed: int = 0) -> pd.DataFrame:
    x = np.arange(1990, 2020, dtype=float)
    # Slopes 0.05, -0.03 and 0.02 on the log scale, joined at 2000 and 2010.
    hinge = np.maximum
    log_y = np.log(50) + 0.05 * (x - 1990) - 0.08 * hinge(x - 2000, 0) + 0.05 * hinge(x - 2010, 0)
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"year": x, "rate": np.exp(log_y + rng.normal(0, noise, x.size))})


def test_recovers_known_joinpoints_without_noise() -> None:
    result = fit_joinpoint(_series(0.0), x="year", y="rate")
    assert result.joinpoints == [2000.0, 2010.0]
    expected = 100 * (np.exp([0.05, -0.03, 0.02]) - 1)
    np.testing.assert_allclose(result.segments["apc"], expected, atol=1e-9)


def test_recovers_known_joinpoints_with_noise_and_ignores_row_order() -> None:
    data = _series(0.01, seed=5)
    result = fit_joinpoint(data, x="year", y="rate")
    shuffled = fit_joinpoint(data.sample(frac=1, random_state=9), x="year", y="rate")
    assert result.joinpoints == shuffled.joinpoints
    pd.testing.assert_frame_equal(result.segments, shuffled.segments)
    assert all(abs(a - b) <= 1 for a, b in zip(result.joinpoints, [2000, 2010], strict=True))
    expected = 100 * (np.exp([0.05, -0.03, 0.02]) - 1)
    assert (
        (result.segments["conf_low"] < expected) & (expected < result.segments["conf_high"])
    ).all()


def test_a_short_kosovo_series_is_capped_and_says_so() -> None:
    data = _series(0.05, seed=2).iloc[:15]
    with pytest.warns(SmallNumbersWarning, match="supports at most 2 joinpoints;"):
        result = fit_joinpoint(data, x="year", y="rate", max_joinpoints=3)
    assert result.selection["n_joinpoints"].max() == 2
    assert "Caution:" in result.summary_text()


def test_impossible_requests_and_bad_values_are_refused() -> None:
    data = _series(0.05).iloc[:8]
    with pytest.raises(ParameterError, match="at most 1 joinpoints"):
        fit_joinpoint(data, x="year", y="rate", n_joinpoints=2)
    data.loc[3, "rate"] = 0.0
    with pytest.raises(DataValidationError, match="row 3, column 'rate'"):
        fit_joinpoint(data, x="year", y="rate")


def _counts() -> pd.DataFrame:
    rng = np.random.default_rng(15)
    year = np.arange(2008, 2025)
    births = rng.integers(20_000, 32_000, year.size)
    count = rng.poisson(60 * np.exp(-0.07 * (year - 2008)))
    return pd.DataFrame({"year": year, "count": count, "births": births})


@pytest.mark.parametrize("with_exposure", [False, True])
def test_count_interface_equals_log_linear_fit_weighted_by_counts(with_exposure) -> None:
    import statsmodels.api as sm

    data = _counts()
    per = 1000.0
    if with_exposure:
        result = fit_joinpoint(
            data, x="year", count="count", exposure="births", per=per, n_joinpoints=0
        )
        log_y = np.log(data["count"] / data["births"] * per)
    else:
        result = fit_joinpoint(data, x="year", count="count", n_joinpoints=0)
        log_y = np.log(data["count"])
    wls = sm.WLS(log_y, sm.add_constant(data["year"].astype(float)), weights=data["count"]).fit()
    slope, (low, high) = wls.params["year"], wls.conf_int().loc["year"]
    segment = result.segments.iloc[0]
    assert segment["apc"] == pytest.approx(100 * np.expm1(slope), rel=1e-9)
    assert segment["conf_low"] == pytest.approx(100 * np.expm1(low), rel=1e-9)
    assert segment["conf_high"] == pytest.approx(100 * np.expm1(high), rel=1e-9)
    assert segment["std_error"] == pytest.approx(wls.bse["year"], rel=1e-9)
    assert result.weighted


def test_count_interface_is_not_the_old_hand_built_weights() -> None:
    # se = 1/sqrt(count) given as if on the scale of y weighted points by count**3.
    data = _counts()
    right = fit_joinpoint(data, x="year", count="count", n_joinpoints=0).aapc.estimate
    wrong = fit_joinpoint(
        data.assign(se=1 / np.sqrt(data["count"])), x="year", y="count", se="se", n_joinpoints=0
    ).aapc.estimate
    assert right != pytest.approx(wrong, abs=0.05)


def test_count_interface_refuses_mixed_arguments() -> None:
    data = _counts().assign(se=1.0)
    with pytest.raises(ParameterError):
        fit_joinpoint(data, x="year", y="count", count="count")
    with pytest.raises(ParameterError):
        fit_joinpoint(data, x="year", y="count", exposure="births")
    with pytest.raises(ParameterError):
        fit_joinpoint(data, x="year")
