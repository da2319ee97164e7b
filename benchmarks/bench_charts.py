"""Time to draw each standard figure and export it as PNG, SVG and PDF.

The seven standard figures are made from the bundled data as the notebooks make them
(``tests/_standard_figures.py``): first their inputs (data, models, titles), untimed, as
a notebook computes them in cells before the chart's; then the timed part, the chart
builder's drawing and :func:`caretrends.figures.export_figure` writing PNG (300 dpi),
SVG and PDF, the alt text and the data CSV. Each figure is timed ``--repeat`` times after
one untimed warm-up (imports, fonts, backends); the median of each is printed, split into
drawing and exporting, wall and CPU time, then the median over the figures. Target
(issue 18): drawing plus export at most 0.4 s per standard figure (median over the
figures).

Usage::

    python benchmarks/bench_charts.py [--repeat N] [--lang en] [--size page]
                                      [--profile NAME [--sort tottime]]
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
from tests._standard_figures import STANDARD, Draw, prepare

TARGET_SECONDS = 0.4


def time_figure(name: str, draw: Draw, size: str, folder: Path) -> tuple[float, float, float]:
    """Wall seconds to draw a prepared figure and to export it in every format, and CPU
    seconds of both (steadier than wall time on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    chart = draw(size)
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
    parser.add_argument("--sort", default="cumulative", help="order of the profile's rows")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as scratch:
        folder = Path(scratch)
        prepared = {
            name: prepare(name, args.lang)
            for name in ([args.profile] if args.profile else STANDARD)
        }
        for name, draw in prepared.items():  # warm-up: fonts and backends loaded
            time_figure(name, draw, args.size, folder)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(time_figure, args.profile, prepared[args.profile], args.size, folder)
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)
            return
        timings = {name: [] for name in STANDARD}
        for _ in range(args.repeat):
            for name, draw in prepared.items():
                timings[name].append(time_figure(name, draw, args.size, folder))
    print(f"standard figures ({args.lang}, {args.size}), median of {args.repeat}:")
    totals, cpus = [], []
    for name, runs in timings.items():
        build_s = statistics.median(b for b, _, _ in runs)
        export_s = statistics.median(e for _, e, _ in runs)
        total = [b + e for b, e, _ in runs]
        totals.append(statistics.median(total))
        cpus.append(statistics.median(c for _, _, c in runs))
        print(
            f"  {name:28s} draw {build_s:5.2f} s  export {export_s:5.2f} s  "
            f"total {totals[-1]:5.2f} s ({min(total):.2f}-{max(total):.2f})  CPU {cpus[-1]:5.2f} s"
        )
    median = statistics.median(totals)
    print(
        f"median per figure: {median:.2f} s wall, {statistics.median(cpus):.2f} s CPU"
        f" (target <= {TARGET_SECONDS})"
    )


if __name__ == "__main__":
    main()
