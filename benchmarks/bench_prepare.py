"""How long `caretrends prepare` takes on the bundled data: a full build, then a rebuild
that finds its inputs unchanged and reuses the processed files.

Runs in a temporary processed folder, so the project's own data/processed is untouched.
Prints the best of ``--repeat`` runs of each, their ratio (target: cached <= 1/5 of the
first run), and the command's process start-up, which both share.

    python benchmarks/bench_prepare.py --repeat 5
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from caretrends.pipeline.prepare import prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    first, cached = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as scratch:
            processed = Path(scratch)
            started = time.perf_counter()
            result = prepare(processed_dir=processed, force=True)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            again = prepare(processed_dir=processed)
            cached.append(time.perf_counter() - started)
            assert again.reused and not result.reused
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import caretrends.cli"], check=True)
    startup = time.perf_counter() - started
    print(f"rows: {result.manifest['rows']}")
    for file in result.manifest["inputs"]:
        print(
            f"  {file['path']}: read {file['rows_read']}, kept {file['kept']}, "
            f"rejected {file['rejected']}"
        )
    print(f"prepare, full build:     {min(first):.3f} s (best of {args.repeat})")
    print(f"prepare, inputs unchanged: {min(cached):.3f} s (best of {args.repeat})")
    print(f"cached / full:           {min(cached) / min(first):.3f} (target <= 0.2)")
    print(f"process start-up (import caretrends.cli): {startup:.2f} s, shared by both")


if __name__ == "__main__":
    main()
