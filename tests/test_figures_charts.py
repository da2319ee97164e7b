"""Every chart type, in every language: drawn, exported with metadata, alt text and data."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

matplotlib.use("agg")
import matplotlib.pyplot as plt

from caretrends import disclosure, figures
from caretrends.analysis import campaign_table
from caretrends.disclosure import protect_curves
from caretrends.errors import DataValidationError, ParameterError
from caretrends.labels import LANGUAGES, label

CAMPAIGNS = campaign_table(
    [
        {"campaign": "care_for_me", "start": "2013-05-15", "end": "2016-05-15"},
        {"campaign": "i_give_hope", "start": "2015-05-15"},
    ]
)

YEARS = np.arange(2012, 2020)
SOURCE = "KAS; Ministry of Finance, Labour and Transfers"
#: Options of the charts built only to look at their drawing: a placeholder source.
CITED = figures.ChartOptions(source="s")


def trend(lang: str) -> figures.Chart:
    data = pd.DataFrame({"year": YEARS, "value": [48, 52, 45, 3, 41, 30, 28, 27], "source": SOURCE})
    fit = pd.DataFrame({"year": YEARS, "fitted": 52 * 0.93 ** (YEARS - 2012)})
    fit = fit.assign(conf_low=fit["fitted"] * 0.85, conf_high=fit["fitted"] * 1.15)
    return figures.trend_chart(
        data,
        title=label("measure.abandoned_children", lang),
        measure=label("measure.number_of_children", lang),
        lang=lang,
        fit=fit,
        campaigns=CAMPAIGNS,
    )


def its(lang: str) -> figures.Chart:
    series = pd.DataFrame({"year": YEARS, "value": [48, 52, 45, 44, 35, 30, 28, 27]})
    model = pd.DataFrame(
        {
            "year": YEARS,
            "fitted": [49, 48, 47, 43, 36, 31, 28, 26],
            "counterfactual": [49, 48, 47, 46, 45, 44, 43, 42],
        }
    )
    return figures.its_chart(
        series,
        model,
        interruption=2013.37,
        interruption_label=label("campaign_name.care_for_me", lang),
        title=label("measure.abandoned_children", lang),
        measure=label("measure.number_of_children", lang),
        lang=lang,
        options=figures.SeriesOptions(source=SOURCE),
    )


def joinpoint(lang: str) -> figures.Chart:
    data = pd.DataFrame({"year": YEARS, "value": [2.2, 2.4, 2.1, 2.0, 1.6, 1.3, 1.2, 1.2]})
    segments = pd.DataFrame(
        {
            "start": [2012, 2015],
            "end": [2015, 2019],
            "apc": [-2.5, -12.4],
            "conf_low": [-9.0, -18.1],
            "conf_high": [4.4, -6.3],
            "p_value": [0.41, 0.002],
        }
    )
    fitted = pd.DataFrame({"year": YEARS, "fitted": [2.3, 2.25, 2.2, 2.1, 1.8, 1.6, 1.4, 1.2]})
    return figures.joinpoint_chart(
        data,
        segments,
        fitted=fitted,
        title=label("measure.per_1000_live_births", lang),
        measure=label("measure.per_1000_live_births", lang),
        lang=lang,
        options=figures.SeriesOptions(kind="rate", source=SOURCE),
    )


def composition(lang: str) -> figures.Chart:
    rows = [
        {"year": year, "care_type": kind, "value": value}
        for year, (residential, foster, kinship) in zip(
            YEARS[:5],
            [(60, 30, 10), (50, 35, 14), (45, 2, 20), (40, 45, 22), (35, 50, 25)],
            strict=True,
        )
        for kind, value in (("residential", residential), ("foster", foster), ("kinship", kinship))
    ]
    return figures.composition_chart(
        pd.DataFrame(rows).assign(source="UNICEF TransMonEE"),
        title=label("share_formal_care", lang),
        lang=lang,
    )


def comparison(lang: str) -> figures.Chart:
    data = pd.DataFrame(
        {
            "ref_area": ["ALB", "BIH", "MKD", "SRB", "MNE", "BGR"],
            "value": [12.1, 30.2, 4.1, 10.3, np.nan, 25.0],
            "conf_low": [9.0, 25.0, 2.0, 8.1, np.nan, 22.0],
            "conf_high": [15.0, 35.0, 6.5, 12.9, np.nan, 28.0],
            "source": "UNICEF TransMonEE",
        }
    )
    return figures.country_comparison_chart(
        data,
        title=label("measure.rate_per_100000_children", lang),
        measure=label("measure.rate_per_100000_children", lang),
        lang=lang,
    )


def survival(lang: str) -> figures.Chart:
    times = np.array([1, 3, 6, 9, 12, 18, 24, 30, 36])
    rows = []
    for group, scale in (("reunited", 1.0), ("adopted", 0.6)):
        estimate = (1 - np.exp(-times / 18)) * scale
        rows.append(
            pd.DataFrame(
                {
                    "group": group,
                    "time": times,
                    "at_risk": [40, 36, 31, 25, 20, 14, 9, 4, 2],
                    "events": 2,
                    "cumulative_incidence": estimate,
                    "conf_low": np.clip(estimate - 0.08, 0, 1),
                    "conf_high": np.clip(estimate + 0.08, 0, 1),
                }
            )
        )
    curves = protect_curves(pd.concat(rows), estimate="cumulative_incidence", sizes=40)
    return figures.survival_chart(
        curves,
        estimate="cumulative_incidence",
        title=label("cumulative_incidence", lang),
        lang=lang,
        options=figures.ChartOptions(source="Synthetic demonstration records"),
    )


def prevention(lang: str) -> figures.Chart:
    outcomes = {2020: (20, 19), 2021: (29, 8), 2022: (33, 7), 2023: (22, 3), 2025: (19, 12)}
    data = pd.DataFrame(
        [
            {"year": year, "outcome": outcome, "value": value}
            for year, pair in outcomes.items()
            for outcome, value in zip(("reunited", "placed_by_csw"), pair, strict=True)
        ]
    )
    return figures.prevention_chart(
        data,
        success="reunited",
        title=label("outcome.reunited", lang),
        measure=label("measure.babies_left", lang),
        lang=lang,
        options=figures.ChartOptions(source="University Clinical Centre of Kosovo (press, 2026)"),
    )


BUILDERS: dict[str, Callable[[str], figures.Chart]] = {
    "trend": trend,
    "its": its,
    "joinpoint": joinpoint,
    "composition": composition,
    "comparison": comparison,
    "survival": survival,
    "prevention": prevention,
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", list(BUILDERS))
def test_each_chart_exports_with_metadata_alt_text_and_data(kind: str, lang: str, tmp_path) -> None:
    chart = BUILDERS[kind](lang)
    exported = figures.export_figure(chart, kind, dpi=40, directory=tmp_path, run_id="run-42")
    assert set(exported.files) == {"png", "svg", "pdf", "alt", "data"}
    for path in exported.files.values():
        assert path.exists() and path.stat().st_size > 0, path
        assert path.name.startswith(f"{kind}-{lang}.")

    data_bytes = exported.files["data"].read_bytes()
    assert exported.data_sha256 == hashlib.sha256(data_bytes).hexdigest()

    png = Image.open(exported.files["png"]).text
    assert png["Title"] == chart.title
    assert png["Description"] == chart.alt_text
    assert png["Run ID"] == "run-42"
    assert png["Data SHA-256"] == exported.data_sha256
    assert png["Source"] == label("source_line", lang, sources=chart.source)

    pdf = exported.files["pdf"].read_bytes()
    assert b"/FontFile2" in pdf  # TrueType embedded
    assert b"/Subtype /Type3" not in pdf
    assert exported.data_sha256.encode() in pdf  # in the info dictionary's Keywords

    svg = exported.files["svg"].read_text(encoding="utf-8")
    assert f"<title>{chart.title}</title>" in svg
    assert "<desc>" in svg and 'role="img"' in svg
    assert label("source_line", lang, sources="").strip() in svg  # text stays text
    assert f"run_id: run-42; data_sha256: {exported.data_sha256}" in svg

    alt = exported.files["alt"].read_text(encoding="utf-8")
    assert chart.alt_text in alt and chart.title in chart.alt_text
    assert len(chart.alt_text) > len(chart.title) + 20

    table = pd.read_csv(exported.files["data"], dtype=str, encoding="utf-8-sig")
    assert len(table) > 0
    assert exported.summary().startswith(f"{kind}-{lang}:")


def test_albanian_and_serbian_letters_survive_in_every_format(tmp_path) -> None:
    for lang, word in (("sq", "Fëmijë të braktisur"), ("sr", "Napuštena deca")):
        chart = trend(lang)
        exported = figures.export_figure(chart, "letters", dpi=30, directory=tmp_path)
        assert word in exported.files["svg"].read_text(encoding="utf-8")
        assert Image.open(exported.files["png"]).text["Title"] == word
        assert word in exported.files["alt"].read_text(encoding="utf-8")


def test_a_suppressed_count_is_marked_c_and_never_plotted_as_zero() -> None:
    chart = trend("en")
    observed = chart.figure.axes[0].lines[0]
    y = np.asarray(observed.get_ydata(), dtype=float)
    assert np.isnan(y[3]) and not (y == 0).any()
    texts = [t.get_text() for t in chart.figure.axes[0].texts]
    assert "c" in texts
    assert chart.data.loc[chart.data["year"] == 2015, "value"].item() == "c"
    assert "c = suppressed" in chart.note


def test_prevention_bars_keep_the_published_total_with_hidden_cells_as_one_block() -> None:
    counts = {2020: (20, 10, 3), 2021: (25, 12, 2), 2022: (30, 9, 8)}
    outcomes = ("stayed_in_family", "entered_care", "consented_to_adoption")
    data = pd.DataFrame(
        [
            {"year": year, "outcome": outcome, "value": value}
            for year, row in counts.items()
            for outcome, value in zip(outcomes, row, strict=True)
        ]
    )
    chart = figures.prevention_chart(
        data, success="stayed_in_family", title="t", measure="m", options=CITED
    )
    count_ax = chart.figure.axes[0]
    tops: dict[int, float] = {}
    for bar in count_ax.patches:
        year = round(bar.get_x() + bar.get_width() / 2)
        tops[year] = max(tops.get(year, 0), bar.get_y() + bar.get_height())
        assert bar.get_height() > 0  # hidden cells get no bar, never one of height 0
    assert tops == {year: sum(row) for year, row in counts.items()}
    hatched = [bar for bar in count_ax.patches if bar.get_hatch()]
    assert sorted(round(bar.get_height()) for bar in hatched) == [13, 14]  # 10+3, 12+2
    shares = chart.data[chart.data["outcome"] == "share_stayed_in_family"]
    assert shares["share"].tolist() == pytest.approx([20 / 33, 25 / 39, 30 / 47], abs=1e-4)
    totals = chart.data[chart.data["outcome"] == "total"]
    assert totals["value"].tolist() == [33, 39, 47]
    hidden = chart.data[chart.data["value"].eq("c")]
    assert len(hidden) == 4 and set(hidden["year"]) == {2020, 2021}


def test_prevention_chart_of_an_already_suppressed_table_draws_no_total_it_cannot_know() -> None:
    counts = {2020: (20, 10, 3), 2021: (30, 9, 8)}
    outcomes = ("stayed_in_family", "entered_care", "consented_to_adoption")
    raw = pd.DataFrame(
        [
            {"year": year, "outcome": outcome, "value": value}
            for year, row in counts.items()
            for outcome, value in zip(outcomes, row, strict=True)
        ]
    )
    suppressed = disclosure.suppress(raw, dims=["year", "outcome"], totals_over=["outcome"])
    chart = figures.prevention_chart(
        suppressed, success="stayed_in_family", title="t", measure="m", options=CITED
    )
    bar_years = {round(b.get_x() + b.get_width() / 2) for b in chart.figure.axes[0].patches}
    assert bar_years == {2021}
    shares = chart.data[chart.data["outcome"] == "share_stayed_in_family"].set_index("year")
    assert np.isnan(shares.at[2020, "share"]) and shares.at[2020, "status"] == "c"
    assert shares.at[2021, "share"] == pytest.approx(30 / 47, abs=1e-4)


def test_charts_are_not_left_open_in_pyplot_and_show_themselves_in_notebooks() -> None:
    open_before = plt.get_fignums()
    for build in BUILDERS.values():
        image = Image.open(io.BytesIO(build("en")._repr_png_()[0]))
        assert image.format == "PNG" and image.width > 300
    assert plt.get_fignums() == open_before


def test_composition_protects_the_yearly_total_and_draws_no_bar_for_that_year() -> None:
    chart = composition("en")
    hidden_year = chart.data.loc[chart.data["value"].eq("c"), "year"].unique()
    assert list(hidden_year) == [2014]
    assert chart.data.loc[chart.data["year"] == 2014, "value"].eq("c").sum() >= 2
    ax = chart.figure.axes[1]
    bar_years = {round(p.get_x() + p.get_width() / 2) for p in ax.patches}
    assert 2014 not in bar_years


def test_kosovo_is_listed_even_without_a_figure_and_highlighted_when_it_has_one() -> None:
    chart = comparison("sq")
    assert "Kosova" in chart.data["country"].tolist()
    assert "Pa të dhëna: Mali i Zi, Kosova." in chart.alt_text
    data = pd.DataFrame({"ref_area": ["XKX", "SRB"], "value": [20.0, 10.0], "source": "x"})
    ax = figures.country_comparison_chart(data, title="t", measure="m").figure.axes[0]
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}
    assert figures.style.HIGHLIGHT.lower() in colours


def test_rates_on_few_events_are_hollow_and_noted() -> None:
    data = pd.DataFrame(
        {"year": YEARS[:4], "value": [2.0, 1.5, 3.1, 2.2], "events": [30, 3, 12, 25]}
    )
    chart = figures.trend_chart(
        data,
        title="t",
        measure="m",
        options=figures.SeriesOptions(kind="rate", numerator="events", source="s"),
    )
    assert chart.data["status"].tolist() == ["", "c", "u", ""]
    assert "fewer than 20" in chart.note


def test_a_chart_without_a_source_is_refused() -> None:
    with pytest.raises(ParameterError, match="source"):
        figures.trend_chart(pd.DataFrame({"year": [2020], "value": [10]}), title="t", measure="m")


def test_missing_model_columns_are_named() -> None:
    with pytest.raises(DataValidationError, match="'counterfactual': missing"):
        figures.its_chart(
            pd.DataFrame({"year": [1], "value": [10]}),
            pd.DataFrame({"year": [1], "fitted": [10]}),
            interruption=1,
            title="t",
            measure="m",
            options=figures.SeriesOptions(source="s"),
        )


def test_placement_curves_are_named_in_the_chart_language() -> None:
    times = np.array([1.0, 6.0, 12.0])
    table = pd.concat(
        pd.DataFrame(
            {
                "group": group,
                "time": times,
                "at_risk": [30, 20, 10],
                "events": 3,
                "survival": [0.9, 0.7, 0.5],
                "conf_low": [0.8, 0.6, 0.4],
                "conf_high": [0.95, 0.8, 0.6],
            }
        )
        for group in ("residential", "sos_family")
    )
    chart = figures.survival_chart(
        protect_curves(table, estimate="survival", sizes=30),
        title="t",
        lang="sq",
        labels_from="placement",
        options=CITED,
    )
    names = set(chart.data["group"])
    assert names == {label("placement.residential", "sq"), label("placement.sos_family", "sq")}
    assert "Familja SOS" in chart.alt_text
