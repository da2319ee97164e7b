"""The notebooks' narrative travels in the run's language (caretrends.report.narrative)."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from caretrends import paths
from caretrends.labels.po import NARRATIVE_DOMAIN, check, read_catalog
from caretrends.labels.terms import CATALOG_FOLDERS, catalog_file
from caretrends.report.narrative import translate_notebook
from tests.test_localised_texts import english_words

TRANSLATED = tuple(CATALOG_FOLDERS)
NOTEBOOKS = sorted(paths.notebooks_dir().glob("0*.ipynb"))

#: Words only an Albanian or Serbian text has, to catch a leak into English.
FOREIGN_WORDS = frozenset("dhe për fëmijë fëmijët është deca dece godine koji nije".split())


def without_code(markdown: str) -> str:
    """The prose of a Markdown text: code spans (file, column and code names) left out."""
    return re.sub(r"`[^`]*`", " ", markdown)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_markdown_cell_has_a_translation(lang: str) -> None:
    assert NOTEBOOKS
    untranslated = check(lang).untranslated
    assert not [where for where in untranslated if where.startswith(NARRATIVE_DOMAIN)]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translated_narrative_has_no_english_word(lang: str) -> None:
    found = {}
    for message in read_catalog(catalog_file(lang, NARRATIVE_DOMAIN)):
        if message.id and (words := english_words(without_code(message.string))):
            found[message.context] = words
    assert not found, found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_run_in_another_language_reads_each_heading_in_it(lang: str) -> None:
    for path in NOTEBOOKS:
        english = nbformat.read(path, as_version=4)
        translated = translate_notebook(nbformat.read(path, as_version=4), path.stem, lang)
        pairs = [
            (e.source, t.source)
            for e, t in zip(english.cells, translated.cells, strict=True)
            if e.cell_type == "markdown"
        ]
        assert pairs and all(e != t for e, t in pairs), path.name
        codes = [
            (e.source, t.source)
            for e, t in zip(english.cells, translated.cells, strict=True)
            if e.cell_type == "code"
        ]
        assert all(e == t for e, t in codes)
        # the heading levels survive translation
        assert [t.split(" ", 1)[0] for _, t in pairs] == [e.split(" ", 1)[0] for e, _ in pairs]


def test_english_and_unknown_cells_are_left_as_written() -> None:
    nb = new_notebook(cells=[new_markdown_cell("# A test notebook", id="x-1")])
    assert translate_notebook(nb, "tiny", "sq").cells[0].source == "# A test notebook"
    english = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert translate_notebook(english, NOTEBOOKS[0].stem, "en") is english
    prose = " ".join(
        without_code(c.source)
        for p in NOTEBOOKS
        for c in nbformat.read(p, 4).cells
        if c.cell_type == "markdown"
    )
    assert not FOREIGN_WORDS & set(re.findall(r"\w+", prose.lower()))
