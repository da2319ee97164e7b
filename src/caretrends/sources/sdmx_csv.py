"""SDMX-CSV: UNICEF's data API answers (TransMonEE, global databases) and our own extracts.

Two layouts are read:

* UNICEF's ``format=csv`` answer, where each code column is followed by its label column
  (``REF_AREA,Geographic area,INDICATOR,Indicator,...,TIME_PERIOD,OBS_VALUE,...,
  OBS_STATUS,Observation Status``); label columns are recognised by not being written in
  capitals and are ignored;
* plain SDMX-CSV (``DATAFLOW,REF_AREA,INDICATOR,...,TIME_PERIOD,OBS_VALUE,...``), also
  with ``CODE:Label`` headers and ``code: label`` cells (SDMX-CSV ``labels=both``).

:func:`write_sdmx_csv` writes the first layout, so that a human reader sees the labels
and the file reads back through :func:`read_sdmx_csv` into the same Observations.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import IO, NamedTuple

import numpy as np
import pandas as pd

from caretrends.errors import DataValidationError
from caretrends.schemas import (
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    OBSERVATIONS,
    REJECT_COLUMNS,
    empty_rejects,
    validate_table,
)
from caretrends.sources.cells import OBS_STATUS_LABELS, missing_to_nan, parse_period
from caretrends.sources.textfile import check_csv_file

#: Columns a file must have.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "REF_AREA",
    "INDICATOR",
    "UNIT_MEASURE",
    "TIME_PERIOD",
    "OBS_VALUE",
)
#: Dimensions that default to the total ``_T`` when a dataflow does not have them.
TOTAL_BY_DEFAULT: tuple[str, ...] = ("SEX", "AGE")
#: TransMonEE dimensions the Observations table has no column for: only their totals
#: (``_T``, ``_Z`` or blank) are read; a breakdown by them is rejected with a reason.
UNMODELLED_DIMENSIONS: tuple[str, ...] = ("RESIDENCE", "WEALTH_QUINTILE")
#: Attribute columns whose text becomes ``note``, joined with "; " when several are filled.
NOTE_COLUMNS: tuple[str, ...] = ("OBS_FOOTNOTE", "SERIES_FOOTNOTE", "COUNTRY_NOTES")
#: Where ``source_table`` comes from, first present wins: our extracts name the legacy
#: table, API answers the dataflow.
TABLE_COLUMNS: tuple[str, ...] = ("SOURCE_TABLE", "DATAFLOW")

#: Columns of a written file: each code column with its label column (None: no label).
WRITTEN_LAYOUT: tuple[tuple[str, str | None], ...] = (
    ("REF_AREA", "Geographic area"),
    ("INDICATOR", "Indicator"),
    ("SEX", "Sex"),
    ("AGE", "Current age"),
    ("UNIT_MEASURE", "Unit of measure"),
    ("TIME_PERIOD", None),
    ("OBS_VALUE", None),
    ("OBS_STATUS", "Observation Status"),
    ("OBS_FOOTNOTE", None),
    ("SOURCE_TABLE", "Source table"),
)
_WRITTEN_FROM = {
    "REF_AREA": "ref_area",
    "INDICATOR": "indicator",
    "SEX": "sex",
    "AGE": "age",
    "UNIT_MEASURE": "unit",
    "TIME_PERIOD": "period",
    "OBS_VALUE": "value",
    "OBS_STATUS": "obs_status",
    "OBS_FOOTNOTE": "note",
    "SOURCE_TABLE": "source_table",
}
_SEX_LABELS = {"_T": "Total", "F": "Female", "M": "Male"}
_CODED = {"REF_AREA", "INDICATOR", "SEX", "AGE", "UNIT_MEASURE", "OBS_STATUS", "FREQ"}
_CODED |= set(UNMODELLED_DIMENSIONS)
# A data row's number in its file, counting the header as row 1.
_FIRST_DATA_ROW = 2

PathOrBuffer = str | PathLike[str] | IO[str]


class SdmxRead(NamedTuple):
    """What :func:`read_sdmx_csv` returns.

    Attributes
    ----------
    observations : DataFrame
        Valid rows in the Observations layout; regional aggregates, if the file has any,
        keep their codes (with an underscore) and can be split off with
        :func:`caretrends.clean.split_aggregates`.
    rejects : DataFrame
        One row per rejected row and reason (:data:`caretrends.schemas.REJECT_COLUMNS`).
        ``len(observations) + rejects["source_row"].nunique()`` equals the rows read.
    """

    observations: pd.DataFrame
    rejects: pd.DataFrame


def read_sdmx_csv(path_or_buffer: PathOrBuffer, *, source: str | None = None) -> SdmxRead:
    """Read an SDMX-CSV file (UNICEF code+label layout or plain) into Observations.

    Parameters
    ----------
    path_or_buffer : path or text buffer
        The CSV (UTF-8, with or without a byte-order mark).
    source : str, optional
        The ``source`` of every row; defaults to the file name without its extension.

    Returns
    -------
    SdmxRead
        ``(observations, rejects)``. Rows are rejected, with file, row, column, value
        and reason, for: a value that is neither a number nor a missing-value marker, a
        period :func:`caretrends.clean.parse_period` cannot read, a breakdown by a
        dimension the Observations table does not have, anything the Observations
        schema refuses (bad codes, years out of range) and duplicate keys.

    Raises
    ------
    DataValidationError
        When a required column is missing, or the file is empty, binary, not UTF-8, cut
        short or has records not matching its header; the message names the file (and
        the line or column).
    """
    file_name = _file_name(path_or_buffer)
    if isinstance(path_or_buffer, str | PathLike):
        check_csv_file(Path(path_or_buffer), name=file_name)
    table = _code_columns(
        pd.read_csv(path_or_buffer, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    )
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise DataValidationError(
            [f"{file_name}: table sdmx-csv: column {name!r}: missing" for name in missing]
        )
    rows = pd.Series(range(_FIRST_DATA_ROW, _FIRST_DATA_ROW + len(table)), index=table.index)
    cells = missing_to_nan(table["OBS_VALUE"])
    periods = _parse_periods(table["TIME_PERIOD"])
    problems = [
        (cells["obs_status"].isna(), "OBS_VALUE", "not a number or a missing-value marker"),
        (periods["freq"].isna(), "TIME_PERIOD", "not a period parse_period can read"),
    ]
    for dimension in UNMODELLED_DIMENSIONS:
        if dimension in table.columns:
            breakdown = ~table[dimension].isin(["", "_T", "_Z"])
            problems.append((breakdown, dimension, "breakdown not in the Observations table"))
    rejected = np.logical_or.reduce([mask.to_numpy() for mask, _, _ in problems])
    row_rejects = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_file": file_name,
                    "source_row": rows[mask],
                    "column": column,
                    "value": table.loc[mask, column],
                    "reason": reason,
                }
            )
            for mask, column, reason in problems
        ],
        ignore_index=True,
    )
    observations = _observations(table, cells, periods, source or _default_source(file_name))
    keep = ~rejected
    valid, schema_rejects = validate_table(
        observations[keep], OBSERVATIONS, source_file=file_name, row_numbers=rows[keep]
    )
    rejects = pd.concat([empty_rejects(), row_rejects, schema_rejects], ignore_index=True)
    return SdmxRead(valid, rejects[REJECT_COLUMNS])


def _file_name(path_or_buffer: PathOrBuffer) -> str:
    if isinstance(path_or_buffer, str | PathLike):
        return str(path_or_buffer)
    return str(getattr(path_or_buffer, "name", "<buffer>"))


def _default_source(file_name: str) -> str:
    if file_name == "<buffer>":
        raise ValueError("read_sdmx_csv: give source= when reading from a buffer without a name")
    return Path(file_name).stem


def _code_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Keep the code columns, named by their code; drop the label columns.

    ``CODE:Label`` headers (SDMX-CSV ``labels=both``) become ``CODE``, and their coded
    cells ``code: label`` become ``code``.
    """
    kept = {}
    for header in table.columns:
        name, _, label = str(header).lstrip("\ufeff").partition(":")
        name = name.strip()
        if not name.replace("_", "").isalnum() or not name.isupper():
            continue  # a label column, e.g. "Geographic area"
        values = table[header].str.strip()
        if label and name in _CODED:
            values = values.str.partition(":")[0].str.strip()
        kept[name] = values
    return pd.DataFrame(kept, index=table.index)


def _parse_periods(periods: pd.Series) -> pd.DataFrame:
    """Parse each distinct period once; unreadable ones get missing fields."""
    parsed = {}
    for text in periods.unique():
        try:
            period = parse_period(text)
        except ValueError:
            parsed[text] = (pd.NA, pd.NA, pd.NA)
        else:
            parsed[text] = (period.code, period.freq, period.year)
    fields = pd.DataFrame(
        [parsed[text] for text in periods], columns=["period", "freq", "year"], index=periods.index
    )
    return fields


def _observations(
    table: pd.DataFrame, cells: pd.DataFrame, periods: pd.DataFrame, source: str
) -> pd.DataFrame:
    """Assemble the Observations columns from the code columns."""

    def column(name: str, default: str = "") -> pd.Series:
        return table[name] if name in table.columns else pd.Series(default, index=table.index)

    note = pd.Series("", index=table.index)
    for name in NOTE_COLUMNS:
        if name in table.columns:
            text = table[name]
            joined = note.where(note == "", note + "; ") + text
            note = note.where(text == "", joined)
    source_table = next(
        (table[name] for name in TABLE_COLUMNS if name in table.columns),
        pd.Series("", index=table.index),
    )
    status = column("OBS_STATUS")
    frame = pd.DataFrame(
        {
            "source": source,
            "source_table": source_table,
            "ref_area": table["REF_AREA"],
            "indicator": table["INDICATOR"],
            "sex": column("SEX", "_T").replace("", "_T"),
            "age": column("AGE", "_T").replace("", "_T"),
            "unit": table["UNIT_MEASURE"],
            "period": periods["period"],
            "freq": periods["freq"],
            "year": periods["year"],
            "value": cells["value"].to_numpy(),
            "obs_status": status.where(status != "", cells["obs_status"].to_numpy()),
            "note": note.replace("", None),
        },
        index=table.index,
    )
    return frame[OBSERVATION_COLUMNS]


def write_sdmx_csv(
    observations: pd.DataFrame,
    path: str | PathLike[str],
    *,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write Observations as SDMX-CSV in UNICEF's code+label layout, byte for byte stable.

    Rows are sorted by the Observations key and values written in their shortest exact
    form (``1266``, ``104.38848...``), so that writing the same table twice gives the same
    bytes. ``source`` is not written (give it back with ``read_sdmx_csv(..., source=)``);
    ``note`` goes to ``OBS_FOOTNOTE``, ``source_table`` to ``SOURCE_TABLE``.

    Parameters
    ----------
    observations : DataFrame
        Rows in the Observations layout.
    path : path
        The file to write (UTF-8, ``\\n`` line ends).
    labels : mapping, optional
        Label of each code, per column of :data:`WRITTEN_LAYOUT`
        (``{"INDICATOR": {"PT_CHLD_INRESIDENTIAL": "..."}}``); sex and observation-status
        labels are built in. A code without a label gets an empty label cell.

    Returns
    -------
    Path
        The file written.
    """
    known = {"SEX": _SEX_LABELS, "OBS_STATUS": OBS_STATUS_LABELS, **(labels or {})}
    ordered = observations.sort_values(OBSERVATION_KEY, kind="stable").reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    for code_column, label_column in WRITTEN_LAYOUT:
        source_column = ordered[_WRITTEN_FROM[code_column]]
        if code_column == "OBS_VALUE":
            columns[code_column] = source_column.map(_format_value)
        else:
            columns[code_column] = source_column.fillna("").astype(str)
        if label_column is not None:
            names = known.get(code_column, {})
            columns[label_column] = columns[code_column].map(lambda c, n=names: n.get(c, ""))
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    pd.DataFrame(columns).to_csv(buffer, index=False, lineterminator="\n")
    target.write_bytes(buffer.getvalue().encode("utf-8"))
    return target


def _format_value(value: float) -> str:
    """Return a value's shortest exact text: integers without ``.0``, NaN as blank."""
    if pd.isna(value):
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


__all__ = ["SdmxRead", "read_sdmx_csv", "write_sdmx_csv"]
