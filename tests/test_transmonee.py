"""TransMonEE: the legacy workbook reader, the SDMX-CSV reader and writer, the extract."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from caretrends.errors import DataValidationError
from caretrends.paths import raw_dir
from caretrends.provenance import check_files, load_registry
from caretrends.schemas import OBSERVATION_KEY
from caretrends.sources.cli import add_extract_subcommand
from caretrends.sources.sdmx_csv import read_sdmx_csv, write_sdmx_csv
from caretrends.sources.transmonee.codes import load_legacy_mapping, transmonee_dir
from caretrends.sources.transmonee.extract import (
    EXTRACT_PATH,
    SEE_COUNTRIES,
    build_transmonee_extract,
    read_transmonee_extract,
    select_extract_rows,
)
from caretrends.sources.transmonee.workbook import LEGACY_SOURCE, read_legacy_workbook


@pytest.fixture(scope="module")
def workbook():
    return read_legacy_workbook()


def figure(observations: pd.DataFrame, table: str, area: str, year: int) -> pd.Series:
    hit = observations[
        (observations["source_table"] == table)
        & (observations["ref_area"] == area)
        & (observations["year"] == year)
    ]
    assert len(hit) == 1, f"{table} {area} {year}: {len(hit)} rows"
    return hit.iloc[0]


# --- the December 2020 workbook ------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "area", "year", "value", "indicator", "age", "unit"),
    [
        ("4.2.1", "SRB", 2018, 1266, "PT_CHLD_INRESIDENTIAL", "_T", "NUMBER"),
        ("4.2.5", "MKD", 2010, 103, "PT_CHLD_INRESIDENTIAL", "Y0T2", "NUMBER"),
        ("4.2.5", "MKD", 2018, 41, "PT_CHLD_INRESIDENTIAL", "Y0T2", "NUMBER"),
        # Population 0-17 on 1 January 2019: the denominator of Serbia's 2018 rate.
        ("1.1.4", "SRB", 2019, 1_212_779, "DM_POP_TOT", "Y0T17", "PS"),
        # Sheet 2 (births): live births; 4.1 and 4.4 sections of sheet 4.
        ("2.1.1", "MKD", 2018, 21_333, "FT_BRTS_LIVE", "_T", "NUMBER"),
        ("4.1.1", "SRB", 2018, 1723, "PT_CHLD_NO_PARENTAL_CARE", "_T", "NUMBER"),
        ("4.1.1", "MDA", 2017, 690, "PT_CHLD_NO_PARENTAL_CARE", "_T", "NUMBER"),
        ("4.2.1", "BIH", 2018, 3741, "PT_CHLD_INRESIDENTIAL", "_T", "NUMBER"),
    ],
)
def test_published_figures(workbook, table, area, year, value, indicator, age, unit) -> None:
    row = figure(workbook.observations, table, area, year)
    assert (row["value"], row["indicator"], row["age"], row["unit"]) == (
        value,
        indicator,
        age,
        unit,
    )
    assert (row["source"], row["period"], row["freq"], row["obs_status"]) == (
        LEGACY_SOURCE,
        str(year),
        "A",
        "A",
    )


def test_serbia_2018_rate_is_count_over_next_january_population(workbook) -> None:
    observations = workbook.observations
    rate = figure(observations, "4.2.2.A", "SRB", 2018)
    assert round(rate["value"], 2) == 104.39
    assert rate["unit"] == "RATE_100000"
    count = figure(observations, "4.2.1", "SRB", 2018)["value"]
    population = figure(observations, "1.1.4", "SRB", 2019)["value"]
    assert rate["value"] == pytest.approx(count / population * 100_000, rel=1e-9)


def test_footnotes_travel_with_the_country_row(workbook) -> None:
    moldova = figure(workbook.observations, "4.1.1", "MDA", 2017)
    assert "not comparable with the previous years" in moldova["note"]
    serbia = figure(workbook.observations, "4.2.1", "SRB", 2018)
    assert serbia["note"].startswith("Data refers to public residential care only")
    assert pd.isna(figure(workbook.observations, "4.1.1", "LTU", 2018)["note"])


def test_dash_is_a_missing_observation_not_a_zero(workbook) -> None:
    row = figure(workbook.observations, "4.1.1", "ALB", 2018)
    assert pd.isna(row["value"]) and row["obs_status"] == "O"


def test_regional_totals_are_kept_apart(workbook) -> None:
    assert set(workbook.aggregates["ref_area"]) == {"TMEE_CEE_CIS", "TMEE_EECA"}
    assert not workbook.observations["ref_area"].str.contains("_").any()
    total = figure(workbook.aggregates, "4.1.1", "TMEE_CEE_CIS", 2018)
    assert total["value"] == 102_384


def test_every_table_is_found_and_mapped(workbook) -> None:
    per_sheet = workbook.tables.groupby("sheet")["source_table"].nunique().to_dict()
    assert per_sheet == {"1.Population": 75, "2.Fertility": 18, "4.Child Protection": 113}
    assert workbook.tables["mapped"].all()
    assert workbook.rejects.empty


def test_definitions_and_sub_headings_are_told_apart(workbook) -> None:
    tables = workbook.tables.set_index("source_table")
    assert tables.loc["4.1.1", "general_notes"].startswith("Children without parental care:")
    assert tables.loc["4.3.3", "group"] == "Children in foster care"
    assert tables.loc["4.3.23", "group"] == "Children in guardian care"
    assert "foster" not in tables.loc["4.3.2", "general_notes"]


def test_counts_reconcile(workbook) -> None:
    kept = len(workbook.observations) + len(workbook.aggregates)
    assert workbook.cells_read == kept + workbook.cells_rejected
    assert workbook.observations["ref_area"].nunique() == 29


# --- a workbook the test builds: layout found by content, bad cells rejected -----------------


def _write_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "4.Child Protection"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


MESSY_ROWS: list[list[object]] = [
    [None, "4. CHILD PROTECTION"],
    [],
    [],  # shifted down: nothing depends on row numbers
    [None, "4.2 Children in residential care, 2017-2018"],
    [None, " 4.2.5 Children in residential care by age: 0-2 years olds (at the end of the year)"],
    [None, None, None, 2017, 2018],
    [None, "Serbia ", 1, 40, " 27 "],
    [None, "North Macedonia", None, "        -", "abc"],
    [None, "Atlantis", None, 5, 6],
    [None, "Total for CEE/CIS", None, 2216, "-"],
    [None, "A definition that applies to the whole table."],
    [1, "Partial data (see footnote for total)."],
    [None, "9.9.9 A table UNICEF's mapping does not know"],
    [None, None, None, 2018],
    [None, "Serbia", None, 1],
    [None, "4.4.3 Adopted children by age: 0-2 years old (during the year)"],
    [None, None, None, 1899],
    [None, "Croatia", None, 3],
]


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    path = _write_workbook(tmp_path_factory.mktemp("tm") / "messy.xlsx", MESSY_ROWS)
    mapping = load_legacy_mapping(transmonee_dir() / "content_legacy_codes_v3.csv")
    return read_legacy_workbook(path, mapping=mapping, sheets=["4.Child Protection"])


def test_messy_workbook_keeps_what_it_can(messy) -> None:
    serbia = messy.observations[messy.observations["ref_area"] == "SRB"]
    assert serbia["value"].tolist() == [40, 27]
    assert set(serbia["note"]) == {"Partial data (see footnote for total)."}
    macedonia = figure(messy.observations, "4.2.5", "MKD", 2017)
    assert macedonia["obs_status"] == "O"
    assert messy.aggregates["ref_area"].tolist() == ["TMEE_CEE_CIS"] * 2
    general = messy.tables.set_index("source_table").loc["4.2.5", "general_notes"]
    assert general == "A definition that applies to the whole table."


def test_messy_workbook_rejects_name_file_row_column_and_reason(messy) -> None:
    rejects = messy.rejects.set_index(["source_row", "column"])
    reasons = rejects["reason"]
    assert "not a number" in reasons[(8, "4.Child Protection!E")]
    assert "Atlantis" in reasons[(9, "4.Child Protection!D")]
    assert "not in UNICEF's mapping" in reasons[(15, "4.Child Protection!D")]
    year_reason = reasons[(18, "4.Child Protection!D (year)")]
    assert year_reason.startswith("table 4.4.3") and "in_range" in year_reason
    assert set(messy.rejects["source_file"]) == {str(Path(messy.rejects["source_file"][0]))}
    assert messy.rejects["source_file"][0].endswith("messy.xlsx")


def test_messy_workbook_counts_reconcile(messy) -> None:
    kept = len(messy.observations) + len(messy.aggregates)
    assert messy.cells_read == 2 * 4 + 1 + 1
    assert messy.cells_read == kept + messy.cells_rejected
    assert messy.cells_rejected == 5


def test_missing_sheet_raises_naming_it(tmp_path) -> None:
    path = _write_workbook(tmp_path / "one.xlsx", MESSY_ROWS)
    with pytest.raises(DataValidationError, match="1.Population"):
        read_legacy_workbook(path, mapping=load_legacy_mapping(), sheets=["1.Population"])


# --- SDMX-CSV -----------------------------------------------------------------------------

UNICEF_CSV = (
    "\ufeffREF_AREA,Geographic area,INDICATOR,Indicator,SEX,Sex,AGE,Current age,"
    "RESIDENCE,Residence,UNIT_MEASURE,Unit of measure,TIME_PERIOD,OBS_VALUE,"
    "LOWER_BOUND,UPPER_BOUND,OBS_STATUS,Observation Status,OBS_FOOTNOTE\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2018,27,,,A,Normal value,public care only\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2021-Q2,9,,,A,Normal value,\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2019,n/a,,,A,Normal value,\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,U,Urban,NUMBER,Number,"
    "2019,4,,,A,Normal value,\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2018,27,,,A,Normal value,public care only\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2017,-,,,,,\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2017,5,,,A,Normal value,\n"
    "XKX,Kosovo,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,_T,Total,NUMBER,Number,"
    "2013-Q7,5,,,A,Normal value,\n"
    "UNICEF_ECA,Europe and Central Asia,PT_CHLD_INRESIDENTIAL,In care,_T,Total,Y0T2,Under 3,"
    "_T,Total,NUMBER,Number,2018,900,,,A,Normal value,\n"
)


def test_unicef_layout_reads_and_rejects_with_reasons(tmp_path) -> None:
    path = tmp_path / "xkx.csv"
    path.write_text(UNICEF_CSV, encoding="utf-8")
    observations, rejects = read_sdmx_csv(path)
    assert observations["source"].unique().tolist() == ["xkx"]
    first = observations.iloc[0]
    assert (first["ref_area"], first["period"], first["value"], first["note"]) == (
        "XKX",
        "2018",
        27,
        "public care only",
    )
    quarter = observations[observations["period"] == "2021-Q2"].iloc[0]
    assert (quarter["freq"], quarter["year"]) == ("Q", 2021)
    by_row = rejects.groupby("source_row")["reason"].apply(" | ".join)
    assert "not a number" in by_row[4]
    assert "breakdown" in by_row[5]
    assert "exact duplicate of row 2" in by_row[6]
    assert "conflicting duplicate key" in by_row[7] and "conflicting" in by_row[8]
    assert "period" in by_row[9]
    assert set(rejects["source_file"]) == {str(path)}
    assert len(observations) + rejects["source_row"].nunique() == 9
    assert "UNICEF_ECA" in set(observations["ref_area"])


def test_plain_and_labels_both_layouts() -> None:
    plain = io.StringIO(
        "DATAFLOW,REF_AREA,INDICATOR,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\n"
        "ECARO:TRANSMONEE(1.0),SRB,PT_CHLD_INRESIDENTIAL,_T,2018,1266,NUMBER,A\n"
    )
    both = io.StringIO(
        "DATAFLOW,REF_AREA:Geographic area,INDICATOR:Indicator,UNIT_MEASURE:Unit,"
        "TIME_PERIOD:Time,OBS_VALUE:Value,OBS_FOOTNOTE:Footnote\n"
        "ECARO:TRANSMONEE(1.0),SRB: Serbia,PT_CHLD_INRESIDENTIAL: In care,NUMBER: Number,"
        "2018,1266,Note: public care\n"
    )
    first = read_sdmx_csv(plain, source="api").observations
    second = read_sdmx_csv(both, source="api").observations
    assert first.drop(columns="note").equals(second.drop(columns="note"))
    assert first.iloc[0]["source_table"] == "ECARO:TRANSMONEE(1.0)"
    assert first.iloc[0]["age"] == "_T" and first.iloc[0]["value"] == 1266
    assert second.iloc[0]["note"] == "Note: public care"


def test_notes_from_several_attribute_columns_are_joined() -> None:
    text = io.StringIO(
        "REF_AREA,INDICATOR,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_FOOTNOTE,COUNTRY_NOTES\n"
        "SRB,X,NUMBER,2017,1,break in series,\n"
        "SRB,X,NUMBER,2018,2,break in series,public care only\n"
        "SRB,X,NUMBER,2019,3,,public care only\n"
    )
    notes = read_sdmx_csv(text, source="api").observations["note"].tolist()
    assert notes == ["break in series", "break in series; public care only", "public care only"]


def test_missing_column_raises_naming_file_and_column(tmp_path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nSRB,X,2018,1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"short\.csv.*'UNIT_MEASURE': missing"):
        read_sdmx_csv(path)


def test_write_then_read_gives_the_same_observations(workbook, tmp_path) -> None:
    sample = workbook.observations[workbook.observations["source_table"] == "4.2.5"]
    path = write_sdmx_csv(sample.sample(frac=1, random_state=1), tmp_path / "a.csv")
    again = write_sdmx_csv(sample, tmp_path / "b.csv")
    assert path.read_bytes() == again.read_bytes()
    back, rejects = read_sdmx_csv(path, source=LEGACY_SOURCE)
    assert rejects.empty
    expected = sample.sort_values(OBSERVATION_KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


# --- the bundled extract ------------------------------------------------------------------


def test_bundled_extract_equals_the_workbook_rows(workbook) -> None:
    back, rejects = read_transmonee_extract()
    assert rejects.empty
    expected = select_extract_rows(workbook.observations)
    expected = expected.sort_values(OBSERVATION_KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    assert set(back["ref_area"]) == set(SEE_COUNTRIES)
    assert back["value"].notna().all()
    tables = set(back["source_table"])
    protection = workbook.tables.loc[workbook.tables["sheet"] == "4.Child Protection"]
    assert set(protection["source_table"]) <= tables  # each has figures for the region
    assert {"1.1.4", "1.1.7", "1.1.8", "2.1.1"} <= tables


def test_subcommand_is_registered() -> None:
    parser = argparse.ArgumentParser()
    add_extract_subcommand(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["extract-transmonee", "--raw-dir", "somewhere"])
    assert args.handler is not None and args.raw_dir == Path("somewhere")


def test_bundled_extract_is_rebuilt_byte_for_byte_and_registered(tmp_path) -> None:
    built = build_transmonee_extract(raw_dir=tmp_path)
    assert built.read_bytes() == (raw_dir() / EXTRACT_PATH).read_bytes()
    assert check_files(tmp_path) == []
    record = {r.path: r for r in load_registry(tmp_path)}[EXTRACT_PATH]
    assert record.kind == "observations-sdmx-csv"
    assert "UNICEF" in record.producer and "TransMonEE" in record.producer
    assert record.produced_by.startswith("caretrends extract-transmonee")
    committed = {r.path: r for r in load_registry()}[EXTRACT_PATH]
    assert committed.sha256 == record.sha256
