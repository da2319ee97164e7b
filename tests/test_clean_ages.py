"""Age labels to SDMX age codes (CL_TMEE_AGE style)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretrends.schemas import AGE_CODE_PATTERN
from caretrends.sources.cells import age_label_to_code
from caretrends.sources.transmonee.codes import transmonee_dir


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("0-2 years olds", "Y0T2"),
        ("0-3", "Y0T3"),
        ("0-17", "Y0T17"),
        ("0–17 years", "Y0T17"),
        ("3 to 6 years old", "Y3T6"),
        ("Under 1 year old", "Y0"),
        ("Under 18 years old", "Y0T17"),
        ("18 years and older", "Y_GE18"),
        ("18 years old and elder", "Y_GE18"),
        ("65 and over", "Y_GE65"),
        ("18+", "Y_GE18"),
        ("2 years old", "Y02"),
        ("0-11 months", "M0T11"),
        ("Under 6 months", "M0T5"),
        ("Total", "_T"),
        ("0-2 vjeç", "Y0T2"),
        ("0 do 2 godine", "Y0T2"),
        ("nën 3 vjeç", "Y0T2"),
        ("SCHOOL_AGE", "SCHOOL_AGE"),
    ],
)
def test_published_labels(label, code) -> None:
    assert age_label_to_code(label) == code


@settings(max_examples=60)
@given(st.integers(0, 98), st.integers(1, 30), st.sampled_from(["-", " - ", "–", " to "]))
def test_ranges(start, length, dash) -> None:
    end = start + length
    assert age_label_to_code(f"{start}{dash}{end} years") == f"Y{start}T{end}"


@settings(max_examples=40)
@given(st.integers(1, 99), st.sampled_from(["and over", "years and older", "+", "or older"]))
def test_open_ended(age, words) -> None:
    assert age_label_to_code(f"{age} {words}") == f"Y_GE{age}"


@settings(max_examples=40)
@given(st.integers(2, 99))
def test_under_n_is_zero_to_n_minus_one(limit) -> None:
    assert age_label_to_code(f"under {limit}") == f"Y0T{limit - 1}"


def test_every_code_of_the_transmonee_age_list_is_kept() -> None:
    codes = pd.read_csv(transmonee_dir() / "CL_TMEE_AGE.csv")["code"]
    assert [age_label_to_code(c) for c in codes] == codes.tolist()
    assert all(re.match(AGE_CODE_PATTERN, c) for c in codes)


@pytest.mark.parametrize("label", ["adults", "5-3", "under 0", "about ten", ""])
def test_unreadable_labels_raise_with_the_text(label) -> None:
    with pytest.raises(ValueError, match="age"):
        age_label_to_code(label)
