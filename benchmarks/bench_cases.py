"""Benchmark: cleaning episode exports against a bare pyarrow CSV read of the same file.

Targets (issue 18, replacing issue 4's 3x): cleaning 1,000,000 episode rows within 8x the
time of ``pandas.read_csv(path, engine="pyarrow")``, and cost growing linearly (10x the
rows in at most 12x the time). Files are synthetic Albanian-office exports (UTF-8 so that
the bare read can parse them too), written to a temporary folder. Both are timed best of
``--repeats``; the bare read uses every core, so on a busy machine its time, and the
ratio, swing most.

It also times, on the large file, the stages that any cleaner must do, each at its
fastest in the project's stack, and prints their sum as a multiple of the bare read:
reading the kept columns as text (a bare pyarrow read of those columns, without the
encoding detection the cleaner adds), the distinct texts of each kept column (every cell
must be mapped to a code, a date or a reason; Arrow's dictionary encoding is the cheapest
such map), HMAC-SHA256 of the distinct identifiers (hashlib, the inner and outer key
states computed once), and the record schema's pandera checks on the cleaned rows. What
a cleaner does besides (missing values, row checks, duplicates, overlaps, building the
output and the rejects) comes on top.

Run: ``PYTHONPATH=src python benchmarks/bench_cases.py [--rows 1000000]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from caretrends.cases import clean_case_file
from caretrends.cases.catalog import match_columns
from caretrends.cases.demo.export import Office, messy_export
from caretrends.cases.demo.simulate import simulate_episodes
from caretrends.cases.pseudonymise import DEMO_SALT, keyed_hash_array
from caretrends.cases.read import open_export
from caretrends.cases.record_schemas import EPISODE_RECORD
from caretrends.schemas import without_unique

#: Cleaning may take at most this many times a bare pyarrow read (issue 18).
TARGET_RATIO = 8

ROWS_PER_UNIT_SCALE = 1500  # episodes the simulation gives at scale 1, roughly
OFFICE = Office("benchmark_sq", "sq", "utf_8", ";", "%d.%m.%Y", 1.0)


def write_episode_file(folder: Path, rows: int, seed: int = 1) -> Path:
    """Write a synthetic episodes export of exactly ``rows`` records."""
    rng = np.random.default_rng(seed)
    records = simulate_episodes(rng, scale=1.1 * rows / ROWS_PER_UNIT_SCALE)
    export = messy_export(rng, records, "episodes", OFFICE)
    frame = export.frame.iloc[:rows]
    path = folder / f"episodes_{rows}.csv"
    frame.to_csv(path, sep=OFFICE.delimiter, index=False, encoding="utf-8")
    assert len(frame) == rows, f"simulated too few rows ({len(frame)})"
    return path


def best_of(repeats: int, job) -> float:
    """Return the fastest of ``repeats`` wall-clock timings of ``job()`` in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def floor_stages(path: Path, cleaned: pd.DataFrame, repeats: int) -> dict[str, float]:
    """Time the stages every cleaning of ``path`` must do, each at its fastest (seconds).

    ``cleaned`` is the cleaner's output for ``path``, whose checks are timed.
    """
    export = open_export(path, source_file=path.name)
    renames = match_columns(export.header, "episodes", source_file=path.name).renames
    options = {
        "parse_options": pa_csv.ParseOptions(delimiter=OFFICE.delimiter),
        "convert_options": pa_csv.ConvertOptions(
            include_columns=list(renames),
            column_types=dict.fromkeys(renames, pa.string()),
            strings_can_be_null=True,
        ),
    }
    table = pa_csv.read_csv(path, **options).rename_columns([renames[name] for name in renames])
    kept = {name: table.column(name).combine_chunks() for name in table.column_names}
    identifiers = pc.utf8_lower(pc.utf8_trim_whitespace(kept["child_id"].unique()))
    ids = pc.cast(identifiers, pa.binary()).drop_null().to_pylist()
    records = cleaned[list(EPISODE_RECORD.columns)]
    # the cleaner's own duplicate rejects stand in for pandera's uniqueness check
    record = without_unique(EPISODE_RECORD)
    return {
        "read kept columns": best_of(repeats, lambda: pa_csv.read_csv(path, **options)),
        "distinct texts": best_of(repeats, lambda: [c.dictionary_encode() for c in kept.values()]),
        f"HMAC of {len(ids):,} ids": best_of(repeats, lambda: keyed_hash_array(ids, DEMO_SALT)),
        "pandera checks": best_of(repeats, lambda: record.validate(records, lazy=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timings = {}
        for rows in (args.rows // 10, args.rows):
            path = write_episode_file(folder, rows)
            bare = best_of(args.repeats, lambda p=path: pd.read_csv(p, engine="pyarrow", sep=";"))
            cleaned = best_of(args.repeats, lambda p=path: clean_case_file(p, synthetic=True))
            result = clean_case_file(path, synthetic=True)
            timings[rows] = cleaned
            print(
                f"{rows:>9,} rows ({path.stat().st_size / 1e6:.0f} MB): "
                f"bare pyarrow read {bare:.2f} s, clean_case_file {cleaned:.2f} s, "
                f"ratio {cleaned / bare:.2f} (target <= {TARGET_RATIO}); "
                f"kept {int(result.report.rows_kept[0]):,}, rejected "
                f"{int(result.report.rows_rejected[0]):,}"
            )
        small, large = args.rows // 10, args.rows
        print(f"scaling: 10x rows took {timings[large] / timings[small]:.1f}x time (target <= 12)")
        stages = floor_stages(path, result.data, args.repeats)
        floor = sum(stages.values())
        print(f"{large:>9,} rows, stages every cleaning must do, each at its fastest:")
        for name, seconds in stages.items():
            print(f"  {name:<24} {seconds:.2f} s")
        print(f"  {'sum':<24} {floor:.2f} s = {floor / bare:.2f}x the bare read")


if __name__ == "__main__":
    main()
