"""The sensitivity analyses of page 02, around the one headline (:mod:`.headline`).

- :func:`other_methods` — every other estimate of the same series's annual percent
  change (counts, a joinpoint model, the campaign model's underlying trend, the count
  trend net of the definition break, the primary model on other windows and with
  missing births interpolated), labelled as sensitivity analyses beside the primary one.
- :func:`primary_windows` and :func:`interpolate_births` — the windows of that table.
- :func:`campaign_sensitivity` — the campaign ITS (level and slope) with one thing
  changed at a time: the campaign year counted as after, the second campaign's first full
  year, 2020 (COVID-19) left out.
- :func:`largest_shifts` and :func:`campaign_text` — the placebo scan's largest level
  changes, and the campaign model's result, power and placebo in one paragraph.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from collections.abc import Iterable

import pandas as pd

from caretrends.analysis.campaigns import first_full_year, its_row
from caretrends.analysis.headline import (
    PrimaryAnalysis,
    primary_estimate,
)
from caretrends.labels import format_number, has_label, label
from caretrends.models import fit_its
from caretrends.models.its import ITSResult
from caretrends.models.joinpoint import JoinpointResult
from caretrends.models.result import Estimate
from caretrends.models.trend import RateTrendResult

#: The year left out by the COVID-19 sensitivity analysis.
COVID_YEAR = 2020

#: The first year of the narrower definition: the ministry's figures up to 2013 count
#: children "abandoned or removed from family" (the series' ``definition`` column).
DEFINITION_BREAK = 2014

#: The fewest years with births a window of the primary analysis keeps.
MIN_WINDOW_YEARS = 6


def headers(columns: Iterable[str], lang: str) -> dict[str, str]:
    """Headers of the sensitivity tables' own columns among ``columns``, in ``lang`` (for
    :func:`caretrends.report.display_table`, beside :func:`caretrends.report.headers`)."""
    return {
        column: label(f"sensitivity.column.{column}", lang)
        for column in columns
        if has_label(f"sensitivity.column.{column}", lang)
    }


def primary_windows(
    series: pd.DataFrame, denominator: str = "births", min_years: int = MIN_WINDOW_YEARS
) -> list[tuple[int, int]]:
    """Every (first, last) year pair, both with a count and ``denominator``, whose range
    holds at least ``min_years`` such years.

    Examples
    --------
    >>> years = [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]
    >>> table = pd.DataFrame({"year": years, "value": 1, "births": [1] * 6 + [None, 1, 1]})
    >>> primary_windows(table)
    [(2016, 2021), (2016, 2023), (2016, 2024), (2017, 2023), (2017, 2024), (2018, 2024)]
    """
    usable = sorted(series.loc[series["value"].notna() & series[denominator].notna(), "year"])
    return [
        (first, last)
        for i, first in enumerate(usable)
        for j, last in enumerate(usable)
        if j - i + 1 >= min_years
    ]


def interpolate_births(series: pd.DataFrame, denominator: str = "births") -> pd.DataFrame:
    """The series with a missing ``denominator`` between two known years interpolated
    linearly in year, and ``births_interpolated`` (True where filled)."""
    known = series.set_index("year")[denominator]
    filled = known.interpolate(method="index", limit_area="inside")
    return series.assign(
        **{denominator: filled.to_numpy()},
        births_interpolated=(known.isna() & filled.notna()).to_numpy(),
    )


def _window_rows(series: pd.DataFrame, spec: PrimaryAnalysis) -> list[dict]:
    """The primary model on every other window, and on each with births interpolated."""
    filled = interpolate_births(series, spec.denominator)
    rows = []
    for first, last in primary_windows(series, spec.denominator):
        window = dataclasses.replace(spec, first_year=first, last_year=last)
        gaps = filled[filled["births_interpolated"] & filled["year"].between(first, last)]
        if (first, last) != (spec.first_year, spec.last_year):
            rows.append(
                {
                    "method": "window",
                    **_interval(primary_estimate(series, window)),
                    "first_year": first,
                    "last_year": last,
                    "births_interpolated": "",
                }
            )
        if len(gaps):
            interpolated = ", ".join(str(y) for y in gaps["year"])
            rows.append(
                {
                    "method": "window_interpolated",
                    **_interval(primary_estimate(filled, window)),
                    "first_year": first,
                    "last_year": last,
                    "births_interpolated": interpolated,
                }
            )
    return rows


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

    Beside the counts, the joinpoint and campaign models: the count trend with a level
    shift at :data:`DEFINITION_BREAK` (its trend net of the shift), and the primary model
    on every window of :func:`primary_windows` and, where births are missing inside a
    window, with them interpolated (:func:`interpolate_births`).

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
        ``analysis``, ``estimate``, ``conf_low``, ``conf_high``, ``unit`` (annual percent
        change), ``first_year``, ``last_year`` and ``births_interpolated`` (the years whose
        births are interpolated, empty when none); the first row is the primary analysis,
        every other a sensitivity analysis.
    """
    years = {"first": spec.first_year, "last": spec.last_year}
    counts_only = dataclasses.replace(spec, denominator="")
    whole = {"first": first_year, "last": int(series["year"].max())}
    counts = series[series["year"] >= first_year]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # caveats travel in the model's own text
        definition = fit_its(
            counts, outcome="value", time="year", intervention_start=DEFINITION_BREAK
        )
    rows = [
        ("primary", _interval(primary_estimate(series, spec)), years),
        ("children", _interval(count_trend.apc), whole),
        ("joinpoint", _interval(joinpoints.aapc), whole),
        ("its_trend", _interval(campaign_its.trend, ratio=True), whole),
        ("children", _interval(primary_estimate(series, counts_only)), years),
        ("definition_break", _interval(definition.trend, ratio=True), whole),
    ]
    table = pd.DataFrame(
        [
            {
                "method": method,
                **interval,
                "first_year": span["first"],
                "last_year": span["last"],
                "births_interpolated": "",
            }
            for method, interval, span in rows
        ]
        + _window_rows(series, spec)
    )
    return in_language(table, lang)[
        [
            "analysis",
            "estimate",
            "conf_low",
            "conf_high",
            "unit",
            "first_year",
            "last_year",
            "births_interpolated",
            "method",
        ]
    ]


#: The catalog key naming each analysis of :func:`other_methods` (its ``method``).
METHOD_KEYS: dict[str, str] = {
    "primary": "notebook.method.primary",
    "children": "notebook.method.children",
    "joinpoint": "notebook.method.joinpoint",
    "its_trend": "notebook.method.its_trend",
    "definition_break": "sensitivity.method.definition_break",
    "window": "sensitivity.method.window",
    "window_interpolated": "sensitivity.method.window_interpolated",
}


def in_language(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`other_methods`' table with each analysis and the unit named in ``lang``,
    from its ``method``, years and interpolated births (the run's ``data/`` holds the
    words of its first language).

    Examples
    --------
    >>> table = pd.DataFrame({"method": ["window_interpolated"], "first_year": [2016],
    ...                       "last_year": [2023], "births_interpolated": [2022.0]})
    >>> in_language(table, "en")["analysis"].iloc[0]
    'sensitivity: per 1,000 live births, 2016–2023, births of 2022 interpolated'
    """

    def name(row: pd.Series) -> str:
        interpolated = row["births_interpolated"]
        if isinstance(interpolated, float):  # a single year, as a CSV reads it back
            interpolated = "" if pd.isna(interpolated) else f"{interpolated:.0f}"
        return label(
            METHOD_KEYS[row["method"]],
            lang,
            first=int(row["first_year"]),
            last=int(row["last_year"]),
            years=interpolated,
            year=DEFINITION_BREAK,
        )

    return table.assign(
        analysis=[name(row) for _, row in table.iterrows()],
        unit=label("notebook.unit_apc", lang),
    )


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
        ``variant`` and the flat columns of :func:`caretrends.analysis.campaigns.its_row`:
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
        :func:`caretrends.analysis.campaigns.placebo_scan`'s table.
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


def campaign_changes_by_start(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`campaign_sensitivity`'s wide table (one column per change and start year) as
    one row per variant and start: ``variant``, ``start``, ``level_change``,
    ``level_conf_low``, ``level_conf_high``, ``slope_change``, ``slope_conf_low``,
    ``slope_conf_high`` (rate ratios): what a page shows in 8 columns rather than 19.

    Examples
    --------
    >>> wide = pd.DataFrame({"variant": ["main"], "level_change_2014": [0.99],
    ...     "level_conf_low_2014": [0.6], "level_conf_high_2014": [1.6],
    ...     "level_change_2016": [float("nan")], "level_conf_low_2016": [float("nan")],
    ...     "level_conf_high_2016": [float("nan")]})
    >>> campaign_changes_by_start(wide)[["variant", "start", "level_change"]].values.tolist()
    [['main', 2014, 0.99]]
    """
    parts = ("change", "conf_low", "conf_high")
    starts = sorted(
        {int(c.rsplit("_", 1)[1]) for c in table.columns if c.startswith("level_change_")}
    )
    rows = []
    for start in starts:
        columns = {
            f"{kind}_{part}_{start}": f"{kind}_{part}"
            for kind in ("level", "slope")
            for part in parts
            if f"{kind}_{part}_{start}" in table
        }
        chosen = table[["variant", *columns]].rename(columns=columns)
        chosen = chosen[chosen["level_change"].notna()]
        rows.append(chosen.assign(start=start))
    long = pd.concat(rows, ignore_index=True)
    return long[["variant", "start", *(c for c in long.columns if c not in ("variant", "start"))]]


def campaign_text(
    campaign_its: ITSResult,
    level_power: pd.DataFrame,
    slope_power: pd.DataFrame,
    placebo: pd.DataFrame,
    *,
    lang: str,
) -> str:
    """The campaign model in words, each change beside what it could have detected, and the
    placebo's largest shifts.

    Parameters
    ----------
    campaign_its : ITSResult
        The campaign model (one start, with a slope change).
    level_power, slope_power : DataFrame
        :func:`caretrends.analysis.detectable.minimum_detectable_ratio` and
        :func:`~caretrends.analysis.detectable.minimum_detectable_slope` on the same
        series and start: their ``.attrs["detectable"]`` go beside the level and slope
        changes (:meth:`caretrends.models.result.ModelResult.with_detectable`).
    placebo : DataFrame
        :func:`caretrends.analysis.campaigns.placebo_scan`'s table.
    lang : str
        Language of the sentences.

    Returns
    -------
    str
    """
    (start,) = campaign_its.starts
    described = campaign_its.with_detectable(
        **{
            f"level_{start:g}": level_power.attrs["detectable"],
            f"trend_{start:g}": slope_power.attrs["detectable"],
        }
    )
    shifts = ", ".join(
        f"{int(r.year)} ({format_number(r.level_change, lang, decimals=2)})"
        for r in largest_shifts(placebo).itertuples()
    )
    dispersion = format_number(level_power.attrs["dispersion"], lang, decimals=2)
    return " ".join(
        [
            described.summary_text(lang),
            label("notebook.simulation", lang, dispersion=dispersion),
            label("notebook.placebo_shifts", lang, shifts=shifts),
        ]
    )
