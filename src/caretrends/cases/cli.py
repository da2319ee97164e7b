"""Command-line pieces for case records, for the lead's ``caretrends`` command to wire in.

* :func:`add_synth_subcommand` registers ``caretrends synth`` (handler :func:`run_synth`).
* :func:`check_case_files` is what ``caretrends validate`` calls for case files: every
  registered case file (checking its provenance's ``synthetic`` flag against its rows)
  and every private file under ``data/private/cases/<kind>/``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from caretrends import paths
from caretrends.cases.clean import KINDS, REPORT_COLUMNS, CaseCleaningResult, clean_case_file
from caretrends.cases.load import private_case_files, read_case_record
from caretrends.cases.synth import DEMO_SEED, write_demo_set
from caretrends.errors import CaretrendsError, DataValidationError
from caretrends.schemas import REJECT_COLUMNS, empty_rejects
from caretrends.sources.registry import load_registry


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
    produced_by = synth_command(args.seed, args.size, output) if args.register else None
    written = write_demo_set(output, seed=args.seed, scale=args.size, produced_by=produced_by)
    for path in written:
        print(path)
    return 0


@dataclass
class CaseFilesCheck:
    """Outcome of :func:`check_case_files`.

    Attributes
    ----------
    report : DataFrame
        One row per file read (:data:`~caretrends.cases.clean.REPORT_COLUMNS`).
    rejects : DataFrame
        Their rejected rows (:data:`~caretrends.schemas.REJECT_COLUMNS`).
    file_problems : list of str
        Files that could not be used at all (unreadable, a column missing, a salt
        missing, provenance contradicting the rows).
    """

    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    file_problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Lines a person reads: per file, the counts and the rejects by reason."""
        lines = [
            f"{r.source_file}: {r.rows_read} rows read, {r.rows_kept} kept, "
            f"{r.rows_rejected} rejected ({'synthetic' if r.synthetic else 'real'}, {r.encoding})"
            for r in self.report.itertuples()
        ]
        by_reason = self.rejects.groupby(
            ["source_file", self.rejects["reason"].str.replace(r" row \d+$", " row N", regex=True)]
        ).size()
        lines += [f"  {file}: {reason}: {count}" for (file, reason), count in by_reason.items()]
        lines += [f"FILE  {problem}" for problem in self.file_problems]
        return "\n".join(lines)


def check_case_files(
    *, raw_dir: Path | None = None, private_dir: Path | None = None, salt: str | None = None
) -> CaseFilesCheck:
    """Clean every registered and private case file; collect reports, rejects and problems."""
    check = CaseFilesCheck()
    results: list[CaseCleaningResult] = []
    jobs = [
        (record.path, lambda r=record: read_case_record(r, raw_dir, salt=salt))
        for record in load_registry(raw_dir)
        if record.kind in KINDS and ((raw_dir or paths.raw_dir()) / record.path).exists()
    ]
    jobs += [
        (str(path), lambda p=path, k=kind: clean_case_file(p, kind=k, salt=salt))
        for kind in KINDS
        for path in private_case_files(kind, private_dir)
    ]
    for name, job in jobs:
        try:
            results.append(job())
        except DataValidationError as exc:
            check.file_problems.extend(exc.problems)
        except CaretrendsError as exc:
            check.file_problems.append(f"{name}: {exc}")
    if results:
        check.report = pd.concat([r.report for r in results], ignore_index=True)
        check.rejects = pd.concat([r.rejects for r in results], ignore_index=True)[REJECT_COLUMNS]
    return check
