"""Degenerate data: every model raises a project error or returns a finite, caveated result."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretrends.errors import CaretrendsError, ModelDataError
from caretrends.models import (
    cumulative_incidence,
    fit_cox,
    fit_its,
    fit_joinpoint,
    fit_rate_model,
    fit_rate_trend,
    kaplan_meier,
    logrank_test,
    median_survival,
    value_at,
)
from caretrends.models.result import ModelResult
from caretrends.warnings import DataQualityWarning

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _project_error_or_finite(call: Callable[[], object]) -> object:
    """Run a model; a project error is fine, any other exception fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call()
        except CaretrendsError:
            return None
    if isinstance(result, ModelResult):
        numbers = result.tidy()[["estimate", "conf_low", "conf_high"]].to_numpy(float)
        assert not np.isinf(numbers).any(), result.tidy()
        assert isinstance(result.summary_text(), str)
        assert len(result.glance()) == 1
    return result


# ---------------------------------------------------------------- the cases found by review


def _survival(events: list[int], x: list[float] | None = None) -> pd.DataFrame:
    n = len(events)
    return pd.DataFrame(
        {
            "t": np.arange(1, n + 1, dtype=float),
            "e": events,
            "g": np.arange(n) % 2,
            "x": x if x is not None else np.arange(n) % 3,
        }
    )


def test_logrank_with_every_record_censored_names_the_problem() -> None:
    with pytest.raises(ModelDataError, match="no events"):
        logrank_test(_survival([0] * 8), duration="t", event="e", group="g")


def test_logrank_with_one_group_names_the_problem() -> None:
    data = _survival([1, 0, 1, 1]).assign(g=0)
    with pytest.raises(ModelDataError, match="two groups"):
        logrank_test(data, duration="t", event="e", group="g")


def test_cox_with_every_record_censored_names_the_problem() -> None:
    with pytest.raises(ModelDataError, match="no events"):
        fit_cox(_survival([0] * 8), duration="t", event="e", covariates=["x"])


def test_cox_with_a_constant_covariate_names_it() -> None:
    data = _survival([1, 0, 1, 1, 0, 1], x=[2.0] * 6)
    with pytest.raises(ModelDataError, match="x take a single value"):
        fit_cox(data, duration="t", event="e", covariates=["x"])


def test_cox_with_a_covariate_fixed_within_every_risk_set_names_it() -> None:
    # Found by the property test below: z varies, but not among those at risk at the only
    # event time, so the partial likelihood is flat in z (its interval was infinite).
    data = pd.DataFrame(
        {
            "t": [1, 1, 1, 0, 0, 0, 0],
            "e": [1, 1, 1, 0, 0, 0, 0],
            "x": [0, 0, 1, 0, 0, 0, 0],
            "z": [3, 3, 3, 0, 0, 0, 0],
        }
    )
    with pytest.raises(ModelDataError, match="z never differ among the records still at risk"):
        fit_cox(data, duration="t", event="e", covariates=["x", "z"])


def test_cox_with_a_separating_covariate_explains_monotone_likelihood() -> None:
    # Everyone with x = 1 has the event before anyone with x = 0: the hazard ratio is infinite.
    data = _survival([1] * 10, x=[1.0] * 5 + [0.0] * 5)
    with pytest.raises(ModelDataError, match="monotone likelihood"):
        fit_cox(data, duration="t", event="e", covariates=["x"])


def _annual(counts: list[float]) -> pd.DataFrame:
    years = np.arange(2015, 2015 + len(counts), dtype=float)
    return pd.DataFrame({"year": years, "n": counts, "births": 20_000.0})


def test_its_with_an_all_zero_segment_names_it() -> None:
    data = _annual([30, 28, 31, 25, 0, 0, 0])
    with pytest.raises(ModelDataError, match="from year 2019 on is zero"):
        fit_its(data, outcome="n", time="year", intervention_start=2019)


def test_trend_on_an_all_zero_series_names_the_problem() -> None:
    with pytest.raises(ModelDataError, match="every count is zero"):
        fit_rate_trend(_annual([0, 0, 0, 0, 0]), count="n", time="year")


def test_trend_refuses_a_year_given_twice() -> None:
    data = _annual([30, 28, 31, 25, 27])
    data.loc[4, "year"] = 2018
    with pytest.raises(ModelDataError, match="2018 appears more than once"):
        fit_rate_trend(data, count="n", time="year")


def test_rate_model_with_an_empty_category_reports_separation() -> None:
    data = pd.DataFrame({"n": [5, 7, 6, 0, 0, 0], "group": list("aaabbb")})
    with pytest.raises(ModelDataError, match="separation"):
        fit_rate_model(data, "n ~ group")


def test_rate_model_with_a_constant_covariate_names_it() -> None:
    data = pd.DataFrame({"n": [5, 7, 6, 3, 4, 8], "z": 1.0})
    with pytest.raises(ModelDataError, match="duplicate each other"):
        fit_rate_model(data, "n ~ z")


def test_a_one_point_segment_gives_its_reason_and_no_verdict() -> None:
    data = _annual([60, 58, 61, 57, 55, 59, 56, 54, 120])
    result = _project_error_or_finite(
        lambda: fit_its(data, outcome="n", time="year", intervention_start=2023)
    )
    first = result.summary_text().split(". ")[0]
    assert first.startswith("Too few data to judge the level change after year 2023")
    assert "1 point after it" in first
    assert "%" not in first  # no estimate quoted
    assert len(result.tidy()) == 2  # the estimate is still in the table


def test_an_its_whose_interval_is_unbounded_is_refused_as_not_estimable() -> None:
    # Found by the property test: 3 residual df and a dispersion in the thousands gave a
    # level change "0.000014 (0 to inf)".
    data = pd.DataFrame(
        {
            "year": [2010.0, 2011, 2012, 2019, 2020, 2013],
            "n": [1, 0, 0, 0, 6, 0],
            "births": [1, 1, 1, 8, 1, 10],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelDataError, match="cannot pin down level_change_2014"):
            fit_its(data, outcome="n", time="year", intervention_start=2014, offset="births")


def test_a_constant_series_gets_no_joinpoint_and_a_flat_trend() -> None:
    # Found by the property test: every model fits exactly, so the BIC took log(0).
    data = pd.DataFrame({"year": [2010.0, 2011.0, 2012.0, 2013.0, 2014.0], "n": [4.0] * 5})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fit_joinpoint(data, x="year", y="n")
    assert len(result.segments) == 1
    assert result.segments["apc"].iloc[0] == pytest.approx(0.0, abs=1e-9)


def test_a_joinpoint_segment_on_two_points_gives_no_verdict() -> None:
    x = np.arange(2000, 2012, dtype=float)
    y = np.exp(0.05 * (x - 2000) - 0.3 * np.maximum(x - 2009, 0))
    result = _project_error_or_finite(
        lambda: fit_joinpoint(pd.DataFrame({"x": x, "y": y}), x="x", y="y", n_joinpoints=1)
    )
    assert result.segments["n_obs"].iloc[-1] == 2
    assert "Too few data to judge the trend from 2009 to 2011" in result.summary_text()


def test_an_all_censored_group_gives_a_curve_at_one_with_a_caveat() -> None:
    data = pd.DataFrame({"t": [2.0, 5, 7, 3, 6, 9], "e": [1, 0, 1, 0, 0, 0], "g": list("aaabbb")})
    with pytest.warns(DataQualityWarning, match="no events"):
        table = kaplan_meier(data, duration="t", event="e", group="g")
    censored = table[table["group"] == "b"]
    assert censored["survival"].tolist() == [1.0]
    reading = value_at(censored, 4)
    assert reading.estimate == 1.0 and np.isnan(reading.conf_low)
    assert "no events" in reading.reason
    assert np.isnan(value_at(censored, 10).estimate)  # followed to 9 only


def test_median_survival_of_an_all_censored_group_is_not_reached() -> None:
    data = _survival([0] * 6)
    medians = _project_error_or_finite(
        lambda: median_survival(kaplan_meier(data, duration="t", event="e"))
    )
    assert np.isnan(medians["median"].iloc[0])


# --------------------------------------------------------------------- property-style tests

counts = st.integers(min_value=0, max_value=6)


@st.composite
def count_series(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=9))
    years = draw(st.lists(st.integers(2010, 2020), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "year": np.array(years, dtype=float),
            "n": draw(st.lists(counts, min_size=n, max_size=n)),
            "births": draw(st.lists(st.integers(1, 5000), min_size=n, max_size=n)),
        }
    )


@SETTINGS
@given(count_series(), st.sampled_from(["auto", "poisson", "quasipoisson", "negbin"]))
def test_rate_trend_never_lets_a_library_error_out(data: pd.DataFrame, family: str) -> None:
    _project_error_or_finite(
        lambda: fit_rate_trend(data, count="n", time="year", exposure="births", family=family)
    )


@SETTINGS
@given(
    count_series(),
    st.integers(2010, 2020),
    st.booleans(),
    st.sampled_from(["quasipoisson", "poisson"]),
)
def test_its_never_lets_a_library_error_out(
    data: pd.DataFrame, start: int, slope: bool, family: str
) -> None:
    _project_error_or_finite(
        lambda: fit_its(
            data,
            outcome="n",
            time="year",
            intervention_start=start,
            offset=data["births"].to_numpy(),
            slope_change=slope,
            family=family,
        )
    )


@SETTINGS
@given(count_series(), st.sampled_from([None, 0, 1]))
def test_joinpoint_never_lets_a_library_error_out(data: pd.DataFrame, k: int | None) -> None:
    _project_error_or_finite(lambda: fit_joinpoint(data, x="year", y="n", n_joinpoints=k))


@st.composite
def survival_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=12))
    column = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    return pd.DataFrame(
        {
            "t": draw(st.lists(st.integers(0, 8), min_size=n, max_size=n)),
            "e": draw(column),
            "g": draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)),
            "x": draw(column),
            "z": draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)),
            "cause": draw(st.lists(st.sampled_from(["home", "adopted"]), min_size=n, max_size=n)),
        }
    )


@SETTINGS
@given(survival_frames())
def test_survival_models_never_let_a_library_error_out(data: pd.DataFrame) -> None:
    kwargs = dict(duration="t", event="e")
    table = _project_error_or_finite(lambda: kaplan_meier(data, group="g", **kwargs))
    if table is not None:
        for _, curve in table.groupby("group"):
            for time in (0, 4, 20):
                reading = value_at(curve, time)
                assert np.isnan(reading.estimate) == bool(reading.reason.startswith("past"))
    _project_error_or_finite(lambda: median_survival(kaplan_meier(data, group="g", **kwargs)))
    _project_error_or_finite(lambda: logrank_test(data, group="g", **kwargs))
    _project_error_or_finite(lambda: fit_cox(data, covariates=["x", "z"], **kwargs))
    _project_error_or_finite(lambda: cumulative_incidence(data, cause="cause", **kwargs))
