"""The batched Poisson fit of the power simulation against statsmodels, fit by fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from caretrends.analysis import detectable
from caretrends.errors import ModelDataError
from caretrends.models import fit_its
from caretrends.models.glm_batch import fit_poisson_batch
from caretrends.models.result import Estimate


def _its_design(years: np.ndarray, start: int) -> np.ndarray:
    return np.column_stack([np.ones(len(years)), years - years.min(), years >= start])


def _level_change(years: np.ndarray, counts: np.ndarray, start: int) -> Estimate:
    data = pd.DataFrame({"year": years, "value": counts})
    return fit_its(data, outcome="value", time="year", intervention_start=start).level_change


@pytest.mark.parametrize("quasi", [True, False])
def test_batched_fits_equal_statsmodels_fit_by_fit(quasi: bool) -> None:
    rng = np.random.default_rng(11)
    years = np.arange(2006, 2023)
    design = _its_design(years, 2013)
    offset = np.log(rng.uniform(25_000, 35_000, len(years)))
    mu = np.exp(offset - 7.0 - 0.04 * (years - 2006))
    size = mu / 1.5  # negative binomial: some series over-, some underdispersed
    counts = rng.negative_binomial(size, size / (size + mu), size=(12, len(years)))
    counts[0] = np.maximum(counts[0], 1)
    batch = fit_poisson_batch(counts, design, offset, quasi=quasi)
    assert batch.converged.all() and batch.df_resid == len(years) - 3
    for row, y in enumerate(counts):
        model = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset)
        scale = max(1.0, model.fit().pearson_chi2 / (len(years) - 3)) if quasi else 1.0
        fit = model.fit(scale=scale, use_t=quasi, tol=1e-14)
        assert batch.scale[row] == pytest.approx(scale, rel=1e-8)
        np.testing.assert_allclose(batch.params[row], fit.params, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(batch.bse[row], fit.bse, rtol=1e-8)
        np.testing.assert_allclose(batch.pvalues[row], fit.pvalues, rtol=1e-8, atol=1e-12)


def test_batched_level_changes_equal_fit_its() -> None:
    years = np.arange(2005, 2022)
    rng = np.random.default_rng(4)
    mean = 40 * 0.95 ** (years - 2005) * np.where(years >= 2013, 0.7, 1.0)
    simulated = rng.poisson(mean, (8, len(years)))
    batch = fit_poisson_batch(simulated, _its_design(years, 2013))
    for row, y in enumerate(simulated):
        level = _level_change(years, y, 2013)
        # fit_its stops statsmodels' IRLS at its default tolerance (relative change of the
        # deviance 1e-8); the batched fit runs Newton's method to the maximum itself.
        assert np.exp(batch.params[row, 2]) == pytest.approx(level.estimate, rel=1e-6)
        assert batch.pvalues[row, 2] == pytest.approx(level.p_value, rel=1e-5)


def test_series_fit_its_refuses_are_no_detection_and_the_rest_are_judged_alike() -> None:
    years = np.arange(2005, 2015)
    data = pd.DataFrame({"year": years, "value": 0.0})
    falling = np.array([30, 28, 29, 25, 26, 12, 10, 11, 9, 8])
    simulated = np.array(
        [
            falling,  # positive counts: the batched fit
            [30, 28, 29, 25, 26, 0, 0, 0, 0, 0],  # after the start all zero: refused
            [30, 0, 29, 25, 26, 12, 0, 11, 9, 8],  # zeros: fitted one by one by fit_its
            [20, 21, 19, 22, 20, 21, 20, 19, 22, 21],  # no fall
        ]
    )
    detected = detectable.level_falls_detected(data, simulated, 2010, 0.05)
    expected = []
    for y in simulated:
        try:
            change = _level_change(years, y, 2010)
        except ModelDataError:  # a refused series is no detection, as in the simulation
            expected.append(False)
            continue
        expected.append(change.p_value < 0.05 and change.estimate < 1)
    assert detected.tolist() == expected
    assert expected[0] and not any(expected[1:2] + expected[3:])


def test_a_start_outside_the_series_detects_nothing() -> None:
    years = np.arange(2005, 2015)
    data = pd.DataFrame({"year": years, "value": 0.0})
    simulated = np.tile(np.arange(30, 20, -1), (3, 1))
    assert not detectable.level_falls_detected(data, simulated, 2030, 0.05).any()
