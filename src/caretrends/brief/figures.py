"""The standard charts a page and the brief share, and the brief's own drawings of them:
at half an A4 page, with titles that state their message.

The report pages show each standard figure at page size; a brief printed on A4 needs them
redrawn at 82 mm, where every text is at least 7 pt (:data:`caretrends.figures.style.SIZES`),
rather than a page figure shrunk to a third of its size. The titles say what the figure
shows, in numbers from the run's data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from caretrends import analysis, figures
from caretrends.brief.numbers import StandardFigure
from caretrends.figures.captions import flagged_value, years_text
from caretrends.figures.chart import Chart
from caretrends.labels import country_name, format_number, format_percent, label

#: The size every brief figure is drawn at.
BRIEF_SIZE = "brief_half"


def count_chart(
    series: pd.DataFrame,
    fit: pd.DataFrame,
    *,
    title: str,
    lang: str,
    size: str = "page",
    campaigns: pd.DataFrame | None = None,
) -> Chart:
    """Kosovo's abandoned children per year with the fitted trend (and the campaigns); the
    years counted under another definition are shaded, and each year's producer and
    publisher cited.

    ``fit`` is the trend's fitted values (``year``, ``fitted``, ``conf_low``, ``conf_high``:
    :meth:`caretrends.models.trend.RateTrendResult.fitted_values`), so the brief draws
    what page 02 fitted without fitting again.
    """
    return figures.trend_chart(
        series,
        title=title,
        measure=label("measure.abandoned_children", lang),
        lang=lang,
        fit=fit,
        campaigns=campaigns,
        options=figures.SeriesOptions(size=size),
    )


def per_births_chart(
    per_births: pd.DataFrame,
    fit: pd.DataFrame,
    *,
    series: pd.DataFrame,
    title: str,
    lang: str,
    size: str = "page",
) -> Chart:
    """Abandoned children per 1,000 live births with the headline's fitted trend (``fit``:
    its fitted values per 1,000, as :func:`count_chart`'s).

    ``series`` (:func:`caretrends.analysis.abandonment_series`) gives each year's count
    with its producer and publisher, cited beside the births' producer; a year with a
    count but no published births breaks the line and is named in the note.
    """
    return figures.trend_chart(
        analysis.rates_with_counts(per_births, series),
        title=title,
        measure=label("measure.per_1000_live_births", lang),
        lang=lang,
        fit=fit,
        options=figures.SeriesOptions(
            kind="rate", numerator="numerator", denominator="births", decimals=2, size=size
        ),
    )


def hospital_chart(hospital: pd.DataFrame, *, title: str, lang: str, size: str = "page") -> Chart:
    """Babies left at the UCCK neonatology clinic: where they went, and the share reunited."""
    return figures.prevention_chart(
        analysis.hospital_outcomes_long(hospital),
        success="reunited",
        title=title,
        measure=label("measure.babies_left", lang),
        lang=lang,
        options=figures.ChartOptions(size=size),
    )


def region_chart(rates: pd.DataFrame, *, title: str, lang: str, size: str = "page") -> Chart:
    """Each country's latest rate of children aged 0–2 in residential care."""
    return figures.country_comparison_chart(
        rates,
        title=title,
        measure=label("measure.rate_per_100000_children", lang),
        lang=lang,
        numerator="numerator",
        options=figures.ChartOptions(size=size),
    )


def count_message(series: pd.DataFrame, lang: str) -> str:
    """The count chart's title: the first and the last year's number.

    Examples
    --------
    >>> series = pd.DataFrame({"year": [2008, 2024], "value": [61.0, 23.0]})
    >>> count_message(series, "en")
    'Abandoned children in Kosovo: 61 in 2008, 23 in 2024'
    """
    known = series[series["value"].notna()].sort_values("year")
    first, last = known.iloc[0], known.iloc[-1]
    return label(
        "brief_message.count",
        lang,
        first=int(first["year"]),
        first_value=format_number(first["value"], lang),
        last=int(last["year"]),
        last_value=format_number(last["value"], lang),
    )


def hospital_message(hospital: pd.DataFrame, lang: str) -> str:
    """The hospital chart's title: the share reunited in the latest year the disclosure rules
    let a reader see, flagged in words when it rests on too few babies (drawn hollow).

    Examples
    --------
    >>> hospital = pd.DataFrame({"year": [2025], "left": [31.0], "reunited": [19.0],
    ...                          "placed": [12.0], "share_reunited": [0.613],
    ...                          "conf_low": [0.44], "conf_high": [0.76]})
    >>> hospital_message(hospital, "en")  # doctest: +NORMALIZE_WHITESPACE
    '61% (based on 19 babies, fewer than 20: unreliable) of the babies left at the
    neonatology clinic were reunited with their parents in 2025'
    """
    published = analysis.published_hospital(hospital)
    shown = published[pd.to_numeric(published["share_reunited"], errors="coerce").notna()]
    latest = shown.sort_values("year").iloc[-1]
    return label(
        "brief_message.hospital",
        lang,
        share=flagged_value(
            format_percent(float(latest["share_reunited"]), lang),
            float(latest["reunited"]),
            lang,
            what="babies",
        ),
        year=int(latest["year"]),
    )


def region_message(rates: pd.DataFrame, lang: str) -> str:
    """The regional chart's title: the year(s) of the rates, the lowest and the highest,
    and whether Kosovo has one."""
    shown = analysis.published_country_rates(rates)
    known = shown[pd.to_numeric(shown["value"], errors="coerce").notna()]
    known = known.assign(value=known["value"].astype(float)).sort_values("value")
    low, high = known.iloc[0], known.iloc[-1]
    key = (
        "brief_message.region" if "XKX" in set(known["ref_area"]) else "brief_message.region_no_xkx"
    )
    return label(
        key,
        lang,
        years=years_text(known["year"].astype(int)),
        low=_rate_text(low, lang),
        low_country=country_name(low["ref_area"], lang),
        high=_rate_text(high, lang),
        high_country=country_name(high["ref_area"], lang),
    )


def _rate_text(row: pd.Series, lang: str) -> str:
    """A country's rate as a title quotes it, flagged when on too few children."""
    events = pd.to_numeric(row["numerator"], errors="coerce")
    return flagged_value(format_number(row["value"], lang), events, lang, what="children")


def brief_figures(
    *,
    series: pd.DataFrame,
    count_fit: pd.DataFrame,
    per_births: pd.DataFrame,
    per_births_fit: pd.DataFrame,
    hospital: pd.DataFrame,
    region: pd.DataFrame,
    headline: str,
    lang: str,
    directory: Path,
    run_id: str,
) -> list[StandardFigure]:
    """Draw and export the brief's four figures at :data:`BRIEF_SIZE`, from the tables the
    analyses wrote (it fits no model).

    Parameters
    ----------
    series : DataFrame
        Kosovo's abandoned children per year (:func:`caretrends.analysis.abandonment_series`).
    count_fit, per_births_fit : DataFrame
        The fitted values of the count trend and of the headline's rate per 1,000 births.
    per_births : DataFrame
        The rates per 1,000 live births (:func:`caretrends.analysis.abandonment_rates`).
    hospital : DataFrame
        The UCCK series (:func:`caretrends.analysis.hospital_series`).
    region : DataFrame
        Each country's latest rate of children aged 0–2 in residential care.
    headline : str
        The headline's title (:func:`caretrends.analysis.headline.headline_text`), the
        per-births figure's title.
    lang : str
        Language of every text.
    directory : Path
        Where the figures go (PNG and SVG, with their data tables and alt texts).
    run_id : str
        Embedded in every file.

    Returns
    -------
    list of StandardFigure
        In the brief's order, with their message titles and alt texts.
    """
    charts = {
        "kosovo_abandoned_per_births": per_births_chart(
            per_births, per_births_fit, series=series, title=headline, lang=lang, size=BRIEF_SIZE
        ),
        "kosovo_abandoned_trend": count_chart(
            series, count_fit, title=count_message(series, lang), lang=lang, size=BRIEF_SIZE
        ),
        "ucck_neonatology": hospital_chart(
            hospital, title=hospital_message(hospital, lang), lang=lang, size=BRIEF_SIZE
        ),
        "region_residential_0_2": region_chart(
            region, title=region_message(region, lang), lang=lang, size=BRIEF_SIZE
        ),
    }
    placed = []
    for name, chart in charts.items():
        exported = figures.export_figure(
            chart, name, formats=("png", "svg"), directory=directory, run_id=run_id
        )
        placed.append(
            StandardFigure(
                name, exported.files["png"], chart.title, chart.alt_text, chart.screen_png
            )
        )
    return placed
