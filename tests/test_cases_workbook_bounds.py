"""Workbooks are read in bounds: a zip bomb or an oversized sheet is refused in one line,
quickly, and a normal workbook reads exactly as ``pd.read_excel`` reads it."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from caretrends import paths
from caretrends.cases import read
from caretrends.cases.read import open_export
from caretrends.errors import DataValidationError


def _write_book(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _bomb(path: Path, unpacked_bytes: int) -> Path:
    """A small workbook whose sheet XML unpacks to ``unpacked_bytes`` of empty rows."""
    plain = _write_book(path.with_name("plain.xlsx"), [["ID deteta", "Gjinia"], ["KS-1", "F"]])
    empty_row = b"<row/>"
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    tail = b"</sheetData></worksheet>"
    body = empty_row * ((unpacked_bytes - len(head) - len(tail)) // len(empty_row))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as bomb:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = head + body + tail
            bomb.writestr(member.filename, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def _refusal(path: Path) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(DataValidationError) as caught:
        open_export(path, source_file=path.name).read(["ID deteta"])
    return str(caught.value), time.perf_counter() - started


def test_a_workbook_unpacking_past_the_limit_is_refused_at_once(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 300 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    message, seconds = _refusal(bomb)
    assert seconds < 5
    assert "\n" not in message
    assert message.startswith("bomb.xlsx: unpacks to ")
    assert f"limit of {read.WORKBOOK_MAX_BYTES}" in message


def test_the_byte_limit_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _write_book(tmp_path / "small.xlsx", [["ID deteta"], ["KS-1"]])
    monkeypatch.setenv(read.WORKBOOK_BYTES_ENV, "1000")
    message, _ = _refusal(book)
    assert "limit of 1000 " in message
    assert read.WORKBOOK_BYTES_ENV in message
    monkeypatch.setenv(read.WORKBOOK_BYTES_ENV, "lots")
    message, _ = _refusal(book)
    assert message == f"{read.WORKBOOK_BYTES_ENV}=lots: not a positive whole number"


def test_a_sheet_past_the_cell_limit_is_refused_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["ID deteta", "Gjinia"], *([f"KS-{i}", "F"] for i in range(60))]
    book = _write_book(tmp_path / "long.xlsx", rows)
    monkeypatch.setenv(read.WORKBOOK_CELLS_ENV, "100")
    export = open_export(book, source_file="long.xlsx")  # the header alone is within bounds
    assert export.header == ["ID deteta", "Gjinia"]
    with pytest.raises(DataValidationError) as caught:
        export.read(["ID deteta"])
    assert str(caught.value) == (
        "long.xlsx: more than 50 records of 2 columns, over the limit of 100 cells "
        f"(set {read.WORKBOOK_CELLS_ENV} to raise it)"
    )


def test_the_header_is_read_without_reading_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _write_book(tmp_path / "long.xlsx", [["ID deteta", "Gjinia"], ["KS-1", "F"]])
    monkeypatch.setenv(read.WORKBOOK_CELLS_ENV, "2")
    assert open_export(book, source_file="long.xlsx").header == ["ID deteta", "Gjinia"]


MIXED = [
    ["ID deteta", "Gjinia", "Data", None, "Gjinia", 7, "Shuma"],
    ["KS-1", "F", dt.datetime(2018, 1, 2), None, "x", 1.0, 2.5],
    [None, None, None, None, None, None, None],
    ["KS-2", "NA", 43102, "", True, "=1+1", "#N/A"],
    ["KS-3", None, dt.date(2019, 5, 6), None, None, None, 3],
    [None, None, None, None, None, None, None],
]


@pytest.mark.parametrize(
    "workbook",
    [
        None,
        paths.raw_dir() / "cases" / "episodes_synthetic_gjakova_sq.xlsx",
        paths.raw_dir() / "transmonee" / "source" / "TM-2020-EN-December.xlsx",
    ],
    ids=["mixed", "synthetic-cases", "transmonee"],
)
def test_a_normal_workbook_reads_as_read_excel_reads_it(
    workbook: Path | None, tmp_path: Path
) -> None:
    path = workbook or _write_book(tmp_path / "mixed.xlsx", MIXED)
    expected = pd.read_excel(path, sheet_name=0, engine="openpyxl", dtype=str)
    header = pd.read_excel(path, sheet_name=0, engine="openpyxl", nrows=0).columns
    export = open_export(path, source_file=path.name)
    pd.testing.assert_index_equal(pd.Index(export.header), header.astype(str))
    pd.testing.assert_frame_equal(read._read_records(export), expected)
