"""The methods annex of the brief: definitions, sources and their conflicts, the models,
the sensitivity and window tables, detectable effects, disclosure rules and checksums.

Its own PDF and Word files (``brief/annex-<lang>.pdf`` and ``.docx``,
:func:`caretrends.brief.document.annex.render_annex`), for the reader who checks how the
brief's numbers were made. Every sentence comes from the label catalogs or the one
wording function of the statistics; every table from the run's tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from caretrends import disclosure
from caretrends.analysis.sensitivity import headers as sensitivity_headers
from caretrends.analysis.sensitivity import in_language
from caretrends.brief.document.annex import AnnexDocument, AnnexSection, AnnexTable
from caretrends.brief.messages import KeyMessage, detectable_effect
from caretrends.labels import label
from caretrends.models.result import detectable_phrase
from caretrends.models.text import phrase, sentences
from caretrends.provenance import SourceRecord
from caretrends.report.tables import display_table, headers

#: The detectable effects the annex words, in order (rows of the detectable-effects table).
DETECTABLE: tuple[str, ...] = ("headline_trend", "its_level", "its_slope")
_UNITS = {"percent_per_year": "model.unit.a_year", "percent": ""}


def detectable_lines(table: pd.DataFrame, lang: str) -> list[str]:
    """What each design could have detected, in the words of
    :func:`caretrends.models.result.detectable_phrase`, named by its design."""
    lines = []
    for name in DETECTABLE:
        effect = detectable_effect(table, name)
        if effect is None:
            continue
        unit_key = _UNITS.get(effect.scale, "")
        said = detectable_phrase(effect, phrase(unit_key) if unit_key else "")
        lines.append(
            f"{label(f'annex.detectable.{name}', lang)}: {sentences([said], lang).rstrip('.')}."
        )
    return lines


def sensitivity_table(sensitivity: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The contested years' variants: which years, which choice, the headline's estimate
    and interval on each, and whether it moves the headline."""
    shown = sensitivity.assign(
        choice=[label(f"brief.choice.{choice}", lang) for choice in sensitivity["choice"]]
    )
    columns = ["years", "choice", "estimate", "conf_low", "conf_high", "moves_headline"]
    decimals = dict.fromkeys(["estimate", "conf_low", "conf_high"], 1)
    named = {
        **headers(columns, lang),
        **sensitivity_headers(columns, lang),
        "choice": label("annex.choice", lang),
    }
    return display_table(shown, lang, columns=named, decimals=decimals).data


def windows_table(other_methods: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The same data with other methods and windows: each analysis's annual percent change
    and interval."""
    columns = ["analysis", "estimate", "conf_low", "conf_high"]
    decimals = dict.fromkeys(columns[1:], 1)
    named = in_language(other_methods, lang)  # data/ holds the first language's words
    return display_table(named, lang, columns=columns, decimals=decimals).data


def checksum_table(records: Sequence[SourceRecord], lang: str) -> pd.DataFrame:
    """Each raw file the run read that is not demonstration data, with its sha256."""
    return pd.DataFrame(
        {
            label("annex.file", lang): [record.path for record in records],
            "SHA-256": [record.sha256 for record in records],
        }
    )


def annex_document(
    *,
    lang: str,
    date: str,
    footer: str,
    author: str,
    run_id: str,
    commit: str,
    messages: Sequence[KeyMessage],
    references: Sequence[str],
    sensitivity: pd.DataFrame,
    other_methods: pd.DataFrame | None,
    detectable: pd.DataFrame,
    records: Sequence[SourceRecord],
) -> AnnexDocument:
    """Assemble the methods annex of a brief.

    Parameters
    ----------
    lang : str
        Language of every word.
    date, footer, author : str
        As the brief prints them (its date, its page foot, its publisher).
    run_id, commit : str
        The run and the version of the code, printed with the checksums.
    messages : sequence of KeyMessage
        The brief's key messages: the models section restates the trend and campaign ones.
    references : sequence of str
        The brief's reference list, in its numbering.
    sensitivity : DataFrame
        The headline on each contested-year variant
        (:func:`caretrends.analysis.headline.source_sensitivity`).
    other_methods : DataFrame or None
        The same data with other methods and windows
        (:func:`caretrends.analysis.sensitivity.other_methods`), when the run wrote it.
    detectable : DataFrame
        The minimum detectable effects (:func:`caretrends.analysis.detectable.detectable_table`).
    records : sequence of SourceRecord
        The provenance records of the raw files read.
    """
    said = {message.topic: message.text for message in messages}
    rules = disclosure.DEFAULT_RULES
    windows = (
        []
        if other_methods is None
        else [AnnexTable(label("annex.windows_table", lang), windows_table(other_methods, lang))]
    )
    sections = [
        AnnexSection(
            label("annex.heading.definitions", lang),
            [
                label(f"annex.definition.{key}", lang)
                for key in ("abandoned", "rate", "share", "region")
            ],
        ),
        AnnexSection(
            label("annex.heading.sources", lang),
            [label("document.caveats.conflicts", lang), label("document.caveats.definition", lang)],
            lists=[list(references)],
        ),
        AnnexSection(
            label("annex.heading.models", lang),
            [
                label("annex.model.trend", lang),
                said.get("trend", ""),
                label("annex.model.campaigns", lang),
                said.get("campaigns", ""),
                label("annex.model.shares", lang),
            ],
        ),
        AnnexSection(
            label("annex.heading.sensitivity", lang),
            [label("annex.sensitivity_note", lang)],
            tables=[
                AnnexTable(
                    label("annex.sensitivity_table", lang), sensitivity_table(sensitivity, lang)
                ),
                *windows,
            ],
        ),
        AnnexSection(label("annex.heading.detectable", lang), detectable_lines(detectable, lang)),
        AnnexSection(
            label("annex.heading.disclosure", lang),
            [
                label(
                    "annex.disclosure",
                    lang,
                    low=rules.low,
                    high=rules.high,
                    n=rules.unreliable_below,
                )
            ],
        ),
        AnnexSection(
            label("annex.heading.checksums", lang),
            [label("annex.run", lang, run=run_id, commit=commit)],
            tables=[AnnexTable("", checksum_table(records, lang))],
        ),
    ]
    return AnnexDocument(
        lang=lang,
        title=label("annex.title", lang),
        subtitle=label("document.title", lang),
        date=date,
        sections=[
            AnnexSection(s.heading, [p for p in s.paragraphs if p], s.tables, s.lists)
            for s in sections
        ],
        footer=footer,
        author=author,
        page=label("document.heading.page", lang),
        run_id=run_id,
        commit=commit,
    )


__all__ = [
    "annex_document",
    "checksum_table",
    "detectable_lines",
    "sensitivity_table",
    "windows_table",
]
