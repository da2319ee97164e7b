"""The brief of a run, built from the tables its analyses declared: what notebook 04 calls.

Every number comes from the run's machine-readable tables (``data/``, written by the
notebooks that compute them and declared in ``config/report.yaml``); nothing is fitted
here, so the brief says exactly what the pages say, and a missing table stops it with
one line naming the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from caretrends.analysis import headline
from caretrends.brief.assemble import brief_document
from caretrends.brief.document import render_brief
from caretrends.brief.figures import brief_figures
from caretrends.brief.numbers import StandardFigure, key_number_rows, standard_figures
from caretrends.figures import key_numbers
from caretrends.report.layout import RunPaths
from caretrends.report.notebook import read_table


@dataclass(frozen=True)
class BuiltBrief:
    """What :func:`build_brief` wrote, for the notebook to show."""

    #: The key-number rows (:func:`caretrends.brief.numbers.key_number_rows`).
    rows: pd.DataFrame
    #: The key numbers' CSV and XLSX.
    key_numbers: dict[str, Path]
    #: The range of the headline across the contested years' variants, in words.
    source_range: str
    #: The page-size standard figures the run exported, in plan order.
    standard: list[StandardFigure]
    #: The brief's PDF and Word files.
    documents: dict[str, Path]


def build_brief(outputs: RunPaths, *, run_id: str, commit: str, date: dt.date) -> BuiltBrief:
    """Write the key numbers, the brief's figures and its PDF and Word documents.

    Parameters
    ----------
    outputs : RunPaths
        The run's folders in the brief's language (:func:`caretrends.report.output_folders`);
        its ``data/`` holds the tables notebooks 02 and 03 declared.
    run_id, commit : str
        Printed in every document's footer and embedded in every file.
    date : datetime.date
        The brief's date.

    Raises
    ------
    CaretrendsError
        When a declared table is missing (:func:`caretrends.report.read_table`).
    """
    lang = outputs.lang
    estimate, primary, detectable = headline.read_headline(read_table(outputs, "kosovo_headline"))
    series = read_table(outputs, "kosovo_series")
    sensitivity = read_table(outputs, "kosovo_source_sensitivity")
    hospital = read_table(outputs, "ucck_neonatology")
    permanency = read_table(outputs, "permanency_within")
    title = headline.headline_text(estimate, primary, lang)
    rows = key_number_rows(
        series=series,
        hospital=hospital,
        permanency=permanency,
        lang=lang,
        headline=estimate,
        headline_label=title,
        headline_statement=headline.headline_statement(
            estimate, primary, lang, detectable=detectable, sensitivity=sensitivity
        ),
    )
    written = key_numbers(rows, lang=lang, directory=outputs.tables, run_id=run_id)
    source_range = headline.source_range_text(sensitivity, lang)
    standard = standard_figures(outputs.figures, lang=lang)
    drawn = brief_figures(
        series=series,
        count_fit=read_table(outputs, "kosovo_count_fit"),
        per_births=read_table(outputs, "kosovo_per_births"),
        per_births_fit=read_table(outputs, "kosovo_per_births_fit"),
        hospital=hospital,
        region=read_table(outputs, "region_residential_0_2"),
        headline=title,
        lang=lang,
        directory=outputs.brief / "figures",
        run_id=run_id,
    )
    document = brief_document(
        rows,
        [*standard, *drawn],
        lang=lang,
        run_id=run_id,
        commit=commit,
        date=date,
        synthetic=bool(permanency["synthetic"].iloc[0]),
        notes=[source_range],
    )
    return BuiltBrief(rows, written, source_range, standard, render_brief(document, outputs.brief))
