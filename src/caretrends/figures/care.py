"""Charts of formal care: its composition over time and a comparison of countries."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from caretrends import disclosure
from caretrends.codelists import KOSOVO
from caretrends.figures.axes import axis_label, locale_axis, mark_hidden, year_axis
from caretrends.figures.chart import (
    PAGE,
    Chart,
    ChartOptions,
    ChartText,
    blank_figure,
    new_figure,
    publish,
    require_columns,
    wrap_to_width,
)
from caretrends.figures.plotted import protect, published_table
from caretrends.figures.sentences import series_sentence
from caretrends.figures.style import (
    CONTEXT_GREY,
    FONT_SIZES,
    HIGHLIGHT,
    PALETTE,
    SIZES,
    is_narrow,
    style_context,
)
from caretrends.labels import (
    country_name,
    format_interval,
    format_number,
    format_percent,
    label,
    text_or_label,
)


def composition_chart(
    data: pd.DataFrame,
    *,
    title: str,
    lang: str = "en",
    order: Sequence[str] | None = None,
    options: ChartOptions = PAGE,
) -> Chart:
    """Chart the composition of formal care (e.g. residential vs family-based) by year.

    Each year is a bar of 100%, split by type of care. Counts are protected first with
    secondary suppression over the year's total; a year with a hidden count shows ``c``
    instead of a bar, because its shares would reveal the hidden count.

    Parameters
    ----------
    data : DataFrame
        ``year``, ``care_type`` (a ``care`` label code such as ``residential``,
        ``family_based``, ``foster``, ``kinship``, ``guardianship``, or text) and
        ``value`` (number of children); with ``ref_area``, one panel per country.
    title : str
        The key message, in ``lang``.
    lang : {"en", "sq", "sr"}
        Language of every label.
    order : sequence of str, optional
        Care types from the bottom of the bar up; default: order of appearance.
    options : ChartOptions
        Sources, an extra note and the size (:class:`~caretrends.figures.chart.ChartOptions`).

    Returns
    -------
    Chart
    """
    require_columns(data, ["year", "care_type", "value"], "composition data")
    texts = ChartText.cite(data, title, lang, options)
    size = options.size
    frame = data.copy()
    if "ref_area" not in frame.columns:
        frame["ref_area"] = ""
    areas = list(pd.unique(frame["ref_area"]))
    types = list(order) if order is not None else list(pd.unique(frame["care_type"]))
    protected = protect(
        frame, kind="count", dims=["ref_area", "year", "care_type"], totals_over=["care_type"]
    )
    protected["share"] = protected["value"] / protected.groupby(["ref_area", "year"])[
        "value"
    ].transform(lambda v: v.sum(min_count=len(v)))
    columns, rows = panel_grid(len(areas), size)
    colours = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(types)}
    base = FONT_SIZES[size]
    with style_context(size):
        figure = blank_figure(size)
        figure.set_size_inches(SIZES[size][0], panels_height(rows, size))
        grid = figure.add_gridspec(rows + 1, columns, height_ratios=[0.001] + [1] * rows)
        legend_ax = figure.add_subplot(grid[0, :])
        legend_ax.axis("off")
        panels = [
            figure.add_subplot(grid[1 + i // columns, i % columns]) for i in range(len(areas))
        ]
        for number, (ax, area) in enumerate(zip(panels, areas, strict=True)):
            _stacked_shares(ax, protected[protected["ref_area"] == area], types, colours)
            if area:
                panel_width = SIZES[size][0] * 0.9 / columns
                ax.set_title(wrap_to_width(country_name(area, lang), panel_width, base))
            year_axis(ax.xaxis)
            locale_axis(ax.yaxis, lang, percent=True)
            ax.set_ylim(0, 1)
            ax.set_yticks([0, 0.5, 1])
            if number % columns:
                ax.tick_params(labelleft=False)
        figure.supylabel(
            wrap_to_width(label("share_formal_care", lang), panels_height(rows, size) * 0.6, base),
            fontsize=base,
        )
        handles = [
            Patch(color=colours[kind], label=text_or_label(kind, "care", lang))
            for kind in reversed(types)
        ]
        legend_ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 0),
            ncols=1 if is_narrow(size) else len(types),
            borderaxespad=0,
        )
    table = published_table(
        protected, ["ref_area", "year", "care_type"], share=protected["share"].round(4)
    )
    last_year = int(protected["year"].max())
    latest = protected[(protected["year"] == last_year) & protected["share"].notna()]
    shares = ", ".join(
        f"{country_name(row.ref_area, lang) + ' ' if row.ref_area else ''}"
        f"{text_or_label(row.care_type, 'care', lang)} {format_percent(row.share, lang)}"
        for row in latest.itertuples()
    )
    return publish(
        figure,
        table.drop(columns="ref_area") if not areas[0] else table,
        texts,
        described=series_sentence(
            "stacked_bar",
            label("share_formal_care", lang),
            int(protected["year"].min()),
            last_year,
            lang,
        ),
        findings=[label("alt.composition", lang, last=last_year, shares=shares) if shares else ""],
        protected=protected,
    )


#: Height of one row of small multiples, and of the title, legend and footer, in inches.
_PANEL_INCHES = 1.15
_FRAME_INCHES = 1.9


def panel_grid(panels: int, size: str) -> tuple[int, int]:
    """Return (columns, rows) of small multiples: two across a narrow figure, else four.

    Examples
    --------
    >>> panel_grid(7, "brief_half"), panel_grid(7, "brief_full"), panel_grid(1, "page")
    ((2, 4), (4, 2), (1, 1))
    """
    columns = max(1, min(panels, 2 if is_narrow(size) else 4))
    return columns, int(np.ceil(panels / columns))


def panels_height(rows: int, size: str) -> float:
    """Return the height in inches a figure of ``rows`` rows of panels needs at ``size``."""
    return max(SIZES[size][1], _FRAME_INCHES + rows * _PANEL_INCHES)


def _stacked_shares(
    ax: Axes, area: pd.DataFrame, types: Sequence[str], colours: dict[str, str]
) -> None:
    """Draw one 100% bar per year; a year with a hidden count gets ``c``, never a bar."""
    by_year = area.pivot_table(index="year", columns="care_type", values="share", dropna=False)
    hidden_years = area.loc[area["hidden"], "year"].unique()
    complete = by_year.drop(index=hidden_years).reindex(columns=types).fillna(0.0)
    bottom = np.zeros(len(complete))
    for kind in types:
        ax.bar(
            complete.index,
            complete[kind],
            bottom=bottom,
            color=colours[kind],
            edgecolor="white",
            linewidth=0.6,
            width=0.8,
        )
        bottom += complete[kind].to_numpy()
    mark_hidden(ax, hidden_years)
    ax.grid(False)


def country_comparison_chart(
    data: pd.DataFrame,
    *,
    title: str,
    measure: str,
    lang: str = "en",
    highlight: str = KOSOVO,
    kind: str = "rate",
    numerator: str | None = None,
    decimals: int = 1,
    always_show: Sequence[str] = (KOSOVO,),
    options: ChartOptions = PAGE,
) -> Chart:
    """Chart one value per country, ordered from highest to lowest, Kosovo highlighted.

    Parameters
    ----------
    data : DataFrame
        ``ref_area`` (ISO 3166-1 alpha-3, Kosovo ``XKX``) and ``value``; optionally
        ``conf_low``/``conf_high`` (drawn as error bars), ``year`` and ``source``.
    title, measure : str
        Key message and what the values are, in ``lang``.
    lang : {"en", "sq", "sr"}
        Language of every label and country name.
    highlight : str
        The country drawn in the accent colour.
    kind, numerator, decimals
        As for :func:`caretrends.figures.trend_chart`.
    always_show : sequence of str
        Countries listed even without a figure (shown as "no data"): a brief must not
        let Kosovo silently disappear.
    options : ChartOptions
        Sources, an extra note and the size (:class:`~caretrends.figures.chart.ChartOptions`).

    Returns
    -------
    Chart
    """
    require_columns(data, ["ref_area", "value"], "country comparison data")
    texts = ChartText.cite(data, title, lang, options)
    size = options.size
    missing = [a for a in always_show if a not in set(data["ref_area"])]
    frame = pd.concat([data, pd.DataFrame({"ref_area": missing, "value": np.nan})])
    protected = protect(frame.reset_index(drop=True), kind=kind, numerator=numerator)
    protected["name"] = [country_name(a, lang) for a in protected["ref_area"]]
    shown = protected[protected["value"].notna()].sort_values("value")
    absent = protected[protected["value"].isna()].sort_values("name", ascending=False)
    ordered = pd.concat([absent, shown], ignore_index=True)
    positions = np.arange(len(ordered))
    base = FONT_SIZES[size]
    with style_context(size):
        figure, ax = new_figure(size)
        drawn = ordered["value"].notna().to_numpy()
        colours = [HIGHLIGHT if a == highlight else CONTEXT_GREY for a in ordered["ref_area"]]
        ax.barh(
            positions[drawn],
            ordered.loc[drawn, "value"],
            color=np.array(colours)[drawn],
            height=0.7,
        )
        if {"conf_low", "conf_high"} <= set(ordered.columns):
            with_ci = ordered["conf_low"].notna() & ordered["value"].notna()
            ax.errorbar(
                ordered.loc[with_ci, "value"],
                positions[with_ci.to_numpy()],
                xerr=[
                    ordered.loc[with_ci, "value"] - ordered.loc[with_ci, "conf_low"],
                    ordered.loc[with_ci, "conf_high"] - ordered.loc[with_ci, "value"],
                ],
                fmt="none",
                ecolor="black",
                elinewidth=0.8,
                capsize=2,
            )
        for position, row in zip(positions, ordered.itertuples(), strict=True):
            if pd.isna(row.value):
                text = disclosure.SUPPRESSED if row.hidden else label("no_data", lang)
                x = 0
            else:
                text = format_number(row.value, lang, decimals=decimals)
                x = np.nanmax([row.value, getattr(row, "conf_high", np.nan)])
            ax.annotate(
                text,
                xy=(x, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=base * 0.85,
                fontweight="bold" if row.ref_area == highlight else "normal",
            )
        ax.set_yticks(positions, ordered["name"])
        ax.set_ylim(-0.6, len(ordered) - 0.4)  # room for "no data" above the x axis
        for tick, area in zip(ax.get_yticklabels(), ordered["ref_area"], strict=True):
            tick.set_fontweight("bold" if area == highlight else "normal")
        axis_label(ax, measure, size, axis="x", share=0.6)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        reach = ordered[[c for c in ("value", "conf_high") if c in ordered]].max().max()
        ax.set_xlim(0, np.nanmax([reach, 1]) * 1.18)
        locale_axis(ax.xaxis, lang)
    columns = [c for c in ("ref_area", "year", "conf_low", "conf_high") if c in ordered]
    named = ordered.assign(country=ordered["name"])
    table = published_table(named, [*columns, "country"]).iloc[::-1]
    ranking = ", ".join(
        f"{row.name} {format_number(row.value, lang, decimals=decimals)}"
        + (
            f" ({format_interval(row.conf_low, row.conf_high, lang, decimals=decimals)})"
            if "conf_low" in ordered and not pd.isna(row.conf_low)
            else ""
        )
        for row in shown.iloc[::-1].itertuples()
    )
    no_data = list(absent.loc[~absent["hidden"], "name"])
    return publish(
        figure,
        table,
        texts,
        described=f"{label('chart.bar', lang)}: {measure}.",
        findings=[
            label("alt.comparison", lang, ranking=ranking),
            label("alt.no_data", lang, names=", ".join(no_data)) if no_data else "",
        ],
        protected=protected,
    )


__all__ = ["composition_chart", "country_comparison_chart"]
