"""Small-cell protection of tables before any count or rate leaves the project.

Official publishers (the UK Department for Education among them) hide small counts
and mark them ``c``; a hidden count must also not be recoverable by subtracting the
published cells from a published total. :func:`suppress` does both:

1. **primary suppression** hides every count from ``rules.low`` to ``rules.high``
   (default 1–4);
2. **secondary suppression** hides further cells so that every published total still
   covers at least two hidden cells, and then checks with linear programming that no
   hidden cell can be pinned down from the totals (a bridge between two hidden
   rectangles, for instance, can be); it hides more until none can;
3. **rates** computed from a hidden count are withheld too, and rates on fewer than
   ``rules.unreliable_below`` events (20, the ONS convention) are flagged ``u``.

The result keeps numbers numeric (``NaN`` where hidden) with a ``suppression`` column
saying why, so that charts can show ``c`` instead of drawing a zero.
:func:`published` turns it into the marked table that is published: it writes
``c`` for primary and secondary cells alike, so a reader cannot tell which was small.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from caretrends.disclosure.rules import (
    DEFAULT_RULES,
    MARKERS,
    PRIMARY,
    SECONDARY,
    SUPPRESSED,
    UNRELIABLE,
    DisclosureRules,
)
from caretrends.errors import DataValidationError, ParameterError

# A hidden count whose feasible range is narrower than this is treated as recovered.
_MIN_RANGE = 1.0


def suppress(
    table: pd.DataFrame,
    *,
    count: str = "value",
    dims: Sequence[str] = (),
    totals_over: Sequence[str] = (),
    rates: Sequence[str] = (),
    rules: DisclosureRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """Hide small counts, the cells that would reveal them, and rates built on them.

    Parameters
    ----------
    table : DataFrame
        One row per cell: the dimension columns, a count column and any rate columns.
    count : str
        The count column (for a rate table, the numerator).
    dims : sequence of str
        The columns that identify a cell (e.g. ``["year", "care_type"]``); needed only
        with ``totals_over``.
    totals_over : sequence of str
        Dimensions whose totals are published (or can be worked out): for each, the
        cells that share all the other dimensions add up to a known total. Secondary
        suppression protects these totals. Empty: primary suppression only.
    rates : sequence of str
        Columns computed from ``count``; withheld where the count is hidden and flagged
        in a ``<rate>_flag`` column (``c`` withheld, ``u`` unreliable, ``""`` fine).
    rules : DisclosureRules
        The thresholds.

    Returns
    -------
    DataFrame
        A copy with ``count`` (float) and ``rates`` set to NaN where hidden, a
        ``suppression`` column (``""``, ``"primary"``, ``"secondary"``; internal, never
        published) and a flag column per rate.

    Raises
    ------
    DataValidationError
        When a column is missing, a count is negative or not a number, a cell is missing
        where totals are protected, or the totals leave a hidden cell exposed whatever
        else is hidden (the message names the rows).

    Examples
    --------
    >>> table = pd.DataFrame({"year": [2020, 2021, 2022], "value": [12, 3, 0]})
    >>> suppress(table)["suppression"].tolist()
    ['', 'primary', '']
    """
    _check_columns(table, [count, *dims, *totals_over, *rates])
    if set(totals_over) - set(dims):
        raise ParameterError(f"totals_over {list(totals_over)} must be among dims {list(dims)}")
    result = table.copy()
    counts = pd.to_numeric(result[count], errors="coerce").astype(float)
    _check_counts(result, counts, count, protect_totals=bool(totals_over))
    hidden = rules.is_small(counts).to_numpy()
    primary = hidden.copy()
    if totals_over and hidden.any():
        groups = _total_groups(result, dims, totals_over)
        hidden = _protect_totals(counts.to_numpy(), hidden, groups)
    result[count] = counts.where(~hidden)
    result["suppression"] = np.select([primary, hidden], [PRIMARY, SECONDARY], default="")
    for rate in rates:
        result[rate] = pd.to_numeric(result[rate], errors="coerce").where(~hidden)
        unreliable = counts.lt(rules.unreliable_below).to_numpy()
        result[f"{rate}_flag"] = np.select(
            [hidden, unreliable], [SUPPRESSED, UNRELIABLE], default=""
        )
    return result


def published(table: pd.DataFrame, *, count: str = "value") -> pd.DataFrame:
    """Return a table :func:`suppress` protected as it may leave the project: ``c`` in print.

    Counts, and the rates withheld with them (the columns with a ``<rate>_flag``), are
    written ``c`` where hidden, primary and secondary alike; each rate keeps its flag
    (``c``, ``u`` or ``""``). The ``suppression`` column is dropped: showing which hidden
    cell was the small one would undo secondary suppression.

    Examples
    --------
    >>> table = pd.DataFrame({"year": [2020, 2021], "value": [12, 3], "rate": [1.2, 0.3]})
    >>> shown = published(suppress(table, rates=["rate"]))
    >>> shown[["value", "rate", "rate_flag"]].values.tolist()
    [[12, 1.2, 'u'], ['c', 'c', 'c']]
    """
    _check_columns(table, [count, "suppression"])
    result = table.drop(columns="suppression")
    hidden = table["suppression"].ne("").to_numpy()
    cells = [
        SUPPRESSED if is_hidden else _whole_if_integer(value)
        for value, is_hidden in zip(result[count], hidden, strict=True)
    ]
    result[count] = pd.Series(cells, index=result.index, dtype=object)
    for rate in [c for c in table.columns if f"{c}_flag" in table.columns]:
        withheld = table[f"{rate}_flag"].eq(SUPPRESSED).to_numpy()
        result[rate] = pd.Series(
            np.where(withheld, SUPPRESSED, result[rate].astype(object)), index=result.index
        )
    return result


def exposed_counts(
    table: pd.DataFrame, columns: Sequence[str], rules: DisclosureRules = DEFAULT_RULES
) -> list[str]:
    """Return every cell of ``columns`` that shows, in clear, a count the rules hide.

    Parameters
    ----------
    table : DataFrame
        A table as published (numbers, ``c`` and other markers, text).
    columns : sequence of str
        The count columns (children, mothers, babies); missing columns are skipped.

    Returns
    -------
    list of str
        ``row N: column 'x': value v`` for each exposed cell; empty when the table is safe.

    Examples
    --------
    >>> exposed_counts(pd.DataFrame({"value": [12, "c", 3]}), ["value"])
    ["row 2: column 'value': value 3"]
    """
    problems = []
    for column in (c for c in columns if c in table.columns):
        numbers = pd.to_numeric(table[column], errors="coerce")
        for row in np.flatnonzero(rules.is_small(numbers).to_numpy()):
            problems.append(f"row {row}: column {column!r}: value {table[column].iloc[row]}")
    return problems


def _whole_if_integer(value: object) -> object:
    """Write counts without a trailing ``.0`` (12, not 12.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def read_marked(values: pd.Series, *, source_file: str, column: str) -> pd.DataFrame:
    """Read a published column that mixes numbers with markers (``c``, ``z``, ``x`` ...).

    Parameters
    ----------
    values : Series
        The column as text, e.g. ``number`` of a DfE CSV.
    source_file, column : str
        Named in the error message.

    Returns
    -------
    DataFrame
        ``value`` (float; NaN for every marker, never 0) and ``marker`` (the marker, or
        ``""`` for a number), indexed like ``values``.

    Raises
    ------
    DataValidationError
        For a cell that is neither a number nor a known marker (names row and value).

    Examples
    --------
    >>> cells = read_marked(pd.Series(["1,230", "c", "z"]), source_file="f.csv", column="n")
    >>> cells["value"].tolist(), cells["marker"].tolist()
    ([1230.0, nan, nan], ['', 'c', 'z'])
    """
    text = values.astype("string").str.strip()
    is_marker = text.isin(list(MARKERS))
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() & ~is_marker & text.notna()
    if bad.any():
        raise DataValidationError(
            [
                f"{source_file}: row {row}: column {column!r}: value {value!r}: "
                f"neither a number nor a marker ({', '.join(MARKERS)})"
                for row, value in text[bad].items()
            ]
        )
    return pd.DataFrame(
        {
            "value": numbers.where(~is_marker).astype(float),
            "marker": text.where(is_marker, "").fillna("").astype(str),
        },
        index=values.index,
    )


def feasible_ranges(
    counts: np.ndarray, hidden: np.ndarray, groups: Sequence[np.ndarray]
) -> pd.DataFrame:
    """Return the smallest and largest value each hidden count can take given the totals.

    This is what an intruder can learn: every published total (the sum of a group of
    cells) and every published cell are known, counts are at least zero.

    Parameters
    ----------
    counts : ndarray
        The true counts of all cells.
    hidden : ndarray of bool
        Which cells are hidden.
    groups : sequence of ndarray
        Positions of the cells that add up to each published total.

    Returns
    -------
    DataFrame
        One row per hidden cell: ``position``, ``lower``, ``upper``.
    """
    hidden_at = np.flatnonzero(hidden)
    column_of = {position: j for j, position in enumerate(hidden_at)}
    equations, totals = [], []
    for group in groups:
        in_group = [column_of[p] for p in group if hidden[p]]
        if not in_group:
            continue
        row = np.zeros(len(hidden_at))
        row[in_group] = 1.0
        equations.append(row)
        totals.append(counts[group][hidden[group]].sum())
    lower, upper = [], []
    for j in range(len(hidden_at)):
        objective = np.zeros(len(hidden_at))
        objective[j] = 1.0
        bounds = []
        for sense in (1.0, -1.0):
            solved = linprog(
                sense * objective,
                A_eq=np.array(equations) if equations else None,
                b_eq=np.array(totals) if totals else None,
                bounds=(0, None),
                method="highs",
            )
            bounds.append(sense * solved.fun if solved.status == 0 else np.inf)
        lower.append(bounds[0])
        upper.append(bounds[1])
    return pd.DataFrame({"position": hidden_at, "lower": lower, "upper": upper})


def _protect_totals(counts: np.ndarray, hidden: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Add secondary suppressions until no hidden count can be recovered from the totals."""
    hidden = hidden.copy()
    while True:
        lonely = next((g for g in groups if hidden[g].sum() == 1), None)
        if lonely is not None:
            _hide_partner(counts, hidden, lonely, groups)
            continue
        ranges = feasible_ranges(counts, hidden, groups)
        exposed = ranges[(ranges["upper"] - ranges["lower"]) < _MIN_RANGE]
        if exposed.empty:
            return hidden
        position = int(exposed["position"].iloc[0])
        group = next((g for g in groups if position in g and not hidden[g].all()), None)
        if group is None:
            raise DataValidationError(
                [f"row {position}: hidden count would be recovered from the published totals"]
            )
        _hide_partner(counts, hidden, group, groups)


def _hide_partner(
    counts: np.ndarray, hidden: np.ndarray, group: np.ndarray, groups: list[np.ndarray]
) -> None:
    """Hide one more published cell of ``group``.

    Preference goes to a cell that also completes another total left with a single
    hidden cell (one suppression then protects two totals), then to non-zero counts (a
    zero protects little: an intruder knows a count cannot go below zero), then to the
    smallest count, which loses least information.
    """
    candidates = group[~hidden[group]]
    if candidates.size == 0:
        raise DataValidationError(
            [f"rows {group.tolist()}: a single hidden cell makes up a published total"]
        )
    lonely = [g for g in groups if hidden[g].sum() == 1 and g is not group]
    completes = np.array([sum(c in g for g in lonely) for c in candidates])
    order = np.lexsort((counts[candidates], counts[candidates] == 0, -completes))
    hidden[candidates[order[0]]] = True


def _total_groups(table: pd.DataFrame, dims: Sequence[str], totals_over: Sequence[str]) -> list:
    """Return, for each published total, the positions of the cells it adds up."""
    positions = np.arange(len(table))
    groups: list[np.ndarray] = []
    for dim in totals_over:
        others = [d for d in dims if d != dim]
        if not others:
            groups.append(positions)
            continue
        keys = table[others].astype(str).agg("|".join, axis=1).to_numpy()
        groups.extend(positions[keys == key] for key in pd.unique(keys))
    return groups


def _check_columns(table: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = sorted({c for c in columns if c not in table.columns})
    if missing:
        raise DataValidationError([f"column {name!r}: missing from the table" for name in missing])


def _check_counts(
    table: pd.DataFrame, counts: pd.Series, count: str, *, protect_totals: bool
) -> None:
    raw = table[count].reset_index(drop=True)
    counts = counts.reset_index(drop=True)
    checks = [
        (counts.isna() & raw.notna(), "not a number"),
        (counts.lt(0), "negative count"),
        (raw.isna() & protect_totals, "missing, so the totals cannot be protected"),
    ]
    problems = [
        f"row {row}: column {count!r}: value {raw[row]!r}: {reason}"
        for failed, reason in checks
        for row in np.flatnonzero(failed.to_numpy())
    ]
    if problems:
        raise DataValidationError(problems)
