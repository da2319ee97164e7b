"""Cleaning case-record exports: strict parsing, pseudonyms, and a reason for every reject.

:func:`clean_case_file` turns one export (episodes or counselling, CSV or XLSX, in
English, Albanian or Serbian) into a table meeting :data:`~caretrends.cases.record_schemas.EPISODES`
or :data:`~caretrends.cases.record_schemas.COUNSELLING`. Direct identifiers and unknown columns
never get past the column match; identifiers become keyed hashes; birth dates are kept to
the month. Every input row is either kept or rejected with its file, row, column, value
and reason, and the report reconciles the counts. All work is done per column, and each
distinct cell text is parsed once, so that cost grows linearly with the number of rows.

Row numbers (``source_row``) are spreadsheet row numbers: the header is row 1, the first
record row 2 (blank lines of a CSV are not counted).

Whether a file is **synthetic** comes from its caller, i.e. from the provenance register
``data/raw/sources.yaml`` (private files are always real), never from the file's own
content; only a synthetic file may be read with the public demo salt. A ``synthetic``
column (in any catalogued language) must agree with that: rows of a real file marked
synthetic, a synthetic file with unmarked rows, or a file mixing the two are refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from caretrends import paths
from caretrends.cases.catalog import (
    category_strings,
    match_columns,
    match_values,
)
from caretrends.cases.overlaps import overlap_rejects
from caretrends.cases.parse import (
    Field,
    Parsed,
    Problem,
    any_problem,
    parse_fields,
    problem_rejects,
)
from caretrends.cases.pseudonymise import month_of, resolve_salt
from caretrends.cases.read import open_export
from caretrends.cases.record_schemas import (
    COUNSELLING_FIELDS,
    COUNSELLING_RECORD,
    EPISODE_FIELDS,
    EPISODE_RECORD,
)
from caretrends.errors import DataValidationError
from caretrends.schemas import REJECT_COLUMNS, validate_table
from caretrends.warnings import DataQualityWarning

#: Columns of a cleaning report: one row per file.
REPORT_COLUMNS: list[str] = [
    "source_file",
    "kind",
    "encoding",
    "synthetic",
    "rows_read",
    "rows_kept",
    "rows_rejected",
    "identifier_columns_dropped",
    "unknown_columns_dropped",
]


FUTURE = "date in the future"


@dataclass(frozen=True)
class CaseCleaningResult:
    """What cleaning gives back."""

    #: The kept rows, meeting ``EPISODES`` or ``COUNSELLING``.
    data: pd.DataFrame
    #: One row per rejected input row and reason (:data:`caretrends.schemas.REJECT_COLUMNS`).
    rejects: pd.DataFrame
    #: One row per file (:data:`REPORT_COLUMNS`); ``rows_read = rows_kept + rows_rejected``.
    report: pd.DataFrame


@dataclass(frozen=True)
class _Kind:
    fields: tuple[Field, ...]
    record: pa.DataFrameSchema
    row_checks: Callable[[Parsed, pd.Timestamp], list[Problem]]


def _episode_checks(parsed: Parsed, today: pd.Timestamp) -> list[Problem]:
    start, end, birth = parsed["episode_start"], parsed["episode_end"], parsed["birth_date"]
    has_end, has_exit = end.notna(), parsed["exit_reason"].notna()
    return [
        *_future_dates(
            parsed, ["birth_date", "episode_start", "episode_end", "legal_status_date"], today
        ),
        Problem((end < start).to_numpy(), "episode_end", end, "episode ends before it starts"),
        Problem((start < birth).to_numpy(), "episode_start", start, "entry before birth"),
        Problem(
            (has_exit & ~has_end).to_numpy(),
            "exit_reason",
            parsed["exit_reason"],
            "exit reason without episode end",
        ),
        Problem(
            (has_end & ~has_exit).to_numpy(),
            "exit_reason",
            parsed["exit_reason"],
            "episode end without exit reason",
        ),
    ]


def _counselling_checks(parsed: Parsed, today: pd.Timestamp) -> list[Problem]:
    early = parsed["follow_up_date"] < parsed["counselling_date"]
    return [
        *_future_dates(parsed, ["counselling_date", "follow_up_date"], today),
        Problem(
            early.to_numpy(),
            "follow_up_date",
            parsed["follow_up_date"],
            "follow-up before counselling",
        ),
    ]


def _future_dates(parsed: Parsed, columns: list[str], today: pd.Timestamp) -> list[Problem]:
    return [Problem((parsed[c] > today).to_numpy(), c, parsed[c], FUTURE) for c in columns]


KINDS: dict[str, _Kind] = {
    "episodes": _Kind(EPISODE_FIELDS, EPISODE_RECORD, _episode_checks),
    "counselling": _Kind(COUNSELLING_FIELDS, COUNSELLING_RECORD, _counselling_checks),
}


#: Columns every file of a kind must have (cells of optional columns may be empty).
#: ``episode_end`` and ``exit_reason`` must be there even when every episode is open.
REQUIRED_COLUMNS: dict[str, list[str]] = {
    "episodes": [f.name for f in KINDS["episodes"].fields if f.required]
    + ["episode_end", "exit_reason"],
    "counselling": [f.name for f in KINDS["counselling"].fields if f.required],
}


def source_name(path: Path) -> str:
    """Return how a file is named in outputs: relative to the project root when inside it."""
    resolved = path.resolve()
    root = paths.project_root()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path.name


def clean_case_file(
    path: Path | str,
    *,
    kind: str = "episodes",
    salt: str | None = None,
    synthetic: bool = False,
) -> CaseCleaningResult:
    """Read, check and pseudonymise one case-record export.

    Parameters
    ----------
    path : Path or str
        A ``.csv`` (UTF-8 with or without BOM, Windows-1250 or Windows-1252; comma,
        semicolon or tab separated) or ``.xlsx`` (first sheet) file.
    kind : {"episodes", "counselling"}
        What the file holds.
    salt : str, optional
        Secret key of the pseudonyms; default ``$CARETRENDS_SALT``. Synthetic files fall
        back to the demo salt; real files without a salt are refused.
    synthetic : bool
        Whether the file is registered as synthetic demonstration data (its provenance
        says so; the file's content never decides it).

    Returns
    -------
    CaseCleaningResult

    Raises
    ------
    DataValidationError
        When the file cannot be read, lacks a required column, has two columns meaning
        the same thing, or has rows marked otherwise than ``synthetic`` says.
    caretrends.cases.pseudonymise.MissingSaltError
        For real records without a usable salt.
    """
    if kind not in KINDS:
        raise DataValidationError([f"{path}: unknown kind {kind!r} (known: {sorted(KINDS)})"])
    spec = KINDS[kind]
    path = Path(path)
    source_file = source_name(path)
    export = open_export(path, source_file=source_file)
    match = match_columns(export.header, kind, source_file=source_file)
    absent = [c for c in REQUIRED_COLUMNS[kind] if c not in match.renames.values()]
    if absent:
        raise DataValidationError([f"{source_file}: column {c!r}: missing" for c in absent])
    if match.unknown:
        warnings.warn(
            f"{source_file}: dropped, not in the column catalog: {', '.join(match.unknown)}",
            DataQualityWarning,
            stacklevel=2,
        )
    cells = export.read(list(match.renames)).rename(columns=match.renames).reset_index(drop=True)
    _check_synthetic_marks(cells.get("synthetic"), synthetic, source_file)
    key = resolve_salt(salt, synthetic=synthetic, source_file=source_file)
    rows = pd.Series(np.arange(len(cells), dtype="int64") + 2)
    parsed, problems = parse_fields(cells, spec.fields, key)
    problems += spec.row_checks(parsed, pd.Timestamp.today().normalize())
    rejects = problem_rejects(problems, rows, source_file)
    ok = ~any_problem(problems, len(cells))
    record = _record(parsed, spec.record, synthetic)
    valid, more = validate_table(
        _as_strings(record[ok]), spec.record, source_file=source_file, row_numbers=rows[ok]
    )
    valid["source_file"] = source_file
    valid["source_row"] = rows[ok][~rows[ok].isin(more["source_row"])].to_numpy()
    rejects = pd.concat([rejects, more], ignore_index=True)
    if kind == "episodes":
        overlaps = overlap_rejects(valid)
        valid = valid[~valid["source_row"].isin(overlaps["source_row"])].reset_index(drop=True)
        rejects = pd.concat([rejects, overlaps], ignore_index=True)
    report = pd.DataFrame(
        [
            {
                "source_file": source_file,
                "kind": kind,
                "encoding": export.encoding,
                "synthetic": synthetic,
                "rows_read": len(cells),
                "rows_kept": len(valid),
                "rows_rejected": rejects["source_row"].nunique(),
                "identifier_columns_dropped": ";".join(match.identifiers),
                "unknown_columns_dropped": ";".join(match.unknown),
            }
        ],
        columns=REPORT_COLUMNS,
    )
    check_reconciled(report)
    ordered = rejects.sort_values("source_row", kind="stable").reset_index(drop=True)
    return CaseCleaningResult(valid, ordered[REJECT_COLUMNS], report)


def check_reconciled(report: pd.DataFrame) -> None:
    """Raise when a file's rows are not all accounted for (a bug, never a data problem)."""
    off = report[report["rows_read"] != report["rows_kept"] + report["rows_rejected"]]
    if len(off):
        raise AssertionError(f"rows read != kept + rejected:\n{off.to_string()}")


def _check_synthetic_marks(values: pd.Series | None, synthetic: bool, source_file: str) -> None:
    """Refuse a file whose ``synthetic`` column says otherwise than its provenance."""
    if values is None:
        return
    flags, _ = match_values(values, "synthetic")
    found = set(flags.fillna("?").unique())
    if found == {"true" if synthetic else "false"}:
        return
    registered = f"registered with synthetic: {synthetic}"
    if found == {"true"}:
        problem = f"{registered}, but its rows are all marked synthetic"
    elif found == {"false"}:
        problem = f"{registered}, but its rows are not marked synthetic"
    else:
        problem = (
            f"column 'synthetic' must be true on every row or false on every row (found "
            f"{sorted(found)}; '?' = empty or unknown): synthetic and real records are never "
            "mixed in one file"
        )
    raise DataValidationError(
        [
            f"{source_file}: {problem} (whether a file is synthetic comes from "
            "data/raw/sources.yaml; files under data/private are real)"
        ]
    )


def _record(parsed: Parsed, schema: pa.DataFrameSchema, synthetic: bool) -> pd.DataFrame:
    """Arrange parsed columns as the schema's record, birth dates cut to the month."""
    columns = dict(parsed)
    if "birth_date" in columns:
        columns["birth_month"] = month_of(columns.pop("birth_date"))
    columns["synthetic"] = pd.Series(synthetic, index=next(iter(columns.values())).index)
    return pd.DataFrame({name: columns[name] for name in schema.columns})


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn the category columns of parsed text into ``str``, once the rows are chosen.

    Parsed text stays categorical until then because dropping rows from a category
    column copies small integers, not a million strings.
    """
    return frame.assign(
        **{
            name: category_strings(frame[name])
            for name, dtype in frame.dtypes.items()
            if dtype == "category"
        }
    )
