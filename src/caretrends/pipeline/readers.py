"""The reader of each kind of raw file, and the reading of every registered file into
Observations with its rejects, counts reconciled per file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from caretrends import provenance
from caretrends.errors import DataValidationError
from caretrends.schemas import REJECT_COLUMNS, refuse_impossible
from caretrends.sources.compiled import read_compiled_figures
from caretrends.sources.kas.mapping import check_kas_jsonstat, read_kas_record
from caretrends.sources.sdmx_csv import read_sdmx_csv
from caretrends.sources.textfile import check_csv_file


@dataclass(frozen=True)
class ObservationReader:
    """How to read one kind of raw file into Observations."""

    #: ``read(record, raw_dir) -> (observations, rejects)``.
    read: Callable[[provenance.SourceRecord, Path], tuple[pd.DataFrame, pd.DataFrame]]
    #: ``count_rows(path) -> int``: the rows (or cells) the file holds, counted apart
    #: from ``read``, so that rows read = kept + rejected can be checked.
    count_rows: Callable[[Path], int]


def _read_figures(
    record: provenance.SourceRecord, raw_dir: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the compiled figures once the file is known to be whole."""
    path = raw_dir / record.path
    check_csv_file(path, name=record.path)
    return read_compiled_figures(path)


def _count_csv_rows(path: Path) -> int:
    """Count a CSV file's data rows (quoted newlines allowed)."""
    return len(pd.read_csv(path, dtype=str, usecols=[0], keep_default_na=False))


def _count_jsonstat_cells(path: Path) -> int:
    return len(check_kas_jsonstat(path).values)


#: The reader of each kind of raw file that holds observations.
OBSERVATION_READERS: dict[str, ObservationReader] = {
    "observations-figures": ObservationReader(_read_figures, _count_csv_rows),
    "kas-jsonstat": ObservationReader(read_kas_record, _count_jsonstat_cells),
    "observations-sdmx-csv": ObservationReader(
        lambda record, raw_dir: tuple(
            read_sdmx_csv(raw_dir / record.path, source=record.extra.get("source"))
        ),
        _count_csv_rows,
    ),
}


def read_observations(
    records: list[provenance.SourceRecord], raw_dir: Path
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Read every registered observation file; return observations, rejects, per-file counts.

    Each file's counts reconcile: ``rows_read == kept + rejected_rows``.
    """
    frames, reject_frames, files = [], [], []
    for record in records:
        reader = OBSERVATION_READERS.get(record.kind)
        if reader is None:
            continue
        path = raw_dir / record.path
        observations, rejects = reader.read(record, raw_dir)
        refuse_impossible(rejects.assign(source_file=record.path))
        rejected_rows = rejects["source_row"].nunique()
        rows_read = reader.count_rows(path)
        if rows_read != len(observations) + rejected_rows:
            raise DataValidationError(
                [
                    f"{path}: read {rows_read} rows but kept {len(observations)} and "
                    f"rejected {rejected_rows}: rows were lost"
                ]
            )
        frames.append(observations.assign(source_file=record.path))
        reject_frames.append(rejects.assign(source_file=record.path))
        files.append(
            {
                "path": record.path,
                "kind": record.kind,
                "sha256": record.sha256,
                "rows_read": rows_read,
                "kept": len(observations),
                "rejected": int(rejected_rows),
            }
        )
    if not frames:
        raise DataValidationError([f"{raw_dir}: no registered file of observations to read"])
    observations = pd.concat(frames, ignore_index=True)
    rejects = pd.concat(reject_frames, ignore_index=True)[REJECT_COLUMNS]
    return observations, rejects.astype({"source_row": "int64", "value": "str"}), files
