"""Captions from the rows a figure draws: sources per year, gaps named with why, the
definition change marked, and a hollow value never quoted bare."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from caretrends import analysis, disclosure, figures, models
from caretrends.brief.figures import hospital_message, per_births_chart
from caretrends.figures.captions import definition_spans, missing_years
from caretrends.labels import format_percent, label


def _series() -> pd.DataFrame:
    """A count series whose 2017–2018 figures are the ministry's, published by a news
    agency, and whose 2021 births were not published."""
    years = list(range(2016, 2024))
    ministry = [2017, 2018]
    return pd.DataFrame(
        {
            "year": years,
            "value": [41.0, 34.0, 28.0, 47.0, 28.0, 22.0, 15.0, 23.0],
            "source": ["MPMS" if y in ministry else "KAS" for y in years],
            "cited_as": ["MPMS, via KosovaPress" if y in ministry else "KAS" for y in years],
            "births": [23000.0, 23400.0, 22800.0, 21800.0, 21900.0, np.nan, 21700.0, 21500.0],
            "births_source": ["KAS"] * 5 + [np.nan] + ["KAS"] * 2,
        }
    )


def _rates(series: pd.DataFrame) -> pd.DataFrame:
    """The derived per-births rows, as the indicators hold them: none without births."""
    known = series.dropna(subset=["births"])
    return pd.DataFrame(
        {
            "year": known["year"],
            "value": known["value"] / known["births"] * 1000,
            "numerator": known["value"],
            "denominator": known["births"],
            "numerator_source": known["source"],
            "conf_low": 0.0,
            "conf_high": 3.0,
        }
    )


@pytest.fixture(scope="module")
def births_chart() -> figures.Chart:
    series = _series()
    fit = models.fit_rate_trend(
        series.dropna(subset=["births"]), count="value", time="year", exposure="births"
    ).fitted_values(per=1000)
    return per_births_chart(_rates(series), fit, series=series, title="t", lang="en")


def test_per_births_source_names_each_numerator_producer_with_its_years(births_chart) -> None:
    assert births_chart.source == (
        "KAS (2016, 2019–2023); MLSW, via KosovaPress (2017–2018); live births: KAS"
    )
    assert births_chart.source != "KAS"


def test_sources_use_the_readers_acronyms() -> None:
    rows = _series()
    assert figures.cited_sources(rows, "sq").startswith("ASK (2016, 2019–2023); MPMS, sipas")


def test_a_year_without_births_breaks_the_rate_line_and_says_why(births_chart) -> None:
    ax = births_chart.figure.axes[0]
    line = next(
        line for line in ax.get_lines() if 2021.0 in np.asarray(line.get_xdata(), dtype=float)
    )
    xs, ys = (np.asarray(d, dtype=float) for d in line.get_data())
    assert np.isnan(ys[xs == 2021.0]).all()
    assert label("figure_notes.no_denominator", "en", years="2021", denominator="live births") in (
        births_chart.note
    )
    gap = births_chart.data.set_index("year").loc[2021]
    assert pd.isna(gap["value"]) and gap["obs_status"] == "M"


@pytest.mark.parametrize("lang", ["en", "sq", "sr"])
def test_a_year_with_no_row_is_a_gap_named_in_the_note(lang: str) -> None:
    data = pd.DataFrame({"year": [2020, 2021, 2023], "value": [30.0, 28.0, 25.0], "source": "KAS"})
    chart = figures.trend_chart(data, title="t", measure="m", lang=lang)
    assert label("figure_notes.no_figure", lang, years="2022") in chart.note
    assert pd.isna(chart.data.set_index("year").loc[2022, "value"])
    assert missing_years(data)["missing"].tolist() == ["figure"]


def test_two_definitions_shade_the_years_of_the_earlier_one() -> None:
    data = pd.DataFrame(
        {
            "year": range(2008, 2014),
            "value": [61.0, 66.0, 52.0, 51.0, 54.0, 41.0],
            "source": "MPMS",
            "definition": ["old"] * 3 + ["new"] * 3,
        }
    )
    assert definition_spans(data).to_dict("list") == {
        "start": [2008],
        "end": [2010],
        "definition": ["old"],
    }
    chart = figures.trend_chart(data, title="t", measure="m")
    ax = chart.figure.axes[0]
    spans = [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches]
    assert (2007.5, 2010.5) in spans  # the change falls between 2010 and 2011
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label("figure_notes.other_definition", "en") in legend
    assert "2008–2010" in chart.note and "old" in chart.note


def test_one_definition_draws_no_mark() -> None:
    data = pd.DataFrame(
        {"year": [2020, 2021], "value": [30.0, 40.0], "source": "s", "definition": "same"}
    )
    chart = figures.trend_chart(data, title="t", measure="m")
    assert not chart.figure.axes[0].patches
    assert chart.note == ""


@pytest.mark.parametrize("lang", ["en", "sq", "sr"])
def test_the_hospital_title_flags_a_share_from_too_few_babies(lang: str) -> None:
    hospital = pd.DataFrame(
        {
            "year": [2023, 2025],
            "left": [40.0, 31.0],
            "reunited": [33.0, 19.0],
            "placed": [7.0, 12.0],
            "share_reunited": [0.825, 0.613],
            "conf_low": [0.68, 0.44],
            "conf_high": [0.91, 0.76],
        }
    )
    flagged = label(
        "figure_notes.unreliable_value",
        lang,
        value=format_percent(0.613, lang),
        n="19",
        events=label("figure_notes.events.babies", lang),
        minimum=disclosure.DEFAULT_RULES.unreliable_below,
    )
    message = hospital_message(hospital, lang)
    assert message == label("brief_message.hospital", lang, share=flagged, year=2025)
    reliable = hospital_message(hospital.iloc[:1], lang)
    assert "19" not in reliable and "(" not in reliable


def test_hospital_rows_carry_their_producer_into_the_caption() -> None:
    reconciled = pd.DataFrame(
        {
            "indicator": [analysis.hospital.HOSPITAL_LEFT, analysis.hospital.HOSPITAL_REUNITED],
            "ref_area": "XKX",
            "sex": "_T",
            "freq": "A",
            "year": 2023,
            "value": [25.0, 22.0],
            "source": "UCCK",
            "note": ["definition: left; via: Botapress", "definition: reunited"],
        }
    )
    hospital = analysis.hospital_series(reconciled)
    assert hospital["cited_as"].tolist() == ["UCCK, via Botapress"]
    long = analysis.hospital_outcomes_long(hospital.assign(placed=3.0))
    assert figures.cited_sources(long, "sr") == "UKCK, preko Botapress"
