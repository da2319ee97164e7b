"""Axes in the house style: years as whole numbers, numbers in the locale, hidden values
marked ``c`` where they would have been drawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import Formatter, FuncFormatter, Locator

from caretrends import disclosure
from caretrends.figures.chart import wrap_to_width
from caretrends.figures.style import (
    FONT_SIZES,
    SIZES,
    TEXT_COLOUR,
)
from caretrends.labels import format_number, format_percent


def axis_label(ax: Axes, text: str, size: str, *, axis: str = "y", share: float = 0.65) -> None:
    """Label an axis, wrapping long (often Albanian or Serbian) labels to ``share`` of the
    figure's height (y) or width (x) so they never run past the plot."""
    width, height = SIZES[size]
    length = (height if axis == "y" else width) * share
    wrapped = wrap_to_width(text, length, FONT_SIZES[size])
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(wrapped)


def mark_hidden(ax: Axes, positions: Iterable[float], *, axis: str = "x") -> None:
    """Write ``c`` at each position along the axis where a value is hidden (never 0)."""
    for position in positions:
        if axis == "x":
            where = {"xy": (position, 0), "xycoords": ("data", "axes fraction")}
            offset, alignment = (0, 3), {"ha": "center", "va": "bottom"}
        else:
            where = {"xy": (0, position), "xycoords": ("axes fraction", "data")}
            offset, alignment = (3, 0), {"ha": "left", "va": "center"}
        ax.annotate(
            disclosure.SUPPRESSED,
            **where,
            xytext=offset,
            textcoords="offset points",
            fontweight="bold",
            color=TEXT_COLOUR,
            **alignment,
        )


class LocaleFormatter(Formatter):
    """Tick labels as numbers (or percentages of fractions) in a language, with as many
    decimals as the step between the ticks needs."""

    def __init__(self, lang: str, *, percent: bool = False) -> None:
        self.lang = lang
        self.percent = percent

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._format(x, self.axis.get_majorticklocs())

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        # Matplotlib asks for all of an axis's labels at once: the step is found once,
        # not once per label.
        return [self._format(value, values) for value in values]

    def _format(self, value: float, ticks: Sequence[float]) -> str:
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
        if self.percent:
            return format_percent(value, self.lang, decimals=_decimals(step * 100))
        return format_number(value, self.lang, decimals=_decimals(step))


def _decimals(step: float) -> int:
    """Decimals that tell ticks ``step`` apart: 0 for a step of 1 or more, 1 for 0.5."""
    return max(0, int(-np.floor(np.log10(step)))) if 0 < step < 1 else 0


def locale_axis(axis: Axis, lang: str, *, percent: bool = False) -> None:
    """Format an axis's tick labels as numbers (or percentages of fractions) for ``lang``."""
    axis.set_major_formatter(LocaleFormatter(lang, percent=percent))


def decimal_year(day: dt.date) -> float:
    """Return a date as a fractional year, to mark it on an axis of years.

    Examples
    --------
    >>> round(decimal_year(dt.date(2013, 7, 2)), 2)
    2013.5
    """
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


#: Room one year's tick label needs along an axis, in inches (``2020`` at 8 pt and a gap).
_INCHES_PER_YEAR_TICK = 0.42
#: Steps between labelled years, from every year to every twenty.
_YEAR_STEPS: tuple[int, ...] = (1, 2, 5, 10, 20)


def year_ticks(first: float, last: float, max_ticks: int) -> list[int]:
    """Return whole years from ``first`` to ``last`` to label, at most ``max_ticks`` of them.

    Every year when they fit, else every 2nd, 5th, 10th or 20th year (multiples of the
    step); never a year outside the data, such as 2026 for a series ending in 2025.

    Examples
    --------
    >>> year_ticks(2019.6, 2025.4, 8)
    [2020, 2021, 2022, 2023, 2024, 2025]
    >>> year_ticks(2013, 2025, 6)
    [2014, 2016, 2018, 2020, 2022, 2024]
    """
    low, high = int(np.ceil(first - 1e-9)), int(np.floor(last + 1e-9))
    if high < low:
        return []
    for step in _YEAR_STEPS:
        years = [y for y in range(low, high + 1) if y % step == 0]
        if len(years) <= max(max_ticks, 2):
            return years if years else [low]
    return [low, high]


class YearLocator(Locator):
    """Ticks at whole years inside the plotted data, as many as the axis has room for."""

    def __init__(self, max_ticks: int | None = None) -> None:
        self.max_ticks = max_ticks

    def __call__(self) -> list[int]:
        view_low, view_high = sorted(self.axis.get_view_interval())
        data_low, data_high = sorted(self.axis.get_data_interval())
        first, last = max(view_low, data_low), min(view_high, data_high)
        if not np.isfinite([first, last]).all():
            first, last = view_low, view_high
        return year_ticks(first, last, self.max_ticks or self._room())

    def _room(self) -> int:
        """How many year labels fit along the axis at the figure's size."""
        ax = self.axis.axes
        box = ax.get_position()
        width, height = ax.figure.get_size_inches()
        length = box.width * width if self.axis.axis_name == "x" else box.height * height
        return max(2, int(length / _INCHES_PER_YEAR_TICK) + 1)


def year_axis(axis: Axis, *, max_ticks: int | str = "auto") -> None:
    """Show whole years on an axis, without thousands separators, only where there is data.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        The axis of years.
    max_ticks : int or "auto"
        Most labelled years; ``"auto"``: as many as the axis has room for at print size.
    """
    axis.set_major_locator(YearLocator(None if max_ticks == "auto" else int(max_ticks)))
    axis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:.0f}"))
