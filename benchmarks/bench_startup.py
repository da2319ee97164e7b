"""Start-up time: ``caretrends --help``, and the package's imports against the bare stack.

Each measurement is a fresh Python process (``--repeat`` times, alternating), so nothing
is imported already; wall and CPU time (the child's, from ``RUSAGE_CHILDREN``), medians.
Targets (issue 18): ``caretrends --help`` at most 0.3 s; ``import caretrends as ct``
followed by first use of ``ct.figures`` and ``ct.models`` at most 1.1x the bare import of
pandas, statsmodels and matplotlib (``statsmodels.api`` and ``pyplot``, what a notebook
doing the same work by hand imports).

Usage::

    python benchmarks/bench_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_HELP_SECONDS, TARGET_IMPORT_RATIO = 0.3, 1.1

#: What is timed, each as one fresh process.
COMMANDS: dict[str, list[str]] = {
    "caretrends --help": [
        shutil.which("caretrends") or str(Path(sys.executable).with_name("caretrends")),
        "--help",
    ],
    "import caretrends; ct.figures, ct.models used": [
        sys.executable,
        "-c",
        "import caretrends as ct; ct.figures.trend_chart; ct.models.fit_its",
    ],
    "bare: import pandas, statsmodels.api, matplotlib.pyplot": [
        sys.executable,
        "-c",
        "import pandas, statsmodels.api, matplotlib.pyplot",
    ],
}


def timed(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> None:
    """Time each command ``--repeat`` times, alternating; print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm-up: file cache, .pyc files
        timed(command)
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            runs[name].append(timed(command))
    medians = {
        name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
        for name, r in runs.items()
    }
    print(f"median of {args.repeat} fresh processes each, alternating:")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:58s} wall {wall:5.2f} s  CPU {cpu:5.2f} s")
    help_wall = medians["caretrends --help"][0]
    print(f"caretrends --help: {help_wall:.2f} s (target <= {TARGET_HELP_SECONDS})")
    names = list(COMMANDS)
    ours, bare = medians[names[1]], medians[names[2]]
    print(
        f"package / bare imports: wall {ours[0] / bare[0]:.2f}, CPU {ours[1] / bare[1]:.2f}"
        f" (target <= {TARGET_IMPORT_RATIO})"
    )


if __name__ == "__main__":
    main()
