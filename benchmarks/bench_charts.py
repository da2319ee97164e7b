"""Time to draw each standard figure and export it as PNG, SVG and PDF.

The seven standard figures are built from the bundled data as the notebooks build them
(``tests/_standard_figures.py``), then written by :func:`caretrends.figures.export_figure`
at 300 dpi. Each figure is timed ``--repeat`` times after one untimed warm-up (which reads
the prepared tables and imports the plotting stack); the median of each is printed, split
into building (data, models, drawing) and exporting, and the median over the figures.
Target: at most 0.4 s per standard figure (median over the figures).

Usage::

    python benchmarks/bench_charts.py [--repeat N] [--lang en] [--size page] [--profile NAME]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from caretrends import paths

sys.path.insert(0, str(paths.project_root()))
from caretrends.figures import export_figure
from tests._standard_figures import STANDARD, build

TARGET_SECONDS = 0.4


def time_figure(name: str, lang: str, size: str, folder: Path) -> tuple[float, float, float]:
    """Wall seconds to build ``name`` and to export it in every format, and CPU seconds of
    both (steadier than wall time on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    chart = build(name, lang, size)
    built = time.perf_counter()
    export_figure(chart, name, directory=folder, run_id="bench")
    exported = time.perf_counter()
    chart.figure.clear()
    return built - start, exported - built, time.process_time() - cpu


def main(argv: list[str] | None = None) -> None:
    """Print per figure the median build, export and total seconds, then the median total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--size", default="page")
    parser.add_argument("--profile", metavar="NAME", help="print a cProfile of one figure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as scratch:
        folder = Path(scratch)
        if args.profile:
            time_figure(args.profile, args.lang, args.size, folder)
            profiler = cProfile.Profile()
            profiler.runcall(time_figure, args.profile, args.lang, args.size, folder)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            return
        for name in STANDARD:  # warm-up: tables read, fonts and backends loaded
            time_figure(name, args.lang, args.size, folder)
        timings = {name: [] for name in STANDARD}
        for _ in range(args.repeat):
            for name in STANDARD:
                timings[name].append(time_figure(name, args.lang, args.size, folder))
    print(f"standard figures ({args.lang}, {args.size}), median of {args.repeat}:")
    totals, cpus = [], []
    for name, runs in timings.items():
        build_s = statistics.median(b for b, _, _ in runs)
        export_s = statistics.median(e for _, e, _ in runs)
        total = [b + e for b, e, _ in runs]
        totals.append(statistics.median(total))
        cpus.append(statistics.median(c for _, _, c in runs))
        print(
            f"  {name:28s} build {build_s:5.2f} s  export {export_s:5.2f} s  "
            f"total {totals[-1]:5.2f} s ({min(total):.2f}-{max(total):.2f})  CPU {cpus[-1]:5.2f} s"
        )
    median = statistics.median(totals)
    print(
        f"median per figure: {median:.2f} s wall, {statistics.median(cpus):.2f} s CPU"
        f" (target <= {TARGET_SECONDS})"
    )


if __name__ == "__main__":
    main()
