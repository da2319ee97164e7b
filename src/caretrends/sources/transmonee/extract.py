"""The bundled TransMonEE extract: nine South-East European countries of the December 2020
workbook, every child-protection table and the denominators, written in UNICEF's SDMX-CSV
layout with deterministic bytes and registered with its provenance
(``caretrends extract-transmonee``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from caretrends import paths
from caretrends.errors import DataValidationError
from caretrends.provenance import SourceRecord, record_source, sha256_file
from caretrends.sources.cells import area_labels
from caretrends.sources.sdmx_csv import SdmxRead, read_sdmx_csv, write_sdmx_csv
from caretrends.sources.transmonee.codes import MAPPING_NAME, load_code_labels, transmonee_dir
from caretrends.sources.transmonee.workbook import (
    LEGACY_SOURCE,
    WORKBOOK_NAME,
    read_legacy_workbook,
)

#: The nine South-East European countries of the bundled extract.
SEE_COUNTRIES: tuple[str, ...] = ("ALB", "BIH", "BGR", "HRV", "MDA", "MNE", "MKD", "ROU", "SRB")


#: Population and births tables in the extract, besides every child-protection table:
#: population aged 0-17, 0-2 and 0-4 on 1 January (1.1.x) and on average over the year
#: (1.2.x, the denominators of TransMonEE's "per average population" rates), live births.
EXTRACT_DENOMINATOR_TABLES: tuple[str, ...] = (
    "1.1.4",
    "1.1.7",
    "1.1.8",
    "1.2.2",
    "1.2.4",
    "1.2.5",
    "2.1.1",
)


#: Where the extract lives inside ``data/raw``.
EXTRACT_PATH = "transmonee/transmonee_see_2020.csv"


#: The command that makes the extract (recorded as its provenance).
EXTRACT_COMMAND = "caretrends extract-transmonee"


WORKBOOK_URL = (
    "https://github.com/UNICEFECAR/data-etl/blob/ebb223954a604ad69c90f350505291dc762ff155/"
    "tmee/data_in/legacy_data/TM-2020-EN-December.xlsx"
)


#: The date the project obtained the workbook from UNICEF ECARO's repository.
WORKBOOK_OBTAINED = "2026-11-28"


def select_extract_rows(observations: pd.DataFrame) -> pd.DataFrame:
    """Return the rows the bundled extract keeps: SEE countries, the chosen tables, values.

    Every child-protection table (``4.*``) and :data:`EXTRACT_DENOMINATOR_TABLES`, for
    :data:`SEE_COUNTRIES`; cells without a value (``-`` in the workbook) are left out, as
    SDMX data leave out missing observations.
    """
    keep = in_extract_scope(observations) & observations["value"].notna()
    return observations[keep].reset_index(drop=True)


def in_extract_scope(observations: pd.DataFrame) -> pd.Series:
    table = observations["source_table"]
    wanted = table.str.startswith("4.") | table.isin(EXTRACT_DENOMINATOR_TABLES)
    return wanted & observations["ref_area"].isin(SEE_COUNTRIES)


def build_transmonee_extract(workbook: Path | None = None, *, raw_dir: Path | None = None) -> Path:
    """Write the bundled TransMonEE extract from the workbook and register its provenance.

    Reads the workbook with :func:`read_legacy_workbook`, keeps
    :func:`select_extract_rows`, writes ``data/raw/`` :data:`EXTRACT_PATH` in UNICEF's
    SDMX-CSV layout (deterministic bytes) and records it in ``data/raw/sources.yaml``.

    Parameters
    ----------
    workbook : Path, optional
        The December 2020 workbook; by default the bundled copy. The mapping and code
        lists are read from the same folder.
    raw_dir : Path, optional
        The ``data/raw`` folder to write into.

    Returns
    -------
    Path
        The extract written.

    Raises
    ------
    DataValidationError
        When the workbook yields rejects: the extract is only made from a clean read.
    """
    workbook = workbook or transmonee_dir() / WORKBOOK_NAME
    raw_dir = raw_dir or paths.raw_dir()
    read = read_legacy_workbook(workbook)
    if len(read.rejects):
        raise DataValidationError(
            [
                f"{r.source_file}: row {r.source_row}: column {r.column}: {r.reason}"
                for r in read.rejects.itertuples()
            ]
        )
    kept = select_extract_rows(read.observations)
    omitted = int(in_extract_scope(read.observations).sum()) - len(kept)
    labels = load_code_labels(workbook.parent)
    labels["REF_AREA"] = area_labels()
    labels["SOURCE_TABLE"] = read.tables.set_index("source_table")["title"].to_dict()
    target = write_sdmx_csv(kept, raw_dir / EXTRACT_PATH, labels=labels)
    mapping = workbook.parent / MAPPING_NAME
    record_source(
        SourceRecord(
            path=EXTRACT_PATH,
            kind="observations-sdmx-csv",
            title=(
                "TransMonEE 2018 database (December 2020 release): child protection, "
                "population aged 0-17, 0-2 and 0-4, live births; nine South-East "
                "European countries (extract)"
            ),
            producer="UNICEF Regional Office for Europe and Central Asia (ECARO), TransMonEE",
            url=WORKBOOK_URL,
            obtained=WORKBOOK_OBTAINED,
            licence=(
                "UNICEF data: free to use with attribution (Source: UNICEF TransMonEE "
                "database); see UNICEF's Terms of Use, https://www.unicef.org/legal"
            ),
            produced_by=(
                f"{EXTRACT_COMMAND} (caretrends.sources.transmonee.build_transmonee_extract) "
                f"from {WORKBOOK_NAME} with UNICEF's mapping {MAPPING_NAME}"
            ),
            sha256=sha256_file(target),
            notes=(
                f"Countries {', '.join(SEE_COUNTRIES)}; every table of sheet 4 (child "
                f"protection) and tables {', '.join(EXTRACT_DENOMINATOR_TABLES)}. "
                f"{len(kept)} observations; {omitted} cells marked '-' (not available) in "
                "the workbook are left out, as SDMX data leave out missing observations. "
                "OBS_FOOTNOTE holds the workbook's footnote for the country row; "
                "SOURCE_TABLE the legacy table code."
            ),
            extra={
                "source": LEGACY_SOURCE,
                "workbook_sha256": sha256_file(workbook),
                "mapping_sha256": sha256_file(mapping),
            },
        ),
        raw_dir,
    )
    return target


def read_transmonee_extract(path: Path | None = None) -> SdmxRead:
    """Read the bundled extract back into Observations (``source`` :data:`LEGACY_SOURCE`)."""
    return read_sdmx_csv(path or paths.raw_dir() / EXTRACT_PATH, source=LEGACY_SOURCE)
