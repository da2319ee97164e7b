"""Wall and CPU time of the whole default report: ``caretrends run`` against plain ``papermill``.

The runner executes independent notebooks in parallel and also writes the HTML, the
manifest and the brief; the baseline runs the same notebooks with the same parameters one
after another with the ``papermill`` command. Both are whole processes, run alternately
(``--repeat`` times each), so that a machine shared with other work slows both alike. CPU
time is that of the child processes and everything they waited for (the kernels
included), from ``resource.getrusage(RUSAGE_CHILDREN)``. Targets (issue 18): the runner at
most 0.4x the papermill wall time and 0.7x its CPU time, medians of at least 3 runs.

Usage::

    python benchmarks/bench_report.py [--config PATH] [--notebooks-dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from caretrends.report import KERNEL_NAME, RunConfig, load_run_config
from caretrends.report.layout import run_paths

TARGET_WALL, TARGET_CPU = 0.4, 0.7


def _timed(commands: list[list[str]], cwd: Path | None = None) -> tuple[float, float]:
    """Run ``commands`` one after another; return (wall seconds, CPU seconds of children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def time_runner(config: RunConfig, reports_dir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole ``caretrends run`` process."""
    command = [sys.executable, "-m", "caretrends.cli", "run", "--output", str(reports_dir)]
    return _timed([command + ["--config", str(config.path)]])


def time_plain_papermill(
    config: RunConfig, work: Path, kernel_name: str = KERNEL_NAME
) -> tuple[float, float]:
    """(wall, CPU) seconds of the same notebooks, one ``papermill`` command after another."""
    papermill = shutil.which("papermill") or str(Path(sys.executable).with_name("papermill"))
    outputs = run_paths(work, config.language)
    for folder in outputs.folders():
        folder.mkdir(parents=True, exist_ok=True)
    commands = []
    for spec in config.notebooks:
        values = config.parameters_for(spec.name, run_id="plain-papermill", output_dir=str(work))
        parameters = work / f"{spec.name}.parameters.yaml"
        parameters.write_text(yaml.safe_dump(values), encoding="utf-8")
        output = outputs.notebooks / spec.path.name
        commands.append(
            [papermill, str(spec.path), str(output), "-k", kernel_name, "-f", str(parameters)]
            + ["--cwd", str(work), "--no-progress-bar"]
        )
    return _timed(commands)


def cell_timings(folder: Path, top: int = 3) -> list[str]:
    """Per executed notebook under ``folder``: its cells' total and the slowest cells, from
    the durations papermill records in each cell's metadata."""
    import json

    lines = []
    for notebook in sorted(folder.rglob("notebooks/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        timed = [
            (c["metadata"]["papermill"]["duration"] or 0.0, "".join(c["source"]).split("\n")[0])
            for c in cells
            if c["cell_type"] == "code" and c["metadata"].get("papermill", {}).get("duration")
        ]
        total = sum(t for t, _ in timed)
        lines.append(f"  {notebook.parent.parent.name}/{notebook.name}: cells {total:.1f} s")
        for seconds, first in sorted(timed, reverse=True)[:top]:
            lines.append(f"    {seconds:5.1f} s  {first[:70]}")
    return lines


def _line(label: str, runs: list[float]) -> str:
    shown = ", ".join(f"{t:.1f}" for t in runs)
    return f"{label} {statistics.median(runs):6.1f} s  (runs: {shown})"


def main(argv: list[str] | None = None) -> None:
    """Time both ways ``--repeat`` times, alternating; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="default: config/report.yaml")
    parser.add_argument("--notebooks-dir", type=Path, default=None, help="default: notebooks/")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    config = load_run_config(args.config, notebooks_dir=args.notebooks_dir)
    runner: list[tuple[float, float]] = []
    plain: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        for round_ in range(args.repeat):
            plain.append(time_plain_papermill(config, Path(scratch) / f"plain-{round_}"))
            runner.append(time_runner(config, Path(scratch) / "reports"))
        timings = cell_timings(Path(scratch) / "plain-0") + cell_timings(Path(scratch) / "reports")
    names = ", ".join(spec.name for spec in config.notebooks)
    print(f"report {config.path} ({len(config.notebooks)} notebooks: {names})")
    print(f"median of {args.repeat} alternating runs, {os.cpu_count()} cores")
    for kind, index, target in (("wall", 0, TARGET_WALL), ("CPU", 1, TARGET_CPU)):
        ours, theirs = [r[index] for r in runner], [p[index] for p in plain]
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        print(f"  {kind} time")
        print(_line("    caretrends run (parallel, HTML, manifest, brief):", ours))
        print(_line("    papermill, one notebook after another:          ", theirs))
        print(
            f"    runner / papermill: {statistics.median(ours) / statistics.median(theirs):.2f}"
            f" (per round {min(ratios):.2f}-{max(ratios):.2f}; target <= {target})"
        )
    print("cell timings of the executed notebooks (papermill metadata; last runner runs):")
    print("\n".join(timings))


if __name__ == "__main__":
    main()
