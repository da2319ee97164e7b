"""Label catalogs: same keys in every language, sourced or provisional terms, locales."""

from __future__ import annotations

import csv
import datetime as dt
import string

import pytest
from babel import Locale

from caretrends import labels
from caretrends.errors import ParameterError

GLOSSARY = labels.GLOSSARY_PATH


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_key_exists_in_all_three_languages() -> None:
    keys = {lang: set(labels.catalog(lang).entries) for lang in labels.LANGUAGES}
    assert keys["en"], "the English catalog is empty"
    for lang in ("sq", "sr"):
        assert keys[lang] == keys["en"], (
            f"{lang}: missing {keys['en'] - keys[lang]}, extra {keys[lang] - keys['en']}"
        )


def test_translations_keep_the_placeholders_of_the_english_label() -> None:
    english = labels.catalog("en").entries
    for lang in ("sq", "sr"):
        for key, entry in labels.catalog(lang).entries.items():
            assert _placeholders(entry.text) == _placeholders(english[key].text), (lang, key)


def test_albanian_and_serbian_terms_are_sourced_or_marked_provisional() -> None:
    with GLOSSARY.open(encoding="utf-8") as handle:
        glossary_keys = {row["key"] for row in csv.DictReader(handle)}
    for lang in ("sq", "sr"):
        for key, entry in labels.catalog(lang).entries.items():
            assert entry.glossary or entry.provisional, f"{lang}: {key} has neither source nor flag"
            if entry.glossary:
                assert entry.glossary in glossary_keys, f"{lang}: {key} cites {entry.glossary}"
            assert entry.text.strip(), (lang, key)


@pytest.mark.parametrize(
    ("key", "lang", "term"),
    [
        ("measure.abandoned_children", "sq", "Fëmijë të braktisur"),
        ("care.foster", "sq", "Strehimi familjar"),
        ("outcome.adopted", "sq", "Adoptim"),
        ("outcome.adopted", "sr", "Usvajanje"),
        ("country.XKX", "sq", "Kosova"),
    ],
)
def test_kosovo_official_terms_from_the_glossary(key: str, lang: str, term: str) -> None:
    entry = labels.catalog(lang).entries[key]
    assert entry.text == term
    assert entry.provisional is None


def test_terms_from_outside_kosovo_are_provisional() -> None:
    # Glossary: the Serbian for foster care comes from a Serbian source, not a Kosovo one.
    assert labels.catalog("sr").entries["care.foster"].provisional
    assert labels.catalog("sq").entries["ci_95"].provisional


def test_babel_has_the_kosovo_locales() -> None:
    assert labels.locale_of("sq") == "sq_XK"
    assert labels.locale_of("sr") == "sr_Latn_XK"
    assert Locale.parse("sr_Latn_XK").script == "Latn"
    assert Locale.parse("sq_XK").territory == "XK"


@pytest.mark.parametrize(
    ("lang", "number", "percent", "date"),
    [
        ("en", "12,345.6", "7.5%", "15 May 2013"),
        ("sq", "12\xa0345,6", "7,5%", "15 maj 2013"),
        ("sr", "12.345,6", "7,5%", "15. maj 2013."),
    ],
)
def test_numbers_and_dates_follow_the_locale(
    lang: str, number: str, percent: str, date: str
) -> None:
    assert labels.format_number(12345.6, lang, decimals=1) == number
    assert labels.format_percent(0.075, lang, decimals=1) == percent
    assert labels.format_date(dt.date(2013, 5, 15), lang) == date


def test_negative_numbers_use_a_typographic_minus() -> None:
    assert labels.format_number(-5.25, "sr", decimals=2) == "\u22125,25"
    assert labels.format_percent(0.1, "en", sign=True) == "+10%"


def test_unknown_key_or_language_is_named_in_the_error() -> None:
    with pytest.raises(ParameterError, match="no_such_key"):
        labels.label("no_such_key", "en")
    with pytest.raises(ParameterError, match="'de'"):
        labels.label("year", "de")


def test_country_names_fall_back_to_the_code() -> None:
    assert labels.country_name("SRB", "sr") == "Srbija"
    assert labels.country_name("TUR", "sq") == "TUR"
