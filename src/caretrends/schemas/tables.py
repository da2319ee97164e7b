"""Pandera schemas for the tidy tables, and validation that keeps every rejected row.

The tables are the contracts between the parts of the project (``docs/data.md``):
readers produce them, models and figures consume them.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from caretrends.errors import DataValidationError

#: Columns of every rejects table: one row per rejected input row and reason.
REJECT_COLUMNS: list[str] = ["source_file", "source_row", "column", "value", "reason"]

#: Columns of the Observations table, in order.
OBSERVATION_COLUMNS: list[str] = [
    "source",
    "source_table",
    "ref_area",
    "indicator",
    "sex",
    "age",
    "unit",
    "period",
    "freq",
    "year",
    "value",
    "obs_status",
    "note",
]

#: Columns that identify one figure of one source (no two rows may share them): the
#: Observations columns up to ``period``.
OBSERVATION_KEY: list[str] = OBSERVATION_COLUMNS[: OBSERVATION_COLUMNS.index("period") + 1]

#: Age codes of TransMonEE's code list CL_TMEE_AGE that are not a number of years or months.
NAMED_AGE_CODES: tuple[str, ...] = (
    "SCHOOL_AGE",
    "OVER_AGE",
    "UNDER_AGE",
    "UNDER1_SCHOOL_ENTRY",
    "SCHOOL_ENTRY_AGE",
    "TH_ENTRY_GLAST",
)

#: SDMX age codes: total, not applicable, year ranges, open-ended, months, and the named
#: school-age codes of CL_TMEE_AGE.
AGE_CODE_PATTERN = r"^(_T|_Z|Y\d+(T\d+)?|Y_GE\d+|M\d+(T\d+)?|" + "|".join(NAMED_AGE_CODES) + r")$"

_text = {"dtype": "str", "nullable": False, "coerce": True}

#: Start of the reason of a rejected row whose figure cannot be true: such a row makes its
#: whole file unusable (see :func:`refuse_impossible`), not just the row.
IMPOSSIBLE = "impossible figure"

#: First year of each source's series (by the start of its name); others :data:`FIRST_YEAR`.
SOURCE_FIRST_YEARS: dict[str, int] = {"UNICEF TransMonEE": 1989}

#: First year of any source not in :data:`SOURCE_FIRST_YEARS`.
FIRST_YEAR = 1950

#: Units counting people or events: non-negative, and whole unless marked an estimate.
COUNT_UNITS: frozenset[str] = frozenset({"NUMBER", "PS"})

#: Units that must be whole numbers (``PS`` may be an average population).
WHOLE_UNITS: frozenset[str] = frozenset({"NUMBER"})

#: Status of an estimated figure (SDMX OBS_STATUS), which may be fractional.
ESTIMATE_STATUS = "E"


def unit_range(unit: str) -> tuple[float, float] | None:
    """Return the possible range of a rate or share unit, or None for other units.

    Examples
    --------
    >>> unit_range("RATE_100000"), unit_range("PCNT"), unit_range("NUMBER")
    ((0.0, 100000.0), (0.0, 100.0), None)
    """
    if unit in {"PCNT", "PC", "PT"}:
        return (0.0, 100.0)
    if unit.startswith("RATE_"):
        base = unit.removeprefix("RATE_").split("_", 1)[0]
        return (0.0, float(base)) if base.isdigit() else (0.0, float("inf"))
    return None


def _first_years(sources: pd.Series) -> pd.Series:
    firsts = pd.Series(FIRST_YEAR, index=sources.index)
    for prefix, year in SOURCE_FIRST_YEARS.items():
        firsts[sources.astype(str).str.startswith(prefix)] = year
    return firsts


def _year_possible(frame: pd.DataFrame) -> pd.Series:
    year = pd.to_numeric(frame["year"], errors="coerce")
    this_year = pd.Timestamp.today().year
    return year.isna() | ((year >= _first_years(frame["source"])) & (year <= this_year))


def _count_not_negative(frame: pd.DataFrame) -> pd.Series:
    return ~(frame["unit"].isin(COUNT_UNITS) & (frame["value"] < 0))


def _count_whole(frame: pd.DataFrame) -> pd.Series:
    value = frame["value"]
    fraction = (value - value.round()).abs() > 1e-6 * value.abs().clip(lower=1)
    return ~(frame["unit"].isin(WHOLE_UNITS) & (frame["obs_status"] != ESTIMATE_STATUS) & fraction)


def _rate_in_range(frame: pd.DataFrame) -> pd.Series:
    ranges = frame["unit"].map(lambda unit: unit_range(str(unit)) or (-np.inf, np.inf))
    low = ranges.map(lambda r: r[0]).astype(float)
    high = ranges.map(lambda r: r[1]).astype(float)
    value = frame["value"]
    return value.isna() | ((value >= low) & (value <= high))


#: Rules every published figure obeys; the column each is about.
DOMAIN_RULES: dict[str, tuple[str, object]] = {
    f"{IMPOSSIBLE}: year before the source's first year or after this year": (
        "year",
        _year_possible,
    ),
    f"{IMPOSSIBLE}: a count below zero": ("value", _count_not_negative),
    f"{IMPOSSIBLE}: a count that is not a whole number (and not marked an estimate)": (
        "value",
        _count_whole,
    ),
    f"{IMPOSSIBLE}: a rate or share outside its possible range": ("value", _rate_in_range),
}

OBSERVATIONS = pa.DataFrameSchema(
    {
        "source": pa.Column(**_text, checks=pa.Check.str_length(min_value=1)),
        "source_table": pa.Column(**_text),
        # ISO 3166-1 alpha-3, Kosovo XKX; regional aggregates carry a code of their own
        # with an underscore (e.g. "UNICEF_ECA"), sub-national areas "XKX-Prishtina".
        "ref_area": pa.Column(**_text, checks=pa.Check.str_matches(r"^[A-Z0-9_]{3,}(-[\w]+)?$")),
        "indicator": pa.Column(**_text, checks=pa.Check.str_length(min_value=1)),
        "sex": pa.Column(**_text, checks=pa.Check.isin(["_T", "F", "M"])),
        "age": pa.Column(**_text, checks=pa.Check.str_matches(AGE_CODE_PATTERN)),
        "unit": pa.Column(**_text, checks=pa.Check.str_length(min_value=1)),
        "period": pa.Column(**_text, checks=pa.Check.str_length(min_value=4)),
        "freq": pa.Column(**_text, checks=pa.Check.isin(["A", "S", "Q", "M", "P"])),
        "year": pa.Column("int64", coerce=True, checks=pa.Check.in_range(1950, 2100)),
        "value": pa.Column("float64", nullable=True, coerce=True),
        "obs_status": pa.Column(**_text),
        "note": pa.Column("str", nullable=True, coerce=True),
    },
    checks=[pa.Check(rule, name=name) for name, (_, rule) in DOMAIN_RULES.items()],
    strict=True,
    ordered=True,
    unique=OBSERVATION_KEY,
    report_duplicates="all",
    name="observations",
)


#: The Observations layout without :data:`DOMAIN_RULES`, for source material (a UNICEF
#: workbook) whose tables outside the extract publish growth rates and indices under
#: ``PCNT`` and averages under ``NUMBER``; the rules apply once rows are extracted.
OBSERVATION_LAYOUT = copy.deepcopy(OBSERVATIONS)
OBSERVATION_LAYOUT.checks = []


def refuse_impossible(rejects: pd.DataFrame) -> None:
    """Raise when any reject is an impossible figure: its file cannot be trusted at all.

    Raises
    ------
    DataValidationError
        One line per impossible figure, naming file, row, column, value and reason.
    """
    problems = impossible_problems(rejects)
    if problems:
        raise DataValidationError(problems)


def impossible_problems(rejects: pd.DataFrame) -> list[str]:
    """Return a line per reject whose reason is an impossible figure."""
    bad = rejects[rejects["reason"].astype(str).str.startswith(IMPOSSIBLE)]
    return [
        f"{r.source_file}: row {r.source_row}: column {r.column}: {r.reason} (value {r.value})"
        for r in bad.itertuples()
    ]


def empty_rejects() -> pd.DataFrame:
    """Return an empty rejects table with the standard columns."""
    return pd.DataFrame({column: pd.Series(dtype="object") for column in REJECT_COLUMNS})


def validate_table(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    *,
    source_file: str,
    row_numbers: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate ``frame`` and split it into valid rows and a rejects table.

    Row-level failures (a bad value, a duplicate key) reject the row with a reason;
    table-level failures (a missing or unexpected column, a wrong order) cannot be
    repaired row by row and raise.

    Parameters
    ----------
    frame : DataFrame
        The table to check.
    schema : pandera.DataFrameSchema
        The contract it must meet.
    source_file : str
        Name of the file the rows came from, quoted in rejects and errors.
    row_numbers : Series, optional
        The row number of each row in its source file (aligned with ``frame``'s index);
        defaults to the index.

    Returns
    -------
    valid : DataFrame
        The rows that passed, coerced to the schema's types.
    rejects : DataFrame
        One row per rejected row and reason, with :data:`REJECT_COLUMNS`.

    Raises
    ------
    DataValidationError
        When the table as a whole breaks the schema; the message names file, table,
        column and reason.
    """
    frame = frame.reset_index(drop=True)
    rows = (
        pd.Series(range(len(frame))) if row_numbers is None else row_numbers.reset_index(drop=True)
    )
    missing = [name for name in schema.columns if name not in frame.columns]
    if missing:
        raise DataValidationError(
            [f"{source_file}: table {schema.name}: column {name!r}: missing" for name in missing]
        )
    duplicates = _duplicate_key_rejects(frame, schema, rows, source_file)
    candidates = _without_rows(frame, duplicates.index.to_numpy()) if len(duplicates) else frame
    schema = without_unique(schema)
    try:
        # in place: ``candidates`` is this function's own frame, and pandera would
        # otherwise copy every column first
        valid = schema.validate(candidates, lazy=True, inplace=True)
        return valid.reset_index(drop=True), duplicates.reset_index(drop=True)
    except SchemaErrors as exc:
        cases = _own_column_only(exc.failure_cases)
    table_level = cases[cases["index"].isna()]
    if len(table_level):
        raise DataValidationError(
            [
                f"{source_file}: table {schema.name}: {case.check}: {case.failure_case!r}"
                for case in table_level.itertuples()
            ]
        )
    bad_index = cases["index"].astype(int).to_numpy()
    value_rejects = pd.DataFrame(
        {
            "source_file": source_file,
            "source_row": rows.iloc[bad_index].to_numpy(),
            "column": cases["column"].astype(str).to_numpy(),
            "value": cases["failure_case"].astype(str).to_numpy(),
            "reason": cases["check"].astype(str).to_numpy(),
        }
    )
    kept = candidates.drop(index=sorted(set(bad_index)))
    rejects = pd.concat([duplicates, value_rejects], ignore_index=True)
    return schema.validate(kept, lazy=True, inplace=True).reset_index(drop=True), rejects


def _own_column_only(cases: pd.DataFrame) -> pd.DataFrame:
    """Keep, of a table-wide rule's failures, only the cell of the column it is about."""
    about = cases["check"].map({name: column for name, (column, _) in DOMAIN_RULES.items()})
    return cases[about.isna() | (cases["column"] == about)]


def _without_rows(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """Return ``frame`` without the rows at ``positions``, keeping the other rows' labels.

    One positional take: ``DataFrame.drop`` first looks every remaining label up in the
    index, which on a large table costs more than copying the rows.
    """
    keep = np.ones(len(frame), dtype=bool)
    keep[positions] = False
    return frame.take(np.flatnonzero(keep))


def without_unique(schema: pa.DataFrameSchema) -> pa.DataFrameSchema:
    """Return ``schema`` without its key-uniqueness check.

    Once :func:`_duplicate_key_rejects` has taken out every row with a repeated key (and
    it counts keys equal as text as repeated, which is stricter than pandera), pandera's
    own uniqueness check cannot fail; on a large table it costs as much as all the other
    checks together.
    """
    if not schema.unique:
        return schema
    relaxed = copy.deepcopy(schema)
    relaxed.unique = None
    return relaxed


def _duplicate_key_rejects(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, rows: pd.Series, source_file: str
) -> pd.DataFrame:
    """Reject repeated keys: later copies of an exact duplicate, every row of a conflict.

    The returned frame is indexed like ``frame`` so the caller can drop those rows.
    """
    key = list(schema.unique or [])
    if not key:
        return empty_rejects()
    repeated = _comparable(frame[key]).duplicated(keep=False)
    if not repeated.any():
        return empty_rejects()
    # exact copies share their key, so only rows with a repeated key need the whole row
    whole = frame[repeated].astype(str).fillna("")  # pandas 3 keeps NaN through astype(str)
    rows = rows[repeated]
    key_frame = whole[key]
    exact_copy = whole.duplicated(keep="first")
    first_row_of = whole.groupby(list(whole.columns), sort=False).ngroup()
    first_source_row = rows.groupby(first_row_of.to_numpy()).transform("first")
    distinct = whole.drop_duplicates()
    conflicting_keys = distinct[distinct[key].duplicated(keep=False)][key]
    conflict = key_frame.merge(conflicting_keys.drop_duplicates(), how="left", indicator=True)[
        "_merge"
    ].eq("both")
    conflict.index = whole.index
    reasons = pd.Series(pd.NA, index=whole.index, dtype="object")
    reasons[exact_copy] = "exact duplicate of row " + first_source_row[exact_copy].astype(str)
    reasons[conflict] = "conflicting duplicate key: same " + "/".join(key) + ", different values"
    hit = reasons.notna()
    return pd.DataFrame(
        {
            "source_file": source_file,
            "source_row": rows[hit].to_numpy(),
            "column": "/".join(key),
            "value": _joined(key_frame[hit]).to_numpy(),
            "reason": reasons[hit].to_numpy(),
        },
        index=whole.index[hit],
    )


def _joined(frame: pd.DataFrame) -> pd.Series:
    """Join the text columns of each row with "|" (vectorised: rows may be many)."""
    first, *others = (frame[c] for c in frame.columns)
    return first.str.cat(others, sep="|") if others else first


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with object columns as text, so that ``2018`` equals ``"2018"``.

    Typed columns (dates, numbers, strings) compare equal exactly when their text does,
    and are left as they are: turning a million dates into text is slow.
    """
    return pd.DataFrame(
        {
            name: column.astype(str).fillna("") if column.dtype == object else column
            for name, column in frame.items()
        },
        index=frame.index,
    )
