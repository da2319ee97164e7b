"""The table of headline figures a brief quotes, in the brief's language, as CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from caretrends import disclosure, paths
from caretrends._version import __version__
from caretrends.errors import DataValidationError
from caretrends.figures.chart import require_columns
from caretrends.figures.export import CSV_ENCODING
from caretrends.labels import format_interval, format_number, format_percent, label
from caretrends.models.result import Estimate, change_title

_REQUIRED = ["measure", "period", "value", "source"]
_UNITS = ("count", "rate", "percent")


def _show(value: float, unit: str, lang: str, decimals: int, *, sign: bool = False) -> str:
    if unit == "percent":
        return format_percent(value, lang, decimals=decimals, sign=sign)
    return format_number(value, lang, decimals=decimals, sign=sign)


def _value_cell(row: pd.Series, lang: str) -> tuple[str, bool]:
    """Return the formatted value and whether it is hidden.

    A rate or percentage resting on fewer events than the disclosure rules trust carries
    their unreliable flag, as its chart draws it hollow.
    """
    rules = disclosure.DEFAULT_RULES
    unit, decimals = row["unit"], int(row["decimals"])
    if pd.isna(row["value"]):  # withheld by the case rules: its note says why
        return disclosure.SUPPRESSED, True
    if unit == "count" and rules.hides(row["value"]):
        return disclosure.SUPPRESSED, True
    events = row.get("numerator", np.nan)
    if unit == "rate" and not pd.isna(events) and rules.hides(events):
        return disclosure.SUPPRESSED, True
    text = _show(row["value"], unit, lang, decimals)
    if _unreliable(row):
        text = f"{text} {disclosure.UNRELIABLE}"
    return text, False


def _unreliable(row: pd.Series) -> bool:
    """Whether a rate or percentage rests on fewer events than the disclosure rules trust."""
    events = row.get("numerator", np.nan)
    return (
        row["unit"] in ("rate", "percent")
        and not pd.isna(events)
        and events < disclosure.DEFAULT_RULES.unreliable_below
    )


def _change_cell(row: pd.Series, lang: str, hidden: bool) -> str:
    """The change since the previous period: the difference and percent change, or, where
    either count is below the reliability threshold, the earlier count alone (a percent
    change of a handful of events says nothing a reader should quote)."""
    previous = row.get("previous_value", np.nan)
    if pd.isna(previous):
        return ""
    rules = disclosure.DEFAULT_RULES
    if hidden or (row["unit"] == "count" and rules.hides(previous)):
        return disclosure.SUPPRESSED
    decimals = int(row["decimals"])
    if row["unit"] == "count" and min(row["value"], previous) < rules.unreliable_below:
        return label(
            "key.change_small",
            lang,
            previous=_show(previous, "count", lang, decimals),
            period=row["previous_period"],
            n=rules.unreliable_below,
        )
    difference = _show(row["value"] - previous, row["unit"], lang, decimals, sign=True)
    relative = format_percent((row["value"] - previous) / previous, lang, decimals=1, sign=True)
    return label(
        "key.change_text",
        lang,
        change=f"{difference} ({relative})" if previous else difference,
        period=row["previous_period"],
    )


def _estimate_cell(row: pd.Series, lang: str) -> str:
    """The model estimate: the headline as page 02 words it, a labelled change through the
    one wording function (:func:`caretrends.models.result.change_title`), or a level with
    its interval."""
    estimate = row.get("estimate", np.nan)
    if pd.isna(estimate):
        return ""
    sentence = row.get("estimate_text", "")
    if isinstance(sentence, str) and sentence:
        return sentence  # the headline, word for word as page 02 and the titles quote it
    percent = row.get("estimate_unit", "") == "percent"
    name = row.get("estimate_label", "")
    if isinstance(name, str) and name:
        change = Estimate(name, estimate, np.nan, row["conf_low"], row["conf_high"], np.nan)
        return change_title(name, change, 0.95).render(lang)
    scale = 100.0 if percent else 1.0
    decimals = 1 if percent else 2
    interval = format_interval(
        row["conf_low"] / scale, row["conf_high"] / scale, lang, decimals=decimals, percent=percent
    )
    value = (
        format_percent(estimate / scale, lang, decimals=decimals)
        if percent
        else format_number(estimate, lang, decimals=decimals)
    )
    return f"{value} ({interval})"


def key_numbers_table(rows: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """Return the headline figures formatted for ``lang``, small counts shown as ``c``.

    Parameters
    ----------
    rows : DataFrame
        One row per figure: ``measure`` (text in ``lang``), ``period``, ``value``,
        ``source``; optional ``unit`` (``count`` default, ``rate``, ``percent`` of a
        fraction), ``decimals``, ``numerator`` (events behind a rate),
        ``previous_period`` and ``previous_value`` (for the change), ``estimate``,
        ``conf_low``, ``conf_high`` with ``estimate_unit`` (``percent`` for an APC) and
        ``estimate_label`` (e.g. ``APC``), or ``estimate_text``, a sentence quoted as it
        stands instead (the headline), and ``note``.
    lang : {"en", "sq", "sr"}
        Language and number format.

    Returns
    -------
    DataFrame
        Text columns with headers in ``lang``.

    Examples
    --------
    >>> rows = pd.DataFrame({"measure": ["Abandoned children"], "period": ["2024"],
    ...                      "value": [1234], "source": ["KAS"], "previous_period": ["2023"],
    ...                      "previous_value": [1200]})
    >>> key_numbers_table(rows, lang="sq").iloc[0, 2:4].tolist()
    ['1\\xa0234', '+34 (+2,8%) krahasuar me 2023']
    """
    require_columns(rows, _REQUIRED, "key numbers")
    table = rows.copy()
    table["unit"] = table.get("unit", pd.Series("count", index=table.index)).fillna("count")
    bad_units = sorted(set(table["unit"]) - set(_UNITS))
    if bad_units:
        raise DataValidationError(
            [f"key numbers: column 'unit': value {u!r}: not one of {_UNITS}" for u in bad_units]
        )
    default_decimals = table["unit"].map({"count": 0, "rate": 1, "percent": 0})
    table["decimals"] = table.get("decimals", default_decimals).fillna(default_decimals)
    values, changes, estimates, notes = [], [], [], []
    given_notes = table.get("note", pd.Series("", index=table.index)).fillna("")
    unreliable_note = label(
        "key.unreliable_note",
        lang,
        flag=disclosure.UNRELIABLE,
        n=disclosure.DEFAULT_RULES.unreliable_below,
    )
    for (_, row), note in zip(table.iterrows(), given_notes, strict=True):
        value, hidden = _value_cell(row, lang)
        values.append(value)
        changes.append(_change_cell(row, lang, hidden))
        estimates.append(_estimate_cell(row, lang))
        flagged = not hidden and _unreliable(row)
        notes.append(" ".join(part for part in (note, flagged * unreliable_note) if part))
    return pd.DataFrame(
        {
            label("key.measure", lang): table["measure"],
            label("key.period", lang): table["period"].astype(str),
            label("key.value", lang): values,
            label("key.change", lang): changes,
            label("key.estimate", lang): estimates,
            label("key.source", lang): table["source"],
            label("key.note", lang): notes,
        }
    )


def _workbook_values(rows: pd.DataFrame) -> list[tuple[float, str]]:
    """Each row's value as a number and its Excel number format ("" where it is hidden).

    >>> rows = pd.DataFrame({"measure": ["a", "b", "c"], "period": ["2024"] * 3,
    ...     "value": [1234, 0.613, 3], "source": ["KAS"] * 3, "unit": ["count", "percent", "count"],
    ...     "numerator": [None, 19, None]})
    >>> _workbook_values(rows)
    [(1234.0, '#,##0'), (0.613, '0%" u"'), (3.0, '')]
    """
    table = key_numbers_table(rows)  # the CSV's cells, which say what is hidden or flagged
    shown = table.iloc[:, 2].tolist()
    found = []
    units = rows.get("unit", pd.Series("count", index=rows.index)).fillna("count")
    for (_, row), unit, cell in zip(rows.iterrows(), units, shown, strict=True):
        if cell == disclosure.SUPPRESSED:
            found.append((float(row["value"]), ""))
            continue
        decimals = (
            int(row["decimals"])
            if "decimals" in row and pd.notna(row["decimals"])
            else (1 if unit == "rate" else 0)
        )
        digits = "0" + ("." + "0" * decimals if decimals else "")
        number_format = f"{digits}%" if unit == "percent" else "#,##" + digits
        if cell.endswith(disclosure.UNRELIABLE):
            number_format += f'" {disclosure.UNRELIABLE}"'
        found.append((float(row["value"]), number_format))
    return found


def key_numbers(
    rows: pd.DataFrame,
    *,
    lang: str = "en",
    name: str = "key_numbers",
    directory: Path | None = None,
    run_id: str = "interactive",
) -> dict[str, Path]:
    """Write the headline figures as CSV and XLSX in ``lang``; return the two paths.

    See :func:`key_numbers_table` for the columns of ``rows``. The workbook's properties
    carry the run id; small counts are ``c`` in both files.
    """
    from openpyxl import load_workbook  # only when a workbook is written
    from openpyxl.styles import Alignment, Font

    table = key_numbers_table(rows, lang=lang)
    folder = directory if directory is not None else paths.reports_dir() / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{name}-{lang}"
    csv_path, xlsx_path = stem.with_suffix(".csv"), stem.with_suffix(".xlsx")
    table.to_csv(csv_path, index=False, encoding=CSV_ENCODING, lineterminator="\n")
    sheet = label("key.sheet", lang)
    table.to_excel(xlsx_path, index=False, sheet_name=sheet)
    workbook = load_workbook(xlsx_path)
    worksheet = workbook[sheet]
    # The Value column holds numbers a spreadsheet can compute with, shown as the CSV shows
    # them (a flag as literal text of the format); a suppressed value stays "c".
    for row, (value, number_format) in enumerate(_workbook_values(rows), start=2):
        if number_format:
            cell = worksheet.cell(row=row, column=3, value=value)
            cell.number_format = number_format
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column in worksheet.columns:
        longest = max(len(str(c.value or "")) for c in column)
        worksheet.column_dimensions[column[0].column_letter].width = min(max(12, longest + 2), 60)
    workbook.properties.title = sheet
    workbook.properties.keywords = f"run_id: {run_id}; lang: {lang}"
    workbook.properties.creator = f"caretrends {__version__}"
    workbook.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


__all__ = ["key_numbers", "key_numbers_table"]
