"""Wall time of the whole default report: ``caretrends run`` against plain ``papermill``.

The runner executes independent notebooks in parallel and also writes the HTML and the
manifest; the baseline runs the same notebooks with the same parameters one after
another with the ``papermill`` command. The runner must not be slower.

Usage::

    python benchmarks/bench_report.py [--config PATH] [--notebooks-dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from caretrends.report import KERNEL_NAME, RunConfig, load_run_config, run_report
from caretrends.report.run import RUN_FOLDERS


def time_runner(config: RunConfig, reports_dir: Path) -> float:
    """Seconds for one whole run of the report runner."""
    start = time.perf_counter()
    run_report(config, reports_dir=reports_dir, progress=False)
    return time.perf_counter() - start


def time_plain_papermill(config: RunConfig, work: Path, kernel_name: str = KERNEL_NAME) -> float:
    """Seconds to run the same notebooks one after another with the ``papermill`` command."""
    papermill = shutil.which("papermill") or str(Path(sys.executable).with_name("papermill"))
    for folder in RUN_FOLDERS:
        (work / folder).mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for spec in config.notebooks:
        values = config.parameters_for(spec.name, run_id="plain-papermill", output_dir=str(work))
        parameters = work / f"{spec.name}.parameters.yaml"
        parameters.write_text(yaml.safe_dump(values), encoding="utf-8")
        output = work / "notebooks" / spec.path.name
        subprocess.run(
            [papermill, str(spec.path), str(output), "-k", kernel_name, "-f", str(parameters)]
            + ["--cwd", str(work), "--no-progress-bar"],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Time both ways ``--repeat`` times, alternating, and print the best of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="default: config/report.yaml")
    parser.add_argument("--notebooks-dir", type=Path, default=None, help="default: notebooks/")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    config = load_run_config(args.config, notebooks_dir=args.notebooks_dir)
    runner, plain = [], []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        for round_ in range(args.repeat):
            plain.append(time_plain_papermill(config, Path(scratch) / f"plain-{round_}"))
            runner.append(time_runner(config, Path(scratch) / "reports"))
    names = ", ".join(spec.name for spec in config.notebooks)
    print(
        f"report {config.path} ({len(config.notebooks)} notebooks: {names}), best of {args.repeat}"
    )
    each = ", ".join
    print(f"  caretrends run (parallel, with HTML and manifest): {min(runner):6.1f} s", end="")
    print(f"  (runs: {each(f'{t:.1f}' for t in runner)})")
    print(f"  papermill, one notebook after another:             {min(plain):6.1f} s", end="")
    print(f"  (runs: {each(f'{t:.1f}' for t in plain)})")
    print(f"  runner / papermill:                                {min(runner) / min(plain):6.2f}")


if __name__ == "__main__":
    main()
