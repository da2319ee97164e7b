"""The sensitivity analyses of page 02, around the one headline (:mod:`.headline`).

- :func:`other_methods` — every other estimate of the same series's annual percent
  change (counts, a joinpoint model, the campaign model's underlying trend), labelled as
  sensitivity analyses beside the primary one.
- :func:`campaign_sensitivity` — the campaign ITS (level and slope) with one thing
  changed at a time: the campaign year counted as after, the second campaign's first full
  year, 2020 (COVID-19) left out.
- :func:`largest_shifts` and :func:`campaign_text` — the placebo scan's largest level
  changes, and the campaign model's result, power and placebo in one paragraph.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from caretrends.analysis.campaigns import first_full_year
from caretrends.analysis.headline import (
    PrimaryAnalysis,
    its_row,
    mde_text,
    primary_estimate,
)
from caretrends.labels import format_number, label
from caretrends.models.its import ITSResult
from caretrends.models.joinpoint import JoinpointResult
from caretrends.models.result import Estimate
from caretrends.models.text import p_value_text
from caretrends.models.trend import RateTrendResult

#: The year left out by the COVID-19 sensitivity analysis.
COVID_YEAR = 2020


def _interval(estimate: Estimate, *, ratio: bool = False) -> dict[str, float]:
    """An estimate's value and interval; a rate ratio per year as a percent change."""
    values = (estimate.estimate, estimate.conf_low, estimate.conf_high)
    if ratio:
        values = tuple(100 * (v - 1) for v in values)
    return dict(zip(("estimate", "conf_low", "conf_high"), values, strict=True))


def other_methods(
    series: pd.DataFrame,
    spec: PrimaryAnalysis,
    *,
    first_year: int,
    count_trend: RateTrendResult,
    joinpoints: JoinpointResult,
    campaign_its: ITSResult,
    lang: str = "en",
) -> pd.DataFrame:
    """The primary estimate and every other estimate of the series's annual percent change.

    Parameters
    ----------
    series : DataFrame
        The Kosovo series (:func:`caretrends.analysis.abandonment_series`).
    spec : PrimaryAnalysis
        The primary analysis (fitted here, and again on the counts of its years).
    first_year : int
        First year of the count series (the run's ``start_year``).
    count_trend : RateTrendResult
        The trend in the number of children over the whole series.
    joinpoints : JoinpointResult
        The joinpoint model of the counts (its AAPC is reported).
    campaign_its : ITSResult
        The campaign model (its underlying trend is reported as a percent change).
    lang : str
        Language of the analyses' names and the unit.

    Returns
    -------
    DataFrame
        ``analysis``, ``estimate``, ``conf_low``, ``conf_high`` and ``unit`` (annual percent
        change); the first row is the primary analysis, every other a sensitivity analysis.
    """
    years = {"first": spec.first_year, "last": spec.last_year}
    counts_only = dataclasses.replace(spec, denominator="")
    whole = {"first": first_year, "last": int(series["year"].max())}
    rows = [
        (
            label("notebook.method.primary", lang, **years),
            _interval(primary_estimate(series, spec)),
        ),
        (label("notebook.method.children", lang, **whole), _interval(count_trend.apc)),
        (label("notebook.method.joinpoint", lang), _interval(joinpoints.aapc)),
        (
            label("notebook.method.its_trend", lang),
            _interval(campaign_its.trend, ratio=True),
        ),
        (
            label("notebook.method.children", lang, **years),
            _interval(primary_estimate(series, counts_only)),
        ),
    ]
    table = pd.DataFrame([{"analysis": name, **interval} for name, interval in rows])
    return table.assign(unit=label("notebook.unit_apc", lang))


def campaign_sensitivity(
    series: pd.DataFrame,
    campaign_starts: list[dt.date],
    *,
    covid_year: int = COVID_YEAR,
    lang: str = "en",
) -> pd.DataFrame:
    """The campaign ITS (level and slope change) and its one-change-at-a-time variants.

    Parameters
    ----------
    series : DataFrame
        ``year`` and ``value`` (annual counts).
    campaign_starts : list of datetime.date
        The campaigns' start dates in order (the ``start`` column of
        :func:`caretrends.analysis.campaign_table`).
    covid_year : int
        The year the COVID-19 variant leaves out.
    lang : str
        Language of the variants' names.

    Returns
    -------
    DataFrame
        ``variant`` and the flat columns of :func:`caretrends.analysis.headline.its_row`:
        the main model (one period from the first campaign's first full year), the
        campaign year counted as after, from the last campaign's first full year, and
        ``covid_year`` left out.
    """
    first, last = campaign_starts[0], campaign_starts[-1]
    main, second = first_full_year(first), first_full_year(last)
    variants = {
        ("main", main): (series, main),
        ("campaign_year_after", first.year): (series, first.year),
        ("second_campaign", second): (series, second),
        ("without_2020", covid_year): (series[series["year"] != covid_year], main),
    }
    return pd.DataFrame(
        [
            {"variant": label(f"notebook.variant.{key}", lang, year=year), **its_row(data, [start])}
            for (key, year), (data, start) in variants.items()
        ]
    )


def largest_shifts(placebo: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` years of a placebo scan whose level ratio lies furthest from 1.

    Parameters
    ----------
    placebo : DataFrame
        :func:`caretrends.analysis.headline.placebo_scan`'s table.
    n : int
        How many years.

    Returns
    -------
    DataFrame
        Those rows, largest first, with the distance ``d`` = ``||level_change| - 1|``.

    Examples
    --------
    >>> scan = pd.DataFrame({"year": [2011, 2012, 2013], "level_change": [0.9, 1.3, 0.6]})
    >>> largest_shifts(scan, 2)["year"].tolist()
    [2013, 2012]
    """
    distance = (placebo["level_change"].map(abs) - 1).abs()
    return placebo.assign(d=distance).nlargest(n, "d")


def campaign_text(
    campaign_its: ITSResult,
    power: pd.DataFrame,
    placebo: pd.DataFrame,
    *,
    start: int,
    n_points: int,
    lang: str,
) -> str:
    """The campaign model's level change, what it could detect, and the placebo's largest shifts.

    Parameters
    ----------
    campaign_its : ITSResult
        The campaign model (one start).
    power : DataFrame
        :func:`caretrends.analysis.headline.minimum_detectable_ratio`'s table.
    placebo : DataFrame
        :func:`caretrends.analysis.headline.placebo_scan`'s table.
    start : int
        The first year counted as after the campaign.
    n_points : int
        Years in the series.
    lang : str
        Language of the sentences.

    Returns
    -------
    str
    """
    level = campaign_its.level_change

    def number(value: float) -> str:
        return format_number(value, lang, decimals=2)

    shifts = ", ".join(
        f"{int(r.year)} ({number(r.level_change)})" for r in largest_shifts(placebo).itertuples()
    )
    level_sentence = label(
        "notebook.level_change",
        lang,
        year=start,
        ratio=number(level.estimate),
        low=number(level.conf_low),
        high=number(level.conf_high),
        p=p_value_text(level.p_value, lang),
    )
    simulation = label("notebook.simulation", lang, dispersion=number(power.attrs["dispersion"]))
    return " ".join(
        [
            level_sentence,
            mde_text(power, n_points, lang),
            simulation,
            label("notebook.placebo_shifts", lang, shifts=shifts),
        ]
    )
