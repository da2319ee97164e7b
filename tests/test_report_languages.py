"""Serbian and English runs of every report notebook read in their language: every word a
reader sees, in the pages, figures, tables and the brief (the Albanian run is in
test_report_small)."""

from __future__ import annotations

import re

import pytest

from caretrends.report.layout import published_paths
from tests.report_helpers import page_texts, run_texts
from tests.test_localised_texts import english_words
from tests.test_narrative import FOREIGN_WORDS


@pytest.fixture(scope="module")
def runs(small_report) -> dict:
    return {language: small_report(language) for language in ("sr", "en")}


def test_a_serbian_run_has_no_english_word_anywhere_a_reader_looks(runs):
    texts = run_texts(runs["sr"], "sr")
    assert {"01_data_quality.html", "04_brief.html", "brief-sr.pdf", "brief-sr.docx"} <= set(texts)
    found = {name: sorted(set(w)) for name, text in texts.items() if (w := english_words(text))}
    assert not found, found
    quality = (published_paths(runs["sr"]).pages / "01_data_quality.html").read_text(
        encoding="utf-8"
    )
    assert "Kvalitet podataka" in quality and "Izvori" in quality


def test_the_stoplist_sees_the_prose_of_a_page(runs):
    """The check would fail: an English sentence on a page is found, code is not."""
    page = published_paths(runs["sr"]).pages / "02_abandonment.html"
    planted = page.read_text(encoding="utf-8").replace(
        "</body>", "<p>The rate of abandoned children fell.</p><code>the_rate</code></body>"
    )
    from tests.report_helpers import visible_text

    assert english_words(visible_text(planted)) == ["The", "rate", "of", "abandoned", "children"]


def test_an_english_run_has_no_albanian_or_serbian_word(runs):
    texts = run_texts(runs["en"], "en")
    for name, text in texts.items():
        words = set(re.findall(r"\w+", text.lower()))
        assert not words & FOREIGN_WORDS, (name, sorted(words & FOREIGN_WORDS))
    pages = sorted((published_paths(runs["en"]).pages).glob("*.html"))
    assert len(pages) == 4
    assert "Data quality" in page_texts(pages[0])
