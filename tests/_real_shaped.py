"""A real-shaped set of case exports: what the NGO's offices would drop in, not marked
synthetic, small and a little messy (issue 26).

Not committed as files: drawn for each test from a seed, with an odd column whose header
holds a token drawn at random for each test run, so that a test can look for it in every
output. Names, personal numbers and phones are invented (see ``_cases_helpers``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests._cases_helpers import counselling_row, episode_row, write_rows

ENTRY_REASONS = ("abandoned at birth", "relinquished", "abuse", "parental illness")
PLACEMENTS = ("residential", "sos family", "kinship foster", "foster care")
EXITS = ("", "", "reunified", "adopted", "guardianship", "long-term foster", "aged out")
OUTCOMES = ("stayed with the mother or family", "placed in care", "consented to adoption")


@dataclass(frozen=True)
class RealShaped:
    """Where the exports were written and what must never reach an output."""

    private_dir: Path
    #: The odd column's header: an office's own column, named after a contact.
    odd_header: str
    #: Invented direct identifiers written into the rows.
    identifiers: list[str]


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def write_real_shaped(
    root: Path, *, children: int = 36, mothers: int = 24, seed: int = 26
) -> RealShaped:
    """Write ``data/private/cases/{episodes,counselling}/`` exports under ``root``.

    Parameters
    ----------
    root : Path
        The project root of the test (``$CARETRENDS_ROOT``).
    children : int
        Children in the episodes export (one episode each, most entering 2016-2023).
    mothers : int
        Mothers counselled, over two months of 2024; 0 writes no counselling export.
    seed : int
        The draw of the records (the odd header's token is drawn anew each time).
    """
    rng = np.random.default_rng(seed)
    token = secrets.token_hex(6)
    odd_header = f"Kontakt {token} {rng.integers(10**7, 10**8)}"
    private = root / "data" / "private"
    identifiers = [token]
    rows = []
    for number in range(children):
        birth = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 7 * 365)))
        start = birth + dt.timedelta(days=int(rng.integers(0, 400)))
        exit_reason = str(rng.choice(EXITS))
        end = start + dt.timedelta(days=int(rng.integers(60, 1500)))
        personal = str(rng.integers(10**12, 10**13))
        identifiers.append(personal)
        rows.append(
            episode_row(
                **{
                    "Child ID": f"PR-{number:04d}",
                    "Personal number": personal,
                    "Date of birth": _date(birth),
                    "Episode start": _date(start),
                    "Episode end": _date(end) if exit_reason and end < dt.date(2025, 6, 1) else "",
                    "Exit reason": exit_reason if end < dt.date(2025, 6, 1) else "",
                    "Entry reason": str(rng.choice(ENTRY_REASONS)),
                    "Placement type": str(rng.choice(PLACEMENTS)),
                    "Legal status": "pending",
                    "Legal status date": _date(start),
                    odd_header: f"+383 49 {rng.integers(100000, 999999)}",
                }
            )
        )
    write_rows(private / "cases" / "episodes" / "office_export.csv", rows)
    if mothers:
        visits = [
            counselling_row(
                **{
                    "Case ID": f"MAT-24-{number:03d}",
                    "Counselling date": _date(dt.date(2024, 3 + number % 2, 1 + number % 28)),
                    "Follow-up date": _date(dt.date(2024, 6, 1)),
                    "Outcome": str(rng.choice(OUTCOMES, p=[0.7, 0.2, 0.1])),
                }
            )
            for number in range(mothers)
        ]
        write_rows(private / "cases" / "counselling" / "maternity_export.csv", visits)
    identifiers += [
        episode_row()["Name"],
        episode_row()["Phone"],
        counselling_row()["Mother's name"],
    ]
    return RealShaped(private, odd_header, identifiers)
