"""The brief's standard figures built from the bundled data as the notebooks build them.

Used by the print-size tests (every text at least 7 pt), to look at the figures at the
brief's sizes without running the whole report, and by ``benchmarks/bench_charts.py``.
Each figure is made in two steps, as in a notebook: its inputs (data, models, title) for
a language, then the drawing at a size.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeAlias

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


#: Draws a prepared figure at a size.
Draw: TypeAlias = Callable[[str], ct.figures.Chart]


def kosovo_abandoned_trend(lang: str) -> Draw:
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
    fit = trend.fitted_values()
    return lambda size: ct.brief.count_chart(
        series, fit, title=title, lang=lang, size=size, campaigns=campaigns
    )


def kosovo_abandoned_per_births(lang: str) -> Draw:
    series = _series()
    per_births = ct.analysis.abandonment_rates(ct.load_observations("indicators"), start=2008)
    fit = ct.models.fit_rate_trend(
        series.dropna(subset=["births"]), count="value", time="year", exposure="births"
    ).fitted_values(per=1000)
    title = ct.labels.label("brief.per_births_title", lang)
    return lambda size: ct.brief.per_births_chart(
        per_births, fit, series=series, title=title, lang=lang, size=size
    )


def ucck_neonatology(lang: str) -> Draw:
    hospital = ct.analysis.hospital_series(ct.load_observations("reconciled"))
    title = ct.labels.label("brief.hospital_title", lang)
    return lambda size: ct.brief.hospital_chart(hospital, title=title, lang=lang, size=size)


def region_residential_0_2(lang: str) -> Draw:
    table = ct.analysis.latest_indicator_by_country(
        ct.load_observations("indicators"),
        indicator="CT_INRESIDENTIAL_RATE_Y0T2",
    )
    title = ct.labels.label("brief.region_title", lang)
    rates = table[table["ref_area"].isin(REF_AREAS)]
    return lambda size: ct.brief.region_chart(rates, title=title, lang=lang, size=size)


def region_care_composition(lang: str) -> Draw:
    composition = ct.analysis.care_composition(
        ct.load_observations("reconciled"), ref_areas=REF_AREAS, start=2005
    )
    last_ten_years = composition[composition["year"] >= composition["year"].max() - 9]
    title = ct.labels.label("brief.composition_title", lang)
    return lambda size: ct.figures.composition_chart(
        last_ten_years,
        title=title,
        lang=lang,
        order=["residential", "family_based"],
        options=ct.figures.ChartOptions(size=size),
    )


def _cases(kind: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return ct.cases.load_cases(kind, source="bundled")


def exits_cumulative_incidence(lang: str) -> Draw:
    episodes = _cases("episodes")
    children = ct.cases.build_children(episodes.data, analysis_date="2025-12-31")
    curves = ct.disclosure.protect_curves(
        ct.analysis.exit_incidence(children), estimate="cumulative_incidence", sizes=len(children)
    )
    origin = ct.cases.RecordOrigin.of(children["synthetic"])
    title = ct.labels.case_title("brief.exits_title", lang, origin=origin)
    source = ct.labels.case_source(lang, origin=origin)
    return lambda size: ct.figures.survival_chart(
        curves.until(60),
        title=title,
        lang=lang,
        estimate="cumulative_incidence",
        risk_times=list(range(0, 61, 12)),
        options=ct.figures.ChartOptions(source=source, size=size),
    )


def prevention_outcomes(lang: str) -> Draw:
    counselling = _cases("counselling").data
    origin = ct.cases.RecordOrigin.of(counselling["synthetic"])
    outcomes = ct.analysis.counselling_outcomes(counselling)
    sourced = outcomes.assign(source=ct.labels.case_source(lang, origin=origin))
    title = ct.labels.case_title("brief.prevention_title", lang, origin=origin)
    measure = ct.labels.label("measure.mothers_counselled", lang)
    return lambda size: ct.figures.prevention_chart(
        sourced,
        success="stayed_in_family",
        title=title,
        measure=measure,
        lang=lang,
        options=ct.figures.ChartOptions(size=size),
    )


STANDARD: dict[str, Callable[[str], Draw]] = {
    "kosovo_abandoned_trend": kosovo_abandoned_trend,
    "kosovo_abandoned_per_births": kosovo_abandoned_per_births,
    "ucck_neonatology": ucck_neonatology,
    "region_residential_0_2": region_residential_0_2,
    "region_care_composition": region_care_composition,
    "exits_cumulative_incidence": exits_cumulative_incidence,
    "prevention_outcomes": prevention_outcomes,
}


def prepare(name: str, lang: str) -> Draw:
    """Make one standard figure's inputs; return what draws it at a size (small-number
    warnings silenced both times: the charts note them)."""
    with _quiet():
        draw = STANDARD[name](lang)

    def quietly(size: str) -> ct.figures.Chart:
        with _quiet():
            return draw(size)

    return quietly


def build(name: str, lang: str, size: str) -> ct.figures.Chart:
    """Build one standard figure: its inputs, then the drawing."""
    return prepare(name, lang)(size)


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumbersWarning)
        warnings.simplefilter("ignore", DataQualityWarning)
        yield
