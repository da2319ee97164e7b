"""TransMonEE's codes: UNICEF's mapping from legacy table titles to SDMX codes, and the
code lists' labels, read from the source material bundled in ``data/raw/transmonee/source``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from caretrends import paths
from caretrends.codelists import INDICATOR_CODE_LIST, TRANSMONEE_SOURCE_DIR
from caretrends.codelists import LEGACY_MAPPING as MAPPING_NAME
from caretrends.errors import DataValidationError

_CODE_LISTS = {
    "INDICATOR": INDICATOR_CODE_LIST,
    "AGE": "CL_TMEE_AGE.csv",
    "UNIT_MEASURE": "CL_TMEE_UNITS.csv",
}


TABLE_TITLE = re.compile(r"^\s*(?P<code>\d+\.\d+\.\d+(?:\.[A-Z])?)\.?\s+(?P<title>\S.*)$")


def transmonee_dir() -> Path:
    """Return ``data/raw/transmonee/source``: the workbook, the mapping and the code lists."""
    return paths.raw_dir() / TRANSMONEE_SOURCE_DIR


def load_legacy_mapping(path: Path | None = None) -> pd.DataFrame:
    """Read UNICEF's mapping of legacy table titles to SDMX codes, indexed by table code.

    Returns
    -------
    DataFrame
        Index ``source_table`` (``4.2.5``); columns ``title``, ``indicator``, ``sex``,
        ``age``, ``unit``.
    """
    file = path or transmonee_dir() / MAPPING_NAME
    table = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    parts = table["indicator"].str.extract(TABLE_TITLE)
    unreadable = parts["code"].isna()
    if unreadable.any():
        raise DataValidationError(
            [
                f"{file}: table mapping: row {row + 2}: column 'indicator': no table code"
                for row in table.index[unreadable]
            ]
        )
    mapping = pd.DataFrame(
        {
            "source_table": parts["code"],
            "title": parts["title"].map(fold_title),
            "indicator": table["code"],
            "sex": table["sex"],
            "age": table["age"],
            "unit": table["unit"],
        }
    )
    mapping = mapping.drop_duplicates()
    repeated = mapping["source_table"][mapping["source_table"].duplicated()]
    if len(repeated):
        raise DataValidationError(
            [f"{file}: table mapping: code {code}: mapped twice" for code in repeated]
        )
    return mapping.set_index("source_table")


def fold_title(title: str) -> str:
    return " ".join(str(title).split()).casefold()


def load_code_labels(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """Read TransMonEE's code lists: ``{"INDICATOR": {code: label}, "AGE": ..., ...}``."""
    folder = folder or transmonee_dir()
    labels = {}
    for column, name in _CODE_LISTS.items():
        table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        labels[column] = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    return labels
