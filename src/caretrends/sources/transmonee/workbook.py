"""TransMonEE: UNICEF ECARO's legacy workbook, read into tidy Observations.

The December 2020 workbook (``TM-2020-EN-December.xlsx``) stacks many tables on each
sheet. Column A numbers the footnotes, column B holds titles, country names and footnote
text, column C the footnote number that applies to a country row, and the columns from D
on the values under a row of years. A table starts at a title row carrying its code
(``4.2.5 Children in residential care by age: 0-2 years olds ...``); section titles
(``4.2 Children in residential care, ...``) end it. Nothing depends on fixed row numbers:
rows are recognised by what they hold.

Each table code is translated with UNICEF's own mapping (``content_legacy_codes_v3.csv``)
into the SDMX ``INDICATOR``/``SEX``/``AGE``/``UNIT`` of the live TransMonEE dataflow.
Regional totals ("Total for CEE/CIS") are returned apart from countries, in
:attr:`LegacyWorkbook.aggregates`, with codes of their own (``TMEE_CEE_CIS``,
``TMEE_EECA``) that :func:`caretrends.sources.cells.is_aggregate_area` recognises.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from caretrends.errors import DataValidationError
from caretrends.schemas import (
    OBSERVATION_COLUMNS,
    OBSERVATION_LAYOUT,
    REJECT_COLUMNS,
    validate_table,
)
from caretrends.sources.cells import area_code, missing_to_nan, split_aggregates
from caretrends.sources.transmonee.codes import (
    MAPPING_NAME,
    TABLE_TITLE,
    fold_title,
    load_legacy_mapping,
    transmonee_dir,
)
from caretrends.warnings import DataQualityWarning

#: ``source`` of every row read from the December 2020 workbook (and its extract).
LEGACY_SOURCE = "UNICEF TransMonEE 2020"


#: The sheets read by default: population, births and fertility, child protection.
DEFAULT_SHEETS: tuple[str, ...] = ("1.Population", "2.Fertility", "4.Child Protection")


WORKBOOK_NAME = "TM-2020-EN-December.xlsx"


_SECTION_TITLE = re.compile(r"^\s*\d+(\.\d+)?\.?\s+\D")


# Columns of the layout (0-based): footnote number, text, footnote reference, first value.
_NOTE_NUMBER, _TEXT, _NOTE_REF, _FIRST_VALUE = 0, 1, 2, 3


@dataclass(frozen=True)
class LegacyWorkbook:
    """What :func:`read_legacy_workbook` returns."""

    #: Country rows, in the Observations layout (missing cells kept as NaN with their
    #: ``obs_status``).
    observations: pd.DataFrame
    #: Regional totals in the same layout, kept apart so that country analyses never
    #: include them by accident.
    aggregates: pd.DataFrame
    #: One row per rejected cell and reason: ``source_file`` the workbook, ``source_row``
    #: the Excel row, ``column`` sheet and Excel column (``4.Child Protection!V``).
    rejects: pd.DataFrame
    #: One row per table found: sheet, code, title, the SDMX codes it maps to, whether
    #: it was mapped, its row, the notes under it that carry no number (definitions) and
    #: the sub-heading it stands under, if any ("Children in foster care").
    tables: pd.DataFrame
    #: Value cells read: ``cells_read == len(observations) + len(aggregates) +
    #: cells_rejected``.
    cells_read: int
    #: Value cells rejected.
    cells_rejected: int


@dataclass
class _Table:
    """One stacked table while it is being read."""

    sheet: str
    code: str
    title: str
    row: int
    years: dict[int, int] = field(default_factory=dict)
    data_rows: list[tuple[int, str, object, tuple[object, ...]]] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    group: str = ""
    rows_before_years: list[int] = field(default_factory=list)


def read_legacy_workbook(
    path: Path | None = None,
    *,
    mapping: pd.DataFrame | None = None,
    sheets: Sequence[str] = DEFAULT_SHEETS,
    source: str = LEGACY_SOURCE,
) -> LegacyWorkbook:
    """Read the TransMonEE legacy workbook into tidy Observations.

    Parameters
    ----------
    path : Path, optional
        The workbook; defaults to the December 2020 edition bundled in
        ``data/raw/transmonee/source``.
    mapping : DataFrame, optional
        :func:`load_legacy_mapping`'s table; read from beside the workbook by default.
    sheets : sequence of str
        Sheet names to read.
    source : str
        The ``source`` of every row.

    Returns
    -------
    LegacyWorkbook
        Country observations, regional aggregates, rejects and the table catalogue.
        ``source_table`` is the legacy code, ``period``/``year`` the column's year, and
        ``note`` the text of the footnote(s) the country row refers to under its table.
        Cells of a table whose code is missing from the mapping, or whose title differs
        from the mapping's, are rejected with that reason; so are cells of a row whose
        name is no known country or aggregate, and cells that are neither numbers nor
        missing-value markers.

    Raises
    ------
    DataValidationError
        When a requested sheet is not in the workbook.
    """
    path = path or transmonee_dir() / WORKBOOK_NAME
    mapping = load_legacy_mapping(path.parent / MAPPING_NAME) if mapping is None else mapping
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        absent = [sheet for sheet in sheets if sheet not in workbook.sheetnames]
        if absent:
            raise DataValidationError(
                [f"{path}: sheet {sheet!r}: missing from the workbook" for sheet in absent]
            )
        tables = [table for sheet in sheets for table in _read_tables(workbook[sheet], sheet)]
    finally:
        workbook.close()
    cells, early_rejects = _cells(tables, str(path))
    return _tidy(cells, early_rejects, tables, mapping, str(path), source)


def _read_tables(worksheet, sheet: str) -> Iterator[_Table]:
    """Yield the stacked tables of one sheet, recognising each row by its content."""
    table: _Table | None = None
    group = ""  # a sub-heading without a code, over the tables that follow it
    for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
        row = tuple(row) + (None,) * max(0, _FIRST_VALUE - len(row))
        text = row[_TEXT].strip() if isinstance(row[_TEXT], str) else row[_TEXT]
        values = row[_FIRST_VALUE:]
        if isinstance(text, str) and (title := TABLE_TITLE.match(text)):
            if table is not None:
                yield table
            table = _Table(sheet, title["code"], title["title"].strip(), number, group=group)
        elif isinstance(text, str) and _SECTION_TITLE.match(text):
            if table is not None:
                yield table
            table, group = None, ""
        elif table is None:
            continue  # the sheet's heading, above its first table
        elif not text and row[_NOTE_NUMBER] is None and _is_year_row(values):
            table.years = {
                _FIRST_VALUE + i: int(float(v)) for i, v in enumerate(values) if _filled(v)
            }
        elif row[_NOTE_NUMBER] is not None and text:
            table.footnotes[_footnote_key(row[_NOTE_NUMBER])] = str(text)
        elif _is_data_row(str(text or ""), values):
            # An unnamed row with values is kept too: its cells are rejected by name.
            if not table.years:
                table.rows_before_years.append(number)
            table.data_rows.append((number, str(text or ""), row[_NOTE_REF], values))
        elif text and table.footnotes:
            # Below the numbered footnotes, a text row heads the next group of tables
            # ("Children in foster care"); it is no note of this table.
            group = str(text)
        elif text:
            table.notes.append(str(text))
    if table is not None:
        yield table


def _filled(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and not pd.isna(value)


def _is_year_row(values: Sequence[object]) -> bool:
    filled = [v for v in values if _filled(v)]
    return bool(filled) and all(re.fullmatch(r"\d{4}(\.0)?", str(v).strip()) for v in filled)


def _is_data_row(text: str, values: Sequence[object]) -> bool:
    """A row with any value is data; an empty row is data only when it names an area."""
    if any(_filled(v) for v in values):
        return True
    try:
        area_code(text)
    except ValueError:
        return False
    return True


def _footnote_key(value: object) -> str:
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def _cells(tables: list[_Table], file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per value cell of every table; data rows above any year row are rejected."""
    records = []
    early = []
    for position, table in enumerate(tables):
        for number in table.rows_before_years:
            early.append(
                (file, number, f"{table.sheet}!B", "", f"table {table.code}: no year row above")
            )
        for number, name, reference, values in table.data_rows:
            if number in table.rows_before_years:
                continue
            for column, year in table.years.items():
                index = column - _FIRST_VALUE
                cell = values[index] if index < len(values) else None
                records.append((position, number, column, name, reference, year, cell))
    cells = pd.DataFrame(
        records, columns=["table", "row", "column", "name", "reference", "year", "cell"]
    )
    return cells, pd.DataFrame(early, columns=REJECT_COLUMNS)


def _tidy(
    cells: pd.DataFrame,
    early_rejects: pd.DataFrame,
    tables: list[_Table],
    mapping: pd.DataFrame,
    file: str,
    source: str,
) -> LegacyWorkbook:
    """Turn value cells into Observations, rejecting each cell that cannot be used."""
    catalogue = _catalogue(tables, mapping)
    meta = catalogue.iloc[cells["table"].to_numpy()].reset_index(drop=True)
    areas = {name: _try_area(name) for name in cells["name"].unique()}
    area = cells["name"].map(lambda name: areas[name][0])
    parsed = missing_to_nan(cells["cell"])
    problems = pd.Series("", index=cells.index)
    problems = problems.mask(parsed["obs_status"].isna(), "not a number or a missing-value marker")
    problems = problems.mask(area.isna(), cells["name"].map(lambda name: areas[name][1]))
    problems = problems.mask(~meta["mapped"], meta["problem"])
    notes = _notes(cells, tables)
    observations = pd.DataFrame(
        {
            "source": source,
            "source_table": meta["source_table"],
            "ref_area": area,
            "indicator": meta["indicator"],
            "sex": meta["sex"],
            "age": meta["age"],
            "unit": meta["unit"],
            "period": cells["year"].astype(str),
            "freq": "A",
            "year": cells["year"],
            "value": parsed["value"],
            "obs_status": parsed["obs_status"],
            "note": notes,
        }
    )[OBSERVATION_COLUMNS]
    where = cells["column"].map(lambda c: get_column_letter(int(c) + 1))
    where = meta["sheet"] + "!" + where
    bad = problems != ""
    cell_rejects = pd.DataFrame(
        {
            "source_file": file,
            "source_row": cells.loc[bad, "row"],
            "column": where[bad],
            "value": cells.loc[bad, "cell"].astype(str),
            "reason": "table " + meta.loc[bad, "source_table"] + ": " + problems[bad],
        }
    )
    candidates = observations[~bad]
    valid, schema_rejects = validate_table(
        candidates,
        OBSERVATION_LAYOUT,  # the domain rules hold for the extract, not every table
        source_file=file,
        row_numbers=pd.Series(candidates.index, index=candidates.index),
    )
    # validate_table numbered the rejects by candidate position; point them at the cell.
    positions = schema_rejects["source_row"].astype(int).to_numpy()
    schema_rejects = schema_rejects.assign(
        source_row=cells["row"].to_numpy()[positions],
        column=where.to_numpy()[positions] + " (" + schema_rejects["column"] + ")",
        reason="table "
        + meta["source_table"].to_numpy()[positions]
        + ": "
        + schema_rejects["reason"],
    )
    countries, aggregates = split_aggregates(valid)
    rejects = pd.concat([early_rejects, cell_rejects, schema_rejects], ignore_index=True)
    return LegacyWorkbook(
        observations=countries,
        aggregates=aggregates,
        rejects=rejects[REJECT_COLUMNS],
        tables=catalogue,
        cells_read=len(cells) + len(early_rejects),
        cells_rejected=int(bad.sum()) + len(set(positions)) + len(early_rejects),
    )


def _try_area(name: str) -> tuple[str | None, str]:
    try:
        return area_code(name)[0], ""
    except ValueError as exc:
        return None, str(exc)


_CATALOGUE_COLUMNS = [
    "sheet",
    "source_table",
    "title",
    "title_row",
    "indicator",
    "sex",
    "age",
    "unit",
    "mapped",
    "problem",
    "data_rows",
    "years",
    "general_notes",
    "group",
]


_SDMX_CODES = ("indicator", "sex", "age", "unit")


def _catalogue(tables: list[_Table], mapping: pd.DataFrame) -> pd.DataFrame:
    """Describe each table and decide whether its cells can be mapped to SDMX codes."""
    rows = []
    for table in tables:
        mapped = mapping.loc[table.code] if table.code in mapping.index else None
        if mapped is None:
            problem = f"code {table.code} not in UNICEF's mapping {MAPPING_NAME}"
        elif mapped["title"] != fold_title(table.title):
            problem = f"title {table.title!r} differs from the mapping's {mapped['title']!r}"
        else:
            problem = ""
        codes = {k: "" if mapped is None else mapped[k] for k in _SDMX_CODES}
        rows.append(
            {
                "sheet": table.sheet,
                "source_table": table.code,
                "title": table.title,
                "title_row": table.row,
                **codes,
                "mapped": problem == "",
                "problem": problem,
                "data_rows": len(table.data_rows),
                "years": f"{min(table.years.values())}-{max(table.years.values())}"
                if table.years
                else "",
                "general_notes": " ".join(table.notes),
                "group": table.group,
            }
        )
    return pd.DataFrame(rows, columns=_CATALOGUE_COLUMNS)


def _notes(cells: pd.DataFrame, tables: list[_Table]) -> pd.Series:
    """Return the text of the footnotes each cell's row refers to (None when none)."""

    def text(position: int, reference: object) -> str | None:
        if not _filled(reference):
            return None
        keys = [_footnote_key(k) for k in re.split(r"[,;\s]+", str(reference).strip()) if k]
        footnotes = tables[position].footnotes
        missing = [k for k in keys if k not in footnotes]
        if missing:
            warnings.warn(
                f"table {tables[position].code}: footnote(s) {', '.join(missing)} referred to "
                "but not found under the table",
                DataQualityWarning,
                stacklevel=4,
            )
        return "; ".join(footnotes.get(k, f"footnote {k}: text not found") for k in keys)

    pairs = cells[["table", "reference"]].astype(str).drop_duplicates()
    found = {
        (row.table, row.reference): text(int(row.table), ref)
        for row, ref in zip(pairs.itertuples(), cells.loc[pairs.index, "reference"], strict=True)
    }
    keys = zip(cells["table"].astype(str), cells["reference"].astype(str), strict=True)
    return pd.Series([found[key] for key in keys], index=cells.index, dtype="object")
