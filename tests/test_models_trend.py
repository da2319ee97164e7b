"""Rate models checked against McCullagh & Nelder (ships) and Dobson (Doll & Hill)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caretrends.errors import DataValidationError
from caretrends.models.trend import fit_rate_model, fit_rate_trend
from caretrends.warnings import DataQualityWarning, SmallNumbersWarning
from tests._data import TEST_DATA

REFERENCE = TEST_DATA


@pytest.fixture(scope="module")
def ships() -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / "glm_ships" / "ships.csv")
    frame = frame[frame["service"] > 0].copy()
    frame[["year", "period"]] = frame[["year", "period"]].astype(str)
    return frame


def test_ships_poisson_matches_mccullagh_and_nelder(ships: pd.DataFrame) -> None:
    # McCullagh & Nelder (1989) section 6.3.2; R glm: typeB -0.54334 (0.17759), year65
    # 0.69714 (0.14964), period75 0.38447 (0.11827), intercept -6.40590; X2/df = 1.69.
    with pytest.warns(DataQualityWarning, match="overdispersion"):
        result = fit_rate_model(ships, "incidents ~ type + year + period", exposure="service")
    tidy = result.tidy().set_index("term")
    logs = np.log(tidy["estimate"])
    assert logs["Intercept"] == pytest.approx(-6.40590, abs=5e-5)
    assert logs["type[T.B]"] == pytest.approx(-0.54334, abs=5e-5)
    assert logs["year[T.65]"] == pytest.approx(0.69714, abs=5e-5)
    assert logs["period[T.75]"] == pytest.approx(0.38447, abs=5e-5)
    assert tidy.loc["type[T.B]", "std_error"] == pytest.approx(0.17759, abs=5e-5)
    assert result.dispersion == pytest.approx(1.69, abs=0.005)
    assert "quasi-Poisson or negative binomial fit is recommended" in result.summary_text()


def test_quasipoisson_widens_the_intervals_by_the_root_dispersion(ships: pd.DataFrame) -> None:
    formula = "incidents ~ type + year + period"
    with pytest.warns(DataQualityWarning):
        poisson = fit_rate_model(ships, formula, exposure="service").tidy()
    quasi = fit_rate_model(ships, formula, exposure="service", family="quasipoisson").tidy()
    ratio = quasi["std_error"] / poisson["std_error"]
    np.testing.assert_allclose(ratio, np.sqrt(1.6910), rtol=1e-3)


def test_doll_hill_matches_dobson() -> None:
    # Dobson & Barnett, An Introduction to GLMs, section 9.2.1: -10.79 (0.45), agecat 2.376
    # (0.208), agesq -0.198 (0.027), smoke 1.441 (0.372), smkage -0.308 (0.097); X2 = 1.550.
    data = pd.read_csv(REFERENCE / "glm_dollhill" / "doll_hill.csv")
    data["agecat"] = data["age"].str[:2].astype(int).map({35: 1, 45: 2, 55: 3, 65: 4, 75: 5})
    data["agesq"] = data["agecat"] ** 2
    data["smoke"] = (data["smoking"] == "smoker").astype(int)
    data["smkage"] = data["smoke"] * data["agecat"]
    result = fit_rate_model(
        data, "deaths ~ agecat + agesq + smoke + smkage", exposure="person_years"
    )
    logs = np.log(result.tidy().set_index("term")["estimate"])
    expected = {"Intercept": -10.79, "agecat": 2.376, "agesq": -0.198, "smoke": 1.441}
    for term, value in expected.items():
        assert logs[term] == pytest.approx(value, abs=5e-3)
    assert logs["smkage"] == pytest.approx(-0.308, abs=5e-3)
    assert result.fit.pearson_chi2 == pytest.approx(1.550, abs=5e-4)


def _kosovo_like() -> pd.DataFrame:
    counts = [66, 60, 58, 50, 46, 41, 45, 40, 38, 30, 28, 25, 20, 15, 9]
    births = np.linspace(33_000, 24_000, 15).round()
    return pd.DataFrame(
        {
            "year": np.arange(2009, 2024, dtype=float),
            "abandoned": np.array(counts, float),
            "births": births,
        }
    )


def test_rate_trend_recovers_a_constructed_annual_percent_change() -> None:
    years = np.arange(2000, 2015)
    births = np.full(years.size, 50_000.0)
    counts = np.round(births * 0.002 * 0.95 ** (years - 2000))  # -5% a year, large counts
    data = pd.DataFrame({"year": years, "n": counts, "births": births})
    result = fit_rate_trend(data, count="n", time="year", exposure="births")
    assert result.apc.estimate == pytest.approx(-5.0, abs=0.1)
    assert result.apc.conf_low < result.apc.estimate < result.apc.conf_high


def test_rate_trend_on_a_short_kosovo_series_reads_as_a_fall() -> None:
    result = fit_rate_trend(_kosovo_like(), count="abandoned", time="year", exposure="births")
    assert result.apc.conf_high < 0
    text = result.summary_text()
    assert text.startswith("Between 2009 and 2023 the rate fell by")
    assert "15 points" in text


def test_auto_family_moves_to_quasipoisson_when_overdispersed() -> None:
    rng = np.random.default_rng(3)
    mean = 200 * np.exp(-0.03 * np.arange(20))
    counts = rng.negative_binomial(5, 5 / (5 + mean))
    data = pd.DataFrame({"t": np.arange(20), "y": counts})
    result = fit_rate_trend(data, count="y", time="t")
    assert result.fit.family == "quasipoisson"
    assert "quasi-Poisson chosen" in result.summary_text()


def test_tiny_counts_warn_and_say_so() -> None:
    data = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "n": [3, 2, 4, 1]})
    with pytest.warns(SmallNumbersWarning) as caught:
        result = fit_rate_trend(data, count="n", time="year")
    assert len(caught) == 2  # too few points, too few events
    assert "Caution:" in result.summary_text()
    assert "unreliable" in result.summary_text()


def test_negative_binomial_fit_runs_and_reports_alpha() -> None:
    rng = np.random.default_rng(7)
    mean = 40 * np.exp(0.02 * np.arange(30))
    data = pd.DataFrame({"t": np.arange(30), "y": rng.negative_binomial(4, 4 / (4 + mean))})
    result = fit_rate_model(data, "y ~ t", family="negbin")
    assert result.fit.nb_alpha == pytest.approx(0.25, abs=0.2)
    assert "Negative binomial model" in result.summary_text()


def test_bad_rows_are_named() -> None:
    data = _kosovo_like()
    data.loc[3, "abandoned"] = 2.5
    with pytest.raises(DataValidationError, match="row 3, column 'abandoned'"):
        fit_rate_trend(data, count="abandoned", time="year")
    data = _kosovo_like()
    data.loc[5, "births"] = 0
    with pytest.raises(DataValidationError, match="row 5, column 'births'"):
        fit_rate_model(data, "abandoned ~ year", exposure="births")
    data = _kosovo_like()
    data.loc[2, "year"] = np.nan
    with pytest.raises(DataValidationError, match="row 2"):
        fit_rate_model(data, "abandoned ~ year")


def test_fitted_values_band_contains_the_fit_and_matches_the_apc() -> None:
    data = pd.DataFrame({"year": range(2010, 2020), "n": [60, 55, 57, 50, 48, 45, 44, 40, 39, 35]})
    result = fit_rate_trend(data, count="n", time="year", family="poisson")
    band = result.fitted_values()
    assert band["year"].tolist() == list(range(2010, 2020))
    assert (band["conf_low"] < band["fitted"]).all() and (band["fitted"] < band["conf_high"]).all()
    ratio = band["fitted"].iloc[1] / band["fitted"].iloc[0]
    assert 100 * (ratio - 1) == pytest.approx(result.apc.estimate)
    assert band["fitted"].sum() == pytest.approx(data["n"].sum())  # Poisson GLM with intercept


def test_fitted_values_with_exposure_are_rates_per_unit() -> None:
    data = pd.DataFrame(
        {"year": range(2015, 2021), "n": [46, 41, 37, 40, 47, 28], "births": [23000] * 6}
    )
    result = fit_rate_trend(data, count="n", time="year", exposure="births", family="poisson")
    band = result.fitted_values(per=1000)
    assert band["fitted"].mean() == pytest.approx(data["n"].mean() / 23000 * 1000, rel=0.05)
