"""The brief of a run as documents to hand over: ``brief/brief-<lang>.pdf`` and ``.docx``.

:func:`brief_document` assembles a :class:`~caretrends.brief.document.BriefDocument`
from what the run already computed, the key-number rows of
:func:`~caretrends.brief.numbers.key_number_rows` and the standard figures exported into
``figures/``; :func:`~caretrends.brief.document.render_brief` writes it as PDF and Word.
Every word comes
from the label catalogs in the brief's language. Case-level results resting on synthetic
records never become key messages or key numbers: they go to a box headed as a
demonstration, with the note that says why, untruncated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from caretrends.brief.document import (
    HEADING_KEYS,
    BriefBox,
    BriefDocument,
    BriefFigure,
)
from caretrends.brief.numbers import StandardFigure
from caretrends.figures import key_numbers_table
from caretrends.labels import format_date, label

#: The figures the brief prints, in order, with their width on the page; case-level
#: figures only when the case records are real.
BRIEF_FIGURES: dict[str, str] = {
    "kosovo_abandoned_per_births": "half",
    "kosovo_abandoned_trend": "half",
    "ucck_neonatology": "half",
    "region_residential_0_2": "half",
}
CASE_FIGURES: dict[str, str] = {"permanency_by_first_placement": "full"}

#: Keys of the sources-and-caveats and methods boxes in the label catalogs.
CAVEATS: tuple[str, ...] = ("definition", "conflicts", "region")
METHODS: tuple[str, ...] = ("sources", "trends", "campaigns", "outcomes", "disclosure")


def key_messages(rows: pd.DataFrame, lang: str) -> list[str]:
    """One message per key number, from its cells as the key-numbers table formats them.

    A row carrying the headline quotes it as its own sentences: ``message_text`` (the
    headline as page 02 states it) where given, else ``estimate_text``. A row's note (the
    unreliable flag in words, a synthetic-records note) follows its message.

    Parameters
    ----------
    rows : DataFrame
        Key-number rows (see :func:`caretrends.brief.numbers.key_number_rows`).
    lang : str
        Language of the messages.
    """
    table = key_numbers_table(rows, lang=lang)
    empty = pd.Series("", index=rows.index)
    statements = rows.get("message_text", empty).fillna("").astype(str)
    titles = rows.get("estimate_text", empty).fillna("").astype(str)
    headlines = statements.where(statements != "", titles)
    measure, period, value, estimate, source, note = (
        label(f"key.{name}", lang)
        for name in ("measure", "period", "value", "estimate", "source", "note")
    )
    messages = []
    for row, headline in zip(table.to_dict("records"), headlines, strict=True):
        fields = {
            "measure": row[measure],
            "period": row[period],
            "value": row[value],
            "source": row[source],
        }
        message = label("document.message", lang, **fields)
        if headline:
            message = label("document.message_headline", lang, message=message, headline=headline)
        elif row[estimate]:
            message = label(
                "document.message_estimate", lang, message=message, estimate=row[estimate]
            )
        # The note travels with the message: a flagged value never stands without its words.
        messages.append(f"{message}. {row[note]}" if row[note] else message)
    return messages


def brief_document(
    rows: pd.DataFrame,
    figures: Sequence[StandardFigure],
    *,
    lang: str,
    run_id: str,
    commit: str,
    date: dt.date,
    synthetic: bool,
    notes: Sequence[str] = (),
) -> BriefDocument:
    """Assemble the brief of a run.

    Parameters
    ----------
    rows : DataFrame
        The key-number rows; those whose ``source`` is the NGO's case records are
        case-level.
    figures : sequence of StandardFigure
        The run's exported standard figures; of two with the same name the later is
        printed (a brief-size drawing listed after the page's, see
        :func:`caretrends.brief.figures.brief_figures`).
    lang : str
        Language of every word.
    run_id, commit : str
        Printed in the footer.
    date : datetime.date
        The brief's date.
    synthetic : bool
        Whether the case records are synthetic: case-level results then go to the
        demonstration box only.
    notes : sequence of str
        The run's own caveats, in ``lang``, added to the sources-and-caveats box: e.g.
        the range of the headline across the series the published figures allow.

    Returns
    -------
    BriefDocument
    """
    case_level = rows["source"].isin(
        {label(f"brief.case_records_{kind}", lang) for kind in ("source", "synthetic")}
    )
    evidence = rows[~case_level] if synthetic else rows
    table = key_numbers_table(evidence, lang=lang)
    chosen = BRIEF_FIGURES | ({} if synthetic else CASE_FIGURES)
    by_name = {figure.name: figure for figure in figures}
    placed = [
        BriefFigure(
            path_png=by_name[name].png,
            caption=by_name[name].title,
            alt=by_name[name].alt_text,
            width=width,
            path_vector=_vector(by_name[name].png),
        )
        for name, width in chosen.items()
        if name in by_name
    ]
    demonstration = None
    if synthetic and case_level.any():
        demonstration = BriefBox(
            label("document.demonstration", lang),
            [label("brief.synthetic_note", lang), *key_messages(rows[case_level], lang)],
        )
    caveats = [*notes, *(label(f"document.caveats.{key}", lang) for key in CAVEATS)]
    if synthetic:
        caveats.append(label("brief.synthetic_note", lang))
    return BriefDocument(
        lang=lang,
        title=label("document.title", lang),
        subtitle=label("document.subtitle", lang),
        date=format_date(date, lang),
        key_messages=key_messages(evidence, lang),
        key_numbers=table,
        figures=placed,
        sources_and_caveats=caveats,
        methods=[label(f"document.methods.{key}", lang) for key in METHODS],
        run_id=run_id,
        commit=commit,
        headings={key: label(f"document.heading.{key}", lang) for key in HEADING_KEYS},
        demonstration=demonstration,
    )


def _vector(png: Path) -> Path | None:
    """The SVG exported beside a PNG, which prints sharper, if there is one."""
    svg = png.with_suffix(".svg")
    return svg if svg.exists() else None
