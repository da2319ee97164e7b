"""How far down each page of a PDF its content reaches, read back from the PDF itself.

A brief whose last page holds three lines looks unfinished in print: the documents are
checked page by page (the tests do, and a run can report it) by reading where the lowest
line of text above the footer sits, with pypdf's public text extraction.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PageObject, PdfReader

#: Text below this height (points from the bottom edge) is the page footer: 22 mm.
FOOTER_TOP_PT = 22 / 25.4 * 72


def page_fill(path: Path) -> list[float]:
    """For each page of the PDF at ``path``, the share of the page's height from its top
    edge down to its lowest line of text above the footer (0 for a page without text).

    Examples
    --------
    >>> import typst, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     source = Path(folder) / "a.typ"
    ...     _ = source.write_text('#set page(paper: "a4", margin: 30mm)\\nTop\\n#v(1fr)\\nBottom')
    ...     pdf = Path(folder) / "a.pdf"
    ...     _ = typst.compile(str(source), output=str(pdf))
    ...     [round(share, 2) for share in page_fill(pdf)]
    [0.9]
    """
    return [_fill(page) for page in PdfReader(path).pages]


def _fill(page: PageObject) -> float:
    """The share of ``page`` from its top to its lowest line of text above the footer."""
    heights: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            heights.append(cm[1] * tm[4] + cm[3] * tm[5] + cm[5])

    page.extract_text(visitor_text=visit)
    content = [y for y in heights if y > FOOTER_TOP_PT]
    height = float(page.mediabox.height)
    return (height - min(content)) / height if content else 0.0


__all__ = ["FOOTER_TOP_PT", "page_fill"]
