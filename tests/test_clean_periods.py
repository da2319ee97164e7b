"""Period parsing: the published forms, and rejection of everything else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretrends.sources.cells import parse_period


@pytest.mark.parametrize(
    ("text", "code", "freq", "year", "start_year"),
    [
        ("2018", "2018", "A", 2018, 2018),
        (" 2021-Q2 ", "2021-Q2", "Q", 2021, 2021),
        ("2021q4", "2021-Q4", "Q", 2021, 2021),
        ("2019-H1", "2019-S1", "S", 2019, 2019),
        ("2023-03", "2023-03", "M", 2023, 2023),
        ("1999-2011", "1999/2011", "P", 2011, 1999),
        ("2014/2017 (cumulative 2014-2017)", "2014/2017", "P", 2017, 2014),
        ("2017-H1 (first months)", "2017-S1", "S", 2017, 2017),
    ],
)
def test_published_forms(text, code, freq, year, start_year) -> None:
    period = parse_period(text)
    assert (period.code, period.freq, period.year, period.start_year) == (
        code,
        freq,
        year,
        start_year,
    )


def test_remark_is_kept() -> None:
    assert parse_period("2014 (carried into 2015)").remark == "carried into 2015"


@pytest.mark.parametrize(
    "text", ["by 2011", "undated (c.2010s)", "2023-13", "2021-Q5", "2016-2009", "", "20188"]
)
def test_unrecognised_or_impossible_periods_raise_with_the_text(text) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(text)


@given(st.integers(1950, 2099), st.integers(1, 4))
def test_quarter_round_trip(year: int, quarter: int) -> None:
    period = parse_period(f"{year}-Q{quarter}")
    assert parse_period(period.code) == period


@given(st.integers(1950, 2098), st.integers(1, 40))
def test_range_end_is_the_year(start: int, length: int) -> None:
    end = min(start + length, 2099)
    period = parse_period(f"{start}-{end}")
    assert (period.start_year, period.year, period.freq) == (start, end, "P")
