"""Reader for the project's compiled table of published figures (Kosovo: KAS, ministry,
hospital, NGOs), one row per figure as a publication states it.

The compiled file (``data/raw/kosovo/kosovo_figures.csv``) has the columns of
:data:`FIGURE_COLUMNS`: the Observations dimensions, the value, and the citation of each
row (who published the number, in which publication, the page address and the quote).
Conflicting figures for the same period are separate rows; reconciliation chooses later.
Two further columns, :data:`OPTIONAL_COLUMNS`, say what a row counts (``definition``) and
who published the page when it is not the producer (``via``: the press outlet or NGO
that quotes the producer); both are carried into ``note`` as ``definition: …`` and
``via: …`` and read back by :func:`note_fields`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from caretrends.errors import DataValidationError
from caretrends.schemas import OBSERVATION_COLUMNS, OBSERVATIONS, REJECT_COLUMNS, validate_table
from caretrends.sources.cells import parse_period

#: Columns of a compiled-figures file.
FIGURE_COLUMNS: list[str] = [
    "indicator",
    "ref_area",
    "sex",
    "age",
    "unit",
    "period",
    "value",
    "publisher",
    "publication",
    "url",
    "quote",
    "reliability",
    "note",
]

#: Columns a compiled-figures file may have: what the row counts, and who published the
#: page when that is not the producer (``publisher``).
OPTIONAL_COLUMNS: list[str] = ["definition", "via"]

#: The labelled parts of ``note`` that :func:`note_fields` reads back.
NOTE_FIELDS: tuple[str, ...] = ("definition", "via", "page")

# A data row's number in its file, counting the header as line 1.
_FIRST_DATA_LINE = 2


def read_compiled_figures(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a compiled-figures CSV into Observations, rejecting what cannot be used.

    ``source`` is the publisher (``KAS``, ``MPMS``, ``UCCK`` …), ``source_table`` the
    publication that states the number, and ``note`` carries the reliability, the
    compiler's note, any remark on the period and the page address, so that every value
    can be traced to where it was published.

    Parameters
    ----------
    path : Path
        The CSV file (UTF-8).

    Returns
    -------
    observations : DataFrame
        Valid rows in the Observations layout (:data:`caretrends.schemas.OBSERVATIONS`).
    rejects : DataFrame
        One row per rejected line and reason (:data:`caretrends.schemas.REJECT_COLUMNS`);
        ``len(observations) + rejected lines == lines read``.

    Raises
    ------
    DataValidationError
        When a required column is missing.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [column for column in FIGURE_COLUMNS if column not in table.columns]
    if missing:
        raise DataValidationError(
            [f"{path}: table compiled figures: column {name!r}: missing" for name in missing]
        )
    for column in OPTIONAL_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    lines = pd.Series(range(_FIRST_DATA_LINE, _FIRST_DATA_LINE + len(table)), index=table.index)
    periods, period_rejects = _parse_periods(table["period"], lines, path)
    values = pd.to_numeric(table["value"].str.replace(",", "", regex=False), errors="coerce")
    bad_value = values.isna()
    value_rejects = pd.DataFrame(
        {
            "source_file": str(path),
            "source_row": lines[bad_value],
            "column": "value",
            "value": table.loc[bad_value, "value"],
            "reason": "not a number",
        }
    )
    usable = periods.index.difference(value_rejects.index)
    observations = _to_observations(table.loc[usable], periods.loc[usable], values.loc[usable])
    valid, schema_rejects = validate_table(
        observations, OBSERVATIONS, source_file=str(path), row_numbers=lines.loc[usable]
    )
    rejects = pd.concat([period_rejects, value_rejects, schema_rejects], ignore_index=True)
    return valid, rejects[REJECT_COLUMNS]


def _parse_periods(
    texts: pd.Series, lines: pd.Series, path: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse each period text; return the parsed ones and a reject for each failure."""
    parsed, rejects = {}, []
    for index, text in texts.items():
        try:
            parsed[index] = parse_period(text)
        except ValueError as exc:
            rejects.append((str(path), lines[index], "period", text, str(exc)))
    frame = pd.DataFrame.from_dict(
        {i: vars(p) for i, p in parsed.items()},
        orient="index",
        columns=["code", "freq", "year", "start_year", "remark"],
    )
    return frame, pd.DataFrame(rejects, columns=REJECT_COLUMNS)


def _to_observations(table: pd.DataFrame, periods: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    notes = pd.concat(
        [
            table["definition"].where(
                table["definition"] == "", "definition: " + table["definition"]
            ),
            table["via"].where(table["via"] == "", "via: " + table["via"]),
            table["reliability"],
            table["note"],
            periods["remark"].where(periods["remark"] == "", "period: " + periods["remark"]),
            table["url"].where(table["url"] == "", "page: " + table["url"]),
        ],
        axis=1,
    ).apply(lambda parts: "; ".join(part for part in parts if part), axis=1)
    frame = pd.DataFrame(
        {
            "source": table["publisher"],
            "source_table": table["publication"],
            "ref_area": table["ref_area"].str.strip(),
            "indicator": table["indicator"].str.strip(),
            "sex": table["sex"].str.strip(),
            "age": table["age"].str.strip(),
            "unit": table["unit"].str.strip(),
            "period": periods["code"],
            "freq": periods["freq"],
            "year": periods["year"].astype("int64"),
            "value": values.astype(float),
            "obs_status": "A",
            "note": notes,
        }
    )
    return frame[OBSERVATION_COLUMNS]


def note_fields(note: object) -> dict[str, str]:
    """The labelled parts of a compiled figure's ``note`` (``definition``, ``via``, ``page``).

    Parameters
    ----------
    note : str
        A ``note`` written by :func:`read_compiled_figures` (anything else gives blanks).

    Returns
    -------
    dict
        One entry per name of :data:`NOTE_FIELDS`, ``""`` where the note has none.

    Examples
    --------
    >>> note_fields("definition: police cases; via: Kallxo; news; page: https://x.org")
    {'definition': 'police cases', 'via': 'Kallxo', 'page': 'https://x.org'}
    """
    fields = dict.fromkeys(NOTE_FIELDS, "")
    for part in str(note if isinstance(note, str) else "").split("; "):
        name, _, value = part.partition(": ")
        if name in fields and value and not fields[name]:
            fields[name] = value
    return fields
