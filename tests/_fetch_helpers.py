"""Answers built from the documented formats, shared by the fetch tests (no network).

- SDMX-CSV as UNICEF's SDMX API sends it with ``labels=both``: each code column followed
  by its label column (as in the recorded answers of UNICEF's client library unicefData).
- JSON-stat 2.0 datasets as PxWeb sends them: ``id``/``size``/``dimension``/``value``
  with optional ``status``, Albanian variable codes (``Viti``, ``Variabla``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from caretrends.sources.cli import add_fetch_subcommand
from caretrends.sources.http import HttpSettings

#: No waiting between retries in tests.
FAST = HttpSettings(timeout=5.0, retries=2, backoff=0.0)

SDMX_HEADER = [
    "REF_AREA",
    "Geographic area",
    "INDICATOR",
    "Indicator",
    "SEX",
    "Sex",
    "AGE",
    "Current age",
    "RESIDENCE",
    "Residence",
    "WEALTH_QUINTILE",
    "Wealth Quintile",
    "UNIT_MEASURE",
    "Unit of measure",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "Observation Status",
]


def sdmx_csv(rows: list[tuple[str, str, str, float]]) -> bytes:
    """SDMX-CSV with labels for (ref_area, indicator, period, value) rows."""
    names = {"XKX": "Kosovo (UNSCR 1244)", "ALB": "Albania", "SRB": "Serbia"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SDMX_HEADER)
    for area, indicator, period, value in rows:
        writer.writerow(
            [
                area,
                names.get(area, area),
                indicator,
                f"Label of {indicator}, with a comma",
                "_T",
                "Total",
                "_T",
                "Total",
                "_T",
                "Total",
                "_T",
                "Total",
                "NUMBER",
                "Number",
                period,
                value,
                "A",
                "Normal value",
            ]
        )
    return out.getvalue().encode("utf-8")


def jsonstat(
    dimensions: dict[str, list[tuple[str, str]]],
    values: list[Any] | dict[str, Any],
    *,
    status: Any = None,
    index_as_dict: bool = False,
) -> dict[str, Any]:
    """A JSON-stat 2.0 dataset with ``dimensions`` {id: [(code, label), ...]}."""
    dimension = {}
    for dim_id, categories in dimensions.items():
        codes = [code for code, _ in categories]
        index: Any = {code: i for i, code in enumerate(codes)} if index_as_dict else codes
        dimension[dim_id] = {
            "label": dim_id.lower(),
            "category": {"index": index, "label": dict(categories)},
        }
    document: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": "Test table by Viti and Variabla",
        "source": "Kosovo Agency of Statistics",
        "updated": "2025-06-30T10:00:00Z",
        "id": list(dimensions),
        "size": [len(c) for c in dimensions.values()],
        "dimension": dimension,
        "value": values,
    }
    if status is not None:
        document["status"] = status
    return document


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode("utf-8")


def cli(argv: list[str]) -> argparse.Namespace:
    """Parse ``argv`` with a parser holding only the ``fetch`` subcommand."""
    parser = argparse.ArgumentParser(prog="caretrends")
    add_fetch_subcommand(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)
