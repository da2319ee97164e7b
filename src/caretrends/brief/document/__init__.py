"""The advocacy brief as ``brief-<lang>.pdf`` (print) and ``brief-<lang>.docx`` (editing).

Both files come from one :class:`BriefDocument` whose words are all in the brief's
language, headings included (``headings``): this package holds no text of its own.

Example::

    from caretrends.brief.document import BriefDocument, render_brief

    files = render_brief(BriefDocument(lang="sq", ...), Path("reports/run-1"))
    files["pdf"], files["docx"]
"""

from __future__ import annotations

from pathlib import Path

from caretrends.brief.document.model import (
    FIGURE_WIDTH_MM,
    HEADING_KEYS,
    LANGUAGES,
    BriefBox,
    BriefDocument,
    BriefFigure,
    figure_rows,
    render_files,
)
from caretrends.brief.document.pdf import brief_data, render_pdf
from caretrends.brief.document.word import WORD_LANGUAGE, render_docx


def render_brief(doc: BriefDocument, folder: Path) -> dict[str, Path]:
    """Write ``brief-<lang>.pdf`` and ``brief-<lang>.docx`` into ``folder`` (created).

    Returns
    -------
    dict
        The two files, under ``"pdf"`` and ``"docx"``.
    """
    return render_files(doc, folder, "brief", {"pdf": render_pdf, "docx": render_docx})


__all__ = [
    "FIGURE_WIDTH_MM",
    "HEADING_KEYS",
    "LANGUAGES",
    "WORD_LANGUAGE",
    "BriefBox",
    "BriefDocument",
    "BriefFigure",
    "brief_data",
    "figure_rows",
    "render_brief",
    "render_docx",
    "render_pdf",
]
