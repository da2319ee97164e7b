"""Institutions' names per language from one table (issue 28, item 4): the acronym of the
time in compact places, the full name and today's where a source is described in full."""

from __future__ import annotations

import csv

import docx
import pytest

from caretrends import paths
from caretrends.labels import LANGUAGES, institution_name, institutions, source_text
from caretrends.report.layout import published_paths

#: The ministry's names: at the time of the figures, and since the 2021 merger.
MINISTRY = {
    "en": (
        "Ministry of Labour and Social Welfare",
        "MLSW",
        "Ministry of Finance, Labour and Transfers",
    ),
    "sq": (
        "Ministria e Punës dhe Mirëqenies Sociale",
        "MPMS",
        "Ministria e Financave, Punës dhe Transfereve",
    ),
    "sr": (
        "Ministarstvo rada i socijalne zaštite",
        "MRSZ",
        "Ministarstvo finansija, rada i transfera",
    ),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compact_places_get_the_acronym_of_the_time(lang: str) -> None:
    old, acronym, current = MINISTRY[lang]
    assert institution_name("MPMS", lang) == acronym
    assert institution_name("MPMS", lang, year=2018) == acronym
    # after the merger the ministry of the time is its successor, which has no sourced
    # acronym: its name is spelled out
    assert institution_name("MPMS", lang, year=2022) == current
    assert institution_name("KAS", lang) == {"en": "KAS", "sq": "ASK", "sr": "ASK"}[lang]
    assert institution_name("UCCK", lang) == {"en": "UCCK", "sq": "QKUK", "sr": "UKCK"}[lang]
    assert institution_name("AiBi", lang) == "AiBi"  # not an institution of the table


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_full_description_names_the_ministry_then_and_now(lang: str) -> None:
    old, acronym, current = MINISTRY[lang]
    full = institution_name("MPMS", lang, year=2018, full=True)
    assert full.startswith(f"{old} ({acronym}; ") and full.endswith(f"{current})")
    assert "2021" in full
    assert institution_name("MPMS", lang, year=2023, full=True) == current
    kas = institution_name("KAS", lang, full=True)
    assert kas == f"{institutions()['KAS'].names[lang]} ({institution_name('KAS', lang)})"


def test_english_names_the_ministry_as_the_brief_asks() -> None:
    assert institution_name("MPMS", "en", full=True) == (
        "Ministry of Labour and Social Welfare (MLSW; since 2021 part of the Ministry of"
        " Finance, Labour and Transfers)"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_source_description_names_institutions_by_code(lang: str) -> None:
    text = source_text("{MPMS}; {UCCK}; {XYZ}", lang)
    assert MINISTRY[lang][2] in text and "{XYZ}" in text and "{MPMS}" not in text


def test_every_code_of_the_table_is_known_and_every_name_sourced() -> None:
    with (paths.raw_dir() / "kosovo" / "kosovo_figures.csv").open(encoding="utf-8") as handle:
        publishers = {row["publisher"] for row in csv.DictReader(handle)}
    table = institutions()
    successors = {found.successor for found in table.values() if found.successor}
    assert successors <= set(table)
    for code, found in table.items():
        assert code in publishers or code in successors, code
        assert (found.successor is None) == (found.since is None), code
        for lang in LANGUAGES:
            assert found.names[lang] and found.sources[lang].startswith("https://"), (code, lang)
    # every institution the data cite by an acronym is in the table
    assert {"KAS", "MPMS", "UCCK"} <= set(table)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_brief_references_name_the_current_ministry(small_report, lang: str) -> None:
    brief = published_paths(small_report(lang)).brief / f"brief-{lang}.docx"
    paragraphs = [" ".join(p.text.split()) for p in docx.Document(brief).paragraphs]
    old, acronym, current = MINISTRY[lang]
    cited = [p for p in paragraphs if p.startswith("[") and f"{old} ({acronym};" in p]
    assert cited and all(current in p for p in cited), paragraphs[-12:]
