"""Garwood and Wilson intervals, and the shared tidy/summary plumbing of model results."""

from __future__ import annotations

import numpy as np
import pytest

from caretrends.errors import DataValidationError
from caretrends.models.intervals import garwood_interval, wilson_interval
from caretrends.models.result import Estimate, describe_change, tidy_frame


def test_garwood_matches_the_exact_poisson_limits_in_published_tables() -> None:
    # Exact Poisson limits for 0, 1 and 10 events (e.g. Ulm 1990; Garwood 1936).
    table = garwood_interval([0, 1, 10])
    np.testing.assert_allclose(table["conf_low"], [0.0, 0.0253, 4.7954], atol=1e-4)
    np.testing.assert_allclose(table["conf_high"], [3.6889, 5.5716, 18.3904], atol=1e-4)
    assert table["unreliable"].tolist() == [True, True, True]


def test_garwood_scales_to_a_rate_per_thousand_births() -> None:
    table = garwood_interval(25, 20_000, per=1000)
    assert table.loc[0, "estimate"] == pytest.approx(1.25)
    assert table.loc[0, "conf_low"] < 1.25 < table.loc[0, "conf_high"]
    assert not table.loc[0, "unreliable"]


def test_wilson_interval_matches_a_hand_calculation() -> None:
    # 19 reunited of 39 left (the hospital's 2020 figures): centre and half-width by hand.
    z = 1.959963984540054
    p, n = 19 / 39, 39
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    row = wilson_interval(19, 39).iloc[0]
    assert row["conf_low"] == pytest.approx(centre - half)
    assert row["conf_high"] == pytest.approx(centre + half)


def test_bad_counts_are_refused_with_their_position() -> None:
    with pytest.raises(DataValidationError, match=r"count\[1\]"):
        garwood_interval([3, -1])
    with pytest.raises(DataValidationError, match="row 0"):
        wilson_interval(5, 4)


def test_describe_change_never_calls_an_interval_through_zero_a_change() -> None:
    fell = Estimate("x", -12.0, 0.04, -19.0, -4.0, 0.01)
    flat = Estimate("x", -3.0, 0.06, -15.0, 10.0, 0.6)
    rose = Estimate("x", 25.0, 0.06, 11.0, 40.0, 0.001)
    assert "fell by 12.0% (95% CI 4.0% to 19.0%)" in describe_change("It", fell, 0.95)
    assert "no clear change" in describe_change("It", flat, 0.95)
    assert describe_change("It", rose, 0.9).startswith("It rose by 25% (90% CI 11% to 40%)")


def test_tidy_frame_has_the_broom_columns() -> None:
    frame = tidy_frame([Estimate.ratio("t", 0.0, 0.1, 1.96, 1.0)])
    assert frame.columns.tolist() == [
        "term",
        "estimate",
        "std_error",
        "conf_low",
        "conf_high",
        "p_value",
    ]
    assert frame.loc[0, "conf_low"] == pytest.approx(np.exp(-0.196))
