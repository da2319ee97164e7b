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
from caretrends.analysis.hospital import HOSPITAL_LEFT, HOSPITAL_PLACED, HOSPITAL_REUNITED
from caretrends.brief.annex import annex_document
from caretrends.brief.assemble import brief_document
from caretrends.brief.config import load_brief_config
from caretrends.brief.document import render_brief
from caretrends.brief.document.annex import render_annex
from caretrends.brief.figures import brief_figures
from caretrends.brief.messages import (
    KeyMessage,
    campaign_message,
    hospital_key_message,
    permanency_key_message,
    region_key_message,
)
from caretrends.brief.numbers import StandardFigure, key_number_rows, standard_figures
from caretrends.brief.origin import case_results_are_real
from caretrends.brief.references import drawn_rows, figure_references
from caretrends.codelists import ABANDONED, KOSOVO, LIVE_BIRTHS
from caretrends.figures import key_numbers
from caretrends.provenance import load_registry
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
    #: The brief's PDF and Word files (``pdf``, ``docx``) and its methods annex's
    #: (``annex_pdf``, ``annex_docx``).
    documents: dict[str, Path]


def build_brief(
    outputs: RunPaths,
    *,
    run_id: str,
    commit: str,
    date: dt.date,
    reconciled: pd.DataFrame,
    config: str = "brief.yaml",
) -> BuiltBrief:
    """Write the key numbers, the brief's figures and its PDF and Word documents.

    Parameters
    ----------
    outputs : RunPaths
        The run's folders in the brief's language (:func:`caretrends.report.output_folders`);
        its ``data/`` holds the tables notebooks 02 and 03 declared.
    run_id, commit : str
        Embedded in every file.
    date : datetime.date
        The brief's date.
    reconciled : DataFrame
        The reconciled view (``caretrends.load_observations()``): the figures' rows are
        traced there to their publications, the brief's references.
    config : str
        The brief configuration in ``config/`` (:mod:`caretrends.brief.config`).

    Raises
    ------
    CaretrendsError
        When a declared table is missing (:func:`caretrends.report.read_table`) or the
        brief configuration lacks a text in the brief's language.
    """
    lang = outputs.lang
    settings = load_brief_config(config, (lang,))
    estimate, primary, detectable = headline.read_headline(read_table(outputs, "kosovo_headline"))
    series = read_table(outputs, "kosovo_series")
    sensitivity = read_table(outputs, "kosovo_source_sensitivity")
    hospital = read_table(outputs, "ucck_neonatology")
    permanency = read_table(outputs, "permanency_within")
    per_births = read_table(outputs, "kosovo_per_births")
    region = read_table(outputs, "region_residential_0_2")
    title = headline.headline_text(estimate, primary, lang)
    rows = key_number_rows(
        series=series,
        hospital=hospital,
        permanency=permanency,
        lang=lang,
        headline=estimate,
        headline_label=title,
    )
    written = key_numbers(rows, lang=lang, directory=outputs.tables, run_id=run_id)
    source_range = headline.source_range_text(sensitivity, lang)
    standard = standard_figures(outputs.figures, lang=lang)
    drawn = brief_figures(
        series=series,
        count_fit=read_table(outputs, "kosovo_count_fit"),
        per_births=per_births,
        per_births_fit=read_table(outputs, "kosovo_per_births_fit"),
        hospital=hospital,
        region=region,
        headline=title,
        lang=lang,
        directory=outputs.brief / "figures",
        run_id=run_id,
    )
    statement = headline.headline_statement(
        estimate, primary, lang, detectable=detectable, sensitivity=sensitivity
    )
    messages = [
        KeyMessage("trend", statement),
        campaign_message(sensitivity, read_table(outputs, "kosovo_detectable_effects"), lang),
        hospital_key_message(hospital, lang),
        region_key_message(region, lang),
    ]
    real = case_results_are_real(permanency)
    if real:
        messages.append(permanency_key_message(permanency, lang))
    registry = load_registry()
    references, cites = figure_references(
        brief_figure_rows(reconciled, series=series, hospital=hospital, region=region),
        {record.path: record for record in registry},
    )
    messages = [message for message in messages if message is not None]
    document = brief_document(
        rows,
        [*standard, *drawn],
        lang=lang,
        run_id=run_id,
        commit=commit,
        date=date,
        synthetic=not real,
        messages=messages,
        config=settings,
        references=references,
        cites=cites,
        notes=[source_range],
    )
    annex = annex_document(
        lang=lang,
        date=document.date,
        footer=document.footer,
        author=settings.publisher.organisation[lang],
        run_id=run_id,
        commit=commit,
        messages=messages,
        references=document.references,
        sensitivity=sensitivity,
        other_methods=read_table(outputs, "kosovo_other_methods"),
        detectable=read_table(outputs, "kosovo_detectable_effects"),
        records=[record for record in registry if not record.synthetic],
    )
    files = render_brief(document, outputs.brief)
    annexes = render_annex(annex, outputs.brief)
    files |= {f"annex_{kind}": path for kind, path in annexes.items()}
    return BuiltBrief(rows, written, source_range, standard, files)


def brief_figure_rows(
    reconciled: pd.DataFrame,
    *,
    series: pd.DataFrame,
    hospital: pd.DataFrame,
    region: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The rows of the reconciled view each brief figure draws, in print order: the
    abandoned children (and live births for the rate), the UCCK series, and the regional
    rates' children in residential care and population aged 0–2 (the population of the
    next year's start, as the rates divide)."""
    kosovo, years = [KOSOVO], series["year"].astype(int).tolist()
    abandoned = drawn_rows(reconciled, [ABANDONED], ref_areas=kosovo, years=years)
    births = drawn_rows(reconciled, [LIVE_BIRTHS], ref_areas=kosovo, years=years)
    areas, region_years = region["ref_area"].tolist(), region["year"].astype(int).tolist()
    return {
        "kosovo_abandoned_per_births": pd.concat(
            [abandoned[abandoned["year"].isin(births["year"])], births]
        ),
        "kosovo_abandoned_trend": abandoned,
        "ucck_neonatology": drawn_rows(
            reconciled,
            [HOSPITAL_LEFT, HOSPITAL_REUNITED, HOSPITAL_PLACED],
            ref_areas=kosovo,
            years=hospital["year"].astype(int).tolist(),
        ),
        "region_residential_0_2": drawn_rows(
            reconciled,
            ["PT_CHLD_INRESIDENTIAL", "DM_POP_TOT"],
            ref_areas=areas,
            years=region_years + [year + 1 for year in region_years],
            age="Y0T2",
        ),
    }
