"""A run in Albanian or Serbian leaves no English in what a reader sees (issue 28):
pages, the index, alt text, SVG, figure CSVs, reader tables, key numbers and the brief,
counted with the committed list of English function words (tests/function_words.py)."""

from __future__ import annotations

import pytest

from caretrends.labels import label
from tests.function_words import count_run

#: Names kept as published, in their original language: the campaigns.
PUBLISHED_NAMES = [
    label("campaign_name.care_for_me", "en"),
    label("campaign_name.i_give_hope", "en"),
]


@pytest.mark.parametrize("lang", ["sq", "sr"])
def test_a_run_has_at_most_five_english_function_words(small_report, lang: str) -> None:
    counts = count_run(small_report(lang), lang, titles=PUBLISHED_NAMES)
    found = {kind: dict(by_file) for kind, by_file in counts.items() if by_file}
    assert sum(sum(by_file.values()) for by_file in found.values()) <= 5, found
