"""Tiny case-record exports for the case tests, written in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: A secret salt for tests that read "real" (unmarked) records.
TEST_SALT = "test-salt-not-for-real-records-0123456789"


def episode_row(**overrides: object) -> dict[str, object]:
    """One valid episode as an English office exports it, with overrides."""
    row = {
        "Child ID": "KS-2010-00017",
        "Name": "Drita Krasniqi",
        "Sex": "F",
        "Date of birth": "15.03.2010",
        "Episode start": "15.03.2010",
        "Episode end": "20.06.2010",
        "Entry reason": "abandoned at birth",
        "Placement type": "residential",
        "Exit reason": "adopted",
        "Legal status": "free for adoption",
        "Legal status date": "01.05.2010",
        "Personal number": "1234567890",
        "Address": "Rr. Nënë Tereza 12, Prishtinë",
        "Phone": "+383 44 123 456",
        "Notes": "Mother left the ward; contact with aunt Vjosa",
    }
    row.update(overrides)
    return row


def counselling_row(**overrides: object) -> dict[str, object]:
    """One valid counselling record as an English office exports it, with overrides."""
    row = {
        "Case ID": "MAT-2019-001",
        "Mother's name": "Besa Gashi",
        "Counselling date": "04.03.2019",
        "Mother age": "19",
        "Risk factors": "single mother; poverty",
        "Outcome": "stayed with the mother or family",
        "Follow-up date": "04.05.2019",
    }
    row.update(overrides)
    return row


def write_rows(
    path: Path, rows: list[dict[str, object]], *, encoding: str = "utf-8", sep: str = ";"
) -> Path:
    """Write rows as an office CSV export (all cells text, Windows line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows).astype(object)
    frame.to_csv(path, index=False, sep=sep, encoding=encoding, lineterminator="\r\n")
    return path
