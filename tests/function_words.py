"""Count English function words in a run's reader outputs (issue 28's measure).

A word list of 150 English function words, less the words each target language shares
with English (Albanian ``a``, ``me``, ``do``; Serbian ``a``, ``to``, ``on``, ``do``, ``no``,
``me``), counted in every reader output of a run in that language: pages, the index, alt
text, SVG text, figure CSVs, reader tables, key numbers, the brief (PDF and DOCX). Only
the given publication titles are left out (they stay in their original language).

    .venv/bin/python -m tests.function_words reports/<run-id> sq
"""

from __future__ import annotations

import csv
import html
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

#: 150 English function words: articles, pronouns, prepositions, conjunctions, auxiliaries.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    a about above across after against all along although am among an and another any
    are around as at be because been before being below between both but by can could
    despite did do does down during each either else every few for from further had has
    have having he her here him his how however if in inside into is it its less many
    may me might more most much must my near neither no nor not of off on once one only
    onto or other ought our out outside over own per same shall she should since so some
    such than that the their them then there these they this those though through
    throughout thus till to too toward towards under unless unlike until up upon us via
    was we were what when where whether which while who whom whose why will with within
    without would yet you
    """.split()
)

#: Words of the list that are also words of the target language.
SHARED: dict[str, frozenset[str]] = {
    "sq": frozenset({"a", "me", "do"}),
    "sr": frozenset({"a", "to", "on", "do", "no", "me"}),
}

#: Runs of word characters, joined by hyphens: a code (``lost_to_follow_up``), a checksum
#: or an Albanian acronym with its ending (``UNICEF-it``) is one run, not an English word;
#: only runs of letters alone count.
_RUN = re.compile(r"\w+(?:-\w+)*")


def function_words(text: str, lang: str, *, titles: Iterable[str] = ()) -> list[str]:
    """Return the English function words in ``text`` (``titles`` left out), in order.

    Examples
    --------
    >>> function_words("Burimi: KAS, via Botapress; to je broj", "sr")
    ['via']
    >>> function_words("Report of the year", "sq", titles=["Report of the year"])
    []
    >>> function_words("të dhënat e UNICEF-it; lost_to_follow_up; 8be0c", "sq")
    []
    """
    # A title broken across lines in a PDF or Word file reads with other white space.
    text = " ".join(text.split())
    for title in sorted(titles, key=len, reverse=True):
        text = text.replace(" ".join(title.split()), " ")
    excluded = SHARED.get(lang, frozenset())
    return [
        word
        for word in _RUN.findall(text)
        if word.isalpha() and word.lower() in FUNCTION_WORDS and word.lower() not in excluded
    ]


def _html_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    # alt and title attributes are read aloud or shown: they count as page text
    attributes = " ".join(re.findall(r'(?i)\b(?:alt|title|aria-label)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


def _svg_text(path: Path) -> str:
    root = ElementTree.parse(path).getroot()
    return " ".join(t for element in root.iter() for t in (element.text, element.tail) if t)


def _csv_text(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return " ".join(" ".join(row) for row in csv.reader(handle))


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def reader_outputs(run: Path, lang: str) -> dict[str, list[tuple[Path, str]]]:
    """Return each kind of reader output of ``run`` in ``lang`` with its files' text."""
    folder = run / lang
    kinds: dict[str, list[Path]] = {
        "pages": sorted((folder / "html").glob("*.html")) + [run / "index.html"],
        "alt text": sorted((folder / "figures").glob("*.txt")),
        "SVG text": sorted((folder / "figures").glob("*.svg")),
        "figure CSV": sorted((folder / "figures").glob("*.csv")),
        "tables": sorted((folder / "tables").rglob("*.csv")),
        "key numbers": sorted(folder.rglob("*.xlsx")),
        "brief PDF": sorted((folder / "brief").glob("*.pdf")),
        "brief DOCX": sorted((folder / "brief").glob("*.docx")),
    }
    readers = {
        ".html": _html_text,
        ".txt": lambda p: p.read_text(encoding="utf-8"),
        ".svg": _svg_text,
        ".csv": _csv_text,
        ".pdf": _pdf_text,
        ".docx": _docx_text,
        ".xlsx": _xlsx_text,
    }
    return {
        kind: [(path, readers[path.suffix](path)) for path in paths if path.exists()]
        for kind, paths in kinds.items()
    }


def count_run(run: Path, lang: str, *, titles: Iterable[str] = ()) -> dict[str, Counter]:
    """Return the English function words of each kind of reader output, by file."""
    titles = list(titles)
    return {
        kind: Counter(
            {
                path.relative_to(run).as_posix(): n
                for path, text in files
                if (n := len(function_words(text, lang, titles=titles)))
            }
        )
        for kind, files in reader_outputs(run, lang).items()
    }


def main(argv: list[str]) -> None:
    """Print the counts of a run: ``python -m tests.function_words RUN LANG``."""
    run, lang = Path(argv[0]), argv[1]
    for kind, by_file in count_run(run, lang).items():
        print(f"{kind}: {sum(by_file.values())}")
        for name, n in by_file.most_common():
            print(f"    {n:5d}  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
