"""Charts drawn and exported with less work, and the same drawing (issue 18): tick labels
formatted once per axis, text measured a few times per line, one layout for every
format, and the PNG compressed beside the vector formats."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator
from PIL import Image

from caretrends import figures
from caretrends.figures import export
from caretrends.figures.axes import LocaleFormatter, locale_axis
from caretrends.figures.chart import _words_on_line, wrap_to_width
from caretrends.figures.style import FONT_FAMILY, style_context
from caretrends.labels import LANGUAGES, catalog, label
from tests._standard_figures import prepare


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_tick_labels_take_their_decimals_from_the_step_between_ticks() -> None:
    assert LocaleFormatter("sq").format_ticks([0, 2500, 5000]) == ["0", "2\xa0500", "5\xa0000"]
    assert LocaleFormatter("sq").format_ticks([0.0, 0.5, 1.0]) == ["0,0", "0,5", "1,0"]
    assert LocaleFormatter("en", percent=True).format_ticks([0, 0.05, 0.1]) == ["0%", "5%", "10%"]
    assert LocaleFormatter("en", percent=True).format_ticks([0.5]) == ["50%"]


class CountingLocator(MaxNLocator):
    """Counts how often an axis asks it for ticks."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def __call__(self) -> Sequence[float]:
        self.calls += 1
        return super().__call__()


def test_an_axis_labels_its_ticks_without_asking_for_them_again() -> None:
    _, axes = plt.subplots()
    axes.plot([0, 1], [0, 40_000])
    locale_axis(axes.yaxis, "en")
    locator = CountingLocator()
    axes.yaxis.set_major_locator(locator)
    ticks = axes.yaxis.get_majorticklocs()
    assert locator.calls == 1
    labels = axes.yaxis.get_major_formatter().format_ticks(ticks)
    assert labels[1:4] == ["0", "5,000", "10,000"]  # the view runs a little below 0
    assert locator.calls == 1  # the old formatter asked once more for every label
    # a single label (a cursor's read-out) takes the step from the axis's own ticks
    assert axes.yaxis.get_major_formatter()(12_345, 0) == "12,345"


def _greedy(words: Sequence[str], fits) -> list[str]:
    """The rule the wrapping keeps: a word joins the line while the line still fits."""
    lines: list[list[str]] = []
    for word in words:
        if lines and fits([*lines[-1], word]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(line) for line in lines]


@given(
    lengths=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=30),
    limit=st.integers(min_value=1, max_value=60),
    guess=st.integers(min_value=1, max_value=30),
)
def test_a_line_takes_the_words_that_fit_from_any_first_guess(
    lengths: list[int], limit: int, guess: int
) -> None:
    words = ["x" * n for n in lengths]

    def fits(line: Sequence[str]) -> bool:
        return len(" ".join(line)) <= limit

    count = _words_on_line(words, min(guess, len(words)), fits)
    assert " ".join(words[:count]) == _greedy(words, fits)[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_wrap_where_measuring_every_word_would_wrap_them(lang: str) -> None:
    texts = sorted({entry.text for entry in catalog(lang).entries.values() if " " in entry.text})
    measure = TextToPath().get_text_width_height_descent
    for width_in, size, bold in ((1.2, 7.0, False), (2.5, 9.0, True), (6.0, 8.0, False)):
        font = FontProperties(family=FONT_FAMILY, size=size, weight="bold" if bold else "normal")

        def fits(line: Sequence[str], font=font, width_in=width_in) -> bool:
            return measure(" ".join(line), font, ismath=False)[0] <= width_in * 72

        for text in texts[::7]:
            expected = "\n".join(_greedy(text.split(), fits))
            assert wrap_to_width(text, width_in, size, bold=bold) == expected, text


@pytest.fixture(scope="module")
def hospital_en():
    return prepare("ucck_neonatology", "en")


def test_the_png_is_byte_for_byte_what_savefig_writes(hospital_en, tmp_path: Path) -> None:
    exported = figures.export_figure(
        hospital_en("page"), "h", dpi=60, directory=tmp_path, run_id="r"
    )
    chart = hospital_en("page")  # the same chart again, saved the plain way
    source_line = label("source_line", "en", sources=chart.source)
    metadata = export._metadata("png", chart, source_line, exported.data_sha256, "r")
    with style_context(chart.size):
        chart.figure.savefig(buffer := io.BytesIO(), format="png", dpi=60, metadata=metadata)
    assert exported.files["png"].read_bytes() == buffer.getvalue()


def test_a_png_that_cannot_be_written_fails_the_export(hospital_en, tmp_path: Path) -> None:
    chart = hospital_en("page")
    engine = chart.figure.get_layout_engine()
    (tmp_path / "h-en.png").mkdir()  # a folder where the file should go
    with pytest.raises(IsADirectoryError):
        figures.export_figure(chart, "h", dpi=30, directory=tmp_path)
    assert chart.figure.get_layout_engine() is engine  # the chart is left as it was


def test_each_format_is_drawn_once_with_the_layout_of_the_png(hospital_en, tmp_path: Path) -> None:
    chart = hospital_en("page")
    positions = []
    chart.figure.canvas.mpl_connect(
        "draw_event",
        lambda _: positions.append([ax.get_position().bounds for ax in chart.figure.axes]),
    )
    figures.export_figure(chart, "h", dpi=60, directory=tmp_path)
    assert len(positions) == 3 and positions[0] == positions[1] == positions[2]


def test_a_notebook_shows_the_exported_chart_from_its_print_pixels(
    hospital_en, tmp_path: Path
) -> None:
    chart = hospital_en("page")
    exported = figures.export_figure(chart, "h", dpi=300, directory=tmp_path)
    drawn: list[object] = []
    chart.figure.canvas.mpl_connect("draw_event", drawn.append)
    screen = Image.open(io.BytesIO(chart._repr_png_()[0])).convert("RGBA")
    assert drawn == []  # shown without drawing the figure again
    printed = Image.open(exported.files["png"]).convert("RGBA")
    assert screen.size == (printed.width // 3, printed.height // 3)  # 300 dpi on a 100 dpi screen
    # each screen pixel is the mean of its 3 x 3 printed pixels
    blocks = np.asarray(printed)[: screen.height * 3, : screen.width * 3].astype(int)
    means = blocks.reshape(screen.height, 3, screen.width, 3, 4).sum(axis=(1, 3)) // 9
    assert np.array_equal(np.asarray(screen), means)
    # a page showing the exported file (the brief's notebook) shows the same image
    assert export.screen_png_of(exported.files["png"]) == chart.screen_png
    chart.figure.axes[0].set_title("changed after the export")
    assert Image.open(io.BytesIO(chart._repr_png_()[0])).size != screen.size  # drawn anew
    assert drawn
