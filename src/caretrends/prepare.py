"""``caretrends prepare``: raw files -> tidy tables in ``data/processed``.

Reads every file registered in ``data/raw/sources.yaml`` with the reader of its kind,
keeps every observation of every source, reconciles them, infers what published totals
allow, derives the indicators, and writes parquet tables with a data dictionary and a
manifest. The manifest's key is a checksum of the inputs, the configuration and the
package's own code: when it has not changed, the processed files are reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from caretrends import __version__, indicators, paths
from caretrends.errors import DataValidationError
from caretrends.reconcile import ReconcileRules, infer_from_totals, reconcile
from caretrends.schemas import REJECT_COLUMNS
from caretrends.sources import kas, registry
from caretrends.sources.figures import read_compiled_figures
from caretrends.sources.sdmx_csv import read_sdmx_csv


@dataclass(frozen=True)
class ObservationReader:
    """How to read one kind of raw file into Observations.

    Attributes
    ----------
    read : callable
        ``read(record, raw_dir) -> (observations, rejects)``.
    count_rows : callable
        ``count_rows(path) -> int``: the rows (or cells) the file holds, counted apart
        from ``read``, so that rows read = kept + rejected can be checked.
    """

    read: Callable[[registry.SourceRecord, Path], tuple[pd.DataFrame, pd.DataFrame]]
    count_rows: Callable[[Path], int]


def _count_csv_rows(path: Path) -> int:
    """Count a CSV file's data rows (quoted newlines allowed)."""
    return len(pd.read_csv(path, dtype=str, usecols=[0], keep_default_na=False))


def _count_jsonstat_cells(path: Path) -> int:
    return len(kas.check_kas_jsonstat(path).values)


#: The reader of each kind of raw file that holds observations.
OBSERVATION_READERS: dict[str, ObservationReader] = {
    "observations-figures": ObservationReader(
        lambda record, raw_dir: read_compiled_figures(raw_dir / record.path), _count_csv_rows
    ),
    "kas-jsonstat": ObservationReader(kas.read_kas_record, _count_jsonstat_cells),
    "observations-sdmx-csv": ObservationReader(
        lambda record, raw_dir: tuple(
            read_sdmx_csv(raw_dir / record.path, source=record.extra.get("source"))
        ),
        _count_csv_rows,
    ),
}

MANIFEST_NAME = "prepare_manifest.json"

#: The tables ``prepare`` writes, with what each holds.
TABLES: dict[str, str] = {
    "observations": "Every observation of every source, as read (Observations table).",
    "reconciled": "One row per figure: the value chosen by source priority, with conflicts "
    "flagged and values inferred from published totals (obs_status E).",
    "indicators": "Derived rates and shares with their numerators and denominators.",
    "rejects": "Every input row that was not kept, with file, row, column and reason.",
}


@dataclass(frozen=True)
class PrepareResult:
    """What ``prepare`` did.

    Attributes
    ----------
    reused : bool
        True when the processed files were up to date and nothing was recomputed.
    manifest : dict
        The manifest written to ``data/processed/prepare_manifest.json``.
    """

    reused: bool
    manifest: dict


def prepare(
    *, raw_dir: Path | None = None, processed_dir: Path | None = None, force: bool = False
) -> PrepareResult:
    """Build the processed tables, or reuse them when their inputs have not changed.

    Parameters
    ----------
    raw_dir, processed_dir : Path, optional
        Default ``data/raw`` and ``data/processed``.
    force : bool
        Recompute even when the cache key matches.

    Returns
    -------
    PrepareResult

    Raises
    ------
    DataValidationError
        When a raw file is missing, changed since it was registered, unregistered, or
        breaks its table's schema as a whole.
    """
    raw_dir = raw_dir or paths.raw_dir()
    processed_dir = processed_dir or paths.processed_dir()
    started = time.perf_counter()
    problems = registry.check_files(raw_dir)
    if problems:
        raise DataValidationError(problems)
    records = registry.load_registry(raw_dir)
    key = cache_key(records)
    previous = _read_manifest(processed_dir)
    if not force and previous.get("cache_key") == key and _outputs_exist(processed_dir):
        return PrepareResult(reused=True, manifest=previous)

    observations, rejects, files = read_observations(records, raw_dir)
    reconciled = reconcile(observations, ReconcileRules.from_yaml())
    reconciled = pd.concat([reconciled, infer_from_totals(reconciled)], ignore_index=True)
    derived = indicators.derive_all(reconciled)
    tables = {
        "observations": observations,
        "reconciled": reconciled,
        "indicators": derived,
        "rejects": rejects,
    }
    processed_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        _write_atomic(processed_dir / f"{name}.parquet", partial(table.to_parquet, index=False))
    manifest = {
        "cache_key": key,
        "caretrends_version": __version__,
        "inputs": files,
        "rows": {name: len(table) for name, table in tables.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    dictionary = data_dictionary(tables)
    _write_atomic(processed_dir / "data_dictionary.md", partial(_write_text, dictionary))
    _write_atomic(
        processed_dir / MANIFEST_NAME, partial(_write_text, json.dumps(manifest, indent=2))
    )
    return PrepareResult(reused=False, manifest=manifest)


def read_observations(
    records: list[registry.SourceRecord], raw_dir: Path
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
    observations = pd.concat(frames, ignore_index=True)
    rejects = pd.concat(reject_frames, ignore_index=True)[REJECT_COLUMNS]
    return observations, rejects.astype({"source_row": "int64", "value": "str"}), files


def cache_key(records: list[registry.SourceRecord]) -> str:
    """Checksum of what the processed files depend on: inputs, configuration and code."""
    digest = hashlib.sha256(__version__.encode())
    for record in sorted(records, key=lambda r: r.path):
        digest.update(f"{record.path}:{record.kind}:{record.sha256}\n".encode())
    code_and_config = sorted(paths.PACKAGE_DIR.rglob("*.py")) + sorted(
        paths.config_dir().glob("*.yaml")
    )
    for file in code_and_config:
        digest.update(file.read_bytes())
    return digest.hexdigest()


def data_dictionary(tables: dict[str, pd.DataFrame]) -> str:
    """Return a Markdown data dictionary: each table, its rows, columns and types."""
    lines = ["# Data dictionary (generated by `caretrends prepare`)", ""]
    for name, table in tables.items():
        lines += [f"## {name}.parquet", "", TABLES[name], "", f"Rows: {len(table)}", ""]
        lines += ["| column | type | non-missing | example |", "|---|---|---|---|"]
        for column in table.columns:
            values = table[column].dropna()
            example = str(values.iloc[0])[:60].replace("|", "/") if len(values) else ""
            lines.append(f"| {column} | {table[column].dtype} | {len(values)} | {example} |")
        lines.append("")
    return "\n".join(lines)


def input_counts(processed_dir: Path | None = None) -> pd.DataFrame:
    """Rows read, kept and rejected per input file of the last ``prepare`` (its manifest)."""
    manifest = _read_manifest(processed_dir or paths.processed_dir())
    return pd.DataFrame(manifest.get("inputs", []))


def _read_manifest(processed_dir: Path) -> dict:
    path = processed_dir / MANIFEST_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _outputs_exist(processed_dir: Path) -> bool:
    return all((processed_dir / f"{name}.parquet").exists() for name in TABLES)


def _write_text(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")


def _write_atomic(target: Path, write: Callable[[Path], object]) -> None:
    """Write with ``write(path)`` to a temporary file beside ``target``, then move it in place,
    so that a reader never sees a half-written file."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    write(temporary)
    os.replace(temporary, target)
