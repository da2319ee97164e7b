"""Small pure cleaning functions shared by every reader.

Each function takes published text as it comes and returns a normalised value, or raises
``ValueError`` with the reason, so that readers can turn the failure into a reject row.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from caretrends.codelists import REF_AREAS_PATH
from caretrends.schemas import AGE_CODE_PATTERN

#: SDMX frequency codes used in the Observations table: annual, half-year (semester),
#: quarter, month, and P for a multi-year period (a cumulative total over several years).
FREQUENCIES: tuple[str, ...] = ("A", "S", "Q", "M", "P")

_YEAR = r"(?P<year>(19|20)\d{2})"
_PERIOD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("A", re.compile(rf"^{_YEAR}$")),
    ("Q", re.compile(rf"^{_YEAR}[-\s]?Q(?P<sub>[1-4])$", re.IGNORECASE)),
    ("S", re.compile(rf"^{_YEAR}[-\s]?[HS](?P<sub>[12])$", re.IGNORECASE)),
    ("M", re.compile(rf"^{_YEAR}-(?P<sub>0[1-9]|1[0-2])$")),
    ("P", re.compile(r"^(?P<start>(19|20)\d{2})\s*[-/–]\s*(?P<year>(19|20)\d{2})$")),
    # Months of one year, cumulated ("January to September 2019"): a period of its own.
    ("P", re.compile(rf"^{_YEAR}-(?P<first>0[1-9]|1[0-2])/(?P=year)-(?P<last>0[1-9]|1[0-2])$")),
]
# Published period text often carries a remark in brackets: "2017-H1 (first months)".
_REMARK = re.compile(r"\s*\((?P<remark>[^)]*)\)\s*$")


@dataclass(frozen=True)
class Period:
    """A parsed period."""

    #: Normalised code: ``2018``, ``2021-Q2``, ``2019-S1``, ``2023-03`` or ``1999/2011``.
    code: str
    #: One of :data:`FREQUENCIES`.
    freq: str
    #: The calendar year the period ends in.
    year: int
    #: The calendar year it starts in (equal to ``year`` except for multi-year periods).
    start_year: int
    #: A bracketed remark that followed the period in the published text, if any.
    remark: str = ""


def parse_period(text: str) -> Period:
    """Parse a published period such as ``2018``, ``2021-Q2``, ``2019-H1`` or ``1999-2011``.

    Parameters
    ----------
    text : str
        The period as published; a trailing bracketed remark is kept as ``remark``.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        When the text is not one of the recognised forms, or a range runs backwards.

    Examples
    --------
    >>> parse_period("2021-Q2")
    Period(code='2021-Q2', freq='Q', year=2021, start_year=2021, remark='')
    >>> parse_period("2019-H1").code
    '2019-S1'
    >>> parse_period("2019-01/2019-09").code
    '2019-01/2019-09'
    >>> parse_period("2009/2016 (cumulative 2009-2016)")
    Period(code='2009/2016', freq='P', year=2016, start_year=2009, remark='cumulative 2009-2016')
    """
    raw = str(text).strip()
    remark_match = _REMARK.search(raw)
    remark = remark_match.group("remark").strip() if remark_match else ""
    core = raw[: remark_match.start()].strip() if remark_match else raw
    for freq, pattern in _PERIOD_PATTERNS:
        match = pattern.match(core)
        if match is None:
            continue
        year = int(match.group("year"))
        if freq == "P" and "first" in match.groupdict():
            first, last = match.group("first"), match.group("last")
            if first >= last:
                raise ValueError(f"period {raw!r}: month range must run forwards")
            return Period(f"{year}-{first}/{year}-{last}", freq, year, year, remark)
        if freq == "P":
            start = int(match.group("start"))
            if start >= year:
                raise ValueError(f"period {raw!r}: range must run forwards")
            return Period(f"{start}/{year}", freq, year, start, remark)
        sub = match.groupdict().get("sub")
        code = {"A": f"{year}", "Q": f"{year}-Q{sub}", "S": f"{year}-S{sub}"}.get(
            freq, f"{year}-{sub}"
        )
        return Period(code, freq, year, year, remark)
    raise ValueError(
        f"period {raw!r}: not a year, quarter (2021-Q2), half-year (2019-H1), "
        "month (2023-03), year range (1999-2011) or month range (2019-01/2019-09)"
    )


# --- missing-value markers -------------------------------------------------------------

#: SDMX observation status (code list CL_OBS_STATUS 2.2) given to each kind of cell.
OBS_STATUS_LABELS: dict[str, str] = {
    "A": "Normal value",
    "O": "Missing value",
    "M": "Missing value; data cannot exist",
    "Q": "Missing value; suppressed",
}

#: Published missing-value markers and the observation status each one gets. ``-``, ``..``,
#: ``:``, an ellipsis, ``x`` and a blank cell say "not available" (``O``); ``c`` (the UK
#: Government Statistical Service's confidential, suppressed cell) is ``Q``; ``z`` (not
#: applicable) is ``M``, a value that cannot exist. GSS's bracketed forms ``[c]``, ``[x]``
#: and ``[z]`` count the same.
MISSING_MARKERS: dict[str, str] = {
    "": "O",
    "-": "O",
    "..": "O",
    "...": "O",
    "…": "O",
    ":": "O",
    "x": "O",
    "c": "Q",
    "z": "M",
}

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def missing_to_nan(values: Iterable[object]) -> pd.DataFrame:
    """Turn published cells into float values and SDMX observation statuses.

    Numbers (and numbers written as text, with surrounding spaces) become ``value`` with
    status ``A``; the markers of :data:`MISSING_MARKERS` (case and spaces ignored) become
    NaN with their status. Text that is neither gets NaN and a missing (``<NA>``) status,
    so that the caller can reject those rows with a reason instead of losing them.

    Parameters
    ----------
    values : iterable
        Cells as read: numbers, text, ``None`` or NaN (a blank cell).

    Returns
    -------
    DataFrame
        Columns ``value`` (float64) and ``obs_status`` (string, ``<NA>`` where unreadable),
        one row per input cell, in order.

    Examples
    --------
    >>> missing_to_nan([1266, " 104.39 ", "-", "c", "n/a"])
         value obs_status
    0  1266.00          A
    1   104.39          A
    2      NaN          O
    3      NaN          Q
    4      NaN       <NA>
    """
    cells = pd.Series(list(values), dtype="object")
    blank = cells.isna()
    text = cells.where(blank, cells.astype(str)).fillna("")
    # Spreadsheets pad cells with ordinary and non-breaking spaces alike.
    text = text.str.replace("\u00a0", " ", regex=False).str.strip()
    marker = text.str.lower().str.removeprefix("[").str.removesuffix("]")
    status = marker.map(MISSING_MARKERS).astype("string")
    numeric = text.str.match(_NUMBER.pattern)
    value = pd.to_numeric(text.where(numeric), errors="coerce").astype("float64")
    status = status.mask(numeric, "A")
    return pd.DataFrame({"value": value, "obs_status": status}).reset_index(drop=True)


# --- reference areas -------------------------------------------------------------------

# A footnote mark after a name: "Serbia 8", "Serbia*", "Serbia (2)", "Serbia¹", "Serbia 1,2".
_FOOTNOTE_MARK = re.compile(r"\s*(\(\d+\)|\[\d+\]|\d+(,\s*\d+)*|[*†‡]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)$")


def _name_key(name: str) -> str:
    """Return a name folded for lookup: no accents, case, repeated spaces or '&'."""
    decomposed = unicodedata.normalize("NFKD", str(name).replace("\u00a0", " "))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("&", " and ").casefold().split())


@functools.cache
def _area_names() -> dict[str, tuple[str, str]]:
    """Map each folded name (and code) of ``ref_areas.csv`` to ``(code, kind)``."""
    table = pd.read_csv(REF_AREAS_PATH, dtype=str, keep_default_na=False)
    names: dict[str, tuple[str, str]] = {}
    for row in table.itertuples(index=False):
        for name in (row.name, row.code):
            key = _name_key(name)
            if names.get(key, (row.code, row.kind)) != (row.code, row.kind):
                raise ValueError(f"{REF_AREAS_PATH}: name {name!r} given to two areas")
            names[key] = (row.code, row.kind)
    return names


def area_labels() -> dict[str, str]:
    """Return the English label of each reference-area code (countries and aggregates)."""
    table = pd.read_csv(REF_AREAS_PATH, dtype=str, keep_default_na=False)
    english = table[table["lang"] == "en"].drop_duplicates("code")
    return dict(zip(english["code"], english["name"], strict=True))


def area_code(name: str) -> tuple[str, str]:
    """Return ``(code, kind)`` for a country or regional-aggregate name as published.

    ``kind`` is ``"country"`` (ISO 3166-1 alpha-3; Kosovo ``XKX``) or ``"aggregate"``
    (a regional total, code with an underscore). Trailing footnote marks are ignored.

    Raises
    ------
    ValueError
        When the name is not in the project's table of area names (``codelists/ref_areas.csv``).

    Examples
    --------
    >>> area_code("Total for CEE/CIS")
    ('TMEE_CEE_CIS', 'aggregate')
    """
    names = _area_names()
    key = _name_key(name)
    # Strip one mark at a time: "Kosovo under UNSCR 1244 1" must keep its "1244".
    while key not in names and (mark := _FOOTNOTE_MARK.search(key)) and mark.start() > 0:
        key = key[: mark.start()]
    if key not in names:
        raise ValueError(f"area {name!r}: not a known country or regional aggregate name")
    return names[key]


def country_to_iso3(name: str) -> str:
    """Return the ISO 3166-1 alpha-3 code of a country name (Kosovo: ``XKX``).

    Accepts the names TransMonEE, UNICEF and national statistics use, former names
    (``The former Yugoslav Republic of Macedonia``), Albanian and Serbian names, stray
    spaces and footnote marks (``Serbia 8``, ``Kosovo*``), and the codes themselves.

    Raises
    ------
    ValueError
        For an unknown name, or a regional aggregate (use :func:`area_code` for those).

    Examples
    --------
    >>> country_to_iso3("Serbia ")
    'SRB'
    >>> country_to_iso3("Kosovo (UNSCR 1244)")
    'XKX'
    >>> country_to_iso3("Maqedonia e Veriut")
    'MKD'
    """
    code, kind = area_code(name)
    if kind != "country":
        raise ValueError(f"area {name!r}: a regional aggregate ({code}), not a country")
    return code


def is_aggregate_area(code: str) -> bool:
    """Return True for a regional-aggregate ``ref_area`` code.

    Countries carry three capital letters (ISO alpha-3, Kosovo ``XKX``), optionally with
    a sub-national suffix (``XKX-Prishtina``); aggregates carry longer codes with an
    underscore (``TMEE_CEE_CIS``, UNICEF's ``UNICEF_ECA``).

    Examples
    --------
    >>> [is_aggregate_area(c) for c in ("SRB", "XKX-Prishtina", "TMEE_EECA")]
    [False, False, True]
    """
    return re.fullmatch(r"[A-Z]{3}(-[\w]+)?", str(code)) is None


def split_aggregates(observations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split an Observations table into country rows and regional-aggregate rows."""
    aggregate = observations["ref_area"].map(is_aggregate_area).astype(bool)
    return (
        observations[~aggregate].reset_index(drop=True),
        observations[aggregate].reset_index(drop=True),
    )


# --- ages ------------------------------------------------------------------------------

_TOTAL_AGES = {"_t", "total", "all ages", "all", "gjithsej", "ukupno", "укупно"}
_MONTHS = re.compile(r"\b(months?|muaj|meseci?|месеци?)\b")
_RANGE = re.compile(r"^(\d+)\s*(?:-|to|deri|do|до)\s*(\d+)\b")
_UNDER = re.compile(
    r"^(?:under|younger than|less than|below|<|nën|ispod|mlađi od|млађи од)\s*(\d+)\b"
)
_OVER = re.compile(
    r"^(\d+)\s*(?:\+|(?:years?\s*(?:old\s*)?)?(?:and|or|e|i)\s*"
    r"(?:over|older|elder|more|above|lart|më shumë|više|старији|више))"
)
_SINGLE = re.compile(r"^(\d+)(?:\s*(?:years?|year-olds?|vjeç|vjec|godin[ae]?|година))?(\s*old)?$")


def age_label_to_code(label: str) -> str:
    """Return the SDMX age code (TransMonEE ``CL_TMEE_AGE`` style) of a published age label.

    Ranges give ``Y0T2``, open-ended ages ``Y_GE18``, "under N" ``Y0T{N-1}`` (under one
    year: ``Y0``), single years ``Y02`` (zero-padded as in ``CL_TMEE_AGE``); month ranges
    give ``M0T11``; totals ``_T``. English, Albanian and Serbian unit words are understood;
    a label that already is a code is returned unchanged.

    Raises
    ------
    ValueError
        When the label is none of these forms.

    Examples
    --------
    >>> [age_label_to_code(t) for t in ("0-2 years olds", "0–3", "0-17", "18 years and older")]
    ['Y0T2', 'Y0T3', 'Y0T17', 'Y_GE18']
    >>> age_label_to_code("under 6 months")
    'M0T5'
    """
    raw = str(label).strip()
    if re.match(AGE_CODE_PATTERN, raw):
        return raw
    text = " ".join(raw.replace("–", "-").replace("—", "-").casefold().split())
    if text in _TOTAL_AGES:
        return "_T"
    prefix = "M" if _MONTHS.search(text) else "Y"
    if match := _RANGE.match(text):
        start, end = int(match.group(1)), int(match.group(2))
        if start >= end:
            raise ValueError(f"age {raw!r}: range must run upwards")
        return f"{prefix}{start}T{end}"
    if match := _UNDER.match(text):
        limit = int(match.group(1))
        if limit < 1:
            raise ValueError(f"age {raw!r}: 'under 0' is empty")
        return f"{prefix}0" if limit == 1 else f"{prefix}0T{limit - 1}"
    if match := _OVER.match(text):
        return f"{prefix}_GE{int(match.group(1))}"
    if prefix == "Y" and (match := _SINGLE.match(text)):
        years = int(match.group(1))
        return "Y0" if years == 0 else f"Y{years:02d}"
    raise ValueError(f"age {raw!r}: not a range (0-2), 'under N', 'N and over' or a single age")
