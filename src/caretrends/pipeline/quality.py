"""Data-quality summaries for the data-quality notebook: sources, coverage, conflicts."""

from __future__ import annotations

import re

import pandas as pd

from caretrends import provenance


def source_table(records: list[provenance.SourceRecord]) -> pd.DataFrame:
    """One row per registered raw file: what it is, who produced it, when, under which terms."""
    return pd.DataFrame(
        [
            {
                "file": record.path,
                "kind": record.kind,
                "producer": record.producer,
                "obtained": record.obtained,
                "licence": record.licence,
                "synthetic": record.synthetic,
                "sha256": record.sha256[:12],
            }
            for record in records
        ],
        columns=["file", "kind", "producer", "obtained", "licence", "synthetic", "sha256"],
    )


def coverage(observations: pd.DataFrame, *, ref_areas: list[str] | None = None) -> pd.DataFrame:
    """Which indicator has values for which area, from which year to which, how many.

    Parameters
    ----------
    observations : DataFrame
        Observations or reconciled figures.
    ref_areas : list of str, optional
        Keep only these areas.

    Returns
    -------
    DataFrame
        One row per ``indicator``, ``age``, ``ref_area``: ``first_year``, ``last_year``,
        ``years`` (distinct years with a value) and ``missing_years`` inside that range.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "X", "age": "_T", "ref_area": "XKX",
    ...                     "year": [2010, 2011, 2014], "value": [1.0, 2.0, 3.0]})
    >>> coverage(obs)[["first_year", "last_year", "years", "missing_years"]].iloc[0].tolist()
    [2010, 2014, 3, 2]
    """
    present = observations[observations["value"].notna()]
    if ref_areas is not None:
        present = present[present["ref_area"].isin(ref_areas)]
    summary = (
        present.groupby(["indicator", "age", "ref_area"])["year"]
        .agg(first_year="min", last_year="max", years="nunique")
        .reset_index()
    )
    summary["missing_years"] = summary["last_year"] - summary["first_year"] + 1 - summary["years"]
    return summary


def coverage_grid(observations: pd.DataFrame, *, indicator: str, age: str = "_T") -> pd.DataFrame:
    """Area x year grid of one indicator: 1 where a value exists, 0 where it is missing."""
    selected = observations[
        (observations["indicator"] == indicator)
        & (observations["age"] == age)
        & (observations["sex"] == "_T")
    ]
    grid = selected.assign(has_value=selected["value"].notna().astype(int)).pivot_table(
        index="ref_area", columns="year", values="has_value", aggfunc="max", fill_value=0
    )
    return grid


def conflicts(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The figures on which sources disagree: chosen value and source, and the others."""
    columns = ["ref_area", "indicator", "sex", "age", "period", "source", "value", "alternatives"]
    return reconciled.loc[reconciled["conflict"], columns].sort_values(
        ["ref_area", "indicator", "period"], ignore_index=True
    )


def inferred(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The values inferred from published totals (``obs_status`` E), with their arithmetic."""
    columns = ["ref_area", "indicator", "period", "value", "note"]
    return reconciled.loc[reconciled["obs_status"] == "E", columns].reset_index(drop=True)


#: Reasons that name a row, a file or a value, and the kind of reason each is counted as.
_REASON_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"exact duplicate of row \d+"), "exact duplicate of an earlier row"),
    (
        re.compile(r"overlaps the episode of the same child in .+ row \d+"),
        "overlaps another episode of the same child",
    ),
    (
        re.compile(r"period .+: not a year, quarter .+"),
        "period not a year, quarter, half-year, month or range",
    ),
)


def reason_kind(reason: str) -> str:
    """Return the kind of a reject reason: the reason without the row, file or value it
    names (those stay in the rejects table).

    Examples
    --------
    >>> reason_kind("exact duplicate of row 175"), reason_kind("date in the future")
    ('exact duplicate of an earlier row', 'date in the future')
    """
    for pattern, kind in _REASON_KINDS:
        if pattern.fullmatch(reason):
            return kind
    return reason


def rejects_summary(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows counted by file, column and kind of reason (:func:`reason_kind`)."""
    return (
        rejects.assign(reason=rejects["reason"].map(reason_kind))
        .groupby(["source_file", "column", "reason"])["source_row"]
        .nunique()
        .rename("rows")
        .reset_index()
        .sort_values("rows", ascending=False, ignore_index=True, kind="stable")
    )
