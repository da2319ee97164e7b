"""Cleaning case-record exports: strict parsing, pseudonyms, and a reason for every reject.

:func:`clean_case_file` turns one export (episodes or counselling, CSV or XLSX, in
English, Albanian or Serbian) into a table meeting :data:`~caretrends.cases.schemas.EPISODES`
or :data:`~caretrends.cases.schemas.COUNSELLING`. Direct identifiers and unknown columns
never get past the column match; identifiers become keyed hashes; birth dates are kept to
the month. Every input row is either kept or rejected with its file, row, column, value
and reason, and the report reconciles the counts. All work is done per column, and each
distinct cell text is parsed once, so that cost grows linearly with the number of rows.

Row numbers (``source_row``) are spreadsheet row numbers: the header is row 1, the first
record row 2 (blank lines of a CSV are not counted).

A file is **synthetic** when it has a ``synthetic`` column (in any catalogued language)
that is true on every row; such a file may be read with the public demo salt. A file
mixing synthetic and real rows is refused.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from caretrends import paths
from caretrends.cases.catalog import (
    Distinct,
    category_strings,
    distinct_codes,
    match_columns,
    match_values,
    normalise_name,
    value_index,
)
from caretrends.cases.dates import parse_dates
from caretrends.cases.pseudonymise import month_of, pseudonymise_ids, resolve_salt
from caretrends.cases.read import open_export
from caretrends.cases.schemas import COUNSELLING_RECORD, EPISODE_RECORD
from caretrends.errors import DataValidationError
from caretrends.schemas import REJECT_COLUMNS, empty_rejects, validate_table
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

MISSING = "missing value"
UNKNOWN = "unknown value"
FUTURE = "date in the future"
WITHHELD = "(withheld)"

# Mothers' ages (in whole years) accepted in place of a band, and the band edges.
_AGE_RANGE = (10, 60)
_AGE_BANDS = [(18, "under_18"), (25, "18_24"), (35, "25_34"), (_AGE_RANGE[1] + 1, "35_plus")]
_LIST_SEPARATORS = re.compile(r"\s*[;,/|+]\s*")


@dataclass(frozen=True)
class Field:
    """One input column of a kind of case file.

    Attributes
    ----------
    name : str
        Canonical name in the column catalog.
    parse : str
        How its cells are read: ``id``, ``category``, ``categories``, ``age_band``,
        ``date`` or ``birth_date``.
    required : bool
        The column must be in the file and every cell filled.
    """

    name: str
    parse: str
    required: bool


@dataclass(frozen=True)
class CaseCleaningResult:
    """What cleaning gives back.

    Attributes
    ----------
    data : DataFrame
        The kept rows, meeting ``EPISODES`` or ``COUNSELLING``.
    rejects : DataFrame
        One row per rejected input row and reason (:data:`caretrends.schemas.REJECT_COLUMNS`).
    report : DataFrame
        One row per file (:data:`REPORT_COLUMNS`); ``rows_read = rows_kept + rows_rejected``.
    """

    data: pd.DataFrame
    rejects: pd.DataFrame
    report: pd.DataFrame


#: Parsed columns of a file by canonical name, each as long as the file.
Parsed = dict[str, pd.Series]


@dataclass(frozen=True)
class _Kind:
    fields: tuple[Field, ...]
    record: pa.DataFrameSchema
    row_checks: Callable[[Parsed, pd.Timestamp], list[_Problem]]


@dataclass(frozen=True)
class _Problem:
    """Rows failing one rule: a mask over the file's rows, the column, value and reason."""

    rows: np.ndarray
    column: str
    values: pd.Series
    reason: str | pd.Series


def _episode_checks(parsed: Parsed, today: pd.Timestamp) -> list[_Problem]:
    start, end, birth = parsed["episode_start"], parsed["episode_end"], parsed["birth_date"]
    has_end, has_exit = end.notna(), parsed["exit_reason"].notna()
    return [
        *_future_dates(
            parsed, ["birth_date", "episode_start", "episode_end", "legal_status_date"], today
        ),
        _Problem((end < start).to_numpy(), "episode_end", end, "episode ends before it starts"),
        _Problem((start < birth).to_numpy(), "episode_start", start, "entry before birth"),
        _Problem(
            (has_exit & ~has_end).to_numpy(),
            "exit_reason",
            parsed["exit_reason"],
            "exit reason without episode end",
        ),
        _Problem(
            (has_end & ~has_exit).to_numpy(),
            "exit_reason",
            parsed["exit_reason"],
            "episode end without exit reason",
        ),
    ]


def _counselling_checks(parsed: Parsed, today: pd.Timestamp) -> list[_Problem]:
    early = parsed["follow_up_date"] < parsed["counselling_date"]
    return [
        *_future_dates(parsed, ["counselling_date", "follow_up_date"], today),
        _Problem(
            early.to_numpy(),
            "follow_up_date",
            parsed["follow_up_date"],
            "follow-up before counselling",
        ),
    ]


def _future_dates(parsed: Parsed, columns: list[str], today: pd.Timestamp) -> list[_Problem]:
    return [_Problem((parsed[c] > today).to_numpy(), c, parsed[c], FUTURE) for c in columns]


KINDS: dict[str, _Kind] = {
    "episodes": _Kind(
        (
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
        ),
        EPISODE_RECORD,
        _episode_checks,
    ),
    "counselling": _Kind(
        (
            Field("case_id", "id", True),
            Field("counselling_date", "date", True),
            Field("mother_age_band", "age_band", False),
            Field("risk_factors", "categories", False),
            Field("outcome", "category", True),
            Field("follow_up_date", "date", False),
        ),
        COUNSELLING_RECORD,
        _counselling_checks,
    ),
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
    path: Path | str, *, kind: str = "episodes", salt: str | None = None
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

    Returns
    -------
    CaseCleaningResult

    Raises
    ------
    DataValidationError
        When the file cannot be read, lacks a required column, has two columns meaning
        the same thing, or mixes synthetic and real rows.
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
            f"{source_file}: columns not in the catalog were dropped: {match.unknown}",
            DataQualityWarning,
            stacklevel=2,
        )
    cells = export.read(list(match.renames)).rename(columns=match.renames).reset_index(drop=True)
    synthetic = _synthetic_flag(cells.get("synthetic"), source_file)
    key = resolve_salt(salt, synthetic=synthetic, source_file=source_file)
    rows = pd.Series(np.arange(len(cells), dtype="int64") + 2)
    parsed, problems = _parse_fields(cells, spec.fields, key)
    problems += spec.row_checks(parsed, pd.Timestamp.today().normalize())
    rejects = _problem_rejects(problems, rows, source_file)
    ok = ~_any_problem(problems, len(cells))
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


def _synthetic_flag(values: pd.Series | None, source_file: str) -> bool:
    """Return whether every row is marked synthetic; refuse a file mixing the two."""
    if values is None:
        return False
    flags, _ = match_values(values, "synthetic")
    found = set(flags.fillna("?").unique())
    if found == {"true"}:
        return True
    if found == {"false"}:
        return False
    raise DataValidationError(
        [
            f"{source_file}: column 'synthetic' must be true on every row or false on every "
            f"row (found {sorted(found)}; '?' = empty or unknown): synthetic and real records "
            "are never mixed in one file"
        ]
    )


def _parse_fields(
    cells: pd.DataFrame, fields: tuple[Field, ...], salt: str
) -> tuple[Parsed, list[_Problem]]:
    """Parse each field's cells; return typed columns and the cells that failed."""
    parsed: dict[str, pd.Series] = {}
    problems: list[_Problem] = []
    blank = pd.Series(pd.NA, index=cells.index, dtype="str")
    for field in fields:
        text = cells[field.name] if field.name in cells else blank
        values, reasons, shown = _parse_field(text, field, salt)
        parsed[field.name] = values
        failed = reasons.notna().to_numpy() if isinstance(reasons, pd.Series) else reasons
        if failed.any():
            problems.append(_Problem(failed, field.name, shown, _reason_of(reasons)))
        if field.required:
            missing = values.isna().to_numpy() & ~failed
            problems.append(_Problem(missing, field.name, shown, MISSING))
    return parsed, problems


def _parse_field(
    text: pd.Series, field: Field, salt: str
) -> tuple[pd.Series, pd.Series | np.ndarray, pd.Series]:
    """Parse one column: values, then a reason per cell (or a mask of unknown values),
    then the values as rejects may show them (pseudonyms, not identifiers).

    Category values come as category Series (see :func:`_as_strings`).
    """
    if field.parse == "id":
        # text, not categories: there are nearly as many pseudonyms as cells
        values = pseudonymise_ids(text, salt)
        return values, np.zeros(len(text), dtype=bool), values
    if field.parse == "category":
        cells, codes = distinct_codes(text, field.name)
        values = cells.categorical(codes, text.index)
        return values, values.isna().to_numpy() & ~cells.missing(), text
    if field.parse == "categories":
        return (*_match_lists(text, field.name), text)
    if field.parse == "age_band":
        return (*_age_bands(text), text)
    values, reasons = parse_dates(text, allow_month_only=field.parse == "birth_date")
    return values, reasons, values if field.parse == "birth_date" else text


def _reason_of(reasons: pd.Series | np.ndarray) -> pd.Series | str:
    """A mask of failures means the values were unknown to the catalog."""
    return reasons if isinstance(reasons, pd.Series) else UNKNOWN


def _match_lists(text: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Translate lists of category values (``"poverty; single mother"``) into sorted codes."""
    cells = Distinct.of(text)
    index = value_index(column)
    codes, reasons = [], []
    for cell in cells.texts:
        parts = [] if cell is None else [p for p in _LIST_SEPARATORS.split(cell) if p]
        found = [index.get(normalise_name(p)) for p in parts]
        unknown = [p for p, code in zip(parts, found, strict=True) if code is None]
        codes.append(";".join(sorted(set(found))) if parts and not unknown else None)
        reasons.append(f"{UNKNOWN}: {'; '.join(unknown)}" if unknown else None)
    return cells.categorical(codes, text.index), cells.text_series(reasons, text.index)


def _age_bands(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read a mother's age band, or an age in whole years put into its band."""
    cells = Distinct.of(text)
    index = value_index("mother_age_band")
    bands, reasons = [], []
    for cell in cells.texts:
        band, reason = None, None
        if cell is not None and cell.isdigit():
            age = int(cell)
            if _AGE_RANGE[0] <= age <= _AGE_RANGE[1]:
                band = next(name for upper, name in _AGE_BANDS if age < upper)
            else:
                reason = f"implausible age (outside {_AGE_RANGE[0]}-{_AGE_RANGE[1]})"
        elif cell is not None:
            band = index.get(normalise_name(cell))
            reason = None if band else UNKNOWN
        bands.append(band)
        reasons.append(reason)
    return cells.categorical(bands, text.index), cells.text_series(reasons, text.index)


def _problem_rejects(problems: list[_Problem], rows: pd.Series, source_file: str) -> pd.DataFrame:
    """Turn the failing cells of every rule into reject rows."""
    frames = [empty_rejects()]
    for problem in problems:
        hit = np.flatnonzero(problem.rows)
        if not len(hit):
            continue
        reason = problem.reason
        values = problem.values.iloc[hit]
        frames.append(
            pd.DataFrame(
                {
                    "source_file": source_file,
                    "source_row": rows.iloc[hit].to_numpy(),
                    "column": problem.column,
                    "value": _as_text(values, problem.column),
                    "reason": reason if isinstance(reason, str) else reason.iloc[hit].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _as_text(values: pd.Series, column: str) -> np.ndarray:
    """Render reject values as text: dates as ISO dates, missing as an empty string.

    Birth dates are shown only to the month, and a birth date that did not parse is
    withheld: rejects must not carry what the cleaned data would not.
    """
    if column == "birth_date":
        return values.dt.strftime("%Y-%m").fillna(WITHHELD).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    return values.astype("str").fillna("").to_numpy()


def _any_problem(problems: list[_Problem], n_rows: int) -> np.ndarray:
    """Return True for each row that fails at least one rule."""
    failed = np.zeros(n_rows, dtype=bool)
    for problem in problems:
        failed |= problem.rows
    return failed


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


def overlap_rejects(episodes: pd.DataFrame) -> pd.DataFrame:
    """Reject each episode that starts before an earlier episode of the same child ended.

    Episodes are taken in order of start date within each child; an open episode (no
    end) overlaps everything after it. An episode may start on the day the previous one
    ended (a transfer). The reject names the earlier episode's file and row.

    Parameters
    ----------
    episodes : DataFrame
        With ``child_id``, ``episode_start``, ``episode_end``, ``source_file`` and
        ``source_row``.

    Returns
    -------
    DataFrame
        Reject rows (:data:`~caretrends.schemas.REJECT_COLUMNS`), indexed like
        ``episodes``.
    """
    child = _group_codes(episodes["child_id"])
    files = _group_codes(episodes["source_file"])
    rows = episodes["source_row"].to_numpy()
    start = _days(episodes["episode_start"])
    end = _days(episodes["episode_end"])
    end[np.isnan(end)] = np.inf  # an open episode reaches beyond every later start
    order = _order_by_child_and_start(child, start, _file_order(files, rows))
    same_child = np.r_[False, child[order][1:] == child[order][:-1]]
    reach, latest = _running_reach(end[order], same_child)
    overlap = same_child & (start[order] < np.r_[-np.inf, reach[:-1]])
    if not overlap.any():
        return empty_rejects()
    hit = order[overlap]
    earlier = order[np.r_[0, latest[:-1]][overlap]]
    # only the few rows named are turned into Python strings, never the whole column
    earlier_files = episodes["source_file"].iloc[earlier].tolist()
    return pd.DataFrame(
        {
            "source_file": episodes["source_file"].iloc[hit].to_numpy(),
            "source_row": rows[hit],
            "column": "episode_start",
            "value": episodes["episode_start"].iloc[hit].dt.strftime("%Y-%m-%d").to_numpy(),
            "reason": [
                f"overlaps the episode of the same child in {f} row {r}"
                for f, r in zip(earlier_files, rows[earlier], strict=True)
            ],
        },
        index=episodes.index[hit],
    )


def _group_codes(values: pd.Series) -> np.ndarray:
    """Number the distinct values of a column in order of first appearance (missing: -1).

    Only equality matters here, so no trimming or missing markers as in
    :class:`~caretrends.cases.catalog.Distinct`.
    """
    return pd.factorize(values)[0].astype(np.int64)


def _file_order(files: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions sorted by file (numbered in order of appearance), then row number.

    Rows usually come file by file in row order already: checking that is one pass,
    sorting two keys of a million rows is many.
    """
    in_order = (files[1:] > files[:-1]) | ((files[1:] == files[:-1]) & (rows[1:] > rows[:-1]))
    if in_order.all():
        return np.arange(len(files))
    return np.lexsort((rows, files))


def _order_by_child_and_start(child: np.ndarray, start: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Positions sorted by child, then start day (missing last), then in the order ``ties``.

    One stable sort of a combined integer key is several times faster than sorting by
    each key in turn, and the data usually come nearly in that order already.
    """
    known = np.isfinite(start)
    low = start[known].min() if known.any() else 0.0
    span = (start[known].max() - low if known.any() else 0.0) + 2
    day = np.where(known, start - low, span - 1).astype(np.int64)
    combined = (child + 1) * int(span) + day
    return ties[np.argsort(combined[ties], kind="stable")]


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as float days since 1970 (NaN where missing), for fast comparisons."""
    days = dates.to_numpy().astype("datetime64[D]").astype("int64").astype("float64")
    days[dates.isna().to_numpy()] = np.nan
    return days


def _running_reach(ends: np.ndarray, same_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running maximum of ``ends`` within consecutive groups, and the position reaching it.

    Each group is lifted above every earlier one, so that one running maximum over the
    whole array never carries from one group into the next.
    """
    group = np.cumsum(~same_group)
    finite = np.where(np.isinf(ends), np.nan, ends)
    low = np.nanmin(finite) if np.isfinite(finite).any() else 0.0
    span = (np.nanmax(finite) - low if np.isfinite(finite).any() else 0.0) + 2
    lifted = np.where(np.isinf(ends), span - 1, ends - low) + group * span
    reach = np.maximum.accumulate(lifted) - group * span
    latest = np.maximum.accumulate(
        np.where(lifted - group * span == reach, np.arange(len(ends)), -1)
    )
    return np.where(reach == span - 1, np.inf, reach + low), latest
