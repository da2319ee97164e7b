"""Analysis steps the notebooks share: the Kosovo abandonment series, the campaign
sensitivity analyses, the hospital series and the regional comparison.

Each function takes reconciled observations (see :func:`caretrends.reconcile.reconcile`)
or a series built from them and returns a tidy table; notebooks only call and show.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass

import pandas as pd

from caretrends import disclosure
from caretrends.errors import ParameterError
from caretrends.labels import label
from caretrends.models import cumulative_incidence, fit_its, wilson_interval

KOSOVO = "XKX"
ABANDONED = "PT_CHLD_NO_PARENTAL_CARE_ABANDON"
LIVE_BIRTHS = "FT_BRTS_LIVE"
HOSPITAL_LEFT = "CT_UCCK_NEWBORNS_LEFT"
HOSPITAL_REUNITED = "CT_UCCK_NEWBORNS_REUNITED"
HOSPITAL_PLACED = "CT_UCCK_NEWBORNS_PLACED_CSW"

#: The campaigns of the analysis plan, with the dates they began.
CAMPAIGNS: dict[str, dt.date] = {
    "Care for Me!": dt.date(2013, 5, 15),
    "I give hope": dt.date(2015, 5, 15),
}


def _annual(
    reconciled: pd.DataFrame, indicator: str, *, ref_area: str = KOSOVO, sex: str = "_T"
) -> pd.DataFrame:
    selected = reconciled[
        (reconciled["indicator"] == indicator)
        & (reconciled["ref_area"] == ref_area)
        & (reconciled["sex"] == sex)
        & (reconciled["freq"] == "A")
        & reconciled["value"].notna()
    ]
    return selected.sort_values("year", ignore_index=True)


def abandonment_series(reconciled: pd.DataFrame, *, start: int = 2000) -> pd.DataFrame:
    """Kosovo's abandoned children per year with live births where known.

    Returns
    -------
    DataFrame
        ``year``, ``value`` (children), ``source``, ``obs_status`` (``E`` = inferred from
        published totals), ``conflict``, ``births`` (live births in Kosovo, NaN where not
        published) and ``births_source``.
    """
    counts = _annual(reconciled, ABANDONED)
    counts = counts[counts["year"] >= start][["year", "value", "source", "obs_status", "conflict"]]
    births = _annual(reconciled, LIVE_BIRTHS)[["year", "value", "source"]].rename(
        columns={"value": "births", "source": "births_source"}
    )
    return counts.merge(births, on="year", how="left")


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
        except ParameterError as refused:  # too few years for this variant: say so
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


def hospital_series(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The UCCK neonatology series: babies left, reunited, placed, and the share reunited.

    Returns
    -------
    DataFrame
        ``year``, ``left``, ``reunited``, ``placed``, ``share_reunited`` with its Wilson
        95% interval (``conf_low``, ``conf_high``), and ``adds_up`` (reunited + placed =
        left).
    """
    columns = {HOSPITAL_LEFT: "left", HOSPITAL_REUNITED: "reunited", HOSPITAL_PLACED: "placed"}
    parts = [
        _annual(reconciled, code).set_index("year")["value"].rename(name)
        for code, name in columns.items()
    ]
    table = pd.concat(parts, axis=1).dropna(subset=["left", "reunited"]).reset_index()
    shares = wilson_interval(table["reunited"], table["left"])
    return table.assign(
        share_reunited=shares["estimate"],
        conf_low=shares["conf_low"],
        conf_high=shares["conf_high"],
        adds_up=table["reunited"] + table["placed"] == table["left"],
    )


def hospital_outcomes_long(hospital: pd.DataFrame) -> pd.DataFrame:
    """The hospital series as ``year``, ``outcome``, ``value`` rows for the outcome chart."""
    long = hospital.melt(
        id_vars="year", value_vars=["reunited", "placed"], var_name="outcome", value_name="value"
    )
    return long.replace({"outcome": {"placed": "placed_by_csw"}}).sort_values(
        ["year", "outcome"], ignore_index=True
    )


def latest_by_country(
    reconciled: pd.DataFrame,
    *,
    indicator: str,
    age: str = "_T",
    unit: str | None = None,
    ref_areas: list[str] | None = None,
) -> pd.DataFrame:
    """Each country's latest annual value of one indicator (``sex`` total).

    Returns
    -------
    DataFrame
        ``ref_area``, ``year``, ``value``, ``source``, ``note``; ordered from highest value.
    """
    selected = reconciled[
        (reconciled["indicator"] == indicator)
        & (reconciled["age"] == age)
        & (reconciled["sex"] == "_T")
        & (reconciled["freq"] == "A")
        & reconciled["value"].notna()
    ]
    if unit is not None:
        selected = selected[selected["unit"] == unit]
    if ref_areas is not None:
        selected = selected[selected["ref_area"].isin(ref_areas)]
    latest = selected.sort_values("year").groupby("ref_area").tail(1)
    columns = ["ref_area", "year", "value", "source", "note"]
    return latest[columns].sort_values("value", ascending=False, ignore_index=True)


#: Destinations of children leaving public residential care (TransMonEE 4.2.32-4.2.38).
RESIDENTIAL_EXITS: dict[str, str] = {
    "PT_CHLD_LEFTRESCARE_RETURNED": "returned to parents",
    "PT_CHLD_LEFTRESCARE_INFAMILY": "family-type care",
    "PT_CHLD_LEFTRESCARE_ADOPTED": "adopted",
    "PT_CHLD_LEFTRESCARE_INDEPENDENT": "independent life",
    "PT_CHLD_LEFTRESCARE_TRANSFERED": "transferred to another institution",
    "PT_CHLD_LEFTRESCARE_DIED": "died",
    "PT_CHLD_LEFTRESCARE_OTHER": "other",
}


def _country_series(
    reconciled: pd.DataFrame, indicators: list[str], ref_areas: list[str], age: str = "_T"
) -> pd.DataFrame:
    return reconciled[
        reconciled["indicator"].isin(indicators)
        & (reconciled["age"] == age)
        & (reconciled["sex"] == "_T")
        & (reconciled["freq"] == "A")
        & reconciled["ref_area"].isin(ref_areas)
        & reconciled["value"].notna()
    ]


def care_composition(
    reconciled: pd.DataFrame, *, ref_areas: list[str], start: int = 2000
) -> pd.DataFrame:
    """Children in residential and in family-based care at the end of each year.

    Family-based care is TransMonEE's "children in care of foster parents or guardians"
    (4.3.1); residential care its 4.2.1. Only years with both are kept, so each year's
    shares add up.

    Returns
    -------
    DataFrame
        ``ref_area``, ``year``, ``care_type`` (``residential`` / ``family_based``),
        ``value``, ``share`` (of the two together) and ``source``.
    """
    codes = {"PT_CHLD_INRESIDENTIAL": "residential", "PT_CHLD_INCARE_FOSTER": "family_based"}
    rows = _country_series(reconciled, list(codes), ref_areas)
    rows = rows[rows["year"] >= start].assign(care_type=lambda f: f["indicator"].map(codes))
    complete = rows.groupby(["ref_area", "year"])["care_type"].transform("nunique") == len(codes)
    rows = rows[complete]
    total = rows.groupby(["ref_area", "year"])["value"].transform("sum")
    table = rows.assign(share=rows["value"] / total)
    columns = ["ref_area", "year", "care_type", "value", "share", "source"]
    return table[columns].sort_values(["ref_area", "year", "care_type"], ignore_index=True)


def residential_exits(
    reconciled: pd.DataFrame, *, ref_areas: list[str], year: int | None = None
) -> pd.DataFrame:
    """Children who left public residential care, by destination, in one year per country.

    Parameters
    ----------
    year : int, optional
        Default: each country's latest year with any destination reported.

    Returns
    -------
    DataFrame
        ``ref_area``, ``year``, ``destination``, ``value`` and ``share`` of the children
        leaving that year whose destination was reported.
    """
    rows = _country_series(reconciled, list(RESIDENTIAL_EXITS), ref_areas)
    if year is None:
        latest = rows.groupby("ref_area")["year"].transform("max")
        rows = rows[rows["year"] == latest]
    else:
        rows = rows[rows["year"] == year]
    table = rows.assign(destination=rows["indicator"].map(RESIDENTIAL_EXITS))
    table = table.assign(share=table["value"] / table.groupby("ref_area")["value"].transform("sum"))
    columns = ["ref_area", "year", "destination", "value", "share", "source"]
    return table[columns].sort_values(
        ["ref_area", "value"], ascending=[True, False], ignore_index=True
    )


def young_adoptions(
    reconciled: pd.DataFrame, *, ref_areas: list[str], start: int = 2000
) -> pd.DataFrame:
    """Adoptions of children aged 0-2 per year and the adoption rate per 100,000 aged 0-3.

    Returns
    -------
    DataFrame
        ``ref_area``, ``year``, ``adopted_0_2`` (count) and ``rate_0_3`` (TransMonEE's
        published gross adoption rate, all ages adopted per 100,000 aged 0-3).
    """
    counts = _country_series(reconciled, ["PT_CHLD_ADOPTION"], ref_areas, age="Y0T2")
    rates = _country_series(reconciled, ["PT_CHLD_ADOPTION_RATE"], ref_areas, age="Y0T3")
    table = (
        counts[["ref_area", "year", "value"]]
        .rename(columns={"value": "adopted_0_2"})
        .merge(
            rates[["ref_area", "year", "value"]].rename(columns={"value": "rate_0_3"}),
            on=["ref_area", "year"],
            how="outer",
        )
    )
    return table[table["year"] >= start].sort_values(["ref_area", "year"], ignore_index=True)


#: Exit types of the children view, as the figures' ``outcome`` label codes.
EXIT_LABELS: dict[str, str] = {
    "reunified": "reunited",
    "adopted": "adopted",
    "guardianship": "guardianship",
    "long_term_foster": "long_term_family",
    "other_exit": "other_exit",
}

#: Counselling outcomes, as the figures' ``outcome`` label codes.
COUNSELLING_LABELS: dict[str, str] = {
    "stayed_with_family": "stayed_in_family",
    "placed_in_care": "entered_care",
    "consented_to_adoption": "consented_to_adoption",
    "lost_to_follow_up": "lost_to_follow_up",
}


def exit_incidence(children: pd.DataFrame) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of each way of leaving care (competing exits).

    Parameters
    ----------
    children : DataFrame
        The children view: ``duration_months``, ``exited`` and ``exit_type``.

    Returns
    -------
    DataFrame
        The table of :func:`caretrends.models.cumulative_incidence` with ``group`` holding
        the exit as an ``outcome`` label code, ready for the survival chart.
    """
    table = cumulative_incidence(
        children, duration="duration_months", event="exited", cause="exit_type"
    )
    return table.rename(columns={"cause": "group"}).replace({"group": EXIT_LABELS})


def value_at(table: pd.DataFrame, times: list[float], *, estimate: str) -> pd.DataFrame:
    """Read a step curve (Kaplan-Meier or cumulative incidence) at given times, per group.

    The value at ``t`` is the curve's last step at or before ``t``; before the first step
    a survival curve is 1 and an incidence 0.

    Returns
    -------
    DataFrame
        ``group``, ``time``, the ``estimate`` column, ``conf_low``, ``conf_high``.
    """
    start = 1.0 if estimate == "survival" else 0.0
    rows = []
    for group, curve in table.sort_values("time").groupby("group", sort=False):
        for time in times:
            seen = curve[curve["time"] <= time]
            last = seen.iloc[-1] if len(seen) else None
            rows.append(
                {
                    "group": group,
                    "time": time,
                    estimate: start if last is None else last[estimate],
                    "conf_low": start if last is None else last["conf_low"],
                    "conf_high": start if last is None else last["conf_high"],
                }
            )
    return pd.DataFrame(rows)


def median_sentence(medians: pd.DataFrame, *, what: str, unit: str = "months") -> str:
    """Say each group's median time with its interval, as a report quotes it.

    Parameters
    ----------
    medians : DataFrame
        From :func:`caretrends.models.median_survival`: ``group``, ``median``,
        ``conf_low``, ``conf_high`` (``inf`` where the upper limit is not reached).
    what : str
        The event, e.g. ``"a permanent family"``.

    Examples
    --------
    >>> table = pd.DataFrame({"group": ["all"], "median": [13.0], "conf_low": [12.2],
    ...                       "conf_high": [float("inf")]})
    >>> median_sentence(table, what="a permanent family")
    'Median time to a permanent family: 13.0 months (95% CI 12.2 to not reached).'
    """
    parts = []
    for row in medians.itertuples(index=False):
        prefix = "" if row.group == "all" else f"{row.group}: "
        if pd.isna(row.median):
            parts.append(f"{prefix}not reached (fewer than half within follow-up)")
            continue
        high = f"{row.conf_high:.1f}" if math.isfinite(row.conf_high) else "not reached"
        parts.append(f"{prefix}{row.median:.1f} {unit} (95% CI {row.conf_low:.1f} to {high})")
    return f"Median time to {what}: " + "; ".join(parts) + "."


def counselling_outcomes(counselling: pd.DataFrame) -> pd.DataFrame:
    """Mothers counselled per year by outcome: ``year``, ``outcome`` (label code), ``value``."""
    table = (
        counselling.assign(
            year=counselling["counselling_date"].dt.year,
            outcome=counselling["outcome"].map(COUNSELLING_LABELS),
        )
        .groupby(["year", "outcome"])
        .size()
        .rename("value")
        .reset_index()
    )
    return table.astype({"value": "int64"})


def counselling_by_risk(counselling: pd.DataFrame) -> pd.DataFrame:
    """Share of counselled mothers whose child stayed in the family, by risk factor.

    A mother with several risk factors counts once under each.

    Returns
    -------
    DataFrame
        ``risk_factor`` (``none recorded`` for mothers without one), ``mothers``,
        ``stayed``, ``share`` and its Wilson 95% ``conf_low`` / ``conf_high``.
    """
    factors = counselling["risk_factors"].fillna("none recorded").str.split(";")
    long = counselling.assign(risk_factor=factors).explode("risk_factor")
    long = long.assign(stayed=long["outcome"] == "stayed_with_family")
    table = long.groupby("risk_factor").agg(mothers=("stayed", "size"), stayed=("stayed", "sum"))
    interval = wilson_interval(table["stayed"], table["mothers"])
    return table.reset_index().assign(
        share=interval["estimate"].to_numpy(),
        conf_low=interval["conf_low"].to_numpy(),
        conf_high=interval["conf_high"].to_numpy(),
    )


def published_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`counselling_outcomes` as it may leave the project.

    Counts from 1 to 4, and the cells of the same year that would reveal them through the
    yearly total, are written ``c`` (:mod:`caretrends.disclosure`).
    """
    protected = disclosure.suppress(outcomes, dims=["year", "outcome"], totals_over=["outcome"])
    return disclosure.to_publication(protected)


def published_by_risk(by_risk: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`counselling_by_risk` as it may leave the project.

    Each risk factor's mothers split into those whose child stayed and the rest; with the
    number of mothers published, a small count on either side hides both (and the share
    and its interval), and a small number of mothers hides the whole row.

    Examples
    --------
    >>> table = pd.DataFrame({"risk_factor": ["poverty", "other"], "mothers": [40, 30],
    ...                       "stayed": [38, 12], "share": [0.95, 0.4],
    ...                       "conf_low": [0.8, 0.2], "conf_high": [1.0, 0.6]})
    >>> published_by_risk(table)[["stayed", "share"]].values.tolist()
    [['c', 'c'], [12, 0.4]]
    """
    split = by_risk.assign(not_stayed=by_risk["mothers"] - by_risk["stayed"]).melt(
        id_vars="risk_factor", value_vars=["stayed", "not_stayed"], var_name="side"
    )
    protected = disclosure.suppress(split, dims=["risk_factor", "side"], totals_over=["side"])
    hidden = protected[protected["suppression"].ne("")].groupby("risk_factor").size()
    withheld = by_risk["risk_factor"].isin(hidden.index).to_numpy()
    small = disclosure.DEFAULT_RULES.is_small(by_risk["mothers"]).to_numpy()
    published = by_risk.astype(object)
    columns = ["stayed", "share", "conf_low", "conf_high"]
    published.loc[withheld | small, columns] = disclosure.SUPPRESSED
    published.loc[small, "mothers"] = disclosure.SUPPRESSED
    return published


SYNTHETIC_RECORDS = "synthetic demonstration records, not real children"


def case_title(key: str, lang: str, *, synthetic: bool) -> str:
    """A case-level figure's title, saying on its face when the records are synthetic."""
    title = label(key, lang)
    return label("brief.demonstration_suffix", lang, title=title) if synthetic else title


def case_source(lang: str, *, synthetic: bool) -> str:
    """The source line of a case-level figure or key number, saying when it is synthetic."""
    return label("brief.case_records_synthetic" if synthetic else "brief.case_records_source", lang)


def mark_case_table(table: pd.DataFrame, *, synthetic: bool) -> pd.DataFrame:
    """Add a ``records`` column saying whether a case-level table rests on real records."""
    return table.assign(records=SYNTHETIC_RECORDS if synthetic else "case records")
