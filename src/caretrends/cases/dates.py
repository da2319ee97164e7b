"""Dates as Windows offices export them, parsed strictly: a date or a reason why not.

Accepted: day first with dots, slashes or hyphens (``04.03.2010``, ``4/3/2010``, the
Serbian ``04.03.2010.``), ISO year first (``2010-03-04``, with a time of day as Excel cells
carry it), and Excel serial day numbers (``40241``). Rejected with a reason: two-digit
years (``04.03.10``: which century?), a day or month that does not exist, a date without
its day (allowed only for birth dates, which are kept to the month anyway), and dates
before 1950 or after 2100. Month-first dates are not accepted: ``03/15/2010`` is rejected
as impossible rather than read as 15 March.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from caretrends.cases.catalog import Distinct

#: Earliest and latest years a case-record date may have.
EARLIEST_YEAR, LATEST_YEAR = 1950, 2100

#: Day 0 of Excel's serial day numbers (the 1900 date system, past its 1900 leap-year bug).
EXCEL_EPOCH = dt.date(1899, 12, 30)

_UNIX_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY_FIRST = re.compile(r"^(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>\d{4})\.?$")
_YEAR_FIRST = re.compile(
    rf"^(?P<year>\d{{4}})([-/.])(?P<month>\d{{1,2}})\2(?P<day>\d{{1,2}}){_TIME}$"
)
_MONTH_YEAR = re.compile(r"^(?P<month>\d{1,2})[./-](?P<year>\d{4})\.?$")
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}\.?$")
_YEAR_ONLY = re.compile(r"^(19|20)\d{2}$")
_SERIAL = re.compile(r"^(?P<serial>\d{1,6})(?:\.0+)?$")

AMBIGUOUS_YEAR = "ambiguous date: two-digit year"
IMPOSSIBLE = "impossible date"
NO_DAY = "incomplete date: day missing"
UNRECOGNISED = "unrecognised date"


def parse_date_text(text: str, *, allow_month_only: bool = False) -> dt.date | str:
    """Parse one date text; return the date or the reason it is rejected.

    Parameters
    ----------
    text : str
        The cell text, already stripped.
    allow_month_only : bool
        Accept ``03.2010`` and ``2010-03`` as the first of the month (for birth dates).

    Examples
    --------
    >>> parse_date_text("04.03.2010."), parse_date_text("2010-03-04 00:00:00")
    (datetime.date(2010, 3, 4), datetime.date(2010, 3, 4))
    >>> parse_date_text("40241"), parse_date_text("31/02/2010"), parse_date_text("4.3.10")
    (datetime.date(2010, 3, 4), 'impossible date', 'ambiguous date: two-digit year')
    """
    if _TWO_DIGIT_YEAR.match(text):
        return AMBIGUOUS_YEAR
    if _YEAR_ONLY.match(text):
        return "incomplete date: year only"
    found = _DAY_FIRST.match(text) or _YEAR_FIRST.match(text)
    if found is None and (month := _MONTH_YEAR.match(text) or _YEAR_MONTH.match(text)):
        if not allow_month_only:
            return NO_DAY
        found = month
    if found is not None:
        parts = found.groupdict()
        try:
            date = dt.date(int(parts["year"]), int(parts["month"]), int(parts.get("day", 1)))
        except ValueError:
            return IMPOSSIBLE
    elif serial := _SERIAL.match(text):
        date = EXCEL_EPOCH + dt.timedelta(days=int(serial["serial"]))
    else:
        return UNRECOGNISED
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        return f"implausible date (outside {EARLIEST_YEAR}-{LATEST_YEAR})"
    return date


# The date columns of one file share most of their texts (the same days recur as births,
# entries and exits), so each text is parsed once for all of them.
@lru_cache(maxsize=1 << 17)
def _parse_date_text_cached(text: str, allow_month_only: bool) -> dt.date | str:
    return parse_date_text(text, allow_month_only=allow_month_only)


def parse_dates(
    values: pd.Series, *, allow_month_only: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Parse a column of date texts, each distinct text once.

    Parameters
    ----------
    values : Series of str
        Cell texts; missing cells as NA or a missing marker.
    allow_month_only : bool
        See :func:`parse_date_text`.

    Returns
    -------
    dates : Series of datetime64[ns]
        NaT where the cell is missing or rejected.
    reasons : Series of str
        The reason a non-missing cell was rejected; NA where it was parsed or missing.

    Examples
    --------
    >>> dates, reasons = parse_dates(pd.Series(["04.03.2010", "", "2010-13-01"]))
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), reasons.tolist()
    (['2010-03-04', nan, nan], [nan, nan, 'impossible date'])
    """
    cells = Distinct.of(values)
    parsed = [
        None if text is None else _parse_date_text_cached(text, allow_month_only)
        for text in cells.texts
    ]
    # Dates become day numbers through their ordinals (0 for none, and for the missing
    # cells' code -1): one np.datetime64 per date would cost more than the parsing.
    ordinals = np.array([p.toordinal() if isinstance(p, dt.date) else 0 for p in parsed] + [0])
    days = (ordinals - _UNIX_EPOCH_ORDINAL).astype("datetime64[D]")
    days[ordinals == 0] = np.datetime64("NaT")
    reasons = [p if isinstance(p, str) else None for p in parsed]
    dates = days[cells.codes]
    return (
        pd.Series(dates.astype("datetime64[ns]"), index=values.index),
        cells.text_series(reasons, values.index),
    )
