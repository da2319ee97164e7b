"""Code lists the package ships: the reference areas (``ref_areas.csv``: ISO3 codes with
English names and the other names sources use), the indicator codes of Kosovo's own
series, and the checks of a run's ``ref_areas`` and ``coverage_indicators``.

The indicator codes a run may name are TransMonEE's code list and UNICEF's mapping of its
2020 workbook (both in ``data/raw/transmonee/source``), plus the codes the project itself
registers: those of the compiled Kosovo figures and of the fetch configurations. The code
list alone lacks codes in use (``DM_POP_TOT``, ``PT_CHLD_NO_PARENTAL_CARE_ABANDON``). They
are read with ``csv`` and ``yaml``, not pandas, so that a run configuration is checked in
well under a second.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from pathlib import Path

import yaml

from caretrends import paths
from caretrends.rules import each, one_of

#: Kosovo's reference-area code (UNICEF's and the World Bank's ``XKX``).
KOSOVO = "XKX"

#: Indicator codes of the Kosovo series: abandoned children, live births.
ABANDONED = "PT_CHLD_NO_PARENTAL_CARE_ABANDON"
LIVE_BIRTHS = "FT_BRTS_LIVE"

#: Where TransMonEE's source material lives in ``data/raw``: the workbook, its code lists
#: and UNICEF's mapping of the workbook's tables to codes.
TRANSMONEE_SOURCE_DIR = "transmonee/source"

#: TransMonEE's indicator code list (columns ``Code``, ``Indicator_name``).
INDICATOR_CODE_LIST = "CL_TMEE_INDICATORS.csv"

#: UNICEF's mapping of the 2020 workbook's table titles to codes (column ``code``).
LEGACY_MAPPING = "content_legacy_codes_v3.csv"

#: The compiled Kosovo figures in ``data/raw`` (column ``indicator``).
KOSOVO_FIGURES = "kosovo/kosovo_figures.csv"

#: Fetch configurations in ``config/`` naming indicator codes: TransMonEE's groups of
#: codes, and KAS tables whose ``indicator`` field is a constant or a map of codes.
_FETCH_CONFIGS = ("transmonee_fetch.yaml", "kas_tables.yaml")

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


@functools.cache
def _indicator_codes(raw: Path, config: Path) -> tuple[str, ...]:
    source = raw / TRANSMONEE_SOURCE_DIR
    codes = {
        *_column(source / INDICATOR_CODE_LIST, "Code"),
        *_column(source / LEGACY_MAPPING, "code"),
        *_column(raw / KOSOVO_FIGURES, "indicator"),
    }
    for name in _FETCH_CONFIGS:
        path = config / name
        if path.is_file():
            codes.update(_configured_codes(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return tuple(sorted(codes - {""}))


def indicator_codes() -> tuple[str, ...]:
    """Return the indicator codes the project knows, sorted (see the module's description).

    Examples
    --------
    >>> {"DM_POP_TOT", "PT_CHLD_INRESIDENTIAL", "FT_BRTS_LIVE"} <= set(indicator_codes())
    True
    """
    return _indicator_codes(paths.raw_dir(), paths.config_dir())


def _column(path: Path, column: str) -> Iterator[str]:
    """The cells of ``column`` of the CSV at ``path`` (none when the file is absent)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            yield (row.get(column) or "").strip()


def _configured_codes(config: object) -> Iterator[str]:
    """Codes a fetch configuration names: TransMonEE's ``groups`` of codes, and each KAS
    table's ``indicator`` constant or map values."""
    if not isinstance(config, dict):
        return
    for group in (config.get("groups") or {}).values():
        yield from (code for code in group or [] if isinstance(code, str))
    for table in (config.get("tables") or {}).values():
        rule = ((table or {}).get("fields") or {}).get("indicator") or {}
        if isinstance(rule.get("constant"), str):
            yield rule["constant"]
        yield from (code for code in (rule.get("map") or {}).values() if isinstance(code, str))


def known_indicator(value: object) -> str | None:
    """Require one indicator code the project knows (:func:`indicator_codes`).

    Examples
    --------
    >>> known_indicator("DM_POP_TOT") is None
    True
    >>> known_indicator("DM_POP")[:46]
    "must be a known indicator code, found 'DM_POP'"
    """
    if isinstance(value, str) and value in indicator_codes():
        return None
    # hundreds of codes: say where they come from rather than list them
    return (
        f"must be a known indicator code, found {value!r} (codes of data/raw/"
        f"{TRANSMONEE_SOURCE_DIR}/{INDICATOR_CODE_LIST} or {LEGACY_MAPPING}, data/raw/"
        f"{KOSOVO_FIGURES}, config/{' or config/'.join(_FETCH_CONFIGS)}; one code per item)"
    )


#: Check of a run's ``coverage_indicators``, registered in :mod:`caretrends.report.checks`.
coverage_indicators_problem = each(known_indicator)
