"""Derived indicators: formulas, denominators, and the published Serbia 2018 rate."""

from __future__ import annotations

import pandas as pd
import pytest

from caretrends.pipeline.indicators import RATES, derive_rate, family_based_share


def _figures(rows: list[tuple[str, str, str, str, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ref_area", "indicator", "age", "unit", "year", "value"])
    return frame.assign(sex="_T", freq="A", source="test")


def test_serbia_2018_residential_rate_matches_transmonee() -> None:
    figures = _figures(
        [
            ("SRB", "PT_CHLD_INRESIDENTIAL", "_T", "NUMBER", 2018, 1266),
            ("SRB", "DM_POP_TOT", "Y0T17", "PS", 2018, 1_230_000),  # 1 January 2018: not used
            ("SRB", "DM_POP_TOT", "Y0T17", "PS", 2019, 1_212_779),
        ]
    )
    rate = derive_rate(figures, RATES["residential_per_100k_0_17"]).iloc[0]
    assert round(rate["value"], 2) == 104.39
    assert (rate["numerator"], rate["denominator"], rate["year"]) == (1266, 1_212_779, 2018)
    assert "year + 1" in rate["formula"]


def test_abandonment_per_1000_births_same_year_and_small_counts_flagged() -> None:
    figures = _figures(
        [
            ("XKX", "PT_CHLD_NO_PARENTAL_CARE_ABANDON", "_T", "NUMBER", 2023, 9),
            ("XKX", "PT_CHLD_NO_PARENTAL_CARE_ABANDON", "_T", "NUMBER", 2024, 23),
            ("XKX", "PT_CHLD_NO_PARENTAL_CARE_ABANDON", "_T", "NUMBER", 2022, 22),  # no births
            ("XKX", "FT_BRTS_LIVE", "_T", "NUMBER", 2023, 21654),
            ("XKX", "FT_BRTS_LIVE", "_T", "NUMBER", 2024, 21487),
        ]
    )
    rates = derive_rate(figures, RATES["abandoned_per_1000_live_births"]).set_index("year")
    assert sorted(rates.index) == [2023, 2024]
    assert rates.loc[2024, "value"] == pytest.approx(23 / 21487 * 1000)
    assert rates.loc[2023, "unreliable"] and not rates.loc[2024, "unreliable"]


def test_family_based_share() -> None:
    figures = _figures(
        [
            ("MKD", "PT_CHLD_INCARE_FOSTER", "_T", "NUMBER", 2018, 300),
            ("MKD", "PT_CHLD_INRESIDENTIAL", "_T", "NUMBER", 2018, 100),
        ]
    )
    share = family_based_share(figures).iloc[0]
    assert share["value"] == 75.0
    assert share["denominator"] == 400


def test_unreconciled_input_is_refused() -> None:
    figures = _figures([("XKX", "FT_BRTS_LIVE", "_T", "NUMBER", 2023, 1)] * 2)
    figures = pd.concat(
        [figures, _figures([("XKX", "PT_CHLD_NO_PARENTAL_CARE_ABANDON", "_T", "NUMBER", 2023, 1)])]
    )
    with pytest.raises(ValueError, match="reconcile first"):
        derive_rate(figures, RATES["abandoned_per_1000_live_births"])


def test_derived_residential_rates_match_the_published_rates_in_the_bundled_extract() -> None:
    from caretrends.pipeline.indicators import derive_all
    from caretrends.sources.transmonee.extract import read_transmonee_extract

    observations, _ = read_transmonee_extract()
    rates = derive_all(observations)
    ours = rates[rates["indicator"] == "CT_INRESIDENTIAL_RATE_Y0T17"].set_index(
        ["ref_area", "year"]
    )["value"]
    assert round(ours.loc[("SRB", 2018)], 2) == 104.39
    published = observations[observations["indicator"] == "PT_CHLD_INRESIDENTIAL_RATE_A"]
    published = published.set_index(["ref_area", "year"])["value"]
    both = ours.to_frame("ours").join(published.rename("published"), how="inner")
    # Where TransMonEE's own rate uses the same numerator (4.2.1), they agree to rounding.
    close = (both["ours"] - both["published"]).abs() <= 0.01 * both["published"]
    assert len(both) > 50 and close.mean() > 0.8
