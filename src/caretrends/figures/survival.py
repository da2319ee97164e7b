"""Kaplan–Meier and cumulative-incidence curves with a numbers-at-risk table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from caretrends import disclosure
from caretrends.disclosure.cases import ProtectedCurves
from caretrends.errors import ParameterError
from caretrends.figures.axes import axis_label, locale_axis
from caretrends.figures.chart import (
    PAGE,
    Chart,
    ChartOptions,
    ChartText,
    blank_figure,
    publish,
    require_columns,
)
from caretrends.figures.sentences import series_sentence, suppressed_note
from caretrends.figures.style import FONT_SIZES, PALETTE, style_context
from caretrends.labels import format_number, format_percent, label, text_or_label
from caretrends.models import value_at

#: Months at which briefs quote the share reaching a permanent family (CFSR, England).
MILESTONES: tuple[int, ...] = (12, 24, 36)


def at_risk_at(curve: pd.DataFrame, times: Sequence[float]) -> list[float]:
    """Return the number at risk at each time from a table of every event/censoring time.

    The number at risk at ``t`` is that of the first row at or after ``t``; after the
    last row nobody is left.

    Examples
    --------
    >>> curve = pd.DataFrame({"time": [0, 5, 12], "at_risk": [40, 31, 9]})
    >>> at_risk_at(curve, [0, 6, 12, 24])
    [40.0, 9.0, 9.0, 0.0]
    """
    ordered = curve.sort_values("time")
    counts = []
    for t in times:
        later = ordered[ordered["time"] >= t]
        counts.append(float(later["at_risk"].iloc[0]) if len(later) else 0.0)
    return counts


def _reading(curve: pd.DataFrame, time: float, estimate: str) -> dict[str, float]:
    """The curve's estimate and interval at ``time``, as the chart's data table shows them."""
    reading = value_at(curve, time, estimate=estimate)
    return {
        estimate: reading.estimate,
        "conf_low": reading.conf_low,
        "conf_high": reading.conf_high,
    }


def withheld_notes(curves: ProtectedCurves, labels_from: str, lang: str) -> list[str]:
    """The notes saying which curves are not shown, and that curves stop, in ``lang``."""
    notes = []
    if curves.withheld:
        names = [text_or_label(str(g), labels_from, lang) for g in curves.withheld]
        notes.append(label("notes.curves_withheld", lang, groups=", ".join(names)))
    if curves.stops:
        n = format_number(curves.min_at_risk, lang, decimals=0)
        notes.append(label("notes.curves_stop", lang, n=n))
    return notes


def survival_chart(
    curves: ProtectedCurves,
    *,
    title: str,
    lang: str = "en",
    estimate: str = "survival",
    group: str = "group",
    labels_from: str = "outcome",
    risk_times: Sequence[float] | None = None,
    options: ChartOptions = PAGE,
) -> Chart:
    """Chart Kaplan–Meier or cumulative-incidence curves with numbers at risk below.

    Parameters
    ----------
    curves : ProtectedCurves
        The curves as they may be published (:func:`caretrends.disclosure.protect_curves`,
        cut to the horizon drawn with ``.until``): one row per group and time (every
        event or censoring time) with ``group``, ``time`` (months), ``at_risk``,
        ``events``, the ``estimate`` column, ``conf_low`` and ``conf_high`` (fractions),
        from the Kaplan–Meier table of the survival models or, for competing exits, the
        Aalen–Johansen table with ``group`` holding the outcome (``reunited``,
        ``adopted`` ... are translated) and ``estimate="cumulative_incidence"``. Curves
        withheld, and where they stop, are said in the notes.
    title : str
        The key message, in ``lang``.
    lang : {"en", "sq", "sr"}
        Language of every label.
    estimate : {"survival", "cumulative_incidence"}
        The column drawn.
    group : str
        The column that splits the curves.
    labels_from : str
        The label group its codes are translated from: ``outcome`` for ways of leaving
        care, ``placement`` for placements (``residential``, ``sos_family`` ...); a code
        without a label is shown as it is.
    risk_times : sequence of float, optional
        Times of the numbers-at-risk table; default every 12 months.
    options : ChartOptions
        Sources, an extra note and the size (:class:`~caretrends.figures.chart.ChartOptions`).

    Returns
    -------
    Chart
        Numbers at risk from 1 to 4, and past a curve's stop, are shown as ``c`` in the
        risk table and the data.
    """
    if curves.empty:
        raise ParameterError("no curve may be published: say why in words instead")
    table = curves.table
    require_columns(
        table, [group, "time", "at_risk", "events", estimate, "conf_low", "conf_high"], "curves"
    )
    texts = ChartText.cite(table, title, lang, options)
    size = options.size
    start_value = 1.0 if estimate == "survival" else 0.0
    groups = list(pd.unique(table[group]))
    horizon = float(table["time"].max())
    times = list(risk_times) if risk_times is not None else list(np.arange(0, horizon + 1, 12))
    names = {g: text_or_label(str(g), labels_from, lang) for g in groups}
    by_group = {g: table[table[group] == g] for g in groups}
    risk = pd.DataFrame({g: at_risk_at(by_group[g], times) for g in groups}, index=times)
    shared_risk = risk.nunique(axis=1).eq(1).all() and len(groups) > 1
    risk_rows = (
        {label("all_groups", lang): risk[groups[0]]}
        if shared_risk
        else {names[g]: risk[g] for g in groups}
    )
    small = disclosure.DEFAULT_RULES.is_small
    stopped = pd.DataFrame(
        {g: [t > curves.stops.get(g, np.inf) for t in times] for g in groups}, index=times
    )
    risk_hidden = risk.apply(small) | stopped
    hidden_rows = (
        {label("all_groups", lang): risk_hidden[groups[0]]}
        if shared_risk
        else {names[g]: risk_hidden[g] for g in groups}
    )
    base = FONT_SIZES[size]
    with style_context(size):
        figure = blank_figure(size)
        grid = figure.add_gridspec(2, 1, height_ratios=[4, 0.5 + 0.35 * len(risk_rows)])
        ax = figure.add_subplot(grid[0])
        table_ax = figure.add_subplot(grid[1], sharex=ax)
        for number, g in enumerate(groups):
            curve = by_group[g].sort_values("time")
            curve = (
                pd.concat(
                    [
                        pd.DataFrame(
                            {
                                "time": [0.0],
                                estimate: [start_value],
                                "conf_low": [start_value],
                                "conf_high": [start_value],
                            }
                        ),
                        curve,
                    ]
                )
                if curve["time"].min() > 0
                else curve
            )
            colour = PALETTE[number % len(PALETTE)]
            ax.step(curve["time"], curve[estimate], where="post", color=colour, label=names[g])
            ax.fill_between(
                curve["time"],
                curve["conf_low"],
                curve["conf_high"],
                step="post",
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
        ax.set_ylim(0, 1)
        # A little room left of zero keeps the first at-risk number off the row labels.
        ax.set_xlim(-0.04 * horizon, horizon * 1.02)
        axis_label(ax, label(estimate, lang), size, share=0.55)
        locale_axis(ax.yaxis, lang, percent=True)
        ax.legend(loc="best")
        ax.tick_params(labelbottom=True)
        ax.set_xlabel(label("months_since_entry", lang))
        ax.set_xticks(times)
        table_ax.set_title(label("number_at_risk", lang), loc="left", fontsize=base * 0.9)
        for row_number, (name, counts) in enumerate(risk_rows.items()):
            y = len(risk_rows) - 1 - row_number
            hidden = hidden_rows[name]
            for t, n, is_hidden in zip(times, counts, hidden, strict=True):
                shown = disclosure.SUPPRESSED if is_hidden else f"{n:.0f}"
                table_ax.text(t, y, shown, ha="center", va="center", fontsize=base * 0.85)
        table_ax.set_ylim(-0.6, len(risk_rows) - 0.4)
        table_ax.set_yticks(range(len(risk_rows))[::-1], list(risk_rows))
        table_ax.tick_params(axis="x", labelbottom=False, length=0)
        table_ax.tick_params(axis="y", length=0, pad=base)
        table_ax.grid(False)
        for spine in table_ax.spines.values():
            spine.set_visible(False)
    # The data table gives the curves at the risk-table times, not at each event: a row
    # per event would publish counts of one child.
    data = pd.DataFrame(
        [
            {
                "group": names[g],
                "time": t,
                "at_risk": disclosure.SUPPRESSED if risk_hidden.at[t, g] else int(risk.at[t, g]),
                **_reading(by_group[g], t, estimate),
            }
            for g in groups
            for t in times
        ]
    )

    def at_milestone(g: object, months: int) -> float:
        return value_at(by_group[g], months, estimate=estimate).estimate

    milestones = [m for m in MILESTONES if m <= horizon]
    sentences = [
        label(
            "alt.survival",
            lang,
            time=m,
            values=", ".join(
                f"{names[g]} {format_percent(at_milestone(g, m), lang)}" for g in groups
            ),
        )
        for m in milestones
    ]
    notes = [label("notes.band", lang), *withheld_notes(curves, labels_from, lang)]
    if risk_hidden.any().any():
        notes.append(suppressed_note(lang))
    return publish(
        figure,
        data,
        texts,
        described=series_sentence(
            "step", label(estimate, lang), 0, format_number(horizon, lang, decimals=0), lang
        ),
        findings=sentences,
        notes=notes,
    )


__all__ = ["MILESTONES", "at_risk_at", "survival_chart", "withheld_notes"]
