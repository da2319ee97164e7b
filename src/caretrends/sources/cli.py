"""The command line of the sources: ``caretrends fetch transmonee|kas`` and
``caretrends extract-transmonee``."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caretrends.errors import CaretrendsError
from caretrends.sources.settings import KAS_CONFIG_NAME, TRANSMONEE_CONFIG_NAME, HttpSettings

if TYPE_CHECKING:
    from caretrends.sources.http import Stored

# Handlers import requests, pandas and the readers when they run, so that the command line
# starts without them.


def add_fetch_subcommand(subparsers: Any) -> None:
    """Register ``caretrends fetch transmonee|kas`` on the CLI's subparsers."""
    parser = subparsers.add_parser(
        "fetch",
        help="fetch current data from UNICEF TransMonEE or KAS ASKdata into data/raw",
        description="Fetch current data from the live services into data/raw, with "
        "provenance. Needs internet.",
    )
    services = parser.add_subparsers(dest="service", required=True, metavar="SERVICE")

    transmonee = services.add_parser(
        "transmonee", help="TransMonEE indicators from UNICEF's SDMX API (with Kosovo)"
    )
    transmonee.add_argument("--ref-area", nargs="+", metavar="CODE", help="ISO3 codes")
    transmonee.add_argument("--indicator", nargs="+", metavar="CODE", help="SDMX codes")
    transmonee.add_argument(
        "--group", nargs="+", metavar="NAME", help=f"groups of {TRANSMONEE_CONFIG_NAME}"
    )
    transmonee.add_argument("--start", type=int, metavar="YEAR")
    transmonee.add_argument("--end", type=int, metavar="YEAR")
    _add_common_options(transmonee)
    transmonee.set_defaults(handler=run_fetch_transmonee)

    askdata = services.add_parser("kas", help="KAS tables from ASKdata (PxWeb)")
    what = askdata.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--table", nargs="+", metavar="KEY", help=f"keys or paths in {KAS_CONFIG_NAME}"
    )
    what.add_argument("--all", action="store_true", help="every configured table with a path")
    what.add_argument(
        "--describe", metavar="KEY", help="print a table's variables and values (key or path)"
    )
    what.add_argument(
        "--list", nargs="?", const="", metavar="FOLDER", help="list a folder of ASKdata"
    )
    _add_common_options(askdata)
    askdata.set_defaults(handler=run_fetch_kas)


#: The options of a service's patience: the ``HttpSettings`` field, its type, the value's
#: name in the help and the help (the default is filled in).
_HTTP_OPTIONS: tuple[tuple[str, type, str, str], ...] = (
    ("timeout", float, "SECONDS", "wait for connection and each read (default {:g})"),
    ("retries", int, "N", "retries with backoff on errors and timeouts (default {})"),
)


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    defaults = HttpSettings()
    for field, kind, metavar, description in _HTTP_OPTIONS:
        default = getattr(defaults, field)
        parser.add_argument(
            f"--{field}",
            type=kind,
            default=default,
            metavar=metavar,
            help=description.format(default),
        )
    parser.add_argument(
        "--raw-dir", type=Path, default=None, metavar="DIR", help="default: data/raw"
    )


def _settings(args: argparse.Namespace) -> HttpSettings:
    return HttpSettings(**{field: getattr(args, field) for field, *_ in _HTTP_OPTIONS})


def run_fetch_transmonee(args: argparse.Namespace) -> int:
    """Handler of ``caretrends fetch transmonee``."""
    from caretrends.sources.transmonee.live import fetch_transmonee, load_transmonee_config

    config = load_transmonee_config()
    areas = args.ref_area or list(config.ref_areas)
    start = config.start_period if args.start is None else args.start
    command = ["caretrends", "fetch", "transmonee", "--ref-area", *areas]
    if args.indicator:
        command += ["--indicator", *args.indicator]
    elif args.group:
        command += ["--group", *args.group]
    command += [] if start is None else ["--start", str(start)]
    command += [] if args.end is None else ["--end", str(args.end)]
    return _report(
        lambda: fetch_transmonee(
            ref_areas=areas,
            indicators=args.indicator,
            groups=args.group,
            start=start,
            end=args.end,
            raw_dir=args.raw_dir,
            settings=_settings(args),
            config=config,
            command=shlex.join(command),
        )
    )


def run_fetch_kas(args: argparse.Namespace) -> int:
    """Handler of ``caretrends fetch kas``."""
    from caretrends.sources.kas import mapping
    from caretrends.sources.kas.fetch import browse_kas, fetch_kas

    config = mapping.load_kas_config()
    if args.describe is not None or args.list is not None:
        table = args.describe is not None
        lines = browse_kas(
            args.describe if table else args.list,
            table=table,
            settings=_settings(args),
            config=config,
        )
        print("\n".join(lines))
        return 0
    if args.all:
        names = [key for key, t in config.tables.items() if t.path]
        for key, t in config.tables.items():
            if not t.path:
                print(f"skipped {key}: no path yet in {KAS_CONFIG_NAME}")
        command = ["caretrends", "fetch", "kas", "--all"]
    else:
        names = args.table
        command = ["caretrends", "fetch", "kas", "--table", *names]
    return _report(
        lambda: fetch_kas(
            names,
            raw_dir=args.raw_dir,
            settings=_settings(args),
            config=config,
            command=shlex.join(command),
        )
    )


def _report(fetch: Callable[[], list[Stored]]) -> int:
    """Run a fetch, print one line per stored file; failures propagate as FetchError."""
    from caretrends.sources.http import FetchError

    try:
        stored = fetch()
    except FetchError as exc:
        for outcome in exc.stored:
            print(outcome.describe())
        raise
    for outcome in stored:
        print(outcome.describe())
    return 0


def add_extract_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``extract-transmonee``: rebuild the bundled extract from the workbook."""
    parser = subparsers.add_parser(
        "extract-transmonee",
        help="rebuild data/raw/transmonee/ from UNICEF's TransMonEE workbook",
        description=EXTRACT_DESCRIPTION,
    )
    parser.add_argument("--workbook", type=Path, help="the TM-2020-EN-December.xlsx workbook")
    parser.add_argument("--raw-dir", type=Path, help="the data/raw folder to write into")
    parser.set_defaults(handler=_run_extract)


#: The first line of :func:`~caretrends.sources.transmonee.extract.build_transmonee_extract`'s
#: docstring (a test keeps them equal), without importing the workbook reader.
EXTRACT_DESCRIPTION = (
    "Write the bundled TransMonEE extract from the workbook and register its provenance."
)


def _run_extract(args: argparse.Namespace) -> int:
    from caretrends.sources.transmonee.extract import build_transmonee_extract

    if args.workbook is not None and not args.workbook.is_file():
        raise CaretrendsError(f"{args.workbook}: no such workbook (--workbook)")
    target = build_transmonee_extract(args.workbook, raw_dir=args.raw_dir)
    print(f"wrote {target}")
    return 0
