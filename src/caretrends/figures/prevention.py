"""Outcomes of the prevention programme: what happened to each child, and the share kept."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.transforms import blended_transform_factory

from caretrends import disclosure
from caretrends.figures.axes import axis_label, locale_axis, mark_hidden, year_axis
from caretrends.figures.captions import gap_note, missing_years
from caretrends.figures.chart import (
    PAGE,
    Chart,
    ChartOptions,
    ChartText,
    new_figure,
    publish,
    require_columns,
    wrap_to_width,
)
from caretrends.figures.plotted import protect, published_table
from caretrends.figures.sentences import series_sentence, unreliable_note, value_text
from caretrends.figures.style import (
    FONT_SIZES,
    HIGHLIGHT,
    PALETTE,
    SIZES,
    SUPPRESSED_FILL,
    is_narrow,
    style_context,
)
from caretrends.labels import format_percent, label, text_or_label
from caretrends.models import wilson_interval

#: Height of the narrow (stacked) layout, as a multiple of the size's usual height.
_STACKED_HEIGHT = 1.45


def _shares(successes: pd.Series, totals: pd.Series) -> pd.DataFrame:
    """Each year's share with its Wilson 95% interval; NaN where a count is not known."""
    shares = pd.DataFrame(np.nan, index=successes.index, columns=["share", "conf_low", "conf_high"])
    known = successes.notna() & totals.notna() & (totals > 0)
    interval = wilson_interval(successes[known], totals[known])
    shares.loc[known] = interval[["estimate", "conf_low", "conf_high"]].to_numpy()
    return shares


def prevention_chart(
    data: pd.DataFrame,
    *,
    success: str,
    title: str,
    measure: str,
    lang: str = "en",
    order: Sequence[str] | None = None,
    options: ChartOptions = PAGE,
) -> Chart:
    """Chart the outcomes of the prevention programme per year and the share kept.

    One panel stacks the children (or mothers counselled) by outcome; the other shows
    the share with the ``success`` outcome and its Wilson 95% interval. The yearly
    total is published by the stack, so counts get secondary suppression over it; a
    share whose count is hidden is shown as ``c``, and one on fewer than 20 children is
    drawn hollow (unreliable).

    Parameters
    ----------
    data : DataFrame
        ``year``, ``outcome`` (an ``outcome`` label code such as ``reunited``,
        ``placed_by_csw``, ``stayed_in_family``, ``entered_care``, or text) and
        ``value`` (count). E.g. the hospital series: babies left at the neonatology
        department, reunited with their parents or placed through a Centre for Social
        Work.
    success : str
        The outcome whose share is drawn (e.g. ``reunited``).
    title, measure : str
        The key message and what is counted (axis label), in ``lang``.
    lang : {"en", "sq", "sr"}
        Language of every label.
    order : sequence of str, optional
        Outcomes from the bottom of the bar up; default ``success`` first.
    options : ChartOptions
        Sources, an extra note and the size (:class:`~caretrends.figures.chart.ChartOptions`).

    Returns
    -------
    Chart
    """
    require_columns(data, ["year", "outcome", "value"], "prevention data")
    texts = ChartText.cite(data, title, lang, options)
    gaps = missing_years(data.groupby("year", as_index=False)["value"].max())
    size = options.size
    outcomes = (
        list(order)
        if order is not None
        else [
            success,
            *[o for o in pd.unique(data["outcome"]) if o != success],
        ]
    )
    protected = protect(
        data.reset_index(drop=True), kind="count", dims=["year", "outcome"], totals_over=["outcome"]
    )
    counts = protected.pivot_table(index="year", columns="outcome", values="value", dropna=False)
    counts = counts.reindex(columns=outcomes)
    hidden = protected.pivot_table(index="year", columns="outcome", values="hidden", aggfunc="any")
    # The yearly total is published (secondary suppression protects every hidden cell
    # against it), so bars keep their full height, with the hidden cells as one block,
    # and shares use the true total. A table that came already suppressed has no totals.
    totals = (
        data.pivot(index="year", columns="outcome", values="value")  # keeps hidden NaN
        .reindex(index=counts.index, columns=outcomes)
        .sum(axis=1, min_count=len(outcomes))
    )
    # A yearly total of 1 to 4 is a small count itself: that year's bar and share go too.
    totals = totals.mask(disclosure.DEFAULT_RULES.is_small(totals))
    hidden_block = (totals - counts.sum(axis=1)).where(hidden.any(axis=1))
    unknown_years = totals.index[totals.isna()]
    shares = _shares(counts[success], totals).where(~hidden[success], np.nan)
    # A share of fewer than 20 mothers, or on fewer than 20 events, is unreliable.
    unreliable = np.minimum(counts[success], totals) < disclosure.DEFAULT_RULES.unreliable_below
    stacked = is_narrow(size)
    share_of_height = 0.36 if stacked else 0.6
    with style_context(size):
        figure, (count_ax, share_ax) = new_figure(
            size, nrows=2 if stacked else 1, ncols=1 if stacked else 2
        )
        width = figure.get_size_inches()[0]
        if stacked:  # two panels one above the other need more height than one row
            figure.set_size_inches(width, SIZES[size][1] * _STACKED_HEIGHT)
        drawn = counts.drop(index=unknown_years)
        bottom = np.zeros(len(drawn))
        for number, outcome in enumerate(outcomes):
            visible = drawn[outcome].notna().to_numpy()  # a hidden cell gets no bar, not 0
            count_ax.bar(
                drawn.index[visible],
                drawn.loc[visible, outcome],
                bottom=bottom[visible],
                color=PALETTE[number % len(PALETTE)],
                edgecolor="white",
                linewidth=0.6,
                # An outcome hidden in every year draws no bar and needs no legend entry.
                label=text_or_label(outcome, "outcome", lang) if visible.any() else "_hidden",
            )
            bottom += drawn[outcome].fillna(0).to_numpy()
        block = hidden_block.drop(index=unknown_years)
        has_block = block.gt(0).to_numpy()
        if has_block.any():
            count_ax.bar(
                block.index[has_block],
                block[has_block],
                bottom=bottom[has_block],
                color=SUPPRESSED_FILL,
                edgecolor="white",
                hatch="///",
                linewidth=0.6,
                label=label("suppressed_block", lang),
            )
        mark_hidden(count_ax, unknown_years)
        axis_label(count_ax, measure, size, share=share_of_height)
        handles, names = count_ax.get_legend_handles_labels()
        # Anchored at the figure's left edge (not the panel's), wrapped to the figure's
        # width, so that long Albanian and Serbian outcomes stay on the page.
        room = width * (0.85 if stacked else 0.45)
        count_ax.legend(
            handles[::-1],
            [wrap_to_width(name, room, FONT_SIZES[size] * 0.9) for name in names[::-1]],
            loc="lower left",
            bbox_to_anchor=(0.01, 1.02),
            bbox_transform=blended_transform_factory(figure.transFigure, count_ax.transAxes),
            borderaxespad=0,
        )
        shown = shares["share"].notna()
        share_ax.errorbar(
            shares.index[shown],
            shares.loc[shown, "share"],
            yerr=[
                shares.loc[shown, "share"] - shares.loc[shown, "conf_low"],
                shares.loc[shown, "conf_high"] - shares.loc[shown, "share"],
            ],
            fmt="none",
            ecolor=HIGHLIGHT,
            capsize=3,
        )
        for reliable, face in ((~unreliable, HIGHLIGHT), (unreliable, "white")):
            points = shown & reliable
            share_ax.plot(
                shares.index[points],
                shares.loc[points, "share"],
                linestyle="none",
                marker="o",
                markerfacecolor=face,
                markeredgecolor=HIGHLIGHT,
            )
        mark_hidden(share_ax, shares.index[shares["share"].isna()])
        share_ax.set_ylim(0, 1)
        axis_label(
            share_ax,
            f"{label('share', lang)}: {text_or_label(success, 'outcome', lang)}",
            size,
            share=share_of_height,
        )
        for ax in (count_ax, share_ax):
            ax.set_xlabel(label("year", lang))
            # Every year's place, drawn or hidden: a year with every cell hidden draws
            # nothing, and autoscaling would then centre the axis on 0.
            ax.set_xlim(counts.index.min() - 0.6, counts.index.max() + 0.6)
            year_axis(ax.xaxis)
        locale_axis(count_ax.yaxis, lang)
        locale_axis(share_ax.yaxis, lang, percent=True)
    table = published_table(protected, ["year", "outcome"])
    share_status = np.select([shares["share"].isna(), unreliable], ["c", "u"], default="")
    share_rows = shares.reset_index().assign(outcome=f"share_{success}", status=share_status)
    total_rows = pd.DataFrame(
        {
            "year": totals.index,
            "outcome": "total",
            "value": totals.astype(object).where(totals.notna(), disclosure.SUPPRESSED),
            "status": np.where(totals.isna(), disclosure.SUPPRESSED, ""),
        }
    )
    gap_rows = gaps.assign(outcome="total", value=np.nan, status="").drop(columns="missing")
    table = pd.concat([table, total_rows, gap_rows, share_rows.round(4)], ignore_index=True)
    last_year = int(counts.index.max())
    latest = ", ".join(
        f"{text_or_label(o, 'outcome', lang)} {value_text(counts.at[last_year, o], lang)}"
        for o in outcomes
    )
    if not pd.isna(shares.at[last_year, "share"]):
        latest += (
            f"; {label('share', lang)} ({text_or_label(success, 'outcome', lang)}) "
            f"{format_percent(shares.at[last_year, 'share'], lang)}"
        )
    missing = gap_note(gaps, lang)
    notes = [missing, label("notes.share_interval", lang)]
    if (unreliable & shown).any():
        notes.append(unreliable_note(lang))
    return publish(
        figure,
        table,
        texts,
        described=series_sentence("stacked_bar", measure, int(counts.index.min()), last_year, lang),
        findings=[label("alt.latest", lang, year=last_year, values=latest), missing],
        notes=notes,
        protected=protected,
    )


__all__ = ["prevention_chart"]
