"""The methods annex as ``annex-<lang>.pdf`` (Typst, as the brief) and ``annex-<lang>.docx``.

The annex is headed sections of paragraphs, numbered lists and text tables; its words
all come from :class:`AnnexDocument` (this module holds none), its layout from
``templates/annex.typ`` and Word's own Heading and List styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pandas as pd

from caretrends.brief.document.model import key_number_cells, render_files
from caretrends.brief.document.pdf import typeset
from caretrends.brief.document.word import (
    WORD_LANGUAGE,
    add_page_footer,
    add_text_table,
    set_a4,
    set_language,
)

_TEMPLATE = "annex.typ"


@dataclass(frozen=True)
class AnnexTable:
    """A table of text cells with its caption (none when the heading says it all)."""

    caption: str
    cells: pd.DataFrame


@dataclass(frozen=True)
class AnnexSection:
    """A headed section: paragraphs, then numbered lists, then tables."""

    heading: str
    paragraphs: Sequence[str]
    tables: Sequence[AnnexTable] = ()
    lists: Sequence[Sequence[str]] = field(default_factory=list)


@dataclass(frozen=True)
class AnnexDocument:
    """Everything the methods annex shows, in the language ``lang``."""

    lang: str
    title: str
    subtitle: str
    date: str
    sections: Sequence[AnnexSection]
    footer: str
    author: str
    #: The word before "n / N" in the footer.
    page: str
    run_id: str
    commit: str


def annex_data(doc: AnnexDocument) -> dict[str, object]:
    """The JSON the Typst template reads."""

    def table(item: AnnexTable) -> dict[str, object]:
        columns, rows = key_number_cells(item.cells)
        return {"caption": item.caption, "columns": columns, "rows": rows}

    return {
        "lang": doc.lang,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "date": doc.date,
        "footer": doc.footer,
        "author": doc.author,
        "page": doc.page,
        "keywords": [f"run: {doc.run_id}", f"version: {doc.commit}"],
        "sections": [
            {
                "heading": section.heading,
                "paragraphs": list(section.paragraphs),
                "lists": [list(items) for items in section.lists],
                "tables": [table(item) for item in section.tables],
            }
            for section in doc.sections
        ],
    }


def render_annex_pdf(doc: AnnexDocument, path: Path) -> Path:
    """Typeset the annex as an A4 PDF at ``path``; return ``path``.

    Raises
    ------
    CaretrendsError
        When Typst cannot compile it.
    """
    return typeset(_TEMPLATE, path, "annex", lambda _root: annex_data(doc))


def render_annex_docx(doc: AnnexDocument, path: Path) -> Path:
    """Write the annex as a Word document at ``path``, with Heading styles; return ``path``."""
    document = docx.Document()
    set_a4(document.sections[0])
    set_language(document, WORD_LANGUAGE[doc.lang])
    document.core_properties.title = doc.title
    document.core_properties.author = doc.author
    document.core_properties.keywords = f"run: {doc.run_id}; version: {doc.commit}"
    document.add_heading(doc.title, level=0)
    document.add_paragraph(doc.subtitle, style="Subtitle")
    document.add_paragraph(doc.date)
    for section in doc.sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for items in section.lists:
            for number, item in enumerate(items, start=1):
                document.add_paragraph(f"[{number}] {item}")
        for table in section.tables:
            if table.caption:
                document.add_paragraph(table.caption, style="Caption")
            add_text_table(document, table.cells)
    add_page_footer(document.sections[0], doc.footer, doc.page)
    document.save(str(path))
    return path


def render_annex(doc: AnnexDocument, folder: Path) -> dict[str, Path]:
    """Write ``annex-<lang>.pdf`` and ``annex-<lang>.docx`` into ``folder`` (created)."""
    return render_files(doc, folder, "annex", {"pdf": render_annex_pdf, "docx": render_annex_docx})


__all__ = [
    "AnnexDocument",
    "AnnexSection",
    "AnnexTable",
    "annex_data",
    "render_annex",
    "render_annex_docx",
    "render_annex_pdf",
]
