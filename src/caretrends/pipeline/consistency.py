"""Consistency checks of a published series: do its pieces, totals and definitions agree?

Three checks, each returning one row per finding with its numbers and sources
(:data:`FINDING_COLUMNS`), for the data-quality notebook:

- :func:`check_subannual` — quarterly, half-year, monthly and month-range figures of a
  year against the annual figure: pieces that add to more than the year, two ways of
  covering the same months that disagree, and a remainder for the uncovered months that
  is implausible given the pieces' own rate (Poisson, two-sided, below ``alpha``).
- :func:`check_stated_totals` — a publication's stated multi-year total against the sum
  of its years (the publication's own where it gives them all, else the reconciled ones).
- :func:`check_series_changes` — a change of definition or of producer between
  consecutive years of one annual series.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd
from scipy import stats

from caretrends.labels import institution_name, label, source_text, text_or_label
from caretrends.models.text import p_value_text
from caretrends.sources.compiled import note_fields

#: Columns of every finding.
FINDING_COLUMNS: list[str] = [
    "check",
    "indicator",
    "period",
    "value",
    "compared_with",
    "difference",
    "sources",
    "finding",
    "first_year",
    "last_year",
    "months",
    "code",
    "covering",
]
"""``first_year``/``last_year``: the years the finding is about (the earlier and the later
year of a change); ``months``: how many months of the year the pieces cover (sub-annual
findings, else NA); ``code``: what was found (``pieces_exceed``, ``pieces_differ``,
``remainder``, ``months_disagree``, ``stated_total_own_years``,
``stated_total_series_years``, ``definition_change``, ``producer_change``);
``covering``: the pieces compared, as cited (sub-annual findings, else NaN)."""

_SERIES = ["ref_area", "indicator", "sex", "age", "unit"]


def _months(period: str, freq: str) -> frozenset[int]:
    """Months of its year a sub-annual period covers."""
    text = str(period)
    if freq == "Q":
        q = int(text[-1])
        return frozenset(range(3 * q - 2, 3 * q + 1))
    if freq == "S":
        s = int(text[-1])
        return frozenset(range(6 * s - 5, 6 * s + 1))
    if freq == "M":
        return frozenset([int(text[-2:])])
    first, last = (int(part[-2:]) for part in text.split("/"))
    return frozenset(range(first, last + 1))


def _pieces(observations: pd.DataFrame) -> pd.DataFrame:
    month_range = observations["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}/\d{4}-\d{2}")
    sub = observations[
        observations["freq"].isin(["Q", "S", "M"]) | ((observations["freq"] == "P") & month_range)
    ]
    sub = sub[sub["value"].notna()]
    return sub.assign(
        months=[_months(p, f) for p, f in zip(sub["period"], sub["freq"], strict=True)]
    )


def _cited(value: float, period: object, source: str, lang: str) -> str:
    """A figure with its period and producer, e.g. ``13 (2019-S1, KAS)``."""
    return label(
        "consistency.figure",
        lang,
        value=f"{value:g}",
        period=period,
        source=institution_name(source, lang),
    )


def _named(value: str, column: str, year: int, lang: str) -> str:
    """A definition, or a producer as named in ``year``, in ``lang``."""
    if column == "definition":
        return text_or_label(value, "definition", lang)
    return institution_name(value, lang, year=int(year))


def _coverings(pieces: pd.DataFrame, lang: str) -> list[tuple[frozenset[int], float, str]]:
    """Every maximal set of non-overlapping pieces: (months, sum, description)."""
    rows = list(pieces.itertuples(index=False))
    found = []
    for size in range(len(rows), 0, -1):
        for combo in combinations(rows, size):
            months = [r.months for r in combo]
            if sum(len(m) for m in months) != len(frozenset().union(*months)):
                continue
            covered = frozenset().union(*months)
            if any(covered < other for other, _, _ in found):
                continue
            text = " + ".join(_cited(r.value, r.period, r.source, lang) for r in combo)
            found.append((covered, float(sum(r.value for r in combo)), text))
    return found


def _span(months: frozenset[int], lang: str) -> str:
    return label("consistency.months", lang, n=len(months), first=min(months), last=max(months))


def check_subannual(
    observations: pd.DataFrame, annual: pd.DataFrame, *, alpha: float = 0.01, lang: str = "en"
) -> pd.DataFrame:
    """Sub-annual pieces of each year against the year's figure.

    Parameters
    ----------
    observations : DataFrame
        Every published row (Observations), where the pieces are.
    annual : DataFrame
        The annual figures to check them against (e.g. the reconciled view): one row per
        series and year with ``freq`` ``A``.
    alpha : float
        A remainder for the uncovered months is flagged when a Poisson count at the
        pieces' monthly rate would be as extreme with probability below ``alpha``.
    lang : {"en", "sq", "sr"}
        Language of the ``sources`` and ``finding`` texts.

    Returns
    -------
    DataFrame
        :data:`FINDING_COLUMNS`, check ``sub-annual pieces``.
    """
    findings = []
    pieces = _pieces(observations)
    yearly = annual[(annual["freq"] == "A") & annual["value"].notna()]
    for key, group in pieces.groupby([*_SERIES, "year"], sort=True):
        match = yearly
        for column, value in zip([*_SERIES, "year"], key, strict=True):
            match = match[match[column] == value]
        if match.empty:
            continue
        year_row = match.iloc[0]
        total, year = float(year_row["value"]), int(key[-1])
        year_text = _cited(total, year, year_row["source"], lang)
        coverings = _coverings(group, lang)
        for covered, value, text in coverings:
            base = {
                "check": "sub-annual pieces",
                "indicator": key[1],
                "period": str(year),
                "value": value,
                "compared_with": total,
                "difference": value - total,
                "sources": label("consistency.pieces_and_year", lang, pieces=text, year=year_text),
                "first_year": year,
                "last_year": year,
                "months": len(covered),
                "covering": text,
            }
            said = {"pieces": text, "value": f"{value:g}", "year": year_text}
            if value > total:
                findings.append(
                    {
                        **base,
                        "code": "pieces_exceed",
                        "finding": label("consistency.pieces_exceed", lang, **said),
                    }
                )
                continue
            uncovered = 12 - len(covered)
            if uncovered == 0:
                if value != total:
                    findings.append(
                        {
                            **base,
                            "code": "pieces_differ",
                            "finding": label("consistency.pieces_differ", lang, **said),
                        }
                    )
                continue
            rest = total - value
            expected = value / len(covered) * uncovered
            low = stats.poisson.cdf(rest, expected)
            high = stats.poisson.sf(rest - 1, expected)
            p = min(1.0, 2 * min(low, high))
            if p < alpha:
                findings.append(
                    {
                        **base,
                        "code": "remainder",
                        "finding": label(
                            "consistency.remainder",
                            lang,
                            **said,
                            span=_span(covered, lang),
                            rest=f"{rest:g}",
                            uncovered=uncovered,
                            expected=f"{expected:.0f}",
                            p=p_value_text(p, lang),
                        ),
                    }
                )
        for (m1, v1, t1), (m2, v2, t2) in combinations(coverings, 2):
            if m1 == m2 and v1 != v2:
                findings.append(
                    {
                        "check": "sub-annual pieces",
                        "indicator": key[1],
                        "period": f"{year}, {_span(m1, lang)}",
                        "value": v1,
                        "compared_with": v2,
                        "difference": v1 - v2,
                        "sources": f"{t1}; {t2}",
                        "finding": label(
                            "consistency.months_disagree",
                            lang,
                            first=t1,
                            value=f"{v1:g}",
                            second=t2,
                        ),
                        "first_year": year,
                        "last_year": year,
                        "months": len(m1),
                        "code": "months_disagree",
                    }
                )
    return _typed(pd.DataFrame(findings, columns=FINDING_COLUMNS))


def check_stated_totals(
    observations: pd.DataFrame, annual: pd.DataFrame, *, lang: str = "en"
) -> pd.DataFrame:
    """A publication's stated multi-year total against the sum of its years.

    The years are the publication's own when it gives every one of them, else the
    figures of ``annual`` (the reconciled view), whose sources are named. ``lang`` is the
    language of the ``sources`` and ``finding`` texts; the publication is cited in square
    brackets as published.

    Returns
    -------
    DataFrame
        :data:`FINDING_COLUMNS`, check ``stated total``; a total equal to its sum is no
        finding.
    """
    totals = observations[
        (observations["freq"] == "P")
        & observations["period"].astype(str).str.fullmatch(r"\d{4}/\d{4}")
        & observations["value"].notna()
    ]
    findings = []
    yearly = annual[(annual["freq"] == "A") & annual["value"].notna()]
    own_rows = observations[observations["freq"] == "A"]
    for total in totals.itertuples(index=False):
        start, end = (int(part) for part in str(total.period).split("/"))
        years = list(range(start, end + 1))

        def _of(frame: pd.DataFrame, total=total, years=years) -> pd.DataFrame:
            keep = frame["year"].isin(years)
            for column in _SERIES:
                keep &= frame[column] == getattr(total, column)
            return frame[keep]

        own = _of(own_rows)
        own = own[own["source_table"] == total.source_table]
        if sorted(own["year"]) == years:
            used, whose, listed = own, "own_years", ""
        else:
            used = _of(yearly)
            if sorted(used["year"]) != years:
                continue
            whose = "series_years"
            listed = ": " + ", ".join(
                f"{int(r.year)} {r.value:g} ({institution_name(r.source, lang, year=int(r.year))})"
                for r in used.sort_values("year").itertuples()
            )
        summed = float(used["value"].sum())
        if summed == total.value:
            continue
        cited = source_text(total.source_table, lang)
        publication = f"{institution_name(total.source, lang)} [{cited}]"
        findings.append(
            {
                "check": "stated total",
                "indicator": total.indicator,
                "period": f"{start}-{end}",
                "value": float(total.value),
                "compared_with": summed,
                "difference": float(total.value) - summed,
                "sources": f"{publication}; {label(f'consistency.{whose}', lang)}{listed}",
                "finding": label(
                    f"consistency.stated_total_{whose}",
                    lang,
                    publication=publication,
                    value=f"{total.value:g}",
                    start=start,
                    end=end,
                    summed=f"{summed:g}",
                ),
                "first_year": start,
                "last_year": end,
                "code": f"stated_total_{whose}",
            }
        )
    return _typed(pd.DataFrame(findings, columns=FINDING_COLUMNS))


def _effective_definitions(series: pd.DataFrame, observations: pd.DataFrame | None) -> list[str]:
    """Each year's definition, kept from the year before when another row of the year
    publishes the same value under that earlier definition (same number, two labels)."""
    effective: list[str] = []
    for row in series.itertuples():
        same = set()
        if observations is not None and "definition" in observations.columns:
            rows = observations[
                (observations["year"] == row.year) & (observations["value"] == row.value)
            ]
            same = set(rows["definition"])
        if effective and effective[-1] in same:
            effective.append(effective[-1])
        else:
            effective.append(row.definition)
    return effective


def check_series_changes(
    series: pd.DataFrame,
    *,
    indicator: str = "",
    observations: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """A change of definition or of producer between consecutive years of a series.

    Parameters
    ----------
    series : DataFrame
        ``year``, ``value``, ``source`` and ``definition`` in order of year (e.g.
        :func:`caretrends.analysis.abandonment_series`).
    indicator : str
        Named in the findings.
    observations : DataFrame, optional
        The series' annual rows from every source, with a ``definition`` column: a year
        whose value is also published under the previous year's definition keeps it.
    lang : {"en", "sq", "sr"}
        Language of the ``sources`` and ``finding`` texts (definitions from the catalog's
        ``definition`` group).

    Returns
    -------
    DataFrame
        :data:`FINDING_COLUMNS`, checks ``definition change`` and ``producer change``.
    """
    ordered = series.sort_values("year").reset_index(drop=True)
    ordered["definition"] = _effective_definitions(ordered, observations)
    findings = []
    for before, after in zip(
        ordered.iloc[:-1].itertuples(), ordered.iloc[1:].itertuples(), strict=True
    ):
        for check, column in (("definition change", "definition"), ("producer change", "source")):
            old, new = getattr(before, column), getattr(after, column)
            if old == new:
                continue
            said = {
                "before": before.year,
                "before_value": f"{before.value:g}",
                "old": _named(old, column, before.year, lang),
                "after": after.year,
                "after_value": f"{after.value:g}",
                "new": _named(new, column, after.year, lang),
            }
            findings.append(
                {
                    "check": check,
                    "indicator": indicator,
                    "period": f"{before.year}-{after.year}",
                    "value": float(after.value),
                    "compared_with": float(before.value),
                    "difference": float(after.value) - float(before.value),
                    "sources": "; ".join(
                        f"{row.year}: {institution_name(row.source, lang, year=int(row.year))}"
                        for row in (before, after)
                    ),
                    "finding": label(f"consistency.{column}_change", lang, **said),
                    "first_year": int(before.year),
                    "last_year": int(after.year),
                    "code": check.replace(" ", "_"),
                }
            )
    return _typed(pd.DataFrame(findings, columns=FINDING_COLUMNS))


def _typed(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with whole-number years and months (NA where not applicable)."""
    return findings.astype({"first_year": "Int64", "last_year": "Int64", "months": "Int64"})


def _with_definition(observations: pd.DataFrame) -> pd.DataFrame:
    annual = observations[observations["freq"] == "A"]
    return annual.assign(definition=[note_fields(n)["definition"] for n in annual["note"]])


def consistency_findings(
    observations: pd.DataFrame,
    reconciled: pd.DataFrame,
    series: pd.DataFrame,
    *,
    indicator: str,
    lang: str = "en",
) -> pd.DataFrame:
    """All three checks on one indicator, one table (:data:`FINDING_COLUMNS`), with the
    ``sources`` and ``finding`` texts in ``lang``."""
    chosen = observations[observations["indicator"] == indicator]
    annual = reconciled[reconciled["indicator"] == indicator]
    return pd.concat(
        [
            check_subannual(chosen, annual, lang=lang),
            check_stated_totals(chosen, annual, lang=lang),
            check_series_changes(
                series, indicator=indicator, observations=_with_definition(chosen), lang=lang
            ),
        ],
        ignore_index=True,
    )
