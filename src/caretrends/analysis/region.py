"""The regional picture from UNICEF TransMonEE: each country's latest figures, care
composition, exits from residential care and adoptions of the youngest children."""

from __future__ import annotations

import pandas as pd

from caretrends import disclosure


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


def latest_indicator_by_country(
    indicators: pd.DataFrame, *, indicator: str, source: str | None = None
) -> pd.DataFrame:
    """Each country's latest value of one derived indicator, with the source to cite.

    Parameters
    ----------
    source : str, optional
        The source to cite; by default each row's ``numerator_source`` (the publication
        its count comes from, e.g. ``UNICEF TransMonEE 2020``).

    Returns
    -------
    DataFrame
        The indicator's rows, one per ``ref_area`` (its latest year), with ``source``.
    """
    chosen = indicators[indicators["indicator"] == indicator]
    latest = chosen.sort_values("year").groupby("ref_area").tail(1)
    return latest.assign(source=latest["numerator_source"] if source is None else source)


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


def published_country_rates(
    table: pd.DataFrame,
    *,
    numerator: str = "numerator",
    rules: disclosure.DisclosureRules = disclosure.DEFAULT_RULES,
) -> pd.DataFrame:
    """Each country's rate as it may be shown: ``c`` where its count is small, ``u`` flags.

    Parameters
    ----------
    table : DataFrame
        From :func:`latest_indicator_by_country`: ``ref_area``, ``year``, ``value`` (the
        rate), ``numerator`` and, when present, ``conf_low``/``conf_high``.

    Returns
    -------
    DataFrame
        ``ref_area``, ``year``, ``value`` (``c`` where the numerator is 1–4), the count
        (``c`` alike), the interval if any, and ``value_flag`` (``c``, ``u`` or ``""``);
        highest rate first, as the chart orders them.
    """
    rates = [c for c in ("value", "conf_low", "conf_high") if c in table.columns]
    columns = ["ref_area", "year", *rates, numerator]
    protected = disclosure.suppress(
        table[columns].reset_index(drop=True), count=numerator, rates=rates, rules=rules
    )
    shown = disclosure.published(protected, count=numerator)
    return shown.drop(columns=[f"{r}_flag" for r in rates if r != "value"])


def published_country_counts(
    table: pd.DataFrame, rules: disclosure.DisclosureRules = disclosure.DEFAULT_RULES
) -> pd.DataFrame:
    """Each country's count (e.g. from :func:`latest_by_country`) with 1–4 written ``c``.

    Returns
    -------
    DataFrame
        ``ref_area``, ``year``, ``value``.
    """
    columns = ["ref_area", "year", "value"]
    protected = disclosure.suppress(table[columns].reset_index(drop=True), rules=rules)
    return disclosure.published(protected)


def published_parts(
    table: pd.DataFrame,
    part: str,
    rules: disclosure.DisclosureRules = disclosure.DEFAULT_RULES,
) -> pd.DataFrame:
    """A country-year split into ``part`` with shares, as the chart publishes it.

    For :func:`care_composition` (``part="care_type"``) and :func:`residential_exits`
    (``part="destination"``). Each country's yearly total is known from the bars, so a small
    count hides a partner in the same year; shares of a year with a hidden count are withheld.

    Returns
    -------
    DataFrame
        The columns of ``table`` plus ``share_flag``; counts and shares ``c`` where hidden.
    """
    protected = disclosure.suppress(
        table.reset_index(drop=True),
        dims=["ref_area", "year", part],
        totals_over=[part],
        rates=["share"],
        rules=rules,
    )
    return disclosure.published(protected)


def published_adoptions(
    adoptions: pd.DataFrame, rules: disclosure.DisclosureRules = disclosure.DEFAULT_RULES
) -> pd.DataFrame:
    """Adoptions of children aged 0–2 with counts of 1–4 written ``c``.

    The adoption rate is TransMonEE's own published rate (all ages adopted per 100,000
    aged 0–3), not computed from the hidden count, so it stays.

    Returns
    -------
    DataFrame
        The columns of :func:`young_adoptions`.
    """
    protected = disclosure.suppress(
        adoptions.reset_index(drop=True), count="adopted_0_2", rules=rules
    )
    return disclosure.published(protected, count="adopted_0_2")
