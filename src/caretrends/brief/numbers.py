"""The advocacy brief: its key numbers and the standard figures of a report run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from caretrends.brief.origin import case_results_are_real, permanency_withheld
from caretrends.figures.captions import cited_sources
from caretrends.figures.export import screen_png_of
from caretrends.labels import label, withheld_text
from caretrends.models.result import Estimate

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


def key_number_rows(
    *,
    series: pd.DataFrame,
    hospital: pd.DataFrame,
    permanency: pd.DataFrame,
    lang: str,
    headline: Estimate,
    headline_label: str,
) -> pd.DataFrame:
    """The headline figures, as rows for :func:`caretrends.figures.key_numbers`.

    Built from the tables the analyses wrote; nothing is fitted here.

    Parameters
    ----------
    series : DataFrame
        Kosovo's abandoned children per year (:func:`caretrends.analysis.abandonment_series`).
    hospital : DataFrame
        The UCCK series (:func:`caretrends.analysis.hospital_series`).
    permanency : DataFrame
        The share of children in a permanent family within some months, one row
        (:func:`caretrends.analysis.permanency_within`): a key number only when the case
        records are real (:func:`caretrends.brief.origin.case_results_are_real`).
    lang : str
        Language of the measure names and notes.
    headline : Estimate
        The primary analysis's annual percent change, quoted with ``headline_label``
        (:func:`caretrends.analysis.headline.headline_text`) as its label, so the brief
        quotes the same number and interval as page 02 and the figure titles.
    """
    latest, previous = series.iloc[-1], series.iloc[-2]
    last_year = int(latest["year"])
    ward = hospital.iloc[-1]
    rows = [
        {
            "measure": label("brief.key_abandoned", lang),
            "period": str(last_year),
            "value": latest["value"],
            "source": cited_sources(series.tail(1), lang),
            "previous_period": str(int(previous["year"])),
            "previous_value": previous["value"],
            "estimate": headline.estimate,
            "conf_low": headline.conf_low,
            "conf_high": headline.conf_high,
            "estimate_unit": "percent",
            "estimate_text": headline_label,
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
    ]
    if case_results_are_real(permanency):
        permanent = permanency.iloc[0]
        entered = (int(permanent["first_entry_year"]), int(permanent["last_entry_year"]))
        # A reading the disclosure rules withheld is shown as c, with why in its note.
        withheld = permanency_withheld(permanency)
        rows.append(
            {
                "measure": label("brief.key_permanent", lang, months=int(permanent["months"])),
                "period": f"{entered[0]}–{entered[1]}",
                "value": permanent["estimate"],
                "unit": "percent",
                "source": label("brief.case_records_source", lang),
                "estimate": 100 * permanent["estimate"],
                "conf_low": 100 * permanent["conf_low"],
                "conf_high": 100 * permanent["conf_high"],
                "estimate_unit": "percent",
                "note": withheld_text(withheld, lang) if withheld else "",
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class StandardFigure:
    """One exported figure of the brief: its PNG, key message and text alternative."""

    name: str
    png: Path
    title: str
    alt_text: str
    #: The figure at screen resolution, from its printed pixels (what a page shows rather
    #: than the 300 dpi file); None when only the file is known.
    screen_png: bytes | None = field(default=None, repr=False, compare=False)

    def _repr_png_(self) -> tuple[bytes, dict[str, str]]:
        """Show the figure where a notebook displays it, at screen resolution, with its
        alt text."""
        return self.screen_png or screen_png_of(self.png), {"alt": self.alt_text}


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
