"""The ``run`` subcommand; the CLI wires it with :func:`add_subcommand`.

Exit status: 0 when the report was published, 1 on an error (one line), 130 when SIGINT
and 143 when SIGTERM stopped it (one line; at any moment, see
:mod:`caretrends.report.stopping`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from caretrends.labels import LANGUAGES
from caretrends.report.stopping import Interrupted, interrupting_on_signals

if TYPE_CHECKING:
    from caretrends.report.config import RunConfig
    from caretrends.report.zygote import Zygote


def add_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``run`` (``--config``, ``--only``, ``--language``, ``--output``, ``--debug``)."""
    run = subparsers.add_parser(
        "run",
        help="execute the report notebooks into reports/<run-id>/ and point reports/latest at it",
        epilog="exit status: 0 published, 1 error, 130 stopped by SIGINT, 143 stopped by SIGTERM",
    )
    run.add_argument(
        "--config", type=Path, default=None, metavar="PATH", help="default: config/report.yaml"
    )
    run.add_argument(
        "--only",
        nargs="+",
        default=None,
        metavar="NAME",
        help="run only these notebooks (and the notebooks they depend on)",
    )
    run.add_argument(
        "--language", choices=LANGUAGES, default=None, help="overrides the configuration's"
    )
    run.add_argument(
        "--output", type=Path, default=None, metavar="DIR", help="reports root; default: reports/"
    )
    run.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # keeps ``caretrends --debug run``'s value
        help="also print the traceback of an error",
    )
    run.set_defaults(handler=handle_run)


def handle_run(args: argparse.Namespace) -> int:
    """Run the report; return 0, or ``128 + signal`` when SIGTERM or SIGINT stopped it.

    Other failures raise for the CLI (:func:`caretrends.cli.main`) to print in one line,
    with their traceback first under ``--debug``.
    """
    # papermill logs what the run reports itself (a dead kernel, a failed cell): no
    # second account of it on stderr
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    try:
        with interrupting_on_signals():  # first: before anything slow
            from caretrends.report.config import load_run_config

            # Checked before any process starts: a bad configuration is told at once.
            config = load_run_config(args.config, language=args.language)
            _, added = config.select(args.only)
            from caretrends.report.kernels import KERNEL_NAME, kernel_command, warm_zygote

            # The kernels' zygote imports their stack on one core while this process
            # imports the runner's (papermill, nbformat) on the other.
            with warm_zygote(kernel_command(KERNEL_NAME)) as zygote:
                from caretrends.report.run import RunStopped

                try:
                    return _run(args, config, added, zygote)
                except RunStopped as exc:
                    return _stopped(args, f"caretrends run: {exc}", exc.exit_code)
    except Interrupted as exc:
        return _stopped(args, f"caretrends run: {exc}; no run was in progress", exc.exit_code)


def _stopped(args: argparse.Namespace, line: str, exit_code: int) -> int:
    """Say in one line (after the traceback under ``--debug``) that a signal stopped the run."""
    if getattr(args, "debug", False):
        traceback.print_exc()
    print(line, file=sys.stderr)
    return exit_code


def _run(
    args: argparse.Namespace, config: RunConfig, added: list[str], zygote: Zygote | None
) -> int:
    from caretrends.report.run import LATEST, run_report

    if added:
        print(f"also running what --only needs first: {', '.join(added)}")
    result = run_report(config, only=args.only, reports_dir=args.output, zygote=zygote)
    print(f"report {result.run_id} written to {result.folder}")
    if not result.complete:
        latest = result.folder.parent / LATEST
        print(f"  a partial run (--only): {latest} still points to the last whole report")
    for outcome in result.notebooks.values():
        print(f"  {outcome.describe()}")
    return 0
