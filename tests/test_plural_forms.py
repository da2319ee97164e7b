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

#: Entries whose counted placeholder is not a count, or a second count: gettext gives a
#: text one count, and the second always stands with a plural in these texts.
NOT_THE_COUNT: dict[str, str] = {
    "brief_message.region_key": "kosovo",  # a rate per 100,000, not a count
    "reject.overlaps_episode": "file",  # a file's name
    "brief.mixed_kind": "part",  # "12 of 40": the count is the total, given beside it
    "brief.mixed_suffix": "part",
    "model.caveat.cox_few_events": "k",
    "model.caveat.logrank_power": "groups",
    "model.cox.details": "events",
    "model.caveat.joinpoint_limited": "recommended",
    "model.caveat.joinpoint_too_many": "n",
    "sensitivity.note": "years",
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
