"""The brief as an editable Word document (python-docx), with the content of the PDF.

Word's own fonts are kept (the PDF's Libertinus Serif is rarely installed where the file
is edited); the PDF's boxes are sections under Word's Heading styles (its navigation pane
and screen readers list them), and figures are embedded at the resolution they were
saved at, at the printed width of the PDF, with their alt text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
import pandas as pd
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import _Cell

from caretrends.brief.document.model import (
    FIGURE_WIDTH_MM,
    BriefDocument,
    BriefFigure,
    figure_rows,
    key_number_cells,
    require_figure_files,
)

# Word's proofing languages: the tags Word ships dictionaries under (Kosovo has none).
WORD_LANGUAGE: dict[str, str] = {"en": "en-GB", "sq": "sq-AL", "sr": "sr-Latn-RS"}

# The shade of the key numbers' header row, as in the PDF.
_MESSAGE_FILL = "E8F1F8"
_MARGIN_MM = 20
_TABLE_TEXT = Pt(8)
# Width of a character of 8 pt text (generous: bold, wide fallback fonts), and a cell's
# left and right margins.
_CHAR_MM = 1.9
_CELL_PADDING_MM = 4.0


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    """A WordprocessingML element ``w:tag`` with ``w:`` attributes."""
    element = OxmlElement(f"w:{tag}")
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def set_language(document: Document, tag: str) -> None:
    """Make ``tag`` the language of every style (document defaults and Normal)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = [defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")]
    run_properties.append(document.styles["Normal"].element.get_or_add_rPr())
    for properties in run_properties:
        for old in properties.findall(qn("w:lang")):
            properties.remove(old)
        properties.append(_element("lang", val=tag))
    document.core_properties.language = tag


def set_a4(section: Section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(_MARGIN_MM)


def _shade(cell: _Cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_element("shd", val="clear", color="auto", fill=fill))


def _add_box(document: Document, heading: str, lines: Sequence[str], note: str = "") -> None:
    """A section: a real heading (Word's navigation pane and screen readers list it), its
    note in italics, then one bullet per line."""
    document.add_heading(heading, level=1)
    if note:
        document.add_paragraph().add_run(note).italic = True
    for line in lines:
        document.add_paragraph(line, style="List Bullet").paragraph_format.keep_together = True


def column_widths_mm(cells: Sequence[Sequence[str]], total: float) -> list[float]:
    """Column widths filling ``total`` mm, estimated from the text of ``cells`` (rows).

    Each column gets room for its longest word and shares the rest in proportion to how
    much longer its longest cell is (the PDF template measures the same way, exactly).

    Examples
    --------
    >>> [round(w) for w in column_widths_mm([["Value", "Note"], ["1 234", "a b c d"]], 50)]
    [22, 28]
    >>> column_widths_mm([["Value", "Note"], ["1\\xa0234", "a long note " * 20]], 50)
    [13.5, 36.5]
    >>> [round(w) for w in column_widths_mm([["File", "SHA-256"], ["a.csv", "0" * 64]], 100)]
    [10, 90]
    """

    def width(text: str) -> float:
        return len(text) * _CHAR_MM + _CELL_PADDING_MM

    columns = list(zip(*cells, strict=True))
    least = [max(width(w) for cell in column for w in cell.split(" ")) for column in columns]
    most = [max(width(cell) for cell in column) for column in columns]
    if sum(most) <= total:
        return [m * total / sum(most) for m in most]
    if sum(least) >= total:  # words wider than the page: each column in proportion, wrapped
        return [low * total / sum(least) for low in least]
    share = max(0.0, (total - sum(least)) / (sum(most) - sum(least)))
    return [low + (high - low) * share for low, high in zip(least, most, strict=True)]


def add_text_table(document: Document, frame: pd.DataFrame) -> None:
    """A table of text cells (the key numbers, an annex table), columns sized to their
    text, the header row repeated on each page; cells wrap, none is cut."""
    columns, rows = key_number_cells(frame)
    table = document.add_table(rows=1 + len(rows), cols=len(columns), style="Table Grid")
    table.autofit = False
    widths = column_widths_mm([columns, *rows], FIGURE_WIDTH_MM["full"])
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    table.rows[0]._tr.get_or_add_trPr().append(_element("tblHeader", val="true"))
    for i, values in enumerate([columns, *rows]):
        for cell, value in zip(table.rows[i].cells, values, strict=True):
            run = cell.paragraphs[0].add_run(value)
            run.font.size, run.bold = _TABLE_TEXT, i == 0
            if i == 0:
                _shade(cell, _MESSAGE_FILL)
    document.add_paragraph()


def _add_figure(cell_or_document: Document | _Cell, figure: BriefFigure, caption: str) -> None:
    """Picture at its printed width, described for screen readers, and its caption."""
    paragraph = cell_or_document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = paragraph.add_run().add_picture(
        str(figure.path_png), width=Mm(FIGURE_WIDTH_MM[figure.width])
    )
    # python-docx has no property for a picture's alternative text.
    shape._inline.docPr.set("descr", figure.alt)
    cell_or_document.add_paragraph(caption, style="Caption")


def _add_figures(document: Document, doc: BriefDocument) -> None:
    """Figures in the PDF's rows: a pair of half figures shares a borderless table."""
    captions = [
        f"{doc.headings['figure']} {number}: {figure.caption}"
        for number, figure in enumerate(doc.figures, start=1)
    ]
    for row in figure_rows(doc.figures):
        if len(row) == 1:
            _add_figure(document, doc.figures[row[0]], captions[row[0]])
            continue
        table = document.add_table(rows=1, cols=len(row))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, index in zip(table.rows[0].cells, row, strict=True):
            cell.width = Mm(FIGURE_WIDTH_MM[doc.figures[index].width] + 3)
            # A new cell holds one empty paragraph: use it rather than leave a blank line.
            cell._tc.remove(cell.paragraphs[0]._p)
            _add_figure(cell, doc.figures[index], captions[index])
        document.add_paragraph()


def add_page_footer(section: Section, text: str, page: str) -> None:
    """``text`` and "page n / N" at the foot of every page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.add_run(f"{text}   ·   {page} ")
    for index, field in enumerate(("PAGE", "NUMPAGES")):
        if index:
            paragraph.add_run(" / ")
        simple = _element("fldSimple", instr=field)
        run = _element("r")
        number = _element("t")
        number.text = "1"
        run.append(number)
        simple.append(run)
        paragraph._p.append(simple)


def _add_publisher(document: Document, doc: BriefDocument) -> None:
    """The publisher block under its heading, the logo first when there is one."""
    if not doc.publisher:
        return
    document.add_heading(doc.headings["publisher"], level=1)
    if doc.logo is not None and Path(doc.logo).suffix.lower() == ".png":
        document.add_picture(str(doc.logo), width=Mm(30))
    for line in doc.publisher:
        document.add_paragraph(line)


def render_docx(doc: BriefDocument, path: Path) -> Path:
    """Write ``doc`` as an editable A4 Word document at ``path``; return ``path``.

    Raises
    ------
    CaretrendsError
        When a figure file is missing.
    """
    require_figure_files(doc)
    words = doc.headings
    document = docx.Document()
    set_a4(document.sections[0])
    set_language(document, WORD_LANGUAGE[doc.lang])
    document.core_properties.title = doc.title
    document.core_properties.author = doc.publisher[0] if doc.publisher else ""
    document.core_properties.keywords = f"run: {doc.run_id}; version: {doc.commit}"
    document.add_heading(doc.title, level=0)
    if doc.subtitle:
        document.add_paragraph(doc.subtitle, style="Subtitle")
    document.add_paragraph(f"{words['date']}: {doc.date}")
    _add_box(document, words["key_messages"], doc.key_messages)
    document.add_heading(words["key_numbers"], level=1)
    add_text_table(document, doc.key_numbers)
    if doc.asks is not None:
        _add_box(document, doc.asks.heading, doc.asks.lines, doc.asks.note)
    _add_figures(document, doc)
    _add_box(document, words["sources_and_caveats"], doc.sources_and_caveats)
    _add_box(document, words["methods"], doc.methods)
    if doc.references:
        document.add_heading(words["references"], level=1)
        for number, reference in enumerate(doc.references, start=1):
            document.add_paragraph(f"[{number}] {reference}").paragraph_format.keep_together = True
    _add_publisher(document, doc)
    document.styles["Footer"].font.size = Pt(8)
    add_page_footer(document.sections[0], doc.footer or doc.date, words["page"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
