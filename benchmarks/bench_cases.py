"""Benchmark: cleaning episode exports against a bare pyarrow CSV read of the same file.

Targets (issue 4): cleaning 1,000,000 episode rows within 3x the time of
``pandas.read_csv(path, engine="pyarrow")``, and cost growing linearly (10x the rows in at
most 12x the time). Files are synthetic Albanian-office exports (UTF-8 so that the bare
read can parse them too), written to a temporary folder.

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

from caretrends.cases import clean_case_file
from caretrends.cases.synth import Office, messy_export, simulate_episodes

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
            cleaned = best_of(args.repeats, lambda p=path: clean_case_file(p))
            result = clean_case_file(path)
            timings[rows] = cleaned
            print(
                f"{rows:>9,} rows ({path.stat().st_size / 1e6:.0f} MB): "
                f"bare pyarrow read {bare:.2f} s, clean_case_file {cleaned:.2f} s, "
                f"ratio {cleaned / bare:.2f} (target <= 3); "
                f"kept {int(result.report.rows_kept[0]):,}, rejected "
                f"{int(result.report.rows_rejected[0]):,}"
            )
        small, large = args.rows // 10, args.rows
        print(f"scaling: 10x rows took {timings[large] / timings[small]:.1f}x time (target <= 12)")


if __name__ == "__main__":
    main()
