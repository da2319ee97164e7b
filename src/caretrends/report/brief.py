"""The advocacy brief: its key numbers and the standard figures of a report run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from caretrends import analysis
from caretrends.figures.captions import cited_sources
from caretrends.labels import case_source, label
from caretrends.models import value_at
from caretrends.models.result import Estimate
from caretrends.models.trend import RateTrendResult

#: The brief's standard figures, in the order of the analysis plan (file stems).
STANDARD_FIGURES: tuple[str, ...] = (
    "kosovo_abandoned_trend",
    "kosovo_abandoned_per_births",
    "ucck_neonatology",
    "region_residential_0_2",
    "region_care_composition",
    "exits_cumulative_incidence",
    "prevention_outcomes",
)

PERMANENCY_MONTHS = 24


def key_number_rows(
    *,
    series: pd.DataFrame,
    trend: RateTrendResult,
    hospital: pd.DataFrame,
    children: pd.DataFrame,
    lang: str,
    headline: Estimate | None = None,
    headline_label: str = "",
    headline_statement: str = "",
) -> pd.DataFrame:
    """The headline figures, as rows for :func:`caretrends.figures.key_numbers`.

    Parameters
    ----------
    series : DataFrame
        Kosovo's abandoned children per year (:func:`caretrends.analysis.abandonment_series`).
    trend : RateTrendResult
        The trend fitted to ``series``; its APC is quoted with the latest count.
    hospital : DataFrame
        The UCCK series (:func:`caretrends.analysis.hospital_series`).
    children : DataFrame
        The children view of the case records.
    lang : str
        Language of the measure names and notes.
    headline : Estimate, optional
        The pre-specified primary estimate
        (:func:`caretrends.analysis.headline.primary_estimate`): quoted instead of the
        count trend's APC, with ``headline_label``
        (:func:`caretrends.analysis.headline.headline_text`) as its label, so the brief
        quotes the same number and interval as page 02 and the figure titles.
    headline_statement : str, optional
        The headline as page 02 states it in sentences
        (:func:`caretrends.analysis.headline.headline_statement`): the brief's key message
        quotes it, with what the series could have detected and the years it depends on.
    """
    latest, previous = series.iloc[-1], series.iloc[-2]
    first_year, last_year = int(series["year"].iloc[0]), int(latest["year"])
    apc = headline if headline is not None else trend.apc
    ward = hospital.iloc[-1]
    synthetic = bool(children["synthetic"].all())
    permanent = _permanent_within(children, PERMANENCY_MONTHS)
    rows = [
        {
            "measure": label("brief.key_abandoned", lang),
            "period": str(last_year),
            "value": latest["value"],
            "source": cited_sources(series.tail(1), lang),
            "previous_period": str(int(previous["year"])),
            "previous_value": previous["value"],
            "estimate": apc.estimate,
            "conf_low": apc.conf_low,
            "conf_high": apc.conf_high,
            "estimate_unit": "percent",
            "estimate_label": label("brief.key_apc", lang, first=first_year, last=last_year),
            "estimate_text": headline_label,
            "message_text": headline_statement,
        },
        {
            "measure": label("brief.key_babies_left", lang),
            "period": str(int(ward["year"])),
            "value": ward["left"],
            "source": cited_sources(hospital.tail(1), lang),
        },
        {
            "measure": label("brief.key_share_reunited", lang),
            "period": str(int(ward["year"])),
            "value": ward["share_reunited"],
            "unit": "percent",
            "numerator": ward["reunited"],
            "source": cited_sources(hospital.tail(1), lang),
            "estimate": 100 * ward["share_reunited"],
            "conf_low": 100 * ward["conf_low"],
            "conf_high": 100 * ward["conf_high"],
            "estimate_unit": "percent",
        },
        {
            "measure": label("brief.key_permanent", lang, months=PERMANENCY_MONTHS),
            "period": f"{int(children['entry_year'].min())}–{int(children['entry_year'].max())}",
            "value": permanent["estimate"],
            "unit": "percent",
            "source": case_source(lang, synthetic=synthetic),
            "estimate": 100 * permanent["estimate"],
            "conf_low": 100 * permanent["conf_low"],
            "conf_high": 100 * permanent["conf_high"],
            "estimate_unit": "percent",
            "note": label("brief.synthetic_note", lang) if synthetic else "",
        },
    ]
    return pd.DataFrame(rows)


def _permanent_within(children: pd.DataFrame, months: float) -> dict[str, float]:
    """Share in a permanent family within ``months``: the Aalen-Johansen cumulative incidence
    with other exits competing (:func:`caretrends.analysis.permanency_incidence`), with its
    CI; NaN past the end of follow-up (see :func:`caretrends.models.value_at`)."""
    curve = analysis.permanency_incidence(children)
    reading = value_at(curve, months, estimate="cumulative_incidence")
    return {
        "estimate": reading.estimate,
        "conf_low": reading.conf_low,
        "conf_high": reading.conf_high,
    }


@dataclass(frozen=True)
class StandardFigure:
    """One exported figure of the brief: its PNG, key message and text alternative."""

    name: str
    png: Path
    title: str
    alt_text: str


def standard_figures(folder: Path, *, lang: str) -> list[StandardFigure]:
    """The brief's standard figures found in a run's ``figures/`` folder, in plan order.

    Reads the text alternative each export wrote beside its PNG (title on the first line,
    alt text on the third). Figures that were not exported are left out.
    """
    found = []
    for name in STANDARD_FIGURES:
        png = folder / f"{name}-{lang}.png"
        alt = png.with_suffix(".txt")
        if png.exists() and alt.exists():
            lines = alt.read_text(encoding="utf-8").splitlines()
            found.append(StandardFigure(name, png, lines[0], lines[2] if len(lines) > 2 else ""))
    return found


__all__ = ["STANDARD_FIGURES", "StandardFigure", "key_number_rows", "standard_figures"]
