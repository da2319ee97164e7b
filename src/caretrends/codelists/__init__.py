"""Code lists the package ships: the reference areas (``ref_areas.csv``: ISO3 codes with
English names and the other names sources use), the indicator codes of Kosovo's own
series, and the check of a run's ``ref_areas``."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from caretrends.rules import each, one_of

#: Kosovo's reference-area code (UNICEF's and the World Bank's ``XKX``).
KOSOVO = "XKX"

#: Indicator codes of the Kosovo series: abandoned children, live births.
ABANDONED = "PT_CHLD_NO_PARENTAL_CARE_ABANDON"
LIVE_BIRTHS = "FT_BRTS_LIVE"

#: The reference areas the readers know, one row per code.
REF_AREAS_PATH = Path(__file__).with_name("ref_areas.csv")


@functools.cache
def ref_area_codes() -> tuple[str, ...]:
    """Return the codes of ``ref_areas.csv``, sorted (read with ``csv``: no pandas)."""
    with REF_AREAS_PATH.open(encoding="utf-8", newline="") as file:
        return tuple(sorted({row["code"] for row in csv.DictReader(file)}))


def ref_areas_problem(value: object) -> str | None:
    """Check a run's ``ref_areas``: a non-empty list of codes of ``ref_areas.csv``.

    Examples
    --------
    >>> ref_areas_problem(["XKX", "ALB"]) is None
    True
    >>> ref_areas_problem(["XKX", "KOS"])[:67]
    "item 2 must be an area code of codelists/ref_areas.csv, found 'KOS'"
    """
    return each(one_of(ref_area_codes, "an area code of codelists/ref_areas.csv"))(value)
