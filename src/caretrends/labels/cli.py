"""The translator's commands: ``caretrends translations export`` and ``check``."""

from __future__ import annotations

import argparse

from caretrends.labels.terms import CATALOG_FOLDERS


def add_translations_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``translations export`` and ``translations check [--strict]``."""
    parser = subparsers.add_parser(
        "translations", help="write the translation catalogs from the English, or check them"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write messages.pot and narrative.pot from the English, merge them into each "
        "language's .po (new and changed texts fuzzy) and compile the .mo files",
    )
    export.set_defaults(handler=run_export)
    check = actions.add_parser(
        "check",
        help="report untranslated, fuzzy and glossary-inconsistent entries per language; "
        "fails on untranslated or inconsistent ones",
    )
    check.add_argument("--strict", action="store_true", help="also fail on fuzzy entries")
    check.add_argument(
        "--language", choices=sorted(CATALOG_FOLDERS), action="append", help="default: all"
    )
    check.set_defaults(handler=run_check)


def run_export(args: argparse.Namespace) -> int:
    """Handler of ``caretrends translations export``: name every file written."""
    from caretrends import paths
    from caretrends.labels.po import export

    written = export()
    root = paths.project_root()
    for path in written:
        print(f"wrote {path.relative_to(root) if path.is_relative_to(root) else path}")
    if not written:
        print("catalogs up to date")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Handler of ``caretrends translations check``: the report; 1 when a language fails."""
    from caretrends.labels.po import check

    failed = False
    for lang in args.language or list(CATALOG_FOLDERS):
        report = check(lang)
        print(
            f"{lang}: {len(report.untranslated)} untranslated, {len(report.fuzzy)} fuzzy "
            f"(awaiting review), {len(report.inconsistent)} inconsistent with the glossary"
        )
        lines = [
            *(f"  untranslated  {where}" for where in report.untranslated),
            *(f"  inconsistent  {problem}" for problem in report.inconsistent),
            *(f"  fuzzy         {where}: {why}" for where, why in report.fuzzy),
        ]
        if lines:
            print("\n".join(lines))
        failed |= report.failed(strict=args.strict)
    return 1 if failed else 0
