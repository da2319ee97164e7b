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
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from caretrends import paths, provenance
from caretrends._version import __version__
from caretrends.errors import DataValidationError
from caretrends.pipeline import indicators
from caretrends.pipeline.readers import read_observations
from caretrends.pipeline.reconcile import ReconcileRules, infer_from_totals, reconcile

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
    """What ``prepare`` did."""

    #: True when the processed files were up to date and nothing was recomputed.
    reused: bool
    #: The manifest written to ``data/processed/prepare_manifest.json``.
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
        Recompute even when the cache key matches, and replace tables even when the new
        ones lose a source (or most of one) the current ones have.

    Returns
    -------
    PrepareResult

    Raises
    ------
    DataValidationError
        When a raw file is missing, changed since it was registered, unregistered,
        unreadable, holds an impossible figure or breaks its table's schema as a whole;
        or (without ``force``) when the new tables would lose a whole source or most of
        one. ``data/processed`` is then left as it was.
    """
    raw_dir = raw_dir or paths.raw_dir()
    processed_dir = processed_dir or paths.processed_dir()
    started = time.perf_counter()
    problems = provenance.check_files(raw_dir)
    if problems:
        raise DataValidationError(problems)
    records = provenance.load_registry(raw_dir)
    key = cache_key(records)
    previous = _read_manifest(processed_dir)
    if not force and previous.get("cache_key") == key and _outputs_exist(processed_dir):
        return PrepareResult(reused=True, manifest=previous)

    observations, rejects, files = read_observations(records, raw_dir)
    losses = lost_rows(_previous_counts(processed_dir), observations["source_file"].value_counts())
    if losses and not force:
        raise DataValidationError(
            [
                f"{processed_dir}: not replaced: the new tables would lose rows; run "
                "`caretrends prepare --force` to accept",
                *losses,
            ]
        )
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
        paths.write_atomically(
            processed_dir / f"{name}.parquet", partial(table.to_parquet, index=False)
        )
    manifest = {
        "cache_key": key,
        "caretrends_version": __version__,
        "inputs": files,
        "rows": {name: len(table) for name, table in tables.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    dictionary = data_dictionary(tables)
    paths.write_atomically(processed_dir / "data_dictionary.md", partial(_write_text, dictionary))
    paths.write_atomically(
        processed_dir / MANIFEST_NAME, partial(_write_text, json.dumps(manifest, indent=2))
    )
    return PrepareResult(reused=False, manifest=manifest)


#: Share of a source's rows the new tables may lose before ``prepare`` stops.
MAX_LOST_SHARE = 0.5


def lost_rows(before: pd.Series, after: pd.Series) -> list[str]:
    """Describe each source file that would lose every row, or most of its rows.

    Parameters
    ----------
    before, after : Series
        Observations per source file, in the current and in the new tables.

    Examples
    --------
    >>> lost_rows(pd.Series({"a.csv": 10, "b.csv": 10}), pd.Series({"a.csv": 4}))
    ['a.csv: 10 observations -> 4', 'b.csv: 10 observations -> 0 (the whole source)']
    """
    lines = []
    for name, count in before.items():
        now = int(after.get(name, 0))
        if now == 0 and count:
            lines.append(f"{name}: {count} observations -> 0 (the whole source)")
        elif now < count * (1 - MAX_LOST_SHARE):
            lines.append(f"{name}: {count} observations -> {now}")
    return lines


def _previous_counts(processed_dir: Path) -> pd.Series:
    """Observations per source file in the current tables (empty when there are none)."""
    path = processed_dir / "observations.parquet"
    if not path.exists():
        return pd.Series(dtype="int64")
    try:
        return pd.read_parquet(path, columns=["source_file"])["source_file"].value_counts()
    except Exception:  # unreadable current tables hold nothing worth keeping
        return pd.Series(dtype="int64")


def cache_key(records: list[provenance.SourceRecord]) -> str:
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
