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
from caretrends.cases.parse import Field
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

#: The columns of an episodes export: canonical name, how its cells are read, required.
EPISODE_FIELDS: tuple[Field, ...] = (
    Field("child_id", "id", True),
    Field("sex", "category", True),
    Field("birth_date", "birth_date", True),
    Field("episode_start", "date", True),
    Field("episode_end", "date", False),
    Field("entry_reason", "category", True),
    Field("placement_type", "category", True),
    Field("exit_reason", "category", False),
    Field("legal_status", "category", False),
    Field("legal_status_date", "date", False),
)

#: The columns of a counselling export.
COUNSELLING_FIELDS: tuple[Field, ...] = (
    Field("case_id", "id", True),
    Field("counselling_date", "date", True),
    Field("mother_age_band", "age_band", False),
    Field("risk_factors", "categories", False),
    Field("outcome", "category", True),
    Field("follow_up_date", "date", False),
)


def _record_name(field: Field) -> str:
    """Return the column a field becomes in a record: a birth date is kept to the month."""
    return "birth_month" if field.parse == "birth_date" else field.name


def _record_column(field: Field) -> pa.Column:
    """The record's column of a field: a pseudonym, a catalog code, codes or a date."""
    nullable = not field.required
    if field.parse == "id":
        return _pseudonym()
    if field.parse in {"category", "age_band"}:
        return _code(field.name, nullable=nullable)
    if field.parse == "categories":
        # canonical codes, sorted and joined by ";" (NA when none recorded)
        return pa.Column("str", nullable=nullable)
    return _date(nullable=nullable)


def _record_schema(fields: tuple[Field, ...], *, key: list[str], name: str) -> pa.DataFrameSchema:
    """The schema of a cleaned row of ``fields``, one record per ``key``."""
    columns = {_record_name(field): _record_column(field) for field in fields}
    return pa.DataFrameSchema(
        {**columns, "synthetic": pa.Column("bool")},
        strict=True,
        ordered=True,
        unique=key,
        report_duplicates="all",
        name=name,
    )


EPISODE_RECORD = _record_schema(EPISODE_FIELDS, key=["child_id", "episode_start"], name="episodes")
EPISODES = EPISODE_RECORD.add_columns(_PROVENANCE)

COUNSELLING_RECORD = _record_schema(
    COUNSELLING_FIELDS, key=["case_id", "counselling_date"], name="counselling"
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
