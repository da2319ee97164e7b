"""The campaigns of a run: their table and the first year counted as after each."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from caretrends.analysis.parameters import CAMPAIGN_KEYS, campaign_entry
from caretrends.errors import ParameterError

#: Columns of :func:`campaign_table`.
CAMPAIGN_COLUMNS: list[str] = list(CAMPAIGN_KEYS)


def campaign_table(campaigns: list[dict[str, str]]) -> pd.DataFrame:
    """The campaigns of a run, from its configuration: one row per campaign.

    Parameters
    ----------
    campaigns : list of dict
        Each with ``campaign`` (a ``campaign_name`` label key), ``start`` and optionally
        ``end`` as ISO dates (``end`` missing or empty: no published end).

    Returns
    -------
    DataFrame
        ``campaign``, ``start`` and ``end`` (``datetime.date``; ``None`` without an end),
        in order of start.

    Raises
    ------
    ParameterError
        When a campaign has no name or start, a date is not ISO, or it ends before it starts.

    Examples
    --------
    >>> campaign_table([{"campaign": "i_give_hope", "start": "2015-05-15"}]).iloc[0].tolist()
    ['i_give_hope', datetime.date(2015, 5, 15), None]
    """
    problems = [
        f"campaign {number} {problem}"
        for number, item in enumerate(campaigns, start=1)
        if (problem := campaign_entry(item)) is not None
    ]
    if problems:
        raise ParameterError("; ".join(problems))
    rows = [
        {
            "campaign": item["campaign"],
            "start": dt.date.fromisoformat(item["start"]),
            "end": dt.date.fromisoformat(item["end"]) if item.get("end") else None,
        }
        for item in campaigns
    ]
    table = pd.DataFrame(rows, columns=CAMPAIGN_COLUMNS).astype(object)
    return table.sort_values("start", kind="stable", ignore_index=True)


def first_full_year(day: dt.date) -> int:
    """The first calendar year wholly after ``day``: annual counts start "after" there.

    Examples
    --------
    >>> first_full_year(dt.date(2013, 5, 15)), first_full_year(dt.date(2015, 1, 1))
    (2014, 2015)
    """
    return day.year + 1 if (day.month, day.day) > (1, 1) else day.year
