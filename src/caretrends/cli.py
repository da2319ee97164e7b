"""The ``caretrends`` command: one entry point; each package registers its own subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from caretrends._version import __version__
from caretrends.cases.cli import add_synth_subcommand
from caretrends.errors import CaretrendsError
from caretrends.pipeline.cli import add_prepare_subcommand, add_validate_subcommand
from caretrends.report.cli import add_subcommand as add_run_subcommand
from caretrends.sources.cli import add_extract_subcommand, add_fetch_subcommand


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="caretrends",
        description="Child abandonment (0-3) and alternative-care evidence for Kosovo.",
    )
    parser.add_argument("--version", action="version", version=f"caretrends {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_prepare_subcommand(commands)
    add_validate_subcommand(commands)
    add_synth_subcommand(commands)
    add_fetch_subcommand(commands)
    add_extract_subcommand(commands)
    add_run_subcommand(commands)
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
