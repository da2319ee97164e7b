"""The benchmark scripts still run and print their figures (on tiny inputs; no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

from caretrends import paths


def test_case_cleaning_benchmark_prints_ratio_scaling_and_floor() -> None:
    script = paths.project_root() / "benchmarks" / "bench_cases.py"
    run = subprocess.run(
        [sys.executable, str(script), "--rows", "3000", "--repeats", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert len([line for line in lines if re.search(r"ratio \d+\.\d\d \(target <= 8\)", line)]) == 2
    assert any(line.startswith("scaling: 10x rows took") for line in lines)
    stages = [m[1] for m in re.finditer(r"^  ([A-Za-z]+)[^\n]* \d+\.\d\d s", run.stdout, re.M)]
    assert stages == ["read", "distinct", "HMAC", "pandera", "sum"]
    assert re.search(r"sum +\d+\.\d\d s = \d+\.\d\dx the bare read", run.stdout)


def test_start_up_benchmark_prints_help_time_and_import_ratio() -> None:
    script = paths.project_root() / "benchmarks" / "bench_startup.py"
    run = subprocess.run(
        [sys.executable, str(script), "--repeat", "1"], capture_output=True, text=True, check=True
    )
    assert re.search(r"^caretrends --help: \d+\.\d\d s \(target <= 0\.3\)$", run.stdout, re.M)
    assert re.search(
        r"^package / bare imports: wall \d+\.\d\d, CPU \d+\.\d\d \(target", run.stdout, re.M
    )
    assert len(re.findall(r"wall +\d+\.\d\d s  CPU +\d+\.\d\d s", run.stdout)) == 3
