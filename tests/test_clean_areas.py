"""Country and aggregate names to codes: workbook spellings, former and local names."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from caretrends.paths import PACKAGE_DIR
from caretrends.sources.cells import (
    area_code,
    area_labels,
    country_to_iso3,
    is_aggregate_area,
    split_aggregates,
)

AREAS = pd.read_csv(PACKAGE_DIR / "codelists" / "ref_areas.csv", dtype=str, keep_default_na=False)
COUNTRY_NAMES = AREAS[AREAS["kind"] == "country"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Serbia ", "SRB"),
        ("North Macedonia", "MKD"),
        ("The former Yugoslav Republic of Macedonia", "MKD"),
        ("Republic of Moldova", "MDA"),
        ("Moldova", "MDA"),
        ("Kosovo (UNSCR 1244)", "XKX"),
        ("Kosovo*", "XKX"),
        ("Republika e Kosovës", "XKX"),
        ("Srbija", "SRB"),
        ("Србија", "SRB"),
        ("Shqiperia", "ALB"),
        ("Bosnia & Herzegovina", "BIH"),
        ("Serbia 8", "SRB"),
        ("Montenegro (7)", "MNE"),
        ("Croatia¹", "HRV"),
        ("SRB", "SRB"),
    ],
)
def test_published_names(name, code) -> None:
    assert country_to_iso3(name) == code


@settings(max_examples=80)
@given(
    st.sampled_from(list(zip(COUNTRY_NAMES["name"], COUNTRY_NAMES["code"], strict=True))),
    st.text(alphabet=" \u00a0", max_size=3),
    st.sampled_from(["", " 1", "12", "*", " (3)", " 2,5"]),
    st.booleans(),
)
def test_every_listed_name_survives_spacing_case_and_footnote_marks(entry, pad, mark, upper):
    name, code = entry
    # "UNSCR 1244" + "12" would read as "UNSCR 124412": no one can split that.
    assume(not (name[-1].isdigit() and mark[:1].isdigit()))
    text = name.upper() if upper else name
    assert country_to_iso3(f"{pad}{text}{mark}{pad}") == code


@settings(max_examples=60)
@given(st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=12))
def test_unknown_names_raise_with_the_text(name) -> None:
    assume(name.upper() not in set(AREAS["code"]))
    with pytest.raises(ValueError, match=name):
        country_to_iso3(name)


def test_aggregates_are_not_countries() -> None:
    assert area_code("Total for Eastern Europe and CA") == ("TMEE_EECA", "aggregate")
    with pytest.raises(ValueError, match="aggregate"):
        country_to_iso3("Total for CEE/CIS")


def test_every_code_has_an_english_label() -> None:
    assert set(area_labels()) == set(AREAS["code"])
    assert area_labels()["XKX"] == "Kosovo"


@settings(max_examples=40)
@given(st.sampled_from(sorted(set(AREAS["code"]))))
def test_aggregate_rule_agrees_with_the_table(code) -> None:
    kind = AREAS.loc[AREAS["code"] == code, "kind"].iloc[0]
    assert is_aggregate_area(code) == (kind == "aggregate")


def test_split_aggregates_keeps_every_row() -> None:
    frame = pd.DataFrame({"ref_area": ["SRB", "TMEE_EECA", "XKX-Prishtina", "UNICEF_ECA"]})
    countries, aggregates = split_aggregates(frame)
    assert countries["ref_area"].tolist() == ["SRB", "XKX-Prishtina"]
    assert aggregates["ref_area"].tolist() == ["TMEE_EECA", "UNICEF_ECA"]
