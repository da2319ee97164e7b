"""The brief of a run as documents to hand over: ``brief/brief-<lang>.pdf`` and ``.docx``.

:func:`brief_document` assembles a :class:`~caretrends.brief.document.BriefDocument`
from what the run already computed, the key-number rows of
:func:`~caretrends.brief.numbers.key_number_rows` and the standard figures exported into
``figures/``; :func:`~caretrends.brief.document.render_brief` writes it as PDF and Word.
Every word comes
from the label catalogs in the brief's language, but the NGO's asks and its contact, which
come from ``config/brief.yaml``. Case-level results resting on synthetic records never
appear: one sentence says what the brief shows once real records are configured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from caretrends.brief.config import BriefConfig, logo_path
from caretrends.brief.document import (
    HEADING_KEYS,
    BriefBox,
    BriefDocument,
    BriefFigure,
)
from caretrends.brief.messages import KeyMessage
from caretrends.brief.numbers import StandardFigure
from caretrends.brief.references import Reference, cited_numbers, reference_list
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


def brief_document(
    rows: pd.DataFrame,
    figures: Sequence[StandardFigure],
    *,
    lang: str,
    run_id: str,
    commit: str,
    date: dt.date,
    synthetic: bool,
    messages: Sequence[KeyMessage],
    config: BriefConfig,
    references: Sequence[Reference] = (),
    cites: Mapping[str, list[int]] | None = None,
    notes: Sequence[str] = (),
) -> BriefDocument:
    """Assemble the brief of a run.

    Parameters
    ----------
    rows : DataFrame
        The key-number rows (:func:`caretrends.brief.numbers.key_number_rows`: without
        case-level rows unless the case records are real).
    figures : sequence of StandardFigure
        The run's exported standard figures; of two with the same name the later is
        printed (a brief-size drawing listed after the page's, see
        :func:`caretrends.brief.figures.brief_figures`).
    lang : str
        Language of every word.
    run_id, commit : str
        Embedded in the documents (the methods annex prints them).
    date : datetime.date
        The brief's date.
    synthetic : bool
        Whether the case records are synthetic
        (:func:`caretrends.brief.origin.case_results_are_real`): the brief then quotes no
        case-level number, and says what appears once real records are configured.
    messages : sequence of KeyMessage
        The key messages (:mod:`caretrends.brief.messages`), in order.
    config : BriefConfig
        The NGO's asks, the publisher and the contact (``config/brief.yaml``).
    references : sequence of Reference
        The publications the figures rest on, numbered from 1.
    cites : mapping, optional
        Per figure name, the numbers of its references, cited in its caption.
    notes : sequence of str
        The run's own caveats, in ``lang``, added to the sources-and-caveats box: e.g.
        the range of the headline across the series the published figures allow.

    Returns
    -------
    BriefDocument
    """
    chosen = BRIEF_FIGURES | ({} if synthetic else CASE_FIGURES)
    by_name = {figure.name: figure for figure in figures}
    cites = cites or {}
    placed = [
        BriefFigure(
            path_png=by_name[name].png,
            caption=" ".join(
                filter(None, [by_name[name].title, cited_numbers(cites.get(name, []))])
            ),
            alt=by_name[name].alt_text,
            width=width,
            path_vector=_vector(by_name[name].png),
        )
        for name, width in chosen.items()
        if name in by_name
    ]
    shown = [message for message in messages if not (synthetic and message.topic == "permanency")]
    caveats = [*notes, *(label(f"document.caveats.{key}", lang) for key in CAVEATS)]
    if synthetic:
        caveats.append(label("brief.case_pending", lang))
    organisation = config.publisher.organisation[lang]
    return BriefDocument(
        lang=lang,
        title=label("document.title", lang),
        subtitle=label("document.subtitle", lang),
        date=format_date(date, lang),
        key_messages=[message.text for message in shown],
        key_numbers=key_numbers_table(rows, lang=lang),
        figures=placed,
        sources_and_caveats=caveats,
        methods=[label(f"document.methods.{key}", lang) for key in METHODS],
        run_id=run_id,
        commit=commit,
        headings={key: label(f"document.heading.{key}", lang) for key in HEADING_KEYS},
        asks=asks_box(config, shown, lang),
        publisher=publisher_lines(config, lang),
        references=reference_list(references, lang),
        footer=label(
            "document.footer", lang, organisation=organisation, date=format_date(date, lang)
        ),
        logo=logo_path(config),
    )


def asks_box(config: BriefConfig, messages: Sequence[KeyMessage], lang: str) -> BriefBox:
    """The NGO's asks, each with the number of the key message it rests on (when the brief
    prints that message), under a heading naming the organisation as their author."""
    numbers = {message.topic: number for number, message in enumerate(messages, start=1)}
    lines = []
    for ask in config.recommendations:
        text = ask.text[lang].strip()
        if ask.evidence in numbers:
            text += " " + label("document.rests_on", lang, n=numbers[ask.evidence])
        lines.append(text)
    organisation = config.publisher.organisation[lang]
    return BriefBox(
        label("document.asks_heading", lang, organisation=organisation),
        lines,
        label("document.asks_note", lang, organisation=organisation),
    )


def publisher_lines(config: BriefConfig, lang: str) -> list[str]:
    """Who publishes the brief and whom to contact: an organisation, a role, public
    addresses (never a person)."""
    return [
        config.publisher.organisation[lang],
        label("document.website", lang, website=config.publisher.website),
        label(
            "document.contact",
            lang,
            role=config.contact.role[lang],
            address=config.contact.address,
        ),
        label("document.annex_pointer", lang, file=f"annex-{lang}.pdf"),
    ]


def _vector(png: Path) -> Path | None:
    """The SVG exported beside a PNG, which prints sharper, if there is one."""
    svg = png.with_suffix(".svg")
    return svg if svg.exists() else None
