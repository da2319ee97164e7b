"""Small-sample inference, row-order invariance, the one curve reader and the PH check."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from caretrends.models import (
    cumulative_incidence,
    fit_cox,
    fit_its,
    fit_joinpoint,
    fit_rate_trend,
    kaplan_meier,
    logrank_test,
    ph_test,
    value_at,
)
from caretrends.models.result import GLANCE_COLUMNS
from caretrends.warnings import DataQualityWarning

# A 7-point births series, overdispersed (Pearson X2/df 1.56) but too short for the
# Pearson test to reject at 5%.
BIRTHS = pd.DataFrame(
    {
        "year": np.arange(2017, 2024, dtype=float),
        "n": [55.0, 64, 42, 53, 36, 48, 33],
        "births": [30_000.0, 29_500, 29_800, 28_900, 28_600, 28_100, 27_500],
    }
)


def _statsmodels_quasipoisson() -> sm.regression.linear_model.RegressionResults:
    exog = sm.add_constant(BIRTHS["year"] - BIRTHS["year"].min())
    model = sm.GLM(BIRTHS["n"], exog, family=sm.families.Poisson(), offset=np.log(BIRTHS["births"]))
    return model.fit(scale="X2", use_t=True)


def test_quasipoisson_intervals_use_t_on_the_residual_df_as_statsmodels() -> None:
    reference = _statsmodels_quasipoisson()
    assert reference.pearson_chi2 / reference.df_resid > 1  # so max(1, X2/df) = X2/df
    result = fit_rate_trend(
        BIRTHS, count="n", time="year", exposure="births", family="quasipoisson"
    )
    low, high = np.exp(reference.conf_int().iloc[1])
    ratio = result.rate_ratio
    assert ratio.conf_low == pytest.approx(low, rel=1e-6)
    assert ratio.conf_high == pytest.approx(high, rel=1e-6)
    assert ratio.p_value == pytest.approx(reference.pvalues.iloc[1], rel=1e-6)
    assert "t intervals on 5 residual df" in result.summary_text()


def test_auto_family_scales_by_the_dispersion_without_waiting_for_the_test() -> None:
    result = fit_rate_trend(BIRTHS, count="n", time="year", exposure="births")
    assert result.fit.overdispersion_p > 0.05  # the test would have kept Poisson
    reference = _statsmodels_quasipoisson()
    assert result.tidy()["std_error"].iloc[0] == pytest.approx(reference.bse.iloc[1], rel=1e-6)
    glance = result.glance().iloc[0]
    assert glance["family"] == "quasipoisson"
    assert glance["dispersion_rule"] == "max(1, Pearson X2/df)"
    assert glance["dispersion"] == pytest.approx(reference.scale)
    assert "quasi-Poisson chosen automatically" in result.summary_text()


def test_auto_family_never_narrows_below_poisson() -> None:
    data = BIRTHS.assign(n=[50.0, 49, 48, 47, 46, 45, 44])  # underdispersed
    auto = fit_rate_trend(data, count="n", time="year", exposure="births")
    poisson = fit_rate_trend(data, count="n", time="year", exposure="births", family="poisson")
    assert auto.fit.scale == 1.0
    assert auto.tidy()["std_error"].iloc[0] == pytest.approx(poisson.tidy()["std_error"].iloc[0])


def test_its_ignores_row_order_with_an_offset_given_as_an_array() -> None:
    rng = np.random.default_rng(2)
    data = pd.DataFrame(
        {
            "year": np.arange(2009, 2024, dtype=float),
            "n": rng.poisson(60, 15).astype(float) * np.r_[np.ones(6), np.full(9, 0.7)].round(),
            "births": rng.integers(20_000, 40_000, 15).astype(float),
        }
    )
    shuffled = data.sample(frac=1, random_state=5)
    kwargs = dict(outcome="n", time="year", intervention_start=2015)
    in_order = fit_its(data, offset=data["births"].to_numpy(), **kwargs)
    by_column = fit_its(shuffled, offset="births", **kwargs)
    by_array = fit_its(shuffled, offset=shuffled["births"].to_numpy(), **kwargs)
    pd.testing.assert_frame_equal(in_order.tidy(), by_array.tidy())
    pd.testing.assert_frame_equal(by_column.tidy(), by_array.tidy())


def test_fitted_values_honour_per_with_an_array_exposure() -> None:
    kwargs = dict(count="n", time="year", family="poisson")
    shuffled = BIRTHS.sample(frac=1, random_state=1)
    by_column = fit_rate_trend(BIRTHS, exposure="births", **kwargs).fitted_values(per=1000)
    by_array = fit_rate_trend(
        shuffled, exposure=shuffled["births"].to_numpy(), **kwargs
    ).fitted_values(per=1000)
    pd.testing.assert_frame_equal(by_column, by_array)
    assert by_array["fitted"].iloc[0] == pytest.approx(1.8, abs=0.2)  # per 1,000 births


@pytest.fixture
def followed() -> pd.DataFrame:
    # Events at 3 and 8; the last child is followed (censored) to 12.
    return pd.DataFrame({"t": [3.0, 5, 8, 10, 12], "e": [1, 0, 1, 0, 0]})


def test_the_curve_reader_carries_forward_to_the_end_of_follow_up_and_no_further(
    followed: pd.DataFrame,
) -> None:
    curve = kaplan_meier(followed, duration="t", event="e")
    at_start, at_ten = value_at(curve, 1), value_at(curve, 10)
    assert (at_start.estimate, at_start.conf_low, at_start.at_risk) == (1.0, 1.0, 5)
    assert at_ten.estimate == pytest.approx(0.8 * 2 / 3)  # last step, at 8
    assert at_ten.reason == ""
    assert value_at(curve, 12).estimate == at_ten.estimate
    past = value_at(curve, 36)
    assert np.isnan([past.estimate, past.conf_low, past.conf_high]).all()
    assert past.reason == "past the end of follow-up (12): nobody was followed that long"
    assert np.isnan(value_at(curve.sort_values("time", ascending=False), 36).estimate)


def test_the_curve_reader_reads_cumulative_incidence_alike(followed: pd.DataFrame) -> None:
    data = followed.assign(kind=["home", None, "adopted", None, None])
    table = cumulative_incidence(data, duration="t", event="e", cause="kind")
    home = table[table["cause"] == "home"]
    assert value_at(home, 2).estimate == 0.0
    assert value_at(home, 4).estimate == pytest.approx(0.2)
    assert np.isnan(value_at(home, 13).estimate)
    assert value_at(home, 13, follow_up=24).estimate == pytest.approx(0.2)


# Closed forms of R's survival package test suite (therneau/survival, tests/zph.R): the data
# test1 without its missing status, where the MLE and the per-death score and information are
# known exactly; cox.zph is the score test built from them.
ZPH_TIMES = np.array([9.0, 1, 1, 6, 6, 8])
ZPH_STATUS = np.array([1, 1, 0, 1, 1, 0])
ZPH_X = np.array([[0.0], [1], [1], [1], [0], [0]])
ZPH_DEATHS = np.array([1.0, 6, 6, 9])


def _closed_form_score_test(score: np.ndarray, info: np.ndarray, g: np.ndarray) -> float:
    u = np.array([score.sum(), g @ score])
    information = np.array([[info.sum(), g @ info], [g @ info, g**2 @ info]])
    return float(u @ np.linalg.solve(information, u))


def test_ph_test_matches_the_survival_package_closed_form_breslow() -> None:
    r = (3 + np.sqrt(33)) / 2
    score = np.array([1 / (r + 1), 3 / (r + 3), -r / (r + 3), 0])
    info = np.array([r / (r + 1) ** 2, 3 * r / (r + 3) ** 2, 3 * r / (r + 3) ** 2, 0])
    expected = _closed_form_score_test(score, info, ZPH_DEATHS)
    table = ph_test(
        ZPH_TIMES, ZPH_STATUS, ZPH_X, np.log([r]), ["x"], ties="breslow", transform="identity"
    )
    assert table["chisq"].iloc[0] == pytest.approx(expected, rel=1e-10)


def test_ph_test_matches_the_survival_package_closed_form_efron() -> None:
    phi = np.arccos((45 / 23) * np.sqrt(3 / 23))
    r = 2 * np.sqrt(23 / 3) * np.cos(phi / 3)
    score = np.array([1 / (r + 1), 3 / (r + 3), -r / (r + 5), 0])
    info = np.array([r / (r + 1) ** 2, 3 * r / (r + 3) ** 2, 5 * r / (r + 5) ** 2, 0])
    expected = _closed_form_score_test(score, info, ZPH_DEATHS)
    table = ph_test(ZPH_TIMES, ZPH_STATUS, ZPH_X, np.log([r]), ["x"], transform="identity")
    assert table["chisq"].iloc[0] == pytest.approx(expected, rel=1e-10)


def _two_groups(violated: bool, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 400
    group = np.arange(n) % 2
    if violated:
        # Group 1 has four times the hazard in the first month and a quarter of it after.
        early = rng.exponential(1 / np.where(group == 1, 2.0, 0.5))
        late = 1 + rng.exponential(1 / np.where(group == 1, 0.125, 0.5))
        times = np.where(early < 1, early, late)
    else:
        times = rng.exponential(1 / np.where(group == 1, 1.0, 0.5))
    censor = rng.uniform(0, 4, n)
    return pd.DataFrame(
        {"t": np.minimum(times, censor), "e": (times <= censor).astype(int), "infant": group}
    )


def test_ph_check_flags_a_constructed_violation() -> None:
    with pytest.warns(DataQualityWarning, match="proportional-hazards assumption"):
        result = fit_cox(_two_groups(True, 1), duration="t", event="e", covariates=["infant"])
    assert result.ph_test.set_index("term").loc["infant", "p_value"] < 0.001
    assert "proportional-hazards assumption looks violated" in result.summary_text()


def test_ph_check_passes_proportional_hazards() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        result = fit_cox(_two_groups(False, 1), duration="t", event="e", covariates=["infant"])
    assert result.ph_test.set_index("term").loc["GLOBAL", "p_value"] > 0.05
    assert result.glance()["ph_global_p"].iloc[0] > 0.05


def test_a_yes_no_covariate_compares_the_two_groups() -> None:
    result = fit_cox(
        _two_groups(False, 3),
        duration="t",
        event="e",
        covariates=["infant"],
        labels={"infant": "Children who entered as infants"},
        event_verb="reached a permanent family",
    )
    first = result.summary_text().split(". ")[0]
    assert first.startswith("Children who entered as infants reached a permanent family ")
    assert "times as fast as others (95% CI" in first
    assert "one unit higher" not in result.summary_text()


def test_every_glance_starts_with_the_shared_columns() -> None:
    results = [
        fit_rate_trend(BIRTHS, count="n", time="year", exposure="births"),
        fit_its(BIRTHS, outcome="n", time="year", intervention_start=2020, offset="births"),
        fit_cox(_two_groups(False, 3), duration="t", event="e", covariates=["infant"]),
        logrank_test(_two_groups(False, 3), duration="t", event="e", group="infant"),
        fit_joinpoint(BIRTHS, x="year", y="n", n_joinpoints=0),
    ]
    for result in results:
        glance = result.glance()
        assert glance.columns[: len(GLANCE_COLUMNS)].tolist() == GLANCE_COLUMNS
        assert len(glance) == 1
