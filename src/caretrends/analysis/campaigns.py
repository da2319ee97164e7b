"""The campaign analysis: the campaigns of a run, and the interrupted time series around
them with its sensitivity analyses."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import pandas as pd

from caretrends.errors import ModelDataError, ParameterError
from caretrends.models import fit_its
from caretrends.report.values import CAMPAIGN_KEYS, campaign_entry

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


@dataclass(frozen=True)
class ItsVariant:
    """One specification of the campaign analysis.

    Attributes
    ----------
    name : str
        What a reader sees.
    first_year_after : int
        The first year counted as after the campaign.
    excluded_years : tuple of int
        Years left out of the fit.
    last_year : int or None
        Use only years up to this one (a placebo runs on the years before the campaign).
    """

    name: str
    first_year_after: int
    excluded_years: tuple[int, ...] = ()
    last_year: int | None = None


def campaign_variants(campaign: dt.date, *, placebo_year: int, covid_year: int = 2020) -> list:
    """The sensitivity analyses of the analysis plan for one campaign date.

    Annual counts cannot place a mid-year start, so the campaign year is counted once as
    after (main) and once as before (the first full year after the start); then 2020
    (COVID-19) is left out; then a placebo date inside the years before the campaign.
    """
    year = campaign.year
    first_full = first_full_year(campaign)
    return [
        ItsVariant(f"campaign year {year} counted as after", year),
        ItsVariant(f"campaign year {year} counted as before", first_full),
        ItsVariant(f"{covid_year} (COVID-19) excluded", year, excluded_years=(covid_year,)),
        ItsVariant(
            f"placebo: {placebo_year}, years before {year} only", placebo_year, (), year - 1
        ),
    ]


#: Columns of :func:`its_sensitivity`.
SENSITIVITY_COLUMNS: list[str] = [
    "variant",
    "first_year_after",
    "years_before",
    "years_after",
    "level_change",
    "conf_low",
    "conf_high",
    "p_value",
    "dispersion",
    "caveats",
    "summary",
]


def its_sensitivity(
    series: pd.DataFrame,
    variants: list[ItsVariant],
    *,
    offset: str | None = None,
    family: str = "quasipoisson",
) -> pd.DataFrame:
    """Fit the level change of each variant; one row per variant with its caveats.

    Parameters
    ----------
    series : DataFrame
        ``year`` and ``value`` (counts), plus ``offset`` when given.
    variants : list of ItsVariant
    offset : str, optional
        Column of exposure (e.g. ``births``); rows without it are dropped.
    family : str
        Count model for :func:`caretrends.models.fit_its`.

    Returns
    -------
    DataFrame
        ``variant``, ``first_year_after``, ``years_before``, ``years_after``,
        ``level_change`` (rate ratio), ``conf_low``, ``conf_high``, ``p_value``,
        ``dispersion``, ``caveats`` and the model's ``summary``; a variant with too few
        years to fit keeps its row, with the reason in ``caveats`` and no estimate.
    """
    rows = []
    for variant in variants:
        data = series[~series["year"].isin(variant.excluded_years)]
        if variant.last_year is not None:
            data = data[data["year"] <= variant.last_year]
        if offset is not None:
            data = data[data[offset].notna()]
        counts = {
            "variant": variant.name,
            "first_year_after": variant.first_year_after,
            "years_before": int((data["year"] < variant.first_year_after).sum()),
            "years_after": int((data["year"] >= variant.first_year_after).sum()),
        }
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the caveats travel in the result's text
                result = fit_its(
                    data,
                    outcome="value",
                    time="year",
                    intervention_start=variant.first_year_after,
                    offset=offset,
                    family=family,
                    labels=[f"{variant.first_year_after}"],
                    time_unit="year",
                )
        except (ParameterError, ModelDataError) as refused:  # too few years: say so
            rows.append({**counts, "caveats": f"not estimated: {refused}"})
            continue
        change = result.level_change
        rows.append(
            {
                **counts,
                "level_change": change.estimate,
                "conf_low": change.conf_low,
                "conf_high": change.conf_high,
                "p_value": change.p_value,
                "dispersion": result.dispersion,
                "caveats": " ".join(result.caveats),
                "summary": result.summary_text(),
            }
        )
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
