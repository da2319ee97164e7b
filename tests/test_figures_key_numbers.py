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
    assert table.loc[0, estimate] == "APC \u22125,2% (\u22129,1% do \u22121,1%)"
    assert table.loc[2, change] == "c"  # a change would reveal the hidden count


def test_key_numbers_written_as_csv_and_xlsx_in_albanian(tmp_path) -> None:
    written = key_numbers(ROWS, lang="sq", directory=tmp_path, run_id="run-7")
    csv = pd.read_csv(written["csv"], dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(csv.columns)[0] == label("key.measure", "sq")
    assert csv[label("key.value", "sq")].tolist() == ["31", "1,4", "c"]
    workbook = load_workbook(written["xlsx"])
    sheet = workbook[label("key.sheet", "sq")]
    assert sheet["C4"].value == "c"
    assert sheet["A1"].font.bold
    assert "run-7" in workbook.properties.keywords


def test_unknown_unit_is_named() -> None:
    with pytest.raises(DataValidationError, match="'unit': value 'per cent'"):
        key_numbers_table(ROWS.assign(unit="per cent"), lang="en")
