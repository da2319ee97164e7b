"""Missing-value markers: numbers kept exactly, markers to NaN with a status, junk flagged."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretrends.sources.cells import MISSING_MARKERS, OBS_STATUS_LABELS, missing_to_nan

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
padding = st.text(alphabet=" \u00a0\t", max_size=3)


@settings(max_examples=60)
@given(finite, padding, padding)
def test_numbers_written_as_text_keep_their_exact_value(number, before, after) -> None:
    cleaned = missing_to_nan([f"{before}{number!r}{after}", number])
    assert cleaned["value"].tolist() == [number, number]
    assert cleaned["obs_status"].tolist() == ["A", "A"]


@settings(max_examples=60)
@given(st.sampled_from(sorted(MISSING_MARKERS)), padding, padding, st.booleans(), st.booleans())
def test_markers_become_nan_with_their_status(marker, before, after, upper, bracket) -> None:
    text = marker.upper() if upper else marker
    text = f"[{text}]" if bracket and text else text
    cleaned = missing_to_nan([f"{before}{text}{after}"])
    assert math.isnan(cleaned["value"].iloc[0])
    assert cleaned["obs_status"].iloc[0] == MISSING_MARKERS[marker]


@settings(max_examples=60)
@given(st.text(alphabet="abdefghijklmnopqrstuvwy!?%/", min_size=2, max_size=8))
def test_text_that_is_neither_is_flagged_not_guessed(text) -> None:
    cleaned = missing_to_nan([text])
    assert math.isnan(cleaned["value"].iloc[0])
    assert cleaned["obs_status"].isna().iloc[0]


@pytest.mark.parametrize(
    ("cell", "status"),
    [(None, "O"), (float("nan"), "O"), ("        -", "O"), ("…", "O"), ("c", "Q"), ("z", "M")],
)
def test_messy_workbook_and_dfe_cells(cell, status) -> None:
    assert missing_to_nan([cell])["obs_status"].tolist() == [status]


@pytest.mark.parametrize("text", ["1,266", "12 345", "inf", "nan", "1.2.3", "--"])
def test_ambiguous_numbers_are_not_read(text) -> None:
    assert missing_to_nan([text])["obs_status"].isna().all()


def test_every_status_used_has_a_label() -> None:
    assert set(MISSING_MARKERS.values()) | {"A"} <= set(OBS_STATUS_LABELS)


def test_order_and_length_are_kept() -> None:
    cleaned = missing_to_nan(["5", "-", "x", 7, None])
    assert cleaned["obs_status"].tolist() == ["A", "O", "O", "A", "O"]
    assert cleaned["value"].iloc[[0, 3]].tolist() == [5.0, 7.0]
