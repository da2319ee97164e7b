"""Key numbers: formatted for the language, small counts hidden, written as CSV and XLSX."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from caretrends.errors import DataValidationError
from caretrends.figures import key_numbers, key_numbers_table
from caretrends.labels import label

ROWS = pd.DataFrame(
    {
        "measure": [
            "Abandoned children",
            "Abandoned per 1,000 live births",
            "Babies left, Gjakova",
        ],
        "period": ["2024", "2024", "2024"],
        "value": [31, 1.43, 3],
        "unit": ["count", "rate", "count"],
        "numerator": [None, 31, None],
        "previous_period": ["2023", "2023", "2023"],
        "previous_value": [25, 1.12, 6],
        "estimate": [-5.2, None, None],
        "conf_low": [-9.1, None, None],
        "conf_high": [-1.1, None, None],
        "estimate_unit": ["percent", None, None],
        "estimate_label": ["APC", None, None],
        "source": ["KAS", "KAS; KAS births", "UCCK"],
    }
)


def test_key_numbers_are_formatted_for_serbian() -> None:
    table = key_numbers_table(ROWS, lang="sr")
    value, change, estimate = (label(f"key.{k}", "sr") for k in ("value", "change", "estimate"))
    assert table[value].tolist() == ["31", "1,4", "c"]
    assert table.loc[0, change] == "+6 (+24,0%) u odnosu na 2023"
    assert table.loc[0, estimate] == "APC: pad od 5,2% (IP 95% 1,1% do 9,1%)"
    assert table.loc[2, change] == "c"  # a change would reveal the hidden count


def test_key_numbers_written_as_csv_and_xlsx_in_albanian(tmp_path) -> None:
    written = key_numbers(ROWS, lang="sq", directory=tmp_path, run_id="run-7")
    csv = pd.read_csv(written["csv"], dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(csv.columns)[0] == label("key.measure", "sq")
    assert csv[label("key.value", "sq")].tolist() == ["31", "1,4", "c"]
    workbook = load_workbook(written["xlsx"])
    sheet = workbook[label("key.sheet", "sq")]
    assert sheet["C4"].value == "c"
    # Numbers are stored as numbers, shown with the CSV's decimals.
    assert (sheet["C2"].value, sheet["C2"].number_format) == (31, "#,##0")
    assert (sheet["C3"].value, sheet["C3"].number_format) == (
        pytest.approx(1.4, abs=0.05),
        "#,##0.0",
    )
    assert sheet["A1"].font.bold
    assert "run-7" in workbook.properties.keywords


def test_unknown_unit_is_named() -> None:
    with pytest.raises(DataValidationError, match="'unit': value 'per cent'"):
        key_numbers_table(ROWS.assign(unit="per cent"), lang="en")


def test_a_change_of_a_small_count_gives_the_earlier_count_not_a_percent() -> None:
    # 9 -> 23 is "+155.6%" as a percent change: on fewer than 20 events it is noise.
    rows = ROWS.iloc[[0]].assign(value=23, previous_value=9)
    cell = key_numbers_table(rows, lang="en").loc[0, label("key.change", "en")]
    assert cell == "9 in 2023: too few for a percent change (under 20)"
    assert "%" not in cell


def test_an_interval_that_includes_no_change_gets_no_direction() -> None:
    rows = ROWS.iloc[[0]].assign(estimate=-10.4, conf_low=-21.6, conf_high=2.3)
    cell = key_numbers_table(rows, lang="en").loc[0, label("key.estimate", "en")]
    assert cell == "APC: no clear change (\u221210.4%; 95% CI \u221221.6% to +2.3%)"


def test_a_share_of_fewer_than_20_events_is_flagged_with_its_note() -> None:
    rows = pd.DataFrame(
        {
            "measure": ["Share reunited", "Share reunited"],
            "period": ["2022", "2025"],
            "value": [0.825, 0.613],
            "unit": ["percent", "percent"],
            "numerator": [33, 19],
            "source": ["UCCK", "UCCK"],
        }
    )
    table = key_numbers_table(rows, lang="en")
    assert table[label("key.value", "en")].tolist() == ["82%", "61% u"]
    notes = table[label("key.note", "en")].tolist()
    assert notes == ["", "u: based on fewer than 20 events, unreliable."]
