"""The one list of contested years: every choice the published figures and the consistency
checks allow for a year of the Kosovo series.

- :func:`contested_choices` — one row per (year, choice) from every check: another
  source's annual figure, sub-annual pieces that disagree with the year, an inferred
  year, a change of producer or definition, a stated multi-year total that disagrees with
  its years.
- :func:`mark_contested` — the series' ``conflict`` and ``contested_by`` columns, read
  from that list.
- :func:`apply_choice` — the series with one variant of the list applied.

The primary analysis keeps the value the source-priority rules chose; the list only says
what else the figures allow, for the sensitivity analyses.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from caretrends.labels import (
    cited_text,
    format_number,
    has_label,
    institution_name,
    label,
    text_or_label,
)

#: Columns of :func:`contested_choices`.
CHOICE_COLUMNS: list[str] = ["variant", "year", "choice", "value", "basis", "check"]

#: Finding codes of the sub-annual check that make a year contested (a covering of the
#: same months as another one is no new value, so ``months_disagree`` is not one).
SUBANNUAL_CODES = frozenset({"pieces_exceed", "pieces_differ", "remainder"})

#: Checks that contest the later of two consecutive years.
CHANGE_CHECKS = frozenset({"producer change", "definition change"})

# Order of the choices of one year in the list.
_ORDER = ["published", "other_source", "annualised", "scaled_to_total", "left_out"]

_ALTERNATIVE = re.compile(r"(?P<source>[^\[;]+?) \[(?P<where>[^\]]*)\]: (?P<value>[-\d.e+]+)")


def _check_name(check: str, lang: str) -> str:
    """A check's name in ``lang``: this module's two, else the consistency checks' names."""
    key = f"sensitivity.check.{check.replace(' ', '_')}"
    return (
        label(key, lang)
        if has_label(key, lang)
        else text_or_label(check, "consistency.check", lang)
    )


def _number(value: float, lang: str) -> str:
    return format_number(value, lang, decimals=1 if value != round(value) else 0)


def _annual_alternatives(series: pd.DataFrame, lang: str) -> list[dict]:
    """Other sources' annual figures that differ from the year's value."""
    rows = []
    for row in series.itertuples(index=False):
        seen = {float(row.value)}
        for match in _ALTERNATIVE.finditer(str(getattr(row, "alternatives", "") or "")):
            value = float(match.group("value"))
            if value in seen:
                continue
            seen.add(value)
            source = institution_name(match.group("source").strip(), lang)
            basis = label(
                "sensitivity.basis.other_source",
                lang,
                source=source,
                where=match.group("where"),
                value=_number(value, lang),
            )
            rows.append(_row(row.year, "other_source", value, basis, "annual alternative"))
    return rows


def _inferred(series: pd.DataFrame, lang: str) -> list[dict]:
    """An inferred year (``obs_status`` ``E``): used as inferred, or left out."""
    inferred = series[series["obs_status"] == "E"] if "obs_status" in series else series[:0]
    return [_left_out(year, "inferred", lang) for year in inferred["year"]]


def _subannual(findings: pd.DataFrame, lang: str) -> list[dict]:
    """Each covering that disagrees with its year, annualised (value × 12 / months)."""
    found = findings[findings["code"].isin(SUBANNUAL_CODES)]
    rows = []
    for finding in found.itertuples(index=False):
        months = int(finding.months)
        value = float(finding.value) * 12 / months
        basis = label(
            "sensitivity.basis.annualised",
            lang,
            covering=finding.covering,
            value=_number(float(finding.value), lang),
            months=months,
        )
        year = int(finding.first_year)
        rows += [
            _row(year, "annualised", value, basis, "sub-annual pieces"),
            _left_out(year, "sub-annual pieces", lang),
        ]
    return rows


def _changes(findings: pd.DataFrame, lang: str) -> list[dict]:
    """A change of producer or definition: the later year published, or left out."""
    found = findings[findings["check"].isin(CHANGE_CHECKS)]
    return [_left_out(f.last_year, f.check, lang) for f in found.itertuples(index=False)]


def _stated_totals(series: pd.DataFrame, findings: pd.DataFrame, lang: str) -> list[list[dict]]:
    """A stated multi-year total that disagrees with its years: the series' years in its
    range each multiplied by ``total / their sum``, so that they add up to the total."""
    found = findings[findings["check"] == "stated total"]
    groups = []
    for finding in found.itertuples(index=False):
        first, last = int(finding.first_year), int(finding.last_year)
        years = series[series["year"].between(first, last)]
        summed = float(years["value"].sum())
        if summed <= 0 or len(years) < last - first + 1:
            continue  # a gap in the range: no scaling says how to fill it
        total = float(finding.value)
        basis = label(
            "sensitivity.basis.scaled_to_total",
            lang,
            total=_number(total, lang),
            first=first,
            last=last,
            summed=_number(summed, lang),
        )
        groups.append(
            [
                _row(year, "scaled_to_total", value * total / summed, basis, "stated total")
                for year, value in zip(years["year"], years["value"], strict=True)
            ]
        )
    return groups


def _row(year: object, choice: str, value: float, basis: str, check: str) -> dict:
    return {"year": int(year), "choice": choice, "value": value, "basis": basis, "check": check}


def _left_out(year: object, check: str, lang: str) -> dict:
    return _row(year, "left_out", np.nan, label("sensitivity.basis.left_out", lang), check)


def contested_choices(
    series: pd.DataFrame, findings: pd.DataFrame | None = None, *, lang: str = "en"
) -> pd.DataFrame:
    """Every choice the published figures and the consistency checks allow, year by year.

    Parameters
    ----------
    series : DataFrame
        The Kosovo series (:func:`caretrends.analysis.abandonment_series`): ``year``,
        ``value``, ``cited_as``, ``obs_status`` and ``alternatives``.
    findings : DataFrame, optional
        :func:`caretrends.pipeline.consistency_findings` of the series (with its
        ``first_year``, ``last_year``, ``months``, ``code`` and ``covering`` columns);
        without it only other sources' annual figures and inferred years are contested.
    lang : str
        Language of ``basis`` and ``check``.

    Returns
    -------
    DataFrame
        :data:`CHOICE_COLUMNS`, one row per (year, choice), by year and choice:

        - ``variant``: 0 for the published value; every other number is one change of
          the series (the rows sharing it are changed together);
        - ``choice``: ``published``; ``other_source`` (another source's annual figure);
          ``annualised`` (sub-annual pieces that disagree with the year, × 12 / months
          covered); ``scaled_to_total`` (a stated multi-year total that disagrees with
          the sum of its years: each year of the range × total / sum, one variant for
          the whole range); ``left_out`` (an inferred year, a year with disagreeing
          pieces, the later year of a change of producer or definition);
        - ``value``: the value used (NaN: left out);
        - ``basis``: how the value is obtained, in ``lang``;
        - ``check``: the checks that make the choice (``; ``-joined), in ``lang``.

        A choice that several checks give is one row; a year with none has no row.
    """
    findings = findings if findings is not None else pd.DataFrame(columns=["check", "code"])
    single = pd.DataFrame(
        [
            *_annual_alternatives(series, lang),
            *_inferred(series, lang),
            *_subannual(findings, lang),
            *_changes(findings, lang),
        ],
        columns=CHOICE_COLUMNS[1:],
    )
    single = single[single["year"].isin(series["year"])]
    # One row per (year, choice, value), with every check that gives it.
    merged = single.groupby(["year", "choice", "value"], as_index=False, dropna=False).agg(
        basis=("basis", "first"), check=("check", list)
    )
    merged = merged.iloc[
        np.lexsort([merged["value"], merged["choice"].map(_ORDER.index), merged["year"]])
    ].assign(variant=range(1, len(merged) + 1))
    totals = [
        pd.DataFrame(rows).assign(check=[["stated total"]] * len(rows), variant=len(merged) + i)
        for i, rows in enumerate(_stated_totals(series, findings, lang), start=1)
    ]
    changes = pd.concat([merged, *totals], ignore_index=True)
    checks = changes.groupby("year")["check"].sum()  # lists of the year's checks, joined
    contested = series[series["year"].isin(checks.index)]
    published = pd.DataFrame(
        {
            "variant": 0,
            "year": contested["year"].to_numpy(),
            "choice": "published",
            "value": contested["value"].to_numpy(float),
            "basis": [
                label("sensitivity.basis.published", lang, source=cited_text(cited, lang))
                for cited in contested["cited_as"]
            ],
            "check": checks[contested["year"]].to_numpy(),
        }
    )
    table = pd.concat([published, changes], ignore_index=True)[CHOICE_COLUMNS]
    table["check"] = [
        "; ".join(_check_name(c, lang) for c in dict.fromkeys(cs)) for cs in table["check"]
    ]
    order = table["choice"].map(_ORDER.index)
    return table.iloc[np.lexsort([table["variant"], order, table["year"]])].reset_index(drop=True)


def mark_contested(
    series: pd.DataFrame, findings: pd.DataFrame | None = None, *, lang: str = "en"
) -> pd.DataFrame:
    """The series with ``conflict`` (the year is in :func:`contested_choices`) and
    ``contested_by`` (the checks that contest it, in ``lang``; empty when none)."""
    choices = contested_choices(series, findings, lang=lang)
    why = choices[choices["variant"] == 0].set_index("year")["check"]
    contested_by = series["year"].map(why).fillna("")
    return series.assign(conflict=contested_by != "", contested_by=contested_by)


def apply_choice(series: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The series with each year of ``changes`` (rows of :func:`contested_choices`) set to
    its ``value`` rounded to whole children (the count models take counts), or left out
    where the value is NaN."""
    values = changes.set_index("year")["value"].round()
    data = series.assign(value=series["year"].map(values).fillna(series["value"]))
    return data[~data["year"].isin(values[values.isna()].index)]
