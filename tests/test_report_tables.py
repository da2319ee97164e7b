"""Tables ready to show, and the published (suppressed) forms of the analysis tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caretrends import disclosure
from caretrends.analysis.hospital import published_hospital
from caretrends.analysis.region import published_country_rates, published_parts
from caretrends.report.tables import display_table

RAW = pd.DataFrame(
    {
        "ref_area": ["MNE", "SRB", "XKX"],
        "year": [2018, 2018, 2017],
        "care_type": ["residential", "family_based", "residential"],
        "value": [1234.5, np.nan, "c"],
        "tiny": [2.916411e-10, 0.5, 3.0],
        "unreliable": [True, False, True],
    },
    index=[394, 444, 395],
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            {
                "Country": ["Montenegro", "Serbia", "Kosovo"],
                "Year": ["2018", "2018", "2017"],
                "Type of care": ["Residential care", "Family-based care", "Residential care"],
                "Value": ["1,234.50", "–", "c"],
                "tiny": ["0.00", "0.50", "3"],
                "Unreliable (under 20 events)": ["Yes", "No", "Yes"],
            },
        ),
        (
            "sq",
            {
                "Vendi": ["Mali i Zi", "Serbia", "Kosova"],
                "Viti": ["2018", "2018", "2017"],
                "Lloji i kujdesit": [
                    "Strehimi rezidencial",
                    "Kujdesi në familje",
                    "Strehimi rezidencial",
                ],
                "Vlera": ["1\xa0234,50", "–", "c"],
                "tiny": ["0,00", "0,50", "3"],
                "Jo i besueshëm (nën 20 raste)": ["Po", "Jo", "Po"],
            },
        ),
        (
            "sr",
            {
                "Zemlja": ["Crna Gora", "Srbija", "Kosovo"],
                "Godina": ["2018", "2018", "2017"],
                "Vrsta staranja": [
                    "Rezidencijalni smeštaj",
                    "Porodični smeštaj",
                    "Rezidencijalni smeštaj",
                ],
                "Vrednost": ["1.234,50", "–", "c"],
                "tiny": ["0,00", "0,50", "3"],
                "Nepouzdano (ispod 20 slučajeva)": ["Da", "Ne", "Da"],
            },
        ),
    ],
)
def test_tables_are_shown_as_published_in_each_language(lang: str, expected: dict) -> None:
    shown = display_table(RAW, lang).data
    assert shown.to_dict("list") == expected
    assert list(shown.index) == [0, 1, 2]
    text = shown.to_string()
    for leak in ("NaN", "nan", "True", "False", "e-10", "MNE"):
        assert leak not in text


def test_producer_codes_read_as_the_acronyms_of_the_readers_language() -> None:
    table = pd.DataFrame({"source": ["KAS", "MPMS"], "births_source": ["KAS", "KAS"]})
    shown = display_table(table, "sr").data
    assert shown.iloc[:, 0].tolist() == ["ASK", "MRSZ"] and shown.iloc[:, 1].tolist() == ["ASK"] * 2


def test_headers_with_units_given_by_the_caller_and_percentages() -> None:
    table = pd.DataFrame({"share": [0.125, np.nan]})
    shown = display_table(table, "sq", columns={"share": "Përqindja (%)"}, percent=["share"]).data
    assert shown.to_dict("list") == {"Përqindja (%)": ["12,5%", "–"]}


def test_display_table_has_no_row_index() -> None:

    page = display_table(RAW, "en").to_html()
    assert "394" not in page and "Montenegro" in page


def test_hospital_table_hides_what_the_chart_hides() -> None:
    hospital = pd.DataFrame(
        {
            "year": [2022, 2023],
            "left": [40.0, 25.0],
            "reunited": [33.0, 22.0],
            "placed": [7.0, 3.0],
            "share_reunited": [0.825, 0.88],
            "conf_low": [0.68, 0.70],
            "conf_high": [0.91, 0.96],
            "adds_up": [True, True],
        }
    )
    shown = published_hospital(hospital)
    assert shown.loc[1, ["reunited", "placed", "share_reunited", "conf_low"]].tolist() == ["c"] * 4
    assert shown.loc[1, "left"] == 25 and shown.loc[0, "reunited"] == 33
    assert "adds_up" not in shown
    assert not disclosure.exposed_counts(shown, ["left", "reunited", "placed"])
    assert disclosure.exposed_counts(hospital, ["placed"]) == ["row 1: column 'placed': value 3.0"]


def test_a_rate_on_a_small_count_is_withheld() -> None:
    rates = pd.DataFrame(
        {
            "ref_area": ["ROU", "MNE"],
            "year": [2018, 2018],
            "value": [67.0, 4.48],
            "numerator": [405, 1],
        }
    )
    shown = published_country_rates(rates)
    assert shown.loc[1, ["value", "numerator", "value_flag"]].tolist() == ["c", "c", "c"]
    assert shown.loc[0, "value"] == 67.0


def test_composition_and_exits_protect_the_yearly_totals() -> None:
    composition = pd.DataFrame(
        {
            "ref_area": "MNE",
            "year": [2018, 2018, 2018],
            "care_type": ["residential", "family_based", "kinship"],
            "value": [3, 40, 12],
            "share": [3 / 55, 40 / 55, 12 / 55],
        }
    )
    shown = published_parts(composition, "care_type")
    assert (shown["value"] == "c").sum() == 2 and (shown["share"] == "c").sum() == 2
    exits = composition.rename(columns={"care_type": "destination"})
    assert (published_parts(exits, "destination")["value"] == "c").sum() == 2
