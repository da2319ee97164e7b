"""The ``run`` and ``diff`` subcommands; the CLI wires them with :func:`add_subcommand`
and :func:`add_diff_subcommand`.

``run`` exits 0 when the report was published or found up to date (its one line says
which; 3 for up to date with ``--exit-code``), 1 on an error (one line), 130 when SIGINT
and 143 when SIGTERM stopped it (one line; at any moment, see
:mod:`caretrends.report.stopping`). Finding the report up to date imports neither
pandas nor papermill: it takes a fraction of a second.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from caretrends.labels import LANGUAGES
from caretrends.report.stopping import Interrupted, interrupting_on_signals

if TYPE_CHECKING:
    from caretrends.report.config import RunConfig
    from caretrends.report.zygote import Zygote


#: ``caretrends run --exit-code``'s status when the report was up to date.
EXIT_UP_TO_DATE = 3


def add_subcommand(
    subparsers: argparse._SubParsersAction, prepare: Callable[[], object] | None = None
) -> None:
    """Register ``run`` (``--config``, ``--only``, ``--language``, ``--output``, ``--force``,
    ``--exit-code``, ``--debug``; and ``--prepare``, which calls ``prepare`` before a run
    that is needed, when the CLI gives one: the runner imports no pipeline module)."""
    run = subparsers.add_parser(
        "run",
        help="execute the report notebooks into reports/<run-id>/ and point reports/latest at "
        "it, unless nothing it depends on changed since the latest report",
        epilog="exit status: 0 published or up to date, 1 error, 3 up to date with --exit-code, "
        "130 stopped by SIGINT, 143 stopped by SIGTERM",
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
        "--language",
        choices=LANGUAGES,
        default=None,
        help="only this language (default: the configuration's languages)",
    )
    run.add_argument(
        "--force", action="store_true", help="run even when the latest report is up to date"
    )
    if prepare is not None:
        run.add_argument(
            "--prepare",
            action="store_true",
            help="first run `caretrends prepare` when the report is not up to date (make report)",
        )
    run.add_argument(
        "--exit-code",
        action="store_true",
        help=f"exit {EXIT_UP_TO_DATE} (not 0) when the latest report is up to date",
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
    run.set_defaults(handler=handle_run, prepare_data=prepare)


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
            if up_to_date := _up_to_date(args, config):
                print(up_to_date)
                return EXIT_UP_TO_DATE if args.exit_code else 0
            from caretrends.report.kernels import KERNEL_NAME, kernel_command, warm_zygote

            # The kernels' zygote imports their stack on one core while this process
            # imports the runner's (papermill, nbformat) on the other.
            with warm_zygote(kernel_command(KERNEL_NAME)) as zygote:
                if getattr(args, "prepare", False):  # while the zygote imports on the other core
                    args.prepare_data()
                from caretrends.report.run import RunStopped

                try:
                    return _run(args, config, added, zygote)
                except RunStopped as exc:
                    return _stopped(args, f"caretrends run: {exc}", exc.exit_code)
    except Interrupted as exc:
        return _stopped(args, f"caretrends run: {exc}; no run was in progress", exc.exit_code)


def _up_to_date(args: argparse.Namespace, config: RunConfig) -> str | None:
    """The line saying the latest report is up to date, or None when a run is needed: it
    was asked for (``--force``, ``--only``), there is no latest report, or its inputs'
    digest differs (:mod:`caretrends.report.digest`)."""
    if args.force or args.only:
        return None
    from caretrends import paths
    from caretrends.report.digest import input_digest, up_to_date_with
    from caretrends.report.folders import LATEST

    digest = input_digest(
        config_path=config.path,
        notebooks=[spec.path for spec in config.notebooks],
        languages=config.languages,
    )
    published = up_to_date_with((args.output or paths.reports_dir()) / LATEST, digest)
    if published is None:
        return None
    return (
        f"up to date with {published.run_id} ({published.date}): nothing it depends on "
        "changed, nothing published (--force runs anyway)"
    )


def _stopped(args: argparse.Namespace, line: str, exit_code: int) -> int:
    """Say in one line (after the traceback under ``--debug``) that a signal stopped the run."""
    if getattr(args, "debug", False):
        traceback.print_exc()
    print(line, file=sys.stderr)
    return exit_code


def _run(
    args: argparse.Namespace, config: RunConfig, added: list[str], zygote: Zygote | None
) -> int:
    from caretrends.report.folders import LATEST
    from caretrends.report.run import run_report

    if added:
        print(f"also running what --only needs first: {', '.join(added)}")
    result = run_report(config, only=args.only, reports_dir=args.output, zygote=zygote)
    languages = ", ".join(config.languages)
    print(f"published report {result.run_id} ({languages}) in {result.folder}")
    if not result.complete:
        latest = result.folder.parent / LATEST
        print(f"  a partial run (--only): {latest} still points to the last whole report")
    print(f"  {changes_summary(result.manifest['changes'])}")
    for outcome in result.notebooks.values():
        print(f"  {outcome.describe()}")
    return 0


def changes_summary(changes: dict) -> str:
    """One line saying how a run differs from the one before it (``changes.json``)."""
    previous = changes.get("previous")
    if previous is None:
        return "the first report: nothing to compare with"
    counts = ", ".join(
        f"{section.replace('_', ' ')} {len(changes[section])}"
        for section in ("raw_files", "numbers", "sentences", "figures")
    )
    return f"changed since {previous['run_id']}: {counts} (changes.csv)"


def add_diff_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``diff RUN_A RUN_B``: what changed from one report run to another."""
    diff = subparsers.add_parser(
        "diff",
        help="what changed from report run RUN_A to RUN_B: raw files, key numbers, "
        "sentences, figures",
    )
    for name in ("run_a", "run_b"):
        diff.add_argument(
            name,
            metavar=name.upper(),
            help="a run folder, or a run id (or 'latest') in the reports folder",
        )
    diff.add_argument(
        "--output", type=Path, default=None, metavar="DIR", help="reports root; default: reports/"
    )
    diff.add_argument("--json", action="store_true", help="print the changes as JSON")
    diff.set_defaults(handler=handle_diff)


def handle_diff(args: argparse.Namespace) -> int:
    """Print what changed from ``RUN_A`` to ``RUN_B``; 0, or an error in one line."""
    import json

    from caretrends.report.changes import changes_rows, compare_folders

    old, new = (_run_folder(name, args.output) for name in (args.run_a, args.run_b))
    changes = compare_folders(old, new)
    if args.json:
        print(json.dumps(changes, indent=2, ensure_ascii=False))
        return 0
    print(changes_summary(changes))
    for row in changes_rows(changes):
        shown = [str(row.get(k) or "") for k in ("section", "language", "item", "key", "change")]
        line = " | ".join(part for part in shown if part)
        if row.get("old") or row.get("new"):
            line += f": {row.get('old') or '–'} → {row.get('new') or '–'}"
        print(f"  {line}")
    return 0


def _run_folder(name: str, reports: Path | None) -> Path:
    """The folder of the run ``name``: a folder with a manifest, or a run id in ``reports``.

    Raises
    ------
    CaretrendsError
        In one line, when neither holds a run's manifest.
    """
    from caretrends import paths
    from caretrends.errors import CaretrendsError
    from caretrends.report.layout import MANIFEST_NAME

    for folder in (Path(name), (reports or paths.reports_dir()) / name):
        if (folder / MANIFEST_NAME).is_file():
            return folder.resolve()
    raise CaretrendsError(
        f"{name}: not a report run (no {MANIFEST_NAME} there or in the reports folder)"
    )
