"""What the analyses' run parameters must mean: the campaigns and the primary analysis.

The checks here are registered in :mod:`caretrends.report.checks`, so that the runner
refuses a bad configuration before any notebook starts; they import neither pandas nor
the models, and read only the compiled figures' CSV, so that they answer in well under a
second.
"""

from __future__ import annotations

import csv
import functools

from caretrends import paths
from caretrends.codelists import ABANDONED, KOSOVO, KOSOVO_FIGURES, LIVE_BIRTHS
from caretrends.labels import LANGUAGES, catalog
from caretrends.models.families import FAMILIES, TREND_MIN_POINTS
from caretrends.rules import each, iso_date, one_of

#: Keys of one campaign of a run's ``campaigns``.
CAMPAIGN_KEYS = ("campaign", "start", "end")

#: Keys of ``primary_analysis``: see :class:`caretrends.analysis.headline.PrimaryAnalysis`.
PRIMARY_KEYS = ("denominator", "family", "first_year", "last_year")

#: Denominators of the primary analysis: ``""`` (the count), ``"births"`` (live births).
DENOMINATORS = ("", "births")

#: The indicator behind each denominator: its years bound the analysis.
_DENOMINATOR_INDICATORS = {"": ABANDONED, "births": LIVE_BIRTHS}

_CAMPAIGN_NAME = "campaign_name."


def campaign_names() -> tuple[str, ...]:
    """Return the campaigns the report can name: the ``campaign_name`` label keys.

    Examples
    --------
    >>> "care_for_me" in campaign_names()
    True
    """
    entries = catalog(LANGUAGES[0]).entries
    return tuple(
        key.removeprefix(_CAMPAIGN_NAME) for key in entries if key.startswith(_CAMPAIGN_NAME)
    )


def campaign_entry(value: object) -> str | None:
    """Check one campaign: a known name, an ISO ``start``, optionally an ISO ``end``
    (empty: no published end) not before the start.

    Examples
    --------
    >>> campaign_entry({"campaign": "i_give_hope", "start": "2015-05-15"}) is None
    True
    >>> campaign_entry({"campaign": "care_for_me", "start": "2016-05-15", "end": "2013-05-15"})
    'must not end (2013-05-15) before it starts (2016-05-15)'
    """
    if not isinstance(value, dict) or set(value) - set(CAMPAIGN_KEYS) or not value.get("campaign"):
        return f"must be a mapping of campaign, start and optionally end, found {value!r}"
    name = one_of(campaign_names, "a campaign_name label key")(value["campaign"])
    if name is not None:
        return f"campaign {name}"
    for key in ("start", "end") if value.get("end") else ("start",):
        problem = iso_date(value.get(key))
        if problem is not None:
            return f"{key} {problem}"
    if value.get("end") and value["end"] < value["start"]:
        return f"must not end ({value['end']}) before it starts ({value['start']})"
    return None


#: Check of a run's ``campaigns``, registered in :mod:`caretrends.report.checks`.
campaigns_problem = each(campaign_entry)


@functools.cache
def kosovo_years(indicator: str) -> tuple[int, int] | None:
    """Return the first and last year of Kosovo's annual ``indicator`` in the compiled
    figures (``data/raw/kosovo/kosovo_figures.csv``), or None when it has none."""
    path = paths.raw_dir() / KOSOVO_FIGURES
    with path.open(encoding="utf-8", newline="") as file:
        years = [
            int(row["period"])
            for row in csv.DictReader(file)
            if row["indicator"] == indicator and row["ref_area"] == KOSOVO
            if row["period"].isdigit() and row["value"]
        ]
    return (min(years), max(years)) if years else None


def primary_analysis_problem(value: object) -> str | None:
    """Check ``primary_analysis``: known keys, denominator and family, and years (text,
    as the notebooks' ``dict[str, str]``) in order, enough for a trend and inside the
    Kosovo series.

    Examples
    --------
    >>> primary_analysis_problem({"family": "gauss", "first_year": "2016", "last_year": "2024"})
    "family must be one of auto, poisson, quasipoisson, negbin, found 'gauss'"
    """
    if not isinstance(value, dict) or set(value) - set(PRIMARY_KEYS):
        return f"must be a mapping of {', '.join(PRIMARY_KEYS)}, found {value!r}"
    denominator = value.get("denominator", "")
    family = value.get("family", "quasipoisson")
    problems = []
    if denominator not in DENOMINATORS:
        known = ", ".join(repr(choice) for choice in DENOMINATORS)
        problems.append(f"denominator must be one of {known}, found {denominator!r}")
    if family not in ("auto", *FAMILIES):
        problems.append(f"family must be one of {', '.join(('auto', *FAMILIES))}, found {family!r}")
    years = {key: value.get(key) for key in ("first_year", "last_year")}
    for key, year in years.items():
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
            problems.append(f"{key} must be a year written YYYY, found {year!r}")
    if problems:
        return "; ".join(problems)
    first, last = int(years["first_year"]), int(years["last_year"])
    span = kosovo_years(_DENOMINATOR_INDICATORS[denominator])
    if first > last:
        return f"first_year {first} must not be after last_year {last}"
    if last - first + 1 < TREND_MIN_POINTS:
        return (
            f"years {first}-{last} must span at least {TREND_MIN_POINTS} years for a trend, "
            f"found {last - first + 1}"
        )
    if span is not None and not (span[0] <= first and last <= span[1]):
        what = "with live births" if denominator else "of abandoned children"
        return (
            f"years {first}-{last} must lie inside the Kosovo series {what}, "
            f"{span[0]}-{span[1]} (data/raw/{KOSOVO_FIGURES})"
        )
    return None
