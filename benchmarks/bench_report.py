"""Wall and CPU time of the whole default report, in two cases (``--case``).

``papermill``: ``caretrends run`` in the configuration's first language against plain
``papermill``. The runner executes independent notebooks in parallel and also writes the
HTML, the manifest and the brief; the baseline runs the same notebooks with the same
parameters one after another with the ``papermill`` command. Targets (issue 18): the runner
at most 0.4x the papermill wall time and 0.7x its CPU time.

``languages``: one run of every configured language (``en``, ``sq``, ``sr``) against a
``--language en`` run of the same commit. Target (issue 29): at most 1.5x its wall time.

Both sides are whole processes (``--force``: never found up to date), run alternately
(``--repeat`` times each), so that a machine shared with other work slows both alike;
medians of at least 3 runs. CPU time is that of the child processes and everything they
waited for (the kernels included), from ``resource.getrusage(RUSAGE_CHILDREN)``.

Usage::

    python benchmarks/bench_report.py [--case papermill|languages] [--config PATH]
        [--notebooks-dir DIR] [--repeat N]
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
#: Every language in one run against one language, wall time (issue 29).
TARGET_LANGUAGES_WALL = 1.5


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


def time_runner(
    config: RunConfig, reports_dir: Path, language: str | None = None
) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole ``caretrends run --force`` process, in ``language``
    or (None) every configured language."""
    command = [sys.executable, "-m", "caretrends.cli", "run", "--force"]
    command += ["--output", str(reports_dir), "--config", str(config.path)]
    return _timed([command + (["--language", language] if language else [])])


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


def _compare(
    kind: str,
    ours: list[float],
    theirs: list[float],
    names: tuple[str, str],
    target: float | None,
) -> None:
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(f"  {kind} time")
    print(_line(f"    {names[0]:<48}", ours))
    print(_line(f"    {names[1]:<48}", theirs))
    print(
        f"    ratio: {statistics.median(ours) / statistics.median(theirs):.2f}"
        f" (per round {min(ratios):.2f}-{max(ratios):.2f}"
        + (f"; target <= {target})" if target else "; no target)")
    )


def main(argv: list[str] | None = None) -> None:
    """Time both sides of the case ``--repeat`` times, alternating; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("papermill", "languages"), default="languages")
    parser.add_argument("--config", type=Path, default=None, help="default: config/report.yaml")
    parser.add_argument("--notebooks-dir", type=Path, default=None, help="default: notebooks/")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    config = load_run_config(args.config, notebooks_dir=args.notebooks_dir)
    first: list[tuple[float, float]] = []
    second: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        reports = Path(scratch) / "reports"
        for round_ in range(args.repeat):
            if args.case == "papermill":
                second.append(time_plain_papermill(config, Path(scratch) / f"plain-{round_}"))
                first.append(time_runner(config, reports, config.language))
            else:
                second.append(time_runner(config, reports, "en"))
                first.append(time_runner(config, reports))
        timings = cell_timings(reports / "latest")
    names = ", ".join(spec.name for spec in config.notebooks)
    print(f"report {config.path} ({len(config.notebooks)} notebooks: {names})")
    print(f"median of {args.repeat} alternating runs, {os.cpu_count()} cores")
    if args.case == "papermill":
        sides = (f"caretrends run --language {config.language}", "papermill, one after another")
        targets: dict[str, float | None] = {"wall": TARGET_WALL, "CPU": TARGET_CPU}
    else:
        sides = (f"caretrends run ({', '.join(config.languages)})", "caretrends run --language en")
        targets = {"wall": TARGET_LANGUAGES_WALL, "CPU": None}
    for kind, index in (("wall", 0), ("CPU", 1)):
        ours, theirs = [r[index] for r in first], [r[index] for r in second]
        _compare(kind, ours, theirs, sides, targets[kind])
    print("cell timings of the executed notebooks (papermill metadata; the last run):")
    print("\n".join(timings))


if __name__ == "__main__":
    main()
