"""Pandera schemas of the case-level tables: episodes, counselling and the children view.

Category codes come from the value catalog (``catalogs/values.yaml``), so a code added
there is accepted here too. ``*_RECORD`` schemas describe a cleaned row without its
provenance; they are what :func:`caretrends.schemas.validate_table` checks (rows that are
the same record must compare equal whatever row of the file they came from). The
published tables add ``source_file`` and ``source_row``.
"""

from __future__ import annotations

import pandera.pandas as pa

from caretrends.cases.catalog import value_codes
from caretrends.cases.pseudonymise import PSEUDONYM_LENGTH

#: Exits that give a child a permanent family (the events of time-to-permanency).
PERMANENCY_EXITS: list[str] = ["reunified", "adopted", "guardianship", "long_term_foster"]

#: Exit types of the children view: the permanent exits, a competing ``other_exit``
#: (died, other), and ``censored`` (still in care, aged out, or transferred out of view).
EXIT_TYPES: list[str] = [*PERMANENCY_EXITS, "other_exit", "censored"]


def _pseudonym() -> pa.Column:
    length = pa.Check.str_length(PSEUDONYM_LENGTH, PSEUDONYM_LENGTH)
    return pa.Column("str", checks=length, nullable=False)


def _code(column: str, *, nullable: bool = False) -> pa.Column:
    return pa.Column("str", checks=pa.Check.isin(value_codes(column)), nullable=nullable)


def _date(*, nullable: bool = False) -> pa.Column:
    return pa.Column("datetime64[ns]", nullable=nullable)


_PROVENANCE = {
    "source_file": pa.Column("str", nullable=False),
    "source_row": pa.Column("int64", checks=pa.Check.ge(1), nullable=False),
}

EPISODE_RECORD = pa.DataFrameSchema(
    {
        "child_id": _pseudonym(),
        "sex": _code("sex"),
        "birth_month": _date(),
        "episode_start": _date(),
        "episode_end": _date(nullable=True),
        "entry_reason": _code("entry_reason"),
        "placement_type": _code("placement_type"),
        "exit_reason": _code("exit_reason", nullable=True),
        "legal_status": _code("legal_status", nullable=True),
        "legal_status_date": _date(nullable=True),
        "synthetic": pa.Column("bool"),
    },
    strict=True,
    ordered=True,
    unique=["child_id", "episode_start"],
    report_duplicates="all",
    name="episodes",
)

EPISODES = EPISODE_RECORD.add_columns(_PROVENANCE)

COUNSELLING_RECORD = pa.DataFrameSchema(
    {
        "case_id": _pseudonym(),
        "counselling_date": _date(),
        "mother_age_band": _code("mother_age_band", nullable=True),
        # canonical risk-factor codes, sorted and joined by ";" (NA when none recorded)
        "risk_factors": pa.Column("str", nullable=True),
        "outcome": _code("outcome"),
        "follow_up_date": _date(nullable=True),
        "synthetic": pa.Column("bool"),
    },
    strict=True,
    ordered=True,
    unique=["case_id", "counselling_date"],
    report_duplicates="all",
    name="counselling",
)

COUNSELLING = COUNSELLING_RECORD.add_columns(_PROVENANCE)

CHILDREN = pa.DataFrameSchema(
    {
        "child_id": _pseudonym(),
        "sex": _code("sex"),
        "birth_month": _date(),
        "first_entry": _date(),
        "entry_year": pa.Column("int64"),
        "age_at_entry_months": pa.Column("int64", checks=pa.Check.ge(0)),
        "entry_reason": _code("entry_reason"),
        "first_placement": _code("placement_type"),
        "n_episodes": pa.Column("int64", checks=pa.Check.ge(1)),
        "exit_type": pa.Column("str", checks=pa.Check.isin(EXIT_TYPES)),
        "exit_date": _date(nullable=True),
        "event": pa.Column("bool"),
        "exited": pa.Column("bool"),
        "duration_months": pa.Column("float64", checks=pa.Check.ge(0)),
        "legal_status": _code("legal_status", nullable=True),
        "legal_resolved": pa.Column("bool"),
        "legal_months": pa.Column("float64", checks=pa.Check.ge(0)),
        "synthetic": pa.Column("bool"),
    },
    strict=True,
    ordered=True,
    unique=["child_id"],
    name="children",
)
