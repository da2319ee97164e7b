"""The command line of the pipeline: ``caretrends prepare`` and ``caretrends validate``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_prepare_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``prepare``: read data/raw, write the tidy tables to data/processed."""
    parser = subparsers.add_parser(
        "prepare", help="read data/raw, write the tidy tables to data/processed"
    )
    parser.add_argument("--raw-dir", type=Path, default=None, help="default: data/raw")
    parser.add_argument("--processed-dir", type=Path, default=None, help="default: data/processed")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.set_defaults(handler=run_prepare)


def add_validate_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Register ``validate``: provenance, checksums, schemas and rejected rows of data/raw."""
    parser = subparsers.add_parser(
        "validate", help="check data/raw: provenance, checksums, schemas, rejected rows"
    )
    parser.add_argument("--raw-dir", type=Path, default=None, help="default: data/raw")
    parser.add_argument("--strict", action="store_true", help="also fail when any row is rejected")
    parser.set_defaults(handler=run_validate)


def run_prepare(args: argparse.Namespace) -> int:
    """Handler of ``caretrends prepare``: build or reuse the processed tables, say which."""
    from caretrends.pipeline.prepare import prepare  # the data stack, only when it runs

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


def run_validate(args: argparse.Namespace) -> int:
    """Handler of ``caretrends validate``: print the report; fail on unusable files."""
    from caretrends.pipeline.validate import validate  # the data stack, only when it runs

    report = validate(raw_dir=args.raw_dir)
    print(report.text())
    return 0 if report.ok(strict=args.strict) else 1
