"""Column and value catalogs in English, Albanian and Serbian, and the name matcher."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretrends.cases import catalog
from caretrends.cases.catalog import (
    IDENTIFIERS,
    match_columns,
    match_values,
    normalise_name,
    value_codes,
)
from caretrends.cases.demo.export import _IDENTIFIER_HEADERS
from caretrends.errors import DataValidationError

COLUMN_SYNONYMS = [
    (kind, canonical, str(name))
    for kind in ("episodes", "counselling")
    for canonical, languages in catalog.load_catalog("columns.yaml")[kind].items()
    for names in languages.values()
    for name in names
]
VALUE_SYNONYMS = [
    (column, str(code), str(word))
    for column, codes in catalog.load_catalog("values.yaml").items()
    if column != "missing"
    for code, languages in codes.items()
    for words in languages.values()
    for word in words
]


def _disguise(text: str, draw: st.DrawFn) -> str:
    """Change case, spacing and punctuation the way spreadsheets do."""
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    spaced = cased.replace(" ", draw(st.sampled_from([" ", "  ", "_", "-", ".", ""])))
    return draw(st.sampled_from(["", " ", "\t"])) + spaced + draw(st.sampled_from(["", " "]))


@st.composite
def disguised_columns(draw: st.DrawFn) -> tuple[str, str, str]:
    kind, canonical, name = draw(st.sampled_from(COLUMN_SYNONYMS))
    return kind, canonical, _disguise(name, draw)


@st.composite
def disguised_values(draw: st.DrawFn) -> tuple[str, str, str]:
    column, code, word = draw(st.sampled_from(VALUE_SYNONYMS))
    return column, code, _disguise(word, draw)


def test_catalogs_load_without_clashes() -> None:
    for kind in ("episodes", "counselling"):
        assert catalog.column_index(kind)
    for column in ("sex", "entry_reason", "placement_type", "exit_reason", "legal_status"):
        assert catalog.value_index(column)


def test_normalise_reads_diacritics_and_serbian_dj_alike() -> None:
    assert normalise_name("Datum rođenja") == normalise_name("DATUM RODJENJA")
    assert normalise_name("Datum rođenja") == normalise_name("datum_rodenja")
    assert normalise_name("Data e lindjës") == normalise_name("data e lindjes")
    assert normalise_name("Vrsta smeštaja") == normalise_name("vrsta smestaja")


@settings(max_examples=150, deadline=None)
@given(disguised_columns())
def test_any_spelling_of_a_column_name_finds_its_column(case: tuple[str, str, str]) -> None:
    kind, canonical, name = case
    match = match_columns([name], kind, source_file="f.csv")
    assert match.renames == {name: canonical}


@settings(max_examples=150, deadline=None)
@given(disguised_values())
def test_any_spelling_of_a_value_finds_its_code(case: tuple[str, str, str]) -> None:
    column, code, word = case
    codes, unknown = match_values(pd.Series([word]), column)
    assert codes.tolist() == [code] and not unknown.any()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="qwxyzQWXYZ0123456789 -_", min_size=3, max_size=12))
def test_text_outside_the_catalog_is_reported_not_guessed(text: str) -> None:
    known = {normalise_name(w) for _, _, w in VALUE_SYNONYMS if _ == "placement_type"}
    codes, unknown = match_values(pd.Series([text]), "placement_type")
    if normalise_name(text) and normalise_name(text) not in known:
        assert codes.isna().all() and unknown.all()


def test_identifier_columns_in_every_language_are_recognised() -> None:
    for headers in _IDENTIFIER_HEADERS.values():
        match = match_columns(headers, "episodes", source_file="f.csv")
        assert match.identifiers == headers and not match.renames and not match.unknown
    assert catalog.column_index("counselling")[normalise_name("JMBG")] == IDENTIFIERS


def test_unknown_columns_are_reported_and_two_names_for_one_column_refused() -> None:
    match = match_columns(["Gjinia", "Kolona e re"], "episodes", source_file="f.csv")
    assert match.renames == {"Gjinia": "sex"}
    assert match.unknown == ["column 2 (unknown, fingerprint 3f5508)"]  # never the header
    with pytest.raises(DataValidationError, match="both mean 'sex'"):
        match_columns(["Gjinia", "Pol"], "episodes", source_file="f.csv")


def test_codes_of_the_schemas_come_from_the_catalog() -> None:
    assert value_codes("outcome") == [
        "stayed_with_family",
        "placed_in_care",
        "consented_to_adoption",
        "lost_to_follow_up",
    ]
    assert value_codes("mother_age_band") == ["under_18", "18_24", "25_34", "35_plus"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["F", " f ", "Femër", "M", "n/a", "x", ""]))),
    st.booleans(),
)
def test_categories_become_the_same_text_as_a_text_column(
    cells: list[str | None], drop_every_other: bool
) -> None:
    values = pd.Series(cells, dtype="str")
    distinct, codes = catalog.distinct_codes(values, "sex")
    as_text = distinct.text_series(codes, values.index)
    as_categories = distinct.categorical(codes, values.index)
    if drop_every_other:
        as_text, as_categories = as_text.iloc[::2], as_categories.iloc[::2]
    pd.testing.assert_series_equal(catalog.category_strings(as_categories), as_text)
