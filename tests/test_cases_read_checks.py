"""Whole-file checks and reject values, done without copying the file (issue 18): the
same answers as the plain definitions, on any bytes and any cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from caretrends.cases.parse import WITHHELD, shown_values
from caretrends.cases.read import check_text_bytes
from caretrends.errors import DataValidationError

#: Bytes that matter to the checks: whitespace of every kind, both line ends, NUL, text.
ALPHABET = b" \t\n\r\x0b\x0c\x00a;1"
EXPORT_BYTES = st.binary(max_size=40).map(
    lambda raw: bytes(ALPHABET[byte % len(ALPHABET)] for byte in raw)
)


def _problem_by_definition(data: bytes) -> str | None:
    """What the check refuses, written as plainly as possible (copies and all)."""
    if not data.strip():
        return "the file is empty"
    if b"\x00" in data:
        return "NUL bytes"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "a workbook"
    if len(data.strip().splitlines()) < 2:
        return "a header but no records"
    return None


def _problem(data: bytes) -> str | None:
    try:
        check_text_bytes(data, source_file="x.csv")
    except DataValidationError as error:
        return str(error).removeprefix("x.csv: ")
    return None


@given(EXPORT_BYTES)
def test_the_checks_answer_as_their_plain_definitions(data: bytes) -> None:
    expected, found = _problem_by_definition(data), _problem(data)
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.startswith(expected), (data, found)


def test_a_header_with_trailing_blank_lines_has_no_records() -> None:
    assert _problem(b"a;b\r\n \r\n\t\n") == "a header but no records"
    assert _problem(b"\n\na;b\r1;2") is None
    assert _problem(b" \x0b\x0c ") == "the file is empty"


@given(
    st.lists(
        st.tuples(st.sampled_from([None, "2010-03-04"]), st.sampled_from([None, "4.3.10", "x y"])),
        max_size=12,
    )
)
def test_unparsed_cells_show_their_shape_or_are_withheld(cells) -> None:
    values = pd.Series(pd.to_datetime([value for value, _ in cells]), dtype="datetime64[ns]")
    text = pd.Series([t for _, t in cells], dtype=object)
    shown = shown_values(values, "episode_start", text)
    for (value, typed), cell in zip(cells, shown, strict=True):
        if value is not None:
            assert cell == value
        elif typed is None:
            assert cell == ""
        else:
            assert cell == ("d.d.dd" if typed == "4.3.10" else WITHHELD)
    codes = shown_values(pd.Series([pd.NA, "F"], dtype=object), "sex", pd.Series(["Drita", "f"]))
    assert np.array_equal(codes, np.array([WITHHELD, "F"]))
