"""Coverage of a source: which area has a value in which year, as a grid of filled cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from caretrends.figures.chart import blank_figure
from caretrends.figures.style import HIGHLIGHT
from caretrends.labels import country_name, label, text_or_label

_EMPTY = "#f0f0f0"


def indicator_name(indicator: str, lang: str) -> str:
    """Return an indicator's name in ``lang`` (``indicator.<code>`` label), else the code.

    Examples
    --------
    >>> indicator_name("PT_CHLD_NO_PARENTAL_CARE_ABANDON", "sq")
    'Fëmijë të braktisur'
    """
    return text_or_label(indicator, "indicator", lang)


def coverage_title(indicator: str, lang: str) -> str:
    """Return the title of an indicator's coverage grid in ``lang``.

    Examples
    --------
    >>> coverage_title("DM_POP_TOT", "sr")
    'Stanovništvo: godine sa vrednošću (plavo)'
    """
    return label("coverage.title", lang, indicator=indicator_name(indicator, lang))


def coverage_chart(grid: pd.DataFrame, *, title: str, lang: str = "en") -> Figure:
    """Draw a coverage grid: a filled cell where an area has a value in a year.

    Parameters
    ----------
    grid : DataFrame
        One row per area, one column per year, true (or 1) where a value exists, as
        :func:`caretrends.pipeline.quality.coverage_grid` returns it.
    title : str
        What the grid shows, in the run's language (see :func:`coverage_title`).
    lang : str
        Language of the area names.

    Returns
    -------
    matplotlib.figure.Figure
        Sized to the number of areas; not registered with pyplot.
    """
    figure = blank_figure("page")
    figure.set_size_inches(8, 0.4 * len(grid) + 1.2)
    ax = figure.subplots()
    values = grid.to_numpy(dtype=float)
    ax.pcolormesh(
        values,
        cmap=ListedColormap([_EMPTY, HIGHLIGHT]),
        vmin=0,
        vmax=1,
        edgecolors="white",
        linewidth=0.5,
    )
    ax.set_xticks(np.arange(grid.shape[1]) + 0.5, [str(c) for c in grid.columns], rotation=90)
    ax.set_yticks(np.arange(grid.shape[0]) + 0.5, [country_name(str(i), lang) for i in grid.index])
    ax.invert_yaxis()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title)
    return figure
