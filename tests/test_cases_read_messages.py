"""A case export that cannot be read is refused by what is wrong with it, where: an
encoding by byte, an oversized cell by line and column, never a cell's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from caretrends.cases.clean import clean_case_file
from caretrends.cases.read import RECORD_BYTES_ENV
from caretrends.errors import DataValidationError
from tests._cases_helpers import TEST_SALT, episode_row, write_rows


def _refusal(path: Path) -> str:
    with pytest.raises(DataValidationError) as refused:
        clean_case_file(path, salt=TEST_SALT)
    return str(refused.value)


def test_a_byte_order_mark_before_windows_1250_bytes_is_an_encoding_error(tmp_path: Path) -> None:
    text = write_rows(tmp_path / "utf8.csv", [episode_row(Name="Đorđe Čačić")]).read_text()
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"\xef\xbb\xbf" + text.encode("cp1250"))
    first_bad = 3 + text.encode("cp1250").index("Đ".encode("cp1250"))
    assert _refusal(mixed) == (
        f"mixed.csv: byte {first_bad} is not UTF-8, though the file starts with a UTF-8 "
        "byte-order mark (saved partly in another encoding? save it again as UTF-8)"
    )


def test_a_cell_past_the_record_limit_is_named_by_line_and_column(tmp_path: Path) -> None:
    notes = "Kontakt;\n" + "x" * 2 * 1024 * 1024  # a pasted document, quoted: over 1 MiB
    path = write_rows(tmp_path / "big.csv", [episode_row(), episode_row(Notes=notes)])
    refusal = _refusal(path)
    assert "Kontakt" not in refusal and refusal == (
        f"big.csv: line 3, column 15: a cell of {len(notes)} bytes, over the limit of 1048576 "
        f"bytes a record may hold (set {RECORD_BYTES_ENV} to raise it)"
    )


def test_the_record_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_rows(tmp_path / "notes.csv", [episode_row(Notes="n" * 5000)])
    monkeypatch.setenv(RECORD_BYTES_ENV, "1024")
    assert "line 2, column 15: a cell of 5000 bytes, over the limit of 1024" in _refusal(path)
    monkeypatch.setenv(RECORD_BYTES_ENV, "16384")
    assert len(clean_case_file(path, salt=TEST_SALT).data) == 1
