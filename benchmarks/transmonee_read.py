"""Time the TransMonEE readers: the whole legacy workbook and the bundled SDMX-CSV extract.

Run: ``PYTHONPATH=src python benchmarks/transmonee_read.py``; prints seconds and row counts.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from caretrends.sources.sdmx_csv import read_sdmx_csv, write_sdmx_csv
from caretrends.sources.transmonee.extract import read_transmonee_extract
from caretrends.sources.transmonee.workbook import read_legacy_workbook


def main() -> None:
    start = time.perf_counter()
    workbook = read_legacy_workbook()
    seconds = time.perf_counter() - start
    per_sheet = workbook.tables.groupby("sheet").size().to_dict()
    print(
        f"legacy workbook: {seconds:.2f} s, tables {per_sheet}, "
        f"{len(workbook.observations)} country observations "
        f"({workbook.observations['value'].notna().sum()} with a value), "
        f"{len(workbook.aggregates)} aggregate rows, {len(workbook.rejects)} rejects"
    )
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        extract = read_transmonee_extract()
        timings.append(time.perf_counter() - start)
    print(
        f"bundled extract: best of 5 {min(timings):.3f} s, "
        f"{len(extract.observations)} observations, {len(extract.rejects)} rejects"
    )
    with tempfile.TemporaryDirectory() as folder:
        whole = write_sdmx_csv(workbook.observations, Path(folder) / "whole.csv")
        start = time.perf_counter()
        again = read_sdmx_csv(whole, source="whole")
        seconds = time.perf_counter() - start
    print(
        f"SDMX-CSV of the whole workbook: {seconds:.2f} s for "
        f"{len(again.observations)} observations, {len(again.rejects)} rejects"
    )


if __name__ == "__main__":
    main()
