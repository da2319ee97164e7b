"""The brief's standard figures built from the bundled data as the notebooks build them.

Used by the print-size tests (every text at least 7 pt) and to look at the figures at the
brief's sizes without running the whole report.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pandas as pd

import caretrends as ct
from caretrends.warnings import DataQualityWarning, SmallNumbersWarning

CAMPAIGNS = [
    {"campaign": "care_for_me", "start": "2013-05-15", "end": "2016-05-15"},
    {"campaign": "i_give_hope", "start": "2015-05-15"},
]
REF_AREAS = ["XKX", "ALB", "BIH", "BGR", "HRV", "MDA", "MNE", "MKD", "ROU", "SRB"]


def _series() -> pd.DataFrame:
    return ct.analysis.abandonment_series(ct.load_observations("reconciled"), start=2008)


def kosovo_abandoned_trend(lang: str, size: str) -> ct.figures.Chart:
    series = _series()
    trend = ct.models.fit_rate_trend(series, count="value", time="year")
    title = ct.labels.label(
        "brief.abandoned_title",
        lang,
        first=int(series["year"].min()),
        last=int(series["year"].max()),
        apc=ct.labels.format_percent(trend.apc.estimate / 100, lang, decimals=1, sign=True),
    )
    campaigns = ct.analysis.campaign_table(CAMPAIGNS)
    return ct.report.count_chart(
        series, trend, title=title, lang=lang, size=size, campaigns=campaigns
    )


def kosovo_abandoned_per_births(lang: str, size: str) -> ct.figures.Chart:
    series = _series()
    per_births = ct.analysis.abandonment_rates(ct.load_observations("indicators"), start=2008)
    fit = ct.models.fit_rate_trend(
        series.dropna(subset=["births"]), count="value", time="year", exposure="births"
    )
    title = ct.labels.label("brief.per_births_title", lang)
    return ct.report.per_births_chart(per_births, fit, title=title, lang=lang, size=size)


def ucck_neonatology(lang: str, size: str) -> ct.figures.Chart:
    hospital = ct.analysis.hospital_series(ct.load_observations("reconciled"))
    title = ct.labels.label("brief.hospital_title", lang)
    return ct.report.hospital_chart(hospital, title=title, lang=lang, size=size)


def region_residential_0_2(lang: str, size: str) -> ct.figures.Chart:
    table = ct.analysis.latest_indicator_by_country(
        ct.load_observations("indicators"),
        indicator="CT_INRESIDENTIAL_RATE_Y0T2",
        source="UNICEF TransMonEE",
    )
    title = ct.labels.label("brief.region_title", lang)
    rates = table[table["ref_area"].isin(REF_AREAS)]
    return ct.report.region_chart(rates, title=title, lang=lang, size=size)


def region_care_composition(lang: str, size: str) -> ct.figures.Chart:
    composition = ct.analysis.care_composition(
        ct.load_observations("reconciled"), ref_areas=REF_AREAS, start=2005
    )
    return ct.figures.composition_chart(
        composition[composition["year"] >= composition["year"].max() - 9],
        title=ct.labels.label("brief.composition_title", lang),
        lang=lang,
        order=["residential", "family_based"],
        options=ct.figures.ChartOptions(size=size),
    )


def _cases(kind: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return ct.cases.load_cases(kind, source="bundled")


def exits_cumulative_incidence(lang: str, size: str) -> ct.figures.Chart:
    episodes = _cases("episodes")
    children = ct.cases.build_children(episodes.data, analysis_date="2025-12-31")
    incidence = ct.analysis.exit_incidence(children)
    return ct.figures.survival_chart(
        incidence.query("time <= 60"),
        title=ct.labels.case_title("brief.exits_title", lang, synthetic=True),
        lang=lang,
        estimate="cumulative_incidence",
        risk_times=list(range(0, 61, 12)),
        options=ct.figures.ChartOptions(
            source=ct.labels.case_source(lang, synthetic=True), size=size
        ),
    )


def prevention_outcomes(lang: str, size: str) -> ct.figures.Chart:
    outcomes = ct.analysis.counselling_outcomes(_cases("counselling").data)
    return ct.figures.prevention_chart(
        outcomes.assign(source=ct.labels.case_source(lang, synthetic=True)),
        success="stayed_in_family",
        title=ct.labels.case_title("brief.prevention_title", lang, synthetic=True),
        measure=ct.labels.label("measure.mothers_counselled", lang),
        lang=lang,
        options=ct.figures.ChartOptions(size=size),
    )


STANDARD: dict[str, Callable[[str, str], ct.figures.Chart]] = {
    "kosovo_abandoned_trend": kosovo_abandoned_trend,
    "kosovo_abandoned_per_births": kosovo_abandoned_per_births,
    "ucck_neonatology": ucck_neonatology,
    "region_residential_0_2": region_residential_0_2,
    "region_care_composition": region_care_composition,
    "exits_cumulative_incidence": exits_cumulative_incidence,
    "prevention_outcomes": prevention_outcomes,
}


def build(name: str, lang: str, size: str) -> ct.figures.Chart:
    """Build one standard figure, with small-number warnings silenced (charts note them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        return STANDARD[name](lang, size)
