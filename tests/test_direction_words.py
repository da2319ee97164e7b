"""No reader output says a number went up or down unless its interval excludes no change,
and no percent change is printed on a count below the reliability threshold: a real run
in each language, scanned with the committed word lists (tests/direction_words.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from caretrends import disclosure
from caretrends.labels import label
from caretrends.report.layout import published_paths
from tests.direction_words import DOWN, UP, unsupported
from tests.report_helpers import run_texts


def test_the_scan_finds_a_direction_without_support() -> None:
    text = (
        "Between 2016 and 2024 the rate fell by 10.4% a year (95% CI −21.6% to +2.3%). "
        "Abandonment is falling. "
        "Between 2008 and 2024 the number fell by 7.5% a year (95% CI 5.3% to 9.7%). "
        "The data are compatible with anything from a fall of 21.6% to a rise of 2.3% a year."
    )
    assert unsupported(text, "en") == [
        "Between 2016 and 2024 the rate fell by 10.4% a year (95% CI −21.6% to +2.3%).",
        "Abandonment is falling.",
    ]
    assert unsupported("Stopa je pala za 10,4% (IP 95% −21,6% do +2,3%).", "sr")
    assert unsupported("Shkalla ra me 7,5% (IB 95% 5,3% deri në 9,7%).", "sq") == []


def test_each_language_has_words_both_ways() -> None:
    assert set(DOWN) == set(UP) == {"en", "sq", "sr"}
    assert all(DOWN[lang] and UP[lang] for lang in DOWN)


@pytest.mark.parametrize("lang", ["en", "sq", "sr"])
def test_a_run_states_no_direction_its_interval_does_not_support(small_report, lang) -> None:
    folder = small_report(lang)
    texts = run_texts(folder, lang)
    key_numbers = published_paths(folder).tables / f"key_numbers-{lang}.csv"
    table = pd.read_csv(key_numbers, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    texts[key_numbers.name] = " \n".join(" ".join(row) for row in table.to_numpy().tolist())
    found = {name: hits for name, text in texts.items() if (hits := unsupported(text, lang))}
    assert not found, found

    # The latest two counts: a percent change only when both reach the threshold.
    series = pd.read_csv(published_paths(folder).data / "kosovo_series.csv")
    latest, previous = series["value"].iloc[-1], series["value"].iloc[-2]
    change = table[label("key.change", lang)].iloc[0]
    small = min(latest, previous) < disclosure.DEFAULT_RULES.unreliable_below
    assert ("%" in change) != small, change
