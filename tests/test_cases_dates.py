"""Date parsing of case-record exports: accepted styles, rejected ones, and properties."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretrends.cases.dates import (
    AMBIGUOUS_YEAR,
    EXCEL_EPOCH,
    IMPOSSIBLE,
    NO_DAY,
    UNRECOGNISED,
    parse_date_text,
    parse_dates,
)

DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))
STYLES = ["%d.%m.%Y", "%d.%m.%Y.", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%Y/%m/%d"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04.03.2010", dt.date(2010, 3, 4)),
        ("4.3.2010", dt.date(2010, 3, 4)),
        ("04.03.2010.", dt.date(2010, 3, 4)),  # Serbian style, trailing dot
        ("04/03/2010", dt.date(2010, 3, 4)),  # day first, never month first
        ("2010-03-04", dt.date(2010, 3, 4)),
        ("2010-03-04 00:00:00", dt.date(2010, 3, 4)),  # as an Excel date cell reads
        ("40241", dt.date(2010, 3, 4)),  # Excel serial day number
        ("40241.0", dt.date(2010, 3, 4)),
    ],
)
def test_accepted_styles(text: str, expected: dt.date) -> None:
    assert parse_date_text(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("04.03.10", AMBIGUOUS_YEAR),
        ("4/3/10", AMBIGUOUS_YEAR),
        ("31.02.2010", IMPOSSIBLE),
        ("03/15/2010", IMPOSSIBLE),  # month first is not read as 15 March
        ("2010-13-01", IMPOSSIBLE),
        ("03.2010", NO_DAY),
        ("2010", "incomplete date: year only"),
        ("yesterday", UNRECOGNISED),
        ("12345", "implausible date (outside 1950-2100)"),
        ("01.01.1890", "implausible date (outside 1950-2100)"),
    ],
)
def test_rejected_with_a_reason(text: str, reason: str) -> None:
    assert parse_date_text(text) == reason


def test_month_only_is_accepted_for_birth_dates() -> None:
    assert parse_date_text("03.2010", allow_month_only=True) == dt.date(2010, 3, 1)
    assert parse_date_text("2010-03", allow_month_only=True) == dt.date(2010, 3, 1)


def test_column_parse_keeps_missing_apart_from_rejected() -> None:
    dates, reasons = parse_dates(pd.Series(["04.03.2010", None, "", "-", "31.02.2010"]))
    assert dates.isna().tolist() == [False, True, True, True, True]
    assert reasons.isna().tolist() == [True, True, True, True, False]
    assert reasons.iloc[4] == IMPOSSIBLE


@settings(max_examples=60, deadline=None)
@given(DATES, st.sampled_from(STYLES))
def test_every_accepted_style_round_trips(date: dt.date, style: str) -> None:
    assert parse_date_text(date.strftime(style)) == date


@settings(max_examples=40, deadline=None)
@given(DATES)
def test_excel_serials_round_trip(date: dt.date) -> None:
    assert parse_date_text(str((date - EXCEL_EPOCH).days)) == date


@settings(max_examples=40, deadline=None)
@given(DATES)
def test_two_digit_years_are_always_ambiguous(date: dt.date) -> None:
    assert parse_date_text(date.strftime("%d.%m.%y")) == AMBIGUOUS_YEAR


@settings(max_examples=40, deadline=None)
@given(st.integers(2000, 2030), st.integers(1, 12), st.integers(29, 31))
def test_days_past_the_month_end_are_impossible(year: int, month: int, day: int) -> None:
    text = f"{day:02d}.{month:02d}.{year}"
    try:
        dt.date(year, month, day)
    except ValueError:
        assert parse_date_text(text) == IMPOSSIBLE
    else:
        assert parse_date_text(text) == dt.date(year, month, day)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=14))
def test_any_text_gives_a_date_or_a_reason(text: str) -> None:
    result = parse_date_text(text.strip())
    assert isinstance(result, dt.date) or (isinstance(result, str) and result)
