"""The ``caretrends`` command: one entry point, one subcommand per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from caretrends import __version__
from caretrends.cases.cli import add_synth_subcommand
from caretrends.errors import CaretrendsError
from caretrends.report import cli as report_cli
from caretrends.sources import fetch, transmonee


def _prepare(args: argparse.Namespace) -> int:
    from caretrends.prepare import prepare

    result = prepare(raw_dir=args.raw_dir, processed_dir=args.processed_dir, force=args.force)
    manifest = result.manifest
    state = "up to date, reused" if result.reused else f"built in {manifest['seconds']} s"
    print(f"data/processed {state}")
    for file in manifest["inputs"]:
        print(
            f"  {file['path']}: read {file['rows_read']}, kept {file['kept']}, "
            f"rejected {file['rejected']}"
        )
    print("  tables: " + ", ".join(f"{name} {rows}" for name, rows in manifest["rows"].items()))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from caretrends.validate import validate

    report = validate(raw_dir=args.raw_dir)
    print(report.text())
    return 0 if report.ok(strict=args.strict) else 1


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="caretrends",
        description="Child abandonment (0-3) and alternative-care evidence for Kosovo.",
    )
    parser.add_argument("--version", action="version", version=f"caretrends {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    prepare = commands.add_parser(
        "prepare", help="read data/raw, write the tidy tables to data/processed"
    )
    prepare.add_argument("--raw-dir", type=Path, default=None, help="default: data/raw")
    prepare.add_argument("--processed-dir", type=Path, default=None, help="default: data/processed")
    prepare.add_argument("--force", action="store_true", help="rebuild even if up to date")
    prepare.set_defaults(handler=_prepare)

    validate = commands.add_parser(
        "validate", help="check data/raw: provenance, checksums, schemas, rejected rows"
    )
    validate.add_argument("--raw-dir", type=Path, default=None, help="default: data/raw")
    validate.add_argument(
        "--strict", action="store_true", help="also fail when any row is rejected"
    )
    validate.set_defaults(handler=_validate)

    add_synth_subcommand(commands)
    fetch.add_subcommand(commands)
    transmonee.add_subcommand(commands)
    report_cli.add_subcommand(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except CaretrendsError as exc:
        print(f"caretrends {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
