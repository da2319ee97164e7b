"""Observed points of a series chart: gaps left open, inferred values marked apart.

A year with no published figure is a gap, never bridged by a line; a value inferred
rather than published (``obs_status`` ``E``) has its own hollow marker and legend entry,
and every value's ``obs_status`` goes into the chart's published table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from caretrends.figures.axes import mark_hidden
from caretrends.figures.plotted import published_table
from caretrends.figures.style import HIGHLIGHT
from caretrends.labels import label

#: SDMX observation status of a value inferred (estimated) rather than published.
INFERRED = "E"
#: SDMX observation status of a year with no value (not hidden: nothing to show).
MISSING = "M"


def with_gaps(x: Sequence[float], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Insert a NaN wherever consecutive ``x`` are more than one unit apart.

    A line drawn through the result stops at a missing year instead of bridging it.

    >>> xs, ys = with_gaps([2016, 2017, 2019], [3.0, 4.0, 5.0])
    >>> xs.tolist(), np.isnan(ys).tolist()
    ([2016.0, 2017.0, 2018.0, 2019.0], [False, False, True, False])
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(values, dtype=float)
    gaps = np.flatnonzero(np.diff(x) > 1 + 1e-9)
    return np.insert(x, gaps + 1, x[gaps] + 1), np.insert(y, gaps + 1, np.nan)


def inferred_mask(protected: pd.DataFrame) -> np.ndarray:
    """True where the value is inferred (``obs_status`` ``E``); all False without status."""
    if "obs_status" not in protected.columns:
        return np.zeros(len(protected), dtype=bool)
    return protected["obs_status"].astype(str).eq(INFERRED).to_numpy()


def draw_observed(
    ax: Axes, x: pd.Series, protected: pd.DataFrame, lang: str, colour: str = HIGHLIGHT
) -> list[Line2D]:
    """Plot observed values; return the legend handles (one more when a value is inferred).

    Solid markers for published values, hollow where unreliable, a hollow diamond where
    inferred, ``c`` where hidden; the line breaks at a missing year.
    """
    values = protected["value"].to_numpy(dtype=float)
    xs, ys = with_gaps(x, values)
    ax.plot(xs, ys, color=colour, linewidth=1.0)
    inferred = inferred_mask(protected)
    published = ~inferred
    (line,) = ax.plot(
        np.asarray(x)[published],
        values[published],
        color=colour,
        marker="o",
        linestyle="none",
    )
    handle = Line2D([], [], color=colour, marker="o", linewidth=1.0, label=label("observed", lang))
    handles = [handle]
    unreliable = protected["unreliable"].to_numpy() & published
    if unreliable.any():
        ax.plot(
            np.asarray(x)[unreliable],
            values[unreliable],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor=colour,
        )
    if inferred.any():
        style = dict(marker="D", markerfacecolor="white", markeredgecolor=colour, linestyle="none")
        ax.plot(np.asarray(x)[inferred], values[inferred], **style)
        handles.append(Line2D([], [], color=colour, label=label("inferred_value", lang), **style))
    mark_hidden(ax, np.asarray(x)[protected["hidden"].to_numpy()])
    return handles


def observed_table(protected: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The chart's published table with each value's ``obs_status`` (``A`` when not given,
    ``M`` for a year without a value that was not hidden: a gap)."""
    status = (
        protected["obs_status"].fillna("A").astype(str)
        if "obs_status" in protected.columns
        else pd.Series("A", index=protected.index)
    )
    gap = protected["value"].isna() & ~protected["hidden"]
    return published_table(protected, keys, obs_status=status.mask(gap, MISSING))
