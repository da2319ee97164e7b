"""Small pure cleaning functions shared by every reader.

Each function takes published text as it comes and returns a normalised value, or raises
``ValueError`` with the reason, so that readers can turn the failure into a reject row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: SDMX frequency codes used in the Observations table: annual, half-year (semester),
#: quarter, month, and P for a multi-year period (a cumulative total over several years).
FREQUENCIES: tuple[str, ...] = ("A", "S", "Q", "M", "P")

_YEAR = r"(?P<year>(19|20)\d{2})"
_PERIOD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("A", re.compile(rf"^{_YEAR}$")),
    ("Q", re.compile(rf"^{_YEAR}[-\s]?Q(?P<sub>[1-4])$", re.IGNORECASE)),
    ("S", re.compile(rf"^{_YEAR}[-\s]?[HS](?P<sub>[12])$", re.IGNORECASE)),
    ("M", re.compile(rf"^{_YEAR}-(?P<sub>0[1-9]|1[0-2])$")),
    ("P", re.compile(r"^(?P<start>(19|20)\d{2})\s*[-/–]\s*(?P<year>(19|20)\d{2})$")),
]
# Published period text often carries a remark in brackets: "2017-H1 (first months)".
_REMARK = re.compile(r"\s*\((?P<remark>[^)]*)\)\s*$")


@dataclass(frozen=True)
class Period:
    """A parsed period.

    Attributes
    ----------
    code : str
        Normalised code: ``2018``, ``2021-Q2``, ``2019-S1``, ``2023-03`` or ``1999/2011``.
    freq : str
        One of :data:`FREQUENCIES`.
    year : int
        The calendar year the period ends in.
    start_year : int
        The calendar year it starts in (equal to ``year`` except for multi-year periods).
    remark : str
        A bracketed remark that followed the period in the published text, if any.
    """

    code: str
    freq: str
    year: int
    start_year: int
    remark: str = ""


def parse_period(text: str) -> Period:
    """Parse a published period such as ``2018``, ``2021-Q2``, ``2019-H1`` or ``1999-2011``.

    Parameters
    ----------
    text : str
        The period as published; a trailing bracketed remark is kept as ``remark``.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        When the text is not one of the recognised forms, or a range runs backwards.

    Examples
    --------
    >>> parse_period("2021-Q2")
    Period(code='2021-Q2', freq='Q', year=2021, start_year=2021, remark='')
    >>> parse_period("2019-H1").code
    '2019-S1'
    >>> parse_period("2009/2016 (cumulative 2009-2016)")
    Period(code='2009/2016', freq='P', year=2016, start_year=2009, remark='cumulative 2009-2016')
    """
    raw = str(text).strip()
    remark_match = _REMARK.search(raw)
    remark = remark_match.group("remark").strip() if remark_match else ""
    core = raw[: remark_match.start()].strip() if remark_match else raw
    for freq, pattern in _PERIOD_PATTERNS:
        match = pattern.match(core)
        if match is None:
            continue
        year = int(match.group("year"))
        if freq == "P":
            start = int(match.group("start"))
            if start >= year:
                raise ValueError(f"period {raw!r}: range must run forwards")
            return Period(f"{start}/{year}", freq, year, start, remark)
        sub = match.groupdict().get("sub")
        code = {"A": f"{year}", "Q": f"{year}-Q{sub}", "S": f"{year}-S{sub}"}.get(
            freq, f"{year}-{sub}"
        )
        return Period(code, freq, year, year, remark)
    raise ValueError(
        f"period {raw!r}: not a year, quarter (2021-Q2), half-year (2019-H1), "
        "month (2023-03) or year range (1999-2011)"
    )
