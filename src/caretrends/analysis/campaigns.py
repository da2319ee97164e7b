"""The campaigns of a run: their table, the first year counted as after each, the campaign
model (a level and slope change, :func:`fit_campaign_its`) and its placebo scan."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd

from caretrends.analysis.parameters import CAMPAIGN_KEYS, campaign_entry
from caretrends.errors import ModelDataError, ParameterError
from caretrends.models import fit_its

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


def fit_campaign_its(
    data: pd.DataFrame, starts: list[int], *, slope_change: bool = True, **kwargs: object
):
    """Level (and, by default, slope) change at each start: quasi-Poisson on annual counts,
    warnings off (their caveats travel in the model's own text)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_its(
            data,
            outcome="value",
            time="year",
            intervention_start=starts,
            slope_change=slope_change,
            labels=[str(s) for s in starts],
            time_unit="year",
            **kwargs,
        )


def its_row(data: pd.DataFrame, starts: list[int]) -> dict[str, float]:
    """Level and slope changes of the campaign ITS as flat columns (NaN when not fitted)."""
    try:
        result = fit_campaign_its(data, starts)
    except (ParameterError, ModelDataError):
        return {}
    row = {}
    for kind, changes in (("level", result.level_changes), ("slope", result.slope_changes)):
        for start, change in changes.items():
            row |= {
                f"{kind}_change_{start:g}": change.estimate,
                f"{kind}_conf_low_{start:g}": change.conf_low,
                f"{kind}_conf_high_{start:g}": change.conf_high,
            }
    return row


def placebo_scan(
    series: pd.DataFrame, campaign_years: list[int], *, min_each_side: int = 3
) -> pd.DataFrame:
    """The level change (with slope change) at every admissible year, campaigns marked.

    A year is admissible when at least ``min_each_side`` years lie on each side. Returns
    ``year``, ``campaign`` (True at a campaign's first year after), ``level_change``,
    ``conf_low``, ``conf_high``, ``p_value``, ordered by year.
    """
    years = sorted(series["year"].astype(int))
    rows = []
    for year in years[min_each_side : -min_each_side + 1 or None]:
        try:
            change = fit_campaign_its(series, [year]).level_change
        except (ParameterError, ModelDataError):
            continue
        rows.append(
            {
                "year": year,
                "campaign": year in campaign_years,
                "level_change": change.estimate,
                "conf_low": change.conf_low,
                "conf_high": change.conf_high,
                "p_value": change.p_value,
            }
        )
    return pd.DataFrame(
        rows, columns=["year", "campaign", "level_change", "conf_low", "conf_high", "p_value"]
    )
