"""The ``caretrends`` command: one entry point; each package registers its own subcommands.

Every failure reaches the user as one line, ``caretrends COMMAND: error: ...`` (followed by
the list of problems when there are several), and exit code 1. Errors the project raises
on purpose say what is wrong with which file; anything else is named by its type only,
since a library's message may quote a row of a private file. ``--debug`` (before or after
the command) prints the traceback as well. The project's warnings are shown one line each
(:func:`caretrends.warnings.show_one_line`).
"""

from __future__ import annotations

import argparse
import sys
import traceback
import warnings
from collections.abc import Sequence

from caretrends import paths
from caretrends._version import __version__
from caretrends.cases.cli import add_synth_subcommand
from caretrends.errors import CaretrendsError
from caretrends.labels.cli import add_translations_subcommand
from caretrends.pipeline.cli import add_prepare_subcommand, add_validate_subcommand, run_prepare
from caretrends.report.cli import add_diff_subcommand
from caretrends.report.cli import add_subcommand as add_run_subcommand
from caretrends.sources.cli import add_extract_subcommand, add_fetch_subcommand
from caretrends.warnings import show_one_line


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="caretrends",
        description="Child abandonment (0-3) and alternative-care evidence for Kosovo.",
    )
    parser.add_argument("--version", action="version", version=f"caretrends {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_prepare_subcommand(commands)
    add_validate_subcommand(commands)
    add_synth_subcommand(commands)
    add_fetch_subcommand(commands)
    add_extract_subcommand(commands)
    add_run_subcommand(commands, prepare=prepare_with_defaults)
    add_diff_subcommand(commands)
    add_translations_subcommand(commands)
    for command in commands.choices.values():
        if "--debug" not in command._option_string_actions:
            # SUPPRESS: a subcommand's default must not undo ``caretrends --debug COMMAND``
            command.add_argument(
                "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
            )
    return parser


DEBUG_HELP = "also print the traceback of an error"


def prepare_with_defaults() -> None:
    """``caretrends prepare`` with its defaults: what ``caretrends run --prepare`` runs
    first when the report is not up to date."""
    run_prepare(argparse.Namespace(raw_dir=None, processed_dir=None, force=False))


def describe_error(exc: BaseException) -> str:
    """Return what the user is told about ``exc``: one line, never a library's message.

    Examples
    --------
    >>> describe_error(FileNotFoundError(2, "No such file or directory", "in.xlsx"))
    'in.xlsx: No such file or directory'
    >>> describe_error(KeyError("Valbona"))
    'unexpected KeyError (run with --debug for the traceback)'
    """
    if isinstance(exc, CaretrendsError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    if isinstance(exc, UnicodeDecodeError):
        return f"bytes that are not {exc.encoding} at byte {exc.start}"
    return f"unexpected {type(exc).__name__} (run with --debug for the traceback)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        problem = paths.root_problem()
        if problem:
            raise CaretrendsError(problem)
        with warnings.catch_warnings():  # the hook below is undone when the command ends
            show_one_line()
            return int(args.handler(args))
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"caretrends {args.command}: error: {describe_error(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
