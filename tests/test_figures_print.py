"""The brief's standard figures at print size: every text at least 7 pt and on the page."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from caretrends.figures.axes import year_ticks
from caretrends.figures.care import panel_grid
from caretrends.figures.style import BRIEF_SIZES, MIN_PRINT_POINTS, SIZES
from caretrends.labels import LANGUAGES
from tests._standard_figures import STANDARD, build

_TOLERANCE_PX = 2.0


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _undrawn_tick_labels(figure) -> set[int]:
    """Tick labels matplotlib keeps but does not draw: their tick is outside the view."""
    hidden = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def _drawn_texts(figure) -> list[Text]:
    FigureCanvasAgg(figure).draw()
    undrawn = _undrawn_tick_labels(figure)
    return [
        t
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in undrawn
    ]


def test_brief_sizes_are_a4_half_and_full_text_width() -> None:
    assert round(SIZES["brief_half"][0] * 25.4) == 82
    assert round(SIZES["brief_full"][0] * 25.4) == 170


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", BRIEF_SIZES)
@pytest.mark.parametrize("name", list(STANDARD))
def test_every_text_is_at_least_7_pt_and_inside_the_figure(name: str, size: str, lang: str) -> None:
    chart = build(name, lang, size)
    figure = chart.figure
    assert figure.get_size_inches()[0] == pytest.approx(SIZES[size][0])
    texts = _drawn_texts(figure)
    assert texts, "no text drawn"
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < MIN_PRINT_POINTS]
    assert not small, f"{name} at {size} in {lang}: text under 7 pt: {small}"
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    outside = [
        t.get_text()
        for t in texts
        if (box := t.get_window_extent(renderer)).x0 < page.x0 - _TOLERANCE_PX
        or box.x1 > page.x1 + _TOLERANCE_PX
        or box.y0 < page.y0 - _TOLERANCE_PX
        or box.y1 > page.y1 + _TOLERANCE_PX
    ]
    assert not outside, f"{name} at {size} in {lang}: text past the edge: {outside}"


@pytest.mark.parametrize("name", ["ucck_neonatology", "prevention_outcomes"])
@pytest.mark.parametrize("size", BRIEF_SIZES)
def test_year_ticks_stay_inside_the_data(name: str, size: str) -> None:
    chart = build(name, "sq", size)
    chart.figure.draw_without_rendering()
    years = chart.data["year"].astype(int)
    for ax in chart.figure.axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        if ticks and ax.get_visible() and ax.xaxis.get_visible():
            assert min(ticks) >= years.min() and max(ticks) <= years.max(), ticks


def test_the_hospital_series_labels_every_year_at_half_width() -> None:
    chart = build("ucck_neonatology", "sq", "brief_half")
    chart.figure.draw_without_rendering()
    years = sorted(chart.data["year"].astype(int).unique())
    for ax in chart.figure.axes[:2]:
        assert list(ax.get_xticks()) == list(range(years[0], years[-1] + 1))


def test_no_data_label_sits_above_the_x_axis() -> None:
    chart = build("region_residential_0_2", "sr", "brief_half")
    FigureCanvasAgg(chart.figure).draw()
    ax = chart.figure.axes[0]
    renderer = chart.figure.canvas.get_renderer()
    axis_line = ax.get_window_extent(renderer).y0
    marked = [t for t in ax.texts if t.get_text() == "nema podataka"]
    assert marked and all(t.get_window_extent(renderer).y0 > axis_line for t in marked)


def test_year_ticks_choose_a_round_step_and_never_leave_the_data() -> None:
    assert year_ticks(2019.6, 2025.4, 8) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert year_ticks(2012.6, 2025.4, 7) == [2014, 2016, 2018, 2020, 2022, 2024]
    assert year_ticks(2000, 2018, 4) == [2000, 2005, 2010, 2015]
    assert np.all(np.diff(year_ticks(1990, 2024, 3)) == 20)


def test_small_multiples_go_two_across_half_a_page_and_four_across_a_page() -> None:
    assert panel_grid(7, "brief_half") == (2, 4)
    assert panel_grid(7, "brief_full") == (4, 2)
    assert panel_grid(2, "brief_full") == (2, 1)
