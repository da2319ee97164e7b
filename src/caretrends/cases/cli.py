"""The command line of the case records: ``caretrends synth`` (:func:`add_synth_subcommand`,
handler :func:`run_synth`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from caretrends import paths
from caretrends.cases.demo import DEMO_SEED
from caretrends.errors import CaretrendsError


def add_synth_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``synth``: write synthetic demonstration case records."""
    parser = subparsers.add_parser(
        "synth",
        help="write synthetic (demonstration) episode and counselling exports",
        description=(
            "Simulate case records and write them as messy office exports (mixed languages, "
            "encodings, date styles, with deliberate faults). Every file and row is marked "
            "synthetic. With --register, each file is recorded in data/raw/sources.yaml."
        ),
    )
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help=f"default {DEMO_SEED}")
    parser.add_argument(
        "--size", type=float, default=1.0, help="scale of the yearly volumes (1 = demo set)"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="folder to write to (default data/raw/cases)"
    )
    parser.add_argument(
        "--register", action="store_true", help="record the files in data/raw/sources.yaml"
    )
    parser.set_defaults(handler=run_synth)


def synth_command(seed: int, size: float, output: Path) -> str:
    """Return the ``caretrends synth`` command line that writes ``output`` and registers it."""
    shown = output.resolve()
    root = paths.project_root().resolve()
    where = shown.relative_to(root).as_posix() if shown.is_relative_to(root) else str(shown)
    return f"caretrends synth --seed {seed} --size {size:g} --output {where} --register"


def run_synth(args: argparse.Namespace) -> int:
    """Handle ``caretrends synth``; print the files written."""
    output = args.output or paths.raw_dir() / "cases"
    if args.register and not output.resolve().is_relative_to(paths.raw_dir().resolve()):
        raise CaretrendsError(f"--register needs --output inside {paths.raw_dir()}")
    from caretrends.cases.demo.files import write_demo_set  # the data stack, only when it runs

    produced_by = synth_command(args.seed, args.size, output) if args.register else None
    written = write_demo_set(output, seed=args.seed, scale=args.size, produced_by=produced_by)
    for path in written:
        print(path)
    return 0
