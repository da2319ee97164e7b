"""Every text that carries a count has plural forms (issue 28, item 1): a placeholder
followed by a noun it counts makes the entry plural-aware, so a new one cannot slip in."""

from __future__ import annotations

import re

import pytest

from caretrends.labels import label
from caretrends.labels.terms import english

#: Nouns a count agrees with.
_NOUNS = (
    "children|child|babies|baby|years?|rows?|files?|mothers?|events?|references?|pages?"
    "|months?|points?|variants?|series|records?|joinpoints?|permutations?|days?|weeks?"
    "|groups?|covariates?"
)

#: A placeholder, perhaps an adjective, then a counted noun (``{n} contested years``);
#: not after an article or a preposition (``{apc} a year``, ``{label} one unit``).
COUNTED = re.compile(
    r"\{(\w+)\}(?: (?!(?:a|an|the|per|of|to|in|and|one)\b)[\w-]+)? (?:" + _NOUNS + r")\b"
)

#: Entries whose counted placeholder is not a count. (gettext gives a text one count: a
#: second count is its own entry, which the text receives already worded.)
NOT_THE_COUNT: dict[str, str] = {
    "brief_message.region_key": "kosovo",  # a rate per 100,000, not a count
    "reject.overlaps_episode": "file",  # a file's name
    "brief.mixed_kind": "part",  # "12 of 40": the count is the total, given beside it
    "brief.mixed_suffix": "part",
}

#: The entries with a count, and the placeholder holding it.
COUNT_ENTRIES = {
    key: found[1]
    for key, entry in english().items()
    for text in (entry.text, entry.plural or "")
    for found in COUNTED.finditer(text)
    if NOT_THE_COUNT.get(key) != found[1]
}


def test_the_texts_with_a_count_are_found() -> None:
    assert len(COUNT_ENTRIES) >= 40
    for key in ("brief_message.hospital_key", "withheld.few_children", "alt.survival"):
        assert key in COUNT_ENTRIES


@pytest.mark.parametrize("key", sorted(COUNT_ENTRIES))
def test_every_text_with_a_count_has_plural_forms(key: str) -> None:
    entry = english()[key]
    assert entry.plural is not None and entry.count == COUNT_ENTRIES[key], (
        f"{key}: give it text (singular), plural and count: {COUNT_ENTRIES[key]} in en.yaml"
    )


def test_a_noun_given_as_a_placeholder_has_plural_forms() -> None:
    for key in ("figure_notes.events.babies", "figure_notes.events.children"):
        assert english()[key].count == "n"
    assert label(
        "figure_notes.unreliable_value",
        "sr",
        value="61%",
        n="2",
        minimum=20,
        events=label("figure_notes.events.babies", "sr", n=2),
    ).startswith("61% (na osnovu 2 bebe")


@pytest.mark.parametrize(
    ("key", "fields", "forms"),
    [
        (
            "withheld.few_children",
            {},
            [
                "nije prikazano: manje od 1 deteta",
                "nije prikazano: manje od 2 deteta",
                "nije prikazano: manje od 5 dece",
            ],
        ),
        (
            "alt.survival",
            {"values": "x"},
            ["Posle 1 meseca: x.", "Posle 2 meseca: x.", "Posle 5 meseci: x."],
        ),
        (
            "notebook.headline_details",
            {"p": "p", "producers": "ASK", "inferred": "-", "conflicts": "-"},
            ["p; 1 godina;", "p; 2 godine;", "p; 5 godina;"],
        ),
        (
            "brief_message.hospital_key",
            {"year": 2024, "share": "50%", "interval": "-"},
            ["U 2024, 1 beba ostavljena", "U 2024, 2 bebe ostavljene", "U 2024, 5 beba ostavljeno"],
        ),
    ],
)
def test_serbian_plural_forms_on_1_2_and_5(key: str, fields: dict, forms: list[str]) -> None:
    count = english()[key].count
    for n, form in zip((1, 2, 5), forms, strict=True):
        assert label(key, "sr", **fields, **{count: n}).startswith(form)


def test_albanian_and_english_forms_of_a_new_plural() -> None:
    assert label(
        "notebook.headline_details", "en", p="p", n=1, producers="", inferred="", conflicts=""
    ).startswith("p; 1 year;")
    assert [label("alt.survival", "sq", time=n, values="x") for n in (1, 12)] == [
        "Pas 1 muaji: x.",
        "Pas 12 muajsh: x.",
    ]


@pytest.mark.parametrize(
    ("key", "fields", "second", "forms"),
    [
        (
            "sensitivity.note",
            {"n": 3},
            ("years", "sensitivity.contested_years"),
            [
                "3 varijante iz 1 sporne godine,",
                "3 varijante iz 2 sporne godine,",
                "3 varijante iz 5 spornih godina,",
            ],
        ),
        (
            "model.caveat.logrank_power",
            {"n": 3},
            ("groups", "model.caveat.groups"),
            [
                "ukupno samo 3 događaja u 1 grupi:",
                "ukupno samo 3 događaja u 2 grupe:",
                "ukupno samo 3 događaja u 5 grupa:",
            ],
        ),
        (
            "model.caveat.cox_few_events",
            {"n": 3, "minimum": 10},
            ("covariates", "model.caveat.covariates"),
            [
                "3 događaja za 1 kovarijatu:",
                "3 događaja za 2 kovarijate:",
                "3 događaja za 5 kovarijata:",
            ],
        ),
        (
            "model.cox.details",
            {"n": 3, "ties": "Efron"},
            ("events", "model.cox.events"),
            [
                "Koksov model, vezivanja: Efron, 3 deteta, 1 događaj;",
                "Koksov model, vezivanja: Efron, 3 deteta, 2 događaja;",
                "Koksov model, vezivanja: Efron, 3 deteta, 5 događaja;",
            ],
        ),
        (
            "model.caveat.joinpoint_limited",
            {"n": 8, "recommended": 1, "requested": 3},
            ("joinpoints", "model.caveat.joinpoints"),
            [
                "serija od 8 tačaka podržava najviše 1 tačku preloma;",
                "serija od 8 tačaka podržava najviše 2 tačke preloma;",
                "serija od 8 tačaka podržava najviše 5 tačaka preloma;",
            ],
        ),
        (
            "model.caveat.joinpoint_too_many",
            {"k": 3, "recommended": 1},
            ("points", "model.caveat.points"),
            [
                "3 tačke preloma na 1 tački je",
                "3 tačke preloma na 2 tačke je",
                "3 tačke preloma na 5 tačaka je",
            ],
        ),
    ],
)
def test_serbian_second_count_on_1_2_and_5(
    key: str, fields: dict, second: tuple[str, str], forms: list[str]
) -> None:
    placeholder, worded = second
    for n, form in zip((1, 2, 5), forms, strict=True):
        part = label(worded, "sr", n=n)
        assert label(key, "sr", **fields, **{placeholder: part}).startswith(form)


def test_a_second_count_agrees_in_english_and_albanian() -> None:
    notes = {
        (lang, variants, years): label(
            "sensitivity.note",
            lang,
            n=variants,
            years=label("sensitivity.contested_years", lang, n=years),
        )
        for lang in ("en", "sq")
        for variants, years in ((1, 1), (2, 1), (5, 2))
    }
    assert notes["en", 1, 1].startswith("1 variant from 1 contested year, each")
    assert notes["en", 2, 1].startswith("2 variants from 1 contested year, each")
    assert notes["en", 5, 2].startswith("5 variants from 2 contested years, each")
    assert notes["sq", 2, 1].startswith("2 variante nga 1 vit i kontestuar,")
    assert notes["sq", 5, 2].startswith("5 variante nga 2 vite të kontestuara,")
