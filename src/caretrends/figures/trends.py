"""Charts of a series over time: trend with model band, interrupted time series, joinpoints.

Each builder takes plain tidy tables with the column names the models document, so that
model results plug in directly once fitted.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from caretrends.figures.axes import axis_label, decimal_year, locale_axis, year_axis
from caretrends.figures.captions import (
    definition_note,
    definition_spans,
    gap_note,
    missing_years,
    with_missing_years,
)
from caretrends.figures.chart import (
    COUNTS,
    RATES,
    Chart,
    ChartText,
    SeriesOptions,
    new_figure,
    publish,
    require_columns,
)
from caretrends.figures.observed import draw_observed, observed_table
from caretrends.figures.plotted import protect
from caretrends.figures.sentences import range_sentence, series_sentence
from caretrends.figures.style import (
    CONTEXT_GREY,
    FONT_SIZES,
    HIGHLIGHT,
    PALETTE,
    TEXT_COLOUR,
    is_narrow,
    style_context,
)
from caretrends.labels import format_date, format_interval, format_percent, label, text_or_label

OBSERVED_COLOUR = HIGHLIGHT
MODEL_COLOUR = PALETTE[1]
CAMPAIGN_COLOUR = PALETTE[2]
#: Years counted under another definition: a grey band behind the data, hatched so that it
#: is told apart from a campaign's tinted span in print too.
DEFINITION_STYLE = {
    "facecolor": CONTEXT_GREY,
    "alpha": 0.22,
    "hatch": "...",
    "edgecolor": "white",
    "linewidth": 0,
    "zorder": 0,
}


def _draw_band(ax: Axes, fit: pd.DataFrame, x: str, lang: str) -> list:
    """Plot the model's fitted line and its 95% confidence band."""
    ax.fill_between(
        fit[x], fit["conf_low"], fit["conf_high"], color=MODEL_COLOUR, alpha=0.18, linewidth=0
    )
    (line,) = ax.plot(
        fit[x], fit["fitted"], color=MODEL_COLOUR, label=label("model_estimate", lang)
    )
    band = Patch(color=MODEL_COLOUR, alpha=0.18, label=label("ci_95", lang))
    return [line, band]


def _draw_campaigns(ax: Axes, campaigns: pd.DataFrame, lang: str, size: str) -> list[str]:
    """Shade each campaign's span, mark its start and name it; return the alt-text items."""
    to_axes = blended_transform_factory(ax.transData, ax.transAxes)
    described = []
    for row_number, row in enumerate(campaigns.itertuples(index=False)):
        name = text_or_label(row.campaign, "campaign_name", lang)
        start = decimal_year(pd.Timestamp(row.start).date())
        ax.axvline(start, color=CAMPAIGN_COLOUR, linestyle="--", linewidth=1.0)
        if not pd.isna(row.end):
            end = decimal_year(pd.Timestamp(row.end).date())
            ax.axvspan(start, end, color=CAMPAIGN_COLOUR, alpha=0.10, linewidth=0)
        ax.text(
            start,
            0.98 - 0.08 * row_number,
            f" {name}",
            transform=to_axes,
            ha="left",
            va="top",
            fontsize=FONT_SIZES[size] * 0.8,
            color=TEXT_COLOUR,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
        )
        described.append(f"{name} ({format_date(pd.Timestamp(row.start).date(), lang)})")
    return described


def _time_axes(ax: Axes, measure: str, lang: str, size: str, *, years: bool = True) -> None:
    """Label the axes of a series over time: ``measure`` up, years (or time) across."""
    axis_label(ax, measure, size)
    ax.set_xlabel(label("year", lang) if years else label("column.time", lang))
    if years:
        year_axis(ax.xaxis)
    locale_axis(ax.yaxis, lang)


def _legend(ax: Axes, handles: Sequence, size: str) -> None:
    """Put the legend above the plot, in as many columns as fit."""
    columns = 1 if is_narrow(size) else min(len(handles), 3)
    ax.legend(
        handles=list(handles),
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=columns,
        borderaxespad=0,
    )


def _observed(data: pd.DataFrame, options: SeriesOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the series sorted by time, with an empty row for each missing year (so that
    its line breaks there and its table lists the gap), and its values as they may be
    published."""
    series = with_missing_years(data, time=options.time)
    series = series.sort_values(options.time).reset_index(drop=True)
    return series, protect(series, kind=options.kind, numerator=options.numerator)


def _gap_note(data: pd.DataFrame, options: SeriesOptions, lang: str) -> str:
    """Say which years inside the series' span have no value, and why."""
    gaps = missing_years(data, time=options.time, denominator=options.denominator)
    return gap_note(gaps, lang, time=options.time, denominator=options.denominator or "")


def _draw_definitions(ax: Axes, data: pd.DataFrame, time: str, lang: str) -> list:
    """Shade the years that count something other than the latest definition; return the
    legend handle (none when one definition covers the series)."""
    spans = definition_spans(data, time=time)
    for span in spans.itertuples(index=False):
        # Half a year either side, so that a single year is a visible band.
        ax.axvspan(span.start - 0.5, span.end + 0.5, **DEFINITION_STYLE)
    if spans.empty:
        return []
    return [Patch(**DEFINITION_STYLE, label=label("figure_notes.other_definition", lang))]


def _line_over_years(measure: str, years: pd.Series, lang: str) -> str:
    """Return the alt text's first sentence of a line over the years ``years``."""
    return series_sentence("line", measure, int(years.min()), int(years.max()), lang)


def trend_chart(
    data: pd.DataFrame,
    *,
    title: str,
    measure: str,
    lang: str = "en",
    fit: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    options: SeriesOptions = COUNTS,
) -> Chart:
    """Chart counts or rates per year with the model's confidence band and campaign dates.

    Parameters
    ----------
    data : DataFrame
        The time column (``time``) and ``value`` (an Observations extract works),
        optionally ``source`` and the ``numerator`` column of a rate.
    title : str
        The key message, in ``lang``.
    measure : str
        What the values are (axis label, alt text), in ``lang``.
    lang : {"en", "sq", "sr"}
        Language of every label.
    fit : DataFrame, optional
        The model's predictions: the time column, ``fitted``, ``conf_low``, ``conf_high``,
        as :meth:`caretrends.models.trend.RateTrendResult.fitted_values` returns them.
    campaigns : DataFrame, optional
        ``campaign`` (a ``campaign_name`` label code or text), ``start``, ``end`` dates;
        e.g. :func:`caretrends.analysis.campaign_table` of the run's campaigns.
    options : SeriesOptions
        What the values are (counts or rates), the time column of ``data`` and ``fit``
        (years), sources, note and size; the chart's notes on the band and campaigns come
        before the note.

    Returns
    -------
    Chart
    """
    time, size = options.time, options.size
    require_columns(data, [time, "value"], "trend data")
    if fit is not None:
        require_columns(fit, [time, "fitted", "conf_low", "conf_high"], "trend fit")
    texts = ChartText.cite(data, title, lang, options)
    series, protected = _observed(data, options)
    defined = definition_note(data, lang, time=time)
    gaps = _gap_note(data, options, lang)
    notes = [gaps, defined]
    with style_context(size):
        figure, ax = new_figure(size)
        handles = draw_observed(ax, series[time], protected, lang)
        handles += _draw_definitions(ax, data, time, lang)
        if fit is not None:
            handles += _draw_band(ax, fit.sort_values(time), time, lang)
            notes.append(label("notes.band", lang))
        described = []
        if campaigns is not None and len(campaigns):
            described = _draw_campaigns(ax, campaigns, lang, size)
            handles.append(
                Line2D([], [], color=CAMPAIGN_COLOUR, linestyle="--", label=label("campaign", lang))
            )
            notes.append(label("notes.association", lang))
        ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.15)
        _time_axes(ax, measure, lang, size)
        _legend(ax, handles, size)
    table = observed_table(protected, [time])
    if fit is not None:
        band = fit[[time, "fitted", "conf_low", "conf_high"]]
        table = table.merge(band, on=time, how="outer")
    return publish(
        figure,
        table,
        texts,
        described=_line_over_years(measure, series[time], lang),
        findings=[
            range_sentence(
                series[time].astype(int), protected["value"], lang, decimals=options.decimals
            ),
            label("alt.band", lang) if fit is not None else "",
            label("alt.campaigns", lang, campaigns="; ".join(described)) if described else "",
            gaps,
            defined,
        ],
        notes=notes,
        protected=protected,
    )


def its_chart(
    series: pd.DataFrame,
    counterfactual: pd.DataFrame,
    *,
    interruption: float,
    interruption_label: str | None = None,
    title: str,
    measure: str,
    lang: str = "en",
    options: SeriesOptions = COUNTS,
) -> Chart:
    """Chart an interrupted time series: observed values, fitted model and counterfactual.

    Parameters
    ----------
    series : DataFrame
        The time column (``time``, in the model's units: years or a period index) and
        ``value``.
    counterfactual : DataFrame
        The time column, ``fitted``, ``counterfactual``, as the ITS result's
        ``.counterfactual()`` returns it.
    interruption : float
        Time of the interruption (e.g. ``2013.37`` for 15 May 2013), drawn as a line.
    interruption_label : str, optional
        What happened then (e.g. a campaign's name), in ``lang``; used in the alt text.
    title, measure, lang
        As for :func:`trend_chart`.
    options : SeriesOptions
        As for :func:`trend_chart`; its time column is that of ``series`` and
        ``counterfactual`` (``fit_its(..., time="year")``).

    Returns
    -------
    Chart
    """
    time, size = options.time, options.size
    require_columns(series, [time, "value"], "ITS series")
    require_columns(counterfactual, [time, "fitted", "counterfactual"], "ITS counterfactual")
    texts = ChartText.cite(series, title, lang, options)
    observed, protected = _observed(series, options)
    gaps = _gap_note(series, options, lang)
    model = counterfactual.sort_values(time).reset_index(drop=True)
    after = model[model[time] >= interruption]
    is_years = bool(observed[time].min() > 1900)
    with style_context(size):
        figure, ax = new_figure(size)
        handles = draw_observed(ax, observed[time], protected, lang)
        (fitted,) = ax.plot(
            model[time], model["fitted"], color=MODEL_COLOUR, label=label("model_estimate", lang)
        )
        (dashed,) = ax.plot(
            after[time],
            after["counterfactual"],
            color=TEXT_COLOUR,
            linestyle="--",
            label=label("counterfactual", lang),
        )
        ax.axvline(interruption, color=CAMPAIGN_COLOUR, linewidth=1.2)
        if interruption_label:
            ax.text(
                interruption,
                0.98,
                f" {interruption_label}",
                transform=blended_transform_factory(ax.transData, ax.transAxes),
                ha="left",
                va="top",
                fontsize=FONT_SIZES[size] * 0.8,
            )
        ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.1)
        _time_axes(ax, measure, lang, size, years=is_years)
        _legend(ax, [*handles, fitted, dashed], size)
    table = observed_table(protected, [time])
    table = table.merge(model[[time, "fitted", "counterfactual"]], on=time, how="outer")
    when = interruption_label or f"{interruption:g}"
    return publish(
        figure,
        table,
        texts,
        described=series_sentence(
            "line", measure, f"{observed[time].min():g}", f"{observed[time].max():g}", lang
        ),
        findings=[label("alt.its", lang, interruption=when), gaps],
        notes=[gaps, label("notes.counterfactual", lang), label("notes.association", lang)],
        protected=protected,
    )


def apc_text(segment: pd.Series, lang: str, *, key: str = "apc_label") -> str:
    """Return a segment's label: years, annual percent change and its 95% interval.

    ``apc``, ``conf_low`` and ``conf_high`` are in percent, as the models report them;
    ``key`` is the label that words it (``joinpoint_segment_label`` names it a joinpoint
    segment's sensitivity estimate, for a legend beside the headline).

    Examples
    --------
    >>> row = pd.Series({"start": 2009, "end": 2014, "apc": -5.2, "conf_low": -9.1,
    ...                  "conf_high": -1.1})
    >>> apc_text(row, "en")
    '2009–2014: −5.2% a year (−9.1% to −1.1%)'
    >>> apc_text(row, "en", key="joinpoint_segment_label")
    'Joinpoint segment 2009–2014 (sensitivity): −5.2% a year (−9.1% to −1.1%)'
    """
    return label(
        key,
        lang,
        start=f"{segment['start']:.0f}",
        end=f"{segment['end']:.0f}",
        apc=format_percent(segment["apc"] / 100, lang, decimals=1, sign=True),
        interval=format_interval(
            segment["conf_low"] / 100, segment["conf_high"] / 100, lang, decimals=1, percent=True
        ),
    )


def joinpoint_chart(
    data: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    title: str,
    measure: str,
    lang: str = "en",
    fitted: pd.DataFrame | None = None,
    options: SeriesOptions = RATES,
) -> Chart:
    """Chart a series with its joinpoint segments, each labelled with its APC.

    The legend names each APC a joinpoint segment's sensitivity estimate
    (``joinpoint_segment_label``), so that it does not read as the headline.

    Parameters
    ----------
    data : DataFrame
        The time column (``time``) and ``value`` (rates or counts).
    segments : DataFrame
        ``start``, ``end``, ``apc``, ``conf_low``, ``conf_high`` (percent) and ``p_value``,
        as the joinpoint result's ``.segments``.
    fitted : DataFrame, optional
        The time column and ``fitted``: the model's line, as the joinpoint result's
        ``.fitted``. Without it the segments are shaded
        and labelled, and no line is drawn that the model did not give.
    title, measure, lang
        As for :func:`trend_chart`.
    options : SeriesOptions
        As for :func:`trend_chart` (by default rates); its time column is that of ``data``
        and ``fitted`` (``fit_joinpoint(..., x="year")``).

    Returns
    -------
    Chart
    """
    time, size = options.time, options.size
    require_columns(data, [time, "value"], "joinpoint data")
    require_columns(
        segments, ["start", "end", "apc", "conf_low", "conf_high", "p_value"], "joinpoint segments"
    )
    if fitted is not None:
        require_columns(fitted, [time, "fitted"], "joinpoint fitted")
    texts = ChartText.cite(data, title, lang, options)
    series, protected = _observed(data, options)
    gaps = _gap_note(data, options, lang)
    parts = segments.sort_values("start").reset_index(drop=True)
    with style_context(size):
        figure, ax = new_figure(size)
        handles = draw_observed(ax, series[time], protected, lang)
        for number, segment in parts.iterrows():
            colour = PALETTE[1:][number % (len(PALETTE) - 1)]
            text = apc_text(segment, lang, key="joinpoint_segment_label")
            if fitted is not None:
                inside = fitted[fitted[time].between(segment["start"], segment["end"])]
                ax.plot(inside[time], inside["fitted"], color=colour, linewidth=2.2)
                handles.append(Line2D([], [], color=colour, linewidth=2.2, label=text))
            else:
                ax.axvspan(segment["start"], segment["end"], color=colour, alpha=0.12, linewidth=0)
                handles.append(Patch(color=colour, alpha=0.3, label=text))
        for joinpoint in parts["start"].iloc[1:]:
            ax.axvline(joinpoint, color=CONTEXT_GREY, linestyle=":", linewidth=1.0)
        ax.set_ylim(bottom=0)
        _time_axes(ax, measure, lang, size)
        _legend(ax, handles, "column")
    table = observed_table(protected, [time])
    if fitted is not None:
        table = table.merge(fitted[[time, "fitted"]], on=time, how="left")
    segment_table = parts[["start", "end", "apc", "conf_low", "conf_high", "p_value"]]
    segments_text = "; ".join(apc_text(s, lang) for _, s in parts.iterrows())
    return publish(
        figure,
        pd.concat([table, segment_table], ignore_index=True),
        texts,
        described=_line_over_years(measure, series[time], lang),
        findings=[label("alt.segments", lang, segments=segments_text), gaps],
        notes=[gaps],
        protected=protected,
    )


__all__ = [
    "apc_text",
    "its_chart",
    "joinpoint_chart",
    "trend_chart",
]
