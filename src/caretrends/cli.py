"""The ``caretrends`` command: one entry point, one subcommand per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from caretrends import __version__
from caretrends.errors import CaretrendsError


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="caretrends",
        description="Child abandonment (0-3) and alternative-care evidence for Kosovo.",
    )
    parser.add_argument("--version", action="version", version=f"caretrends {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    del subcommands  # subcommands are registered here as they are built
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CaretrendsError as exc:
        print(f"caretrends {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
