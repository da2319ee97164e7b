"""What the advocacy brief shows: :class:`BriefDocument`, its figures and boxes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from caretrends.errors import CaretrendsError, DataValidationError

#: Languages a brief can be written in (Serbian in Latin script).
LANGUAGES: tuple[str, ...] = ("en", "sq", "sr")

#: Keys of :attr:`BriefDocument.headings`: every word the layout itself shows.
HEADING_KEYS: tuple[str, ...] = (
    "key_messages",
    "key_numbers",
    "figure",
    "sources_and_caveats",
    "methods",
    "references",
    "publisher",
    "page",
    "date",
)

#: Printed width of a figure, in millimetres: two half figures and their gutter fill the
#: 170 mm text width of an A4 page with 20 mm margins.
FIGURE_WIDTH_MM: dict[str, int] = {"half": 82, "full": 170}

_VECTOR_SUFFIXES = (".svg", ".pdf")


@dataclass(frozen=True)
class BriefFigure:
    """One figure of the brief."""

    #: The figure at print resolution (300 dpi); the Word document embeds it.
    path_png: Path
    #: Caption text, shown after the localised "Figure n".
    caption: str
    #: Alternative text for screen readers (PDF tags and Word's picture description).
    alt: str
    #: 82 mm or 170 mm; consecutive half figures share a row.
    width: Literal["half", "full"] = "full"
    #: The same figure as SVG or PDF, preferred for the PDF brief.
    path_vector: Path | None = None


@dataclass(frozen=True)
class BriefBox:
    """A headed box of lines, such as the publisher's asks."""

    heading: str
    lines: Sequence[str]
    #: A sentence before the lines, set apart (in italics) from them.
    note: str = ""


@dataclass(frozen=True, eq=False)
class BriefDocument:
    """Everything the brief shows, in the language ``lang``.

    Raises
    ------
    DataValidationError
        When the language, a heading, a figure width or a figure file type is wrong.
    """

    #: Language of every text below (``"en"``, ``"sq"`` or ``"sr"``): sets hyphenation and
    #: the documents' language.
    lang: str
    #: The title block's title.
    title: str
    #: The title block's subtitle.
    subtitle: str
    #: The title block's date, already formatted for ``lang``.
    date: str
    #: The brief's messages, one bullet each.
    key_messages: Sequence[str]
    #: Formatted cells with localised headers (:func:`caretrends.figures.key_numbers_table`).
    key_numbers: pd.DataFrame
    #: In reading order.
    figures: Sequence[BriefFigure]
    #: One bullet each.
    sources_and_caveats: Sequence[str]
    #: One bullet each; the methods box is meant for about five lines.
    methods: Sequence[str]
    #: The run, embedded in the files' properties.
    run_id: str
    #: The commit, embedded beside the run.
    commit: str
    #: Text of each key in :data:`HEADING_KEYS`, in ``lang``.
    headings: Mapping[str, str]
    #: What the publisher asks, in a box apart from the evidence.
    asks: BriefBox | None = None
    #: The publisher block: organisation, website, contact, where the methods are.
    publisher: Sequence[str] = ()
    #: The numbered reference list, in citation order.
    references: Sequence[str] = ()
    #: The foot of every page, before "page n / N" (the publisher and the date).
    footer: str = ""
    #: The publisher's logo (PNG or SVG), printed in the publisher block.
    logo: Path | None = None

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise DataValidationError(problems)


def _problems(doc: BriefDocument) -> list[str]:
    """One line per rule ``doc`` breaks, naming the field and the reason."""
    problems = []
    if doc.lang not in LANGUAGES:
        problems.append(f"brief: lang {doc.lang!r}: not one of {LANGUAGES}")
    missing = [key for key in HEADING_KEYS if key not in doc.headings]
    if missing:
        problems.append(f"brief: headings: missing {missing}")
    for number, figure in enumerate(doc.figures, start=1):
        where = f"brief: figure {number}"
        if figure.width not in FIGURE_WIDTH_MM:
            problems.append(f"{where}: width {figure.width!r}: not one of {tuple(FIGURE_WIDTH_MM)}")
        if Path(figure.path_png).suffix.lower() != ".png":
            problems.append(f"{where}: path_png {str(figure.path_png)!r}: not a .png file")
        vector = figure.path_vector
        if vector is not None and Path(vector).suffix.lower() not in _VECTOR_SUFFIXES:
            problems.append(f"{where}: path_vector {str(vector)!r}: not one of {_VECTOR_SUFFIXES}")
    return problems


def figure_rows(figures: Sequence[BriefFigure]) -> list[list[int]]:
    """Group figure indices into printed rows: one full figure, or up to two half ones.

    Examples
    --------
    >>> half, full = BriefFigure(Path("a.png"), "", "", "half"), BriefFigure(Path("b.png"), "", "")
    >>> figure_rows([half, half, half, full, half])
    [[0, 1], [2], [3], [4]]
    """
    rows: list[list[int]] = []
    for index, figure in enumerate(figures):
        previous = rows[-1] if rows else []
        if len(previous) == 1 and figures[previous[0]].width == figure.width == "half":
            previous.append(index)
        else:
            rows.append([index])
    return rows


def render_files(
    doc: object, folder: Path, name: str, writers: Mapping[str, Callable[[object, Path], Path]]
) -> dict[str, Path]:
    """Write ``doc`` into ``folder`` (created) once per writer, as ``<name>-<lang>.<kind>``
    (``kind`` the writer's key, e.g. ``pdf``); return the files by kind."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    stem = Path(folder) / f"{name}-{doc.lang}"
    return {kind: write(doc, stem.with_suffix(f".{kind}")) for kind, write in writers.items()}


def require_figure_files(doc: BriefDocument) -> None:
    """Raise :class:`CaretrendsError` naming every figure file of ``doc`` that is missing."""
    files = [f.path_png for f in doc.figures] + [f.path_vector for f in doc.figures] + [doc.logo]
    missing = [str(p) for p in files if p is not None and not Path(p).is_file()]
    if missing:
        raise CaretrendsError(f"brief: figure files not found: {missing}")


def key_number_cells(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of ``frame`` as text; a missing cell is empty, never ``nan``.

    Examples
    --------
    >>> key_number_cells(pd.DataFrame({"Value": ["1 234", None]}))
    (['Value'], [['1 234'], ['']])
    """
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    return [str(c) for c in frame.columns], text.to_numpy().tolist()
