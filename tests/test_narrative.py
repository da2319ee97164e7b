"""The notebooks' narrative travels in the run's language (caretrends.report.narrative)."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from caretrends import paths
from caretrends.report.narrative import (
    TRANSLATED,
    fingerprint,
    narrative,
    narrative_problems,
    read_translated,
    translate_notebook,
)
from tests.test_localised_texts import english_words

NOTEBOOKS = sorted(paths.notebooks_dir().glob("0*.ipynb"))

#: Words only an Albanian or Serbian text has, to catch a leak into English.
FOREIGN_WORDS = frozenset("dhe për fëmijë fëmijët është deca dece godine koji nije".split())


def without_code(markdown: str) -> str:
    """The prose of a Markdown text: code spans (file, column and code names) left out."""
    return re.sub(r"`[^`]*`", " ", markdown)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_markdown_cell_has_a_current_translation_and_none_is_orphaned(lang: str) -> None:
    assert NOTEBOOKS
    assert narrative_problems(NOTEBOOKS, lang) == []


def test_a_missing_stale_or_orphaned_translation_is_named(tmp_path) -> None:
    nb = new_notebook(cells=[new_markdown_cell("# New", id="x-1")])
    path = tmp_path / "02_abandonment.ipynb"
    nbformat.write(nb, path)
    problems = narrative_problems([path], "sq")
    assert "sq: 02_abandonment/x-1: no translation" in problems
    assert any(p.startswith("sq: 02_abandonment/02-01: no such Markdown cell") for p in problems)
    cell = nb.cells[0]
    cell.id, cell.source = "02-23", "## The region, edited"
    nbformat.write(nb, path)
    assert any("02-23: the English changed" in p for p in narrative_problems([path], "sq"))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translated_narrative_has_no_english_word(lang: str) -> None:
    found = {}
    for name, cells in narrative(lang).items():
        for cell_id, entry in cells.items():
            if words := english_words(without_code(entry["text"])):
                found[f"{name}/{cell_id}"] = words
    assert not found, found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_run_in_another_language_reads_each_heading_in_it(lang: str) -> None:
    for path in NOTEBOOKS:
        english = nbformat.read(path, as_version=4)
        translated = read_translated(path, lang)
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


def test_english_and_unknown_notebooks_are_left_as_written() -> None:
    nb = new_notebook(cells=[new_markdown_cell("# A test notebook")])
    assert translate_notebook(nb, "tiny", "sq") is nb
    english = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert translate_notebook(english, NOTEBOOKS[0].stem, "en") is english
    prose = " ".join(
        without_code(c.source)
        for p in NOTEBOOKS
        for c in nbformat.read(p, 4).cells
        if c.cell_type == "markdown"
    )
    assert not FOREIGN_WORDS & set(re.findall(r"\w+", prose.lower()))


def test_fingerprints_ignore_only_surrounding_space() -> None:
    assert fingerprint(" a\n") == fingerprint("a") != fingerprint("b")
