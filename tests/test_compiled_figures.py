"""The compiled published-figures reader, on tiny files and on the bundled Kosovo file."""

from __future__ import annotations

import pandas as pd
import pytest

from caretrends import paths
from caretrends.errors import DataValidationError
from caretrends.schemas import OBSERVATION_COLUMNS
from caretrends.sources.compiled import read_compiled_figures
from tests.conftest import figure_row, write_figures


def test_valid_rows_become_observations_with_citation_in_note(tmp_path) -> None:
    path = write_figures(tmp_path / "f.csv", [figure_row(period="2021-Q2", value="4")])
    observations, rejects = read_compiled_figures(path)
    assert rejects.empty
    row = observations.iloc[0]
    assert list(observations.columns) == OBSERVATION_COLUMNS
    assert (row["source"], row["period"], row["freq"], row["year"]) == ("KAS", "2021-Q2", "Q", 2021)
    assert row["value"] == 4.0
    assert "page: https://example.org/kas" in row["note"]


def test_each_bad_row_is_rejected_with_file_row_column_and_reason(tmp_path) -> None:
    rows = [
        figure_row(),
        figure_row(period="undated", value="5"),
        figure_row(period="2020", value="many"),
        figure_row(period="2021", sex="X"),
        figure_row(),  # exact duplicate of the first row
    ]
    path = write_figures(tmp_path / "f.csv", rows)
    observations, rejects = read_compiled_figures(path)
    assert len(observations) == 1
    by_row = rejects.set_index("source_row")
    assert by_row.loc[3, "column"] == "period"
    assert by_row.loc[4, ["column", "reason"]].tolist() == ["value", "not a number"]
    assert by_row.loc[5, "column"] == "sex"
    assert by_row.loc[6, "reason"] == "exact duplicate of row 2"
    assert set(rejects["source_file"]) == {str(path)}
    assert len(observations) + rejects["source_row"].nunique() == len(rows)


def test_missing_column_raises_naming_file_and_column(tmp_path) -> None:
    path = write_figures(tmp_path / "f.csv", [figure_row()])
    pd.read_csv(path).drop(columns="unit").to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"f\.csv.*'unit': missing"):
        read_compiled_figures(path)


def test_bundled_kosovo_file_carries_the_published_series() -> None:
    observations, rejects = read_compiled_figures(paths.raw_dir() / "kosovo/kosovo_figures.csv")
    abandoned = observations[
        (observations["indicator"] == "PT_CHLD_NO_PARENTAL_CARE_ABANDON")
        & (observations["freq"] == "A")
        & (observations["sex"] == "_T")
        & (observations["ref_area"] == "XKX")
    ]
    statement = abandoned["source_table"].str.startswith("Ministry of Labour and Social Welfare st")
    ministry = abandoned[statement].set_index("year")["value"]
    assert ministry.loc[2008:2013].tolist() == [61, 66, 52, 51, 54, 52]
    # The ministry's figures for 2014-2018 (one KosovaPress release of November 2019).
    release = abandoned[abandoned["note"].str.contains("via: KosovaPress", regex=False)]
    assert release.set_index("year")["value"].to_dict() == {
        2014: 41,
        2015: 43,
        2016: 36,
        2017: 34,
        2018: 28,
    }
    assert (release["source"] == "MPMS").all()
    kas = abandoned[abandoned["source"] == "KAS"].set_index("year")["value"]
    assert kas.loc[2019:2024].to_dict() == {
        2019: 47,
        2020: 28,
        2021: 15,
        2022: 22,
        2023: 9,
        2024: 23,
    }
    assert abandoned["source_table"].str.len().gt(0).all()
    # Two periods too vague to place ('c.2021/2022', 'by 2011') are rejected, not dropped.
    assert sorted(rejects["value"]) == ["by 2011", "c.2021/2022"]


def test_definition_and_via_are_carried_in_the_note(tmp_path) -> None:
    from caretrends.sources.compiled import note_fields

    row = figure_row() | {"definition": "police cases", "via": "Kallxo"}
    path = tmp_path / "f.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    observations, rejects = read_compiled_figures(path)
    assert rejects.empty
    fields = note_fields(observations.iloc[0]["note"])
    assert (fields["definition"], fields["via"]) == ("police cases", "Kallxo")
    assert fields["page"] == "https://example.org/kas"
