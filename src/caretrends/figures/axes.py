"""Axes in the house style: years as whole numbers, numbers in the locale, hidden values
marked ``c`` where they would have been drawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, MaxNLocator

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


def locale_axis(axis: Axis, lang: str, *, percent: bool = False) -> None:
    """Format an axis's tick labels as numbers (or percentages of fractions) for ``lang``."""

    def decimals(step: float) -> int:
        return max(0, int(-np.floor(np.log10(step)))) if 0 < step < 1 else 0

    def show(value: float, _position: int) -> str:
        ticks = axis.get_majorticklocs()
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
        if percent:
            return format_percent(value, lang, decimals=max(0, decimals(step * 100)))
        return format_number(value, lang, decimals=decimals(step))

    axis.set_major_formatter(FuncFormatter(show))


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


def year_axis(axis: Axis, *, max_ticks: int | str = "auto") -> None:
    """Show whole years on an axis, without thousands separators."""
    axis.set_major_locator(MaxNLocator(integer=True, nbins=max_ticks, min_n_ticks=2))
    axis.set_major_formatter(FuncFormatter(lambda value, _position: f"{value:.0f}"))
