"""Cell parsers of case-record exports: every column read per distinct text, each failing
cell kept with its reason, and the failures turned into reject rows.

A value shown in a reject is what the cleaned data would show: pseudonyms instead of
identifiers, codes of closed code lists, dates (birth dates to the month only). A cell
that did not parse is never shown: a date by its shape (``dd.dd.dd``), anything else as
:data:`WITHHELD`, since a name or phone number typed into the wrong column is still a name
or phone number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from caretrends.cases.catalog import (
    Distinct,
    distinct_codes,
    normalise_name,
    value_index,
)
from caretrends.cases.dates import parse_dates
from caretrends.cases.pseudonymise import pseudonymise_ids
from caretrends.schemas import empty_rejects

MISSING = "missing value"


UNKNOWN = "unknown value"


WITHHELD = "(withheld)"


# Mothers' ages (in whole years) accepted in place of a band, and the band edges.
_AGE_RANGE = (10, 60)


_AGE_BANDS = [(18, "under_18"), (25, "18_24"), (35, "25_34"), (_AGE_RANGE[1] + 1, "35_plus")]


_LIST_SEPARATORS = re.compile(r"\s*[;,/|+]\s*")


@dataclass(frozen=True)
class Field:
    """One input column of a kind of case file."""

    #: Canonical name in the column catalog.
    name: str
    #: How its cells are read: ``id``, ``category``, ``categories``, ``age_band``,
    #: ``date`` or ``birth_date``.
    parse: Literal["id", "category", "categories", "age_band", "date", "birth_date"]
    #: The column must be in the file and every cell filled.
    required: bool


#: Parsed columns of a file by canonical name, each as long as the file.
Parsed = dict[str, pd.Series]


_DATE_SHAPE = re.compile(r"[\d\s./:\-]{1,24}")


@dataclass(frozen=True)
class Problem:
    """Rows failing one rule: a mask over the file's rows, the column, value and reason.

    ``values`` are parsed values (codes, pseudonyms, dates); ``text``, when given, the
    cells as read, only to tell an unparsed cell (withheld) from an empty one.
    """

    rows: np.ndarray
    column: str
    values: pd.Series
    reason: str | pd.Series
    text: pd.Series | None = None


def parse_fields(
    cells: pd.DataFrame, fields: tuple[Field, ...], salt: str
) -> tuple[Parsed, list[Problem]]:
    """Parse each field's cells; return typed columns and the cells that failed."""
    parsed: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    blank = pd.Series(pd.NA, index=cells.index, dtype="str")
    for field in fields:
        text = cells[field.name] if field.name in cells else blank
        values, reasons = _parse_field(text, field, salt)
        parsed[field.name] = values
        failed = reasons.notna().to_numpy() if isinstance(reasons, pd.Series) else reasons
        if failed.any():
            problems.append(Problem(failed, field.name, values, _reason_of(reasons), text))
        if field.required:
            missing = values.isna().to_numpy() & ~failed
            problems.append(Problem(missing, field.name, values, MISSING, text))
    return parsed, problems


def _parse_field(
    text: pd.Series, field: Field, salt: str
) -> tuple[pd.Series, pd.Series | np.ndarray]:
    """Parse one column: values, then a reason per cell (or a mask of unknown values).

    Category values come as category Series (see :func:`_as_strings`).
    """
    if field.parse == "id":
        # text, not categories: there are nearly as many pseudonyms as cells
        return pseudonymise_ids(text, salt), np.zeros(len(text), dtype=bool)
    if field.parse == "category":
        cells, codes = distinct_codes(text, field.name)
        values = cells.categorical(codes, text.index)
        return values, values.isna().to_numpy() & ~cells.missing()
    if field.parse == "categories":
        return _match_lists(text, field.name)
    if field.parse == "age_band":
        return _age_bands(text)
    return parse_dates(text, allow_month_only=field.parse == "birth_date")


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
        reasons.append(f"{UNKNOWN}: {len(unknown)} of {len(parts)} items" if unknown else None)
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


def problem_rejects(problems: list[Problem], rows: pd.Series, source_file: str) -> pd.DataFrame:
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
                    "value": shown_values(
                        values,
                        problem.column,
                        None if problem.text is None else problem.text.iloc[hit],
                    ),
                    "reason": reason if isinstance(reason, str) else reason.iloc[hit].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def shown_values(values: pd.Series, column: str, text: pd.Series | None = None) -> np.ndarray:
    """Render reject values as text, showing only what the cleaned data would show.

    Dates become ISO dates (birth dates ``YYYY-MM``), codes and pseudonyms stay as they
    are, a missing cell is an empty string. A cell with text that did not parse is shown
    by its shape when it looks like a date (``"dd.dd.dddd"``), else as :data:`WITHHELD`.

    Examples
    --------
    >>> shown_values(pd.Series([pd.NA, pd.NA, "F"]), "sex",
    ...              pd.Series(["Drita Krasniqi", pd.NA, "f"])).tolist()
    ['(withheld)', '', 'F']
    >>> shown_values(pd.Series(pd.to_datetime([None, "2010-03-04"])), "episode_start",
    ...              pd.Series(["4.3.10", "04.03.2010"])).tolist()
    ['d.d.dd', '2010-03-04']
    """
    if column == "birth_date":
        shown = values.dt.strftime("%Y-%m")
    elif pd.api.types.is_datetime64_any_dtype(values):
        shown = values.dt.strftime("%Y-%m-%d")
    else:
        shown = values.astype("object").where(values.notna(), None)
    shown = shown.to_numpy(dtype=object, copy=True)
    if text is not None:
        unparsed = pd.isna(shown) & text.notna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(values):
            shown[unparsed] = [_shape(str(cell)) for cell in text.to_numpy(dtype=object)[unparsed]]
        else:
            shown[unparsed] = WITHHELD
    return pd.Series(shown, dtype=object).fillna("").to_numpy(dtype=object).astype(str)


def _shape(text: str) -> str:
    """Describe a date text by its shape (digits as ``d``), or withhold it."""
    text = text.strip()
    return re.sub(r"\d", "d", text) if _DATE_SHAPE.fullmatch(text) else WITHHELD


def any_problem(problems: list[Problem], n_rows: int) -> np.ndarray:
    """Return True for each row that fails at least one rule."""
    failed = np.zeros(n_rows, dtype=bool)
    for problem in problems:
        failed |= problem.rows
    return failed
