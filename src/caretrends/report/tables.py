"""Tables ready to show on a page: localised headers and names, numbers in the locale.

A table leaves a notebook as a published table would: headers from the label catalog
(``column.<name>``) or given by the caller with their units, country codes and category
codes as names, numbers formatted by Babel for the run's language, no row index, ``–``
for a missing value, ``c`` for a suppressed one, never ``NaN``, ``True``/``False`` or
scientific notation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from caretrends.disclosure.rules import MARKERS
from caretrends.labels import (
    CODE_GROUPS,
    cited_text,
    country_name,
    format_number,
    format_percent,
    has_label,
    institution_name,
    label,
    model_term,
    reject_reason,
    source_text,
    text_or_label,
    withheld_text,
)

#: Shown for a missing value (a published table's dash).
MISSING = "–"

#: Columns of page tables holding codes or fixed English texts, and the catalog group
#: that names each: the figures' groups and those only tables show.
TABLE_CODE_GROUPS: dict[str, str] = {
    **CODE_GROUPS,
    "check": "consistency.check",
    "kind": "file_kind",
    "risk_factor": "risk_factor",
    "language": "language_name",
    "records": "records",
    "scale": "power_scale",
    "method": "power_method",
}

#: Columns holding a producer's code (``KAS``, ``MPMS``), shown as its acronym in the
#: reader's language (:func:`caretrends.labels.institution_name`).
PRODUCER_COLUMNS: frozenset[str] = frozenset(
    {"source", "births_source", "numerator_source", "denominator_source"}
)

#: Columns of identifiers a reader copies rather than reads (files, label keys,
#: checksums, column names of an input file): shown as code.
CODE_COLUMNS: frozenset[str] = frozenset(
    {
        "file",
        "path",
        "source_file",
        "sha256",
        "column",
        "identifier_columns_dropped",
        "unknown_columns_dropped",
    }
)
#: Columns quoted as their publisher wrote them (producers' names, licence terms): shown
#: as citations, in the language they were published in.
CITED_COLUMNS: frozenset[str] = frozenset({"producer", "licence"})
#: The HTML element each of these columns' cells is marked up with.
_TAGS: dict[str, str] = dict.fromkeys(CODE_COLUMNS, "code") | dict.fromkeys(CITED_COLUMNS, "cite")
#: A code left as it is because the catalog has no name for it (``CT_UCCK_NEWBORNS_LEFT``).
_BARE_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+")

#: Columns holding ISO 3166-1 alpha-3 codes.
AREA_COLUMNS: frozenset[str] = frozenset({"ref_area", "country"})
#: Columns holding years (written without a thousands separator); a segment's ``start`` and
#: ``end`` are years too (a joinpoint segment), and dates in them stay as written.
YEAR_COLUMNS: frozenset[str] = frozenset(
    {"year", "first_year", "last_year", "period", "start", "end"}
)


def header(column: str, lang: str) -> str:
    """Return the header of ``column`` in ``lang``.

    From the ``column.<name>`` label, else ``notebook.column.<name>`` (columns only a
    notebook's own tables have); a column named for a year (``level_change_2014``) is the
    header of its name followed by the year; else the name itself.

    Examples
    --------
    >>> header("ref_area", "sq"), header("variant", "sr"), header("year_2016", "en")
    ('Vendi', 'Varijanta', 'Year 2016')
    """
    for key in (f"column.{column}", f"notebook.column.{column}"):
        if has_label(key, lang):
            return label(key, lang)
    base, _, year = column.rpartition("_")
    if base and len(year) == 4 and year.isdigit() and header(base, lang) != base:
        return f"{header(base, lang)} {year}"
    return column


def headers(columns: Sequence[str], lang: str) -> dict[str, str]:
    """Return ``{column: header}`` in ``lang`` (:func:`header` of each column).

    Examples
    --------
    >>> headers(["analysis", "estimate"], "sq")
    {'analysis': 'Analiza', 'estimate': 'Vlerësimi'}
    """
    return {column: header(column, lang) for column in columns}


def cell_text(
    value: object, lang: str, *, decimals: int | None = None, percent: bool = False
) -> str:
    """Return one cell as published: a number in the locale, ``–``, a marker, yes/no.

    Parameters
    ----------
    value : object
        The cell.
    lang : str
        The run's language.
    decimals : int, optional
        Decimals of a number; default 0 for whole numbers, else 2.
    percent : bool
        Show a fraction as a percentage (one decimal unless ``decimals``).

    Examples
    --------
    >>> cell_text(1234.5, "sq", decimals=1), cell_text(float("nan"), "en"), cell_text("c", "sr")
    ('1\\xa0234,5', '–', 'c')
    >>> cell_text(2.916411e-10, "en"), cell_text(True, "sq")
    ('0.00', 'Po')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, bool | np.bool_):
        return label("answer.yes" if value else "answer.no", lang)
    if isinstance(value, str):
        # a source description this project wrote reads in the reader's language
        return source_text(value, lang) if value.strip() else MISSING
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return MISSING
        if percent:
            return format_percent(number, lang, decimals=1 if decimals is None else decimals)
        if decimals is None:
            decimals = 0 if number.is_integer() else 2
        return format_number(number, lang, decimals=decimals)
    return str(value)


def _namer(column: str) -> Callable[[str, str], str] | None:
    """How a code in ``column`` becomes a name in a language, if the column holds codes."""
    if column in AREA_COLUMNS:
        return country_name
    if column == "term":
        return model_term
    if column == "cited_as":
        return cited_text
    if column in PRODUCER_COLUMNS:  # a producer's code: the acronym its readers know
        return institution_name
    if column == "reason":
        return reject_reason
    if column == "effect":  # what a design could detect: a model's change, or a covariate
        return _effect_name
    if column == "withheld":  # why the disclosure rules held a reading back
        return lambda value, lang: withheld_text(value, lang) if value else ""
    if column in TABLE_CODE_GROUPS:
        return lambda value, lang: text_or_label(value, TABLE_CODE_GROUPS[column], lang)
    return None


def _effect_name(effect: str, lang: str) -> str:
    group = "annex.detectable" if has_label(f"annex.detectable.{effect}", lang) else "covariate"
    return text_or_label(effect, group, lang)


def code_text(value: object, column: str, lang: str) -> str:
    """Return a code cell as a name: a country, a category label, or the value itself."""
    name = _namer(column)
    if name is None or not isinstance(value, str) or value in MARKERS:
        return cell_text(value, lang)
    return name(value, lang)


def display_table(
    frame: pd.DataFrame,
    lang: str,
    *,
    columns: Sequence[str] | Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    percent: Sequence[str] = (),
) -> Styler:
    """Return ``frame`` as a table to show: text cells with localised headers, no row index.

    A notebook shows it as the last line of a cell, every row shown; its ``.data`` holds the
    text cells alone, ready to print.

    Parameters
    ----------
    frame : DataFrame
        A tidy table (suppressed first where it holds counts: see
        :mod:`caretrends.disclosure`).
    lang : str
        The run's language.
    columns : sequence of str or mapping of str to str, optional
        Columns to keep, in order; a mapping gives each its header (with its unit, in
        ``lang``); otherwise headers come from the ``column.<name>`` labels.
    decimals : mapping of str to int, optional
        Decimals per column (default: 0 for whole numbers, else 2).
    percent : sequence of str
        Columns of fractions shown as percentages.

    Returns
    -------
    Styler
        Cells marked up by what they hold; ``.data`` is a DataFrame of strings only, with a
        plain 0..n-1 index.

    Examples
    --------
    >>> table = pd.DataFrame({"ref_area": ["MNE"], "year": [2018], "value": [float("nan")]})
    >>> display_table(table, "sr").data.to_dict("records")
    [{'Zemlja': 'Crna Gora', 'Godina': '2018', 'Vrednost': '–'}]
    """
    names = dict(columns) if isinstance(columns, Mapping) else None
    chosen = list(columns) if columns is not None else list(frame.columns)
    decimals = dict(decimals or {})
    shown = {}
    for column in chosen:
        values = frame[column].tolist()
        if _namer(column) is not None:
            cells = [code_text(v, column, lang) for v in values]
        elif column in YEAR_COLUMNS:
            cells = [_year_text(v, lang) for v in values]
        else:
            cells = [
                cell_text(v, lang, decimals=decimals.get(column), percent=column in percent)
                for v in values
            ]
        shown[names[column] if names else header(column, lang)] = cells
    table = pd.DataFrame(shown, index=pd.RangeIndex(len(frame)))
    formatters = {
        heading: _cell_markup(column) for column, heading in zip(chosen, table.columns, strict=True)
    }
    # Numbers align right, text left (the page's style sheet): a cell is a number when its
    # value is one, whatever its text shows ("–" for a missing one aligns with them).
    numbers = pd.DataFrame(
        {
            heading: [
                "number" if _is_number(value) and column not in YEAR_COLUMNS else ""
                for value in frame[column]
            ]
            for column, heading in zip(chosen, table.columns, strict=True)
        },
        index=table.index,
    )
    return (
        table.style.format(formatters, escape="html")
        .hide(axis="index")
        .set_td_classes(numbers)
        .set_table_attributes('class="caretrends-table"')
    )


def _is_number(value: object) -> bool:
    """Whether a cell's value is a number (not a flag, a code or a yes/no).

    >>> _is_number(3.5), _is_number(True), _is_number("c"), _is_number(float("nan"))
    (True, False, False, True)
    """
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _cell_markup(column: str) -> Callable[[str], str]:
    """How a cell of ``column`` is marked up (its text already escaped): identifiers as
    code, publishers' texts as citations, wordings under review as quotations, a code the
    catalog has no name for as code; anything else as it is."""
    tag = _TAGS.get(column)
    if tag is not None:
        return lambda text: f"<{tag}>{text}</{tag}>"
    if _namer(column) is not None:
        return lambda text: f"<code>{text}</code>" if _BARE_CODE.fullmatch(text) else text
    return str


def _year_text(value: object, lang: str) -> str:
    """A year (or a period such as ``2019``) without a thousands separator."""
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return f"{float(value):.0f}"
    return cell_text(value, lang)
