"""Loading every case file of a kind: the private records if there are any, else the demo set.

Real records live under ``data/private/cases/<kind>/`` (git-ignored, never committed;
any ``.csv`` or ``.xlsx`` there is read). The synthetic demonstration records are
registered in ``data/raw/sources.yaml`` (kinds ``episodes`` and ``counselling``). The two
are never mixed: :func:`load_cases` reads the private files when a kind has any, and the
bundled demo set otherwise, with a warning that results on it are a demonstration.

:func:`check_case_files` is what ``caretrends validate`` and the data-quality notebook
call: every registered case file (checking its provenance's ``synthetic`` flag against
its rows) and every private file under ``data/private/cases/<kind>/``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from caretrends import paths
from caretrends.cases.cache import clean_case_file_once
from caretrends.cases.children import build_children
from caretrends.cases.clean import (
    KINDS,
    REPORT_COLUMNS,
    CaseCleaningResult,
    check_reconciled,
)
from caretrends.cases.overlaps import overlap_rejects
from caretrends.cases.read import SUFFIXES
from caretrends.cases.source_choice import SOURCES
from caretrends.errors import CaretrendsError, DataValidationError, ParameterError
from caretrends.provenance import SourceRecord, load_registry
from caretrends.schemas import REJECT_COLUMNS, empty_rejects
from caretrends.warnings import DataQualityWarning


def private_case_files(kind: str, private_dir: Path | None = None) -> list[Path]:
    """Return the real case files of ``kind``: ``<private_dir>/cases/<kind>/*.csv|xlsx``.

    Raises
    ------
    DataValidationError
        Naming every file that resolves (through ``..`` or a symbolic link) outside
        ``private_dir``, before any is read.
    """
    root = private_dir or paths.private_dir()
    folder = root / "cases" / kind
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    outside = [f"{p}: resolves outside {root}" for p in found if not paths.resolves_inside(p, root)]
    if outside:
        raise DataValidationError(outside)
    return found


def read_case_record(
    record: SourceRecord, raw_dir: Path | None = None, *, salt: str | None = None
) -> CaseCleaningResult:
    """Clean one registered case file, checking that its provenance says what its rows say.

    Raises
    ------
    DataValidationError
        When the register calls the file synthetic and its rows are not (or the reverse).
    """
    path = (raw_dir or paths.raw_dir()) / record.path
    return clean_case_file_once(path, kind=record.kind, salt=salt, synthetic=record.synthetic)


def load_cases(
    kind: str = "episodes",
    *,
    source: str = "auto",
    raw_dir: Path | None = None,
    private_dir: Path | None = None,
    salt: str | None = None,
) -> CaseCleaningResult:
    """Clean and combine every case file of ``kind``.

    Parameters
    ----------
    kind : {"episodes", "counselling"}
    source : {"auto", "private", "bundled"}
        ``auto`` reads the private files when there are any, else the bundled demo set.
    raw_dir, private_dir : Path, optional
        Defaults ``data/raw`` and ``data/private``.
    salt : str, optional
        Default ``$CARETRENDS_SALT`` (required for real records).

    Returns
    -------
    CaseCleaningResult
        Rows of all files; episodes of one child in two files that overlap are rejected
        too. The report has one row per file.

    Warns
    -----
    DataQualityWarning
        When the records are synthetic demonstration records.
    """
    if kind not in KINDS or source not in SOURCES:
        raise ParameterError(f"kind must be one of {sorted(KINDS)}, source one of {SOURCES}")
    private = private_case_files(kind, private_dir) if source != "bundled" else []
    if private:
        results = [clean_case_file_once(path, kind=kind, salt=salt) for path in private]
    elif source == "private":
        raise DataValidationError([f"no private {kind} files in data/private/cases/{kind}/"])
    else:
        records = [r for r in load_registry(raw_dir) if r.kind == kind]
        if not records:
            raise DataValidationError([f"no {kind} files registered in data/raw/sources.yaml"])
        results = [read_case_record(r, raw_dir, salt=salt) for r in records]
    combined = combine_results(results, kind)
    if combined.report["synthetic"].all():
        warnings.warn(
            f"{kind}: these are synthetic demonstration records; case-level results on them "
            "are a demonstration, not evidence",
            DataQualityWarning,
            stacklevel=2,
        )
    return combined


def combine_results(results: list[CaseCleaningResult], kind: str) -> CaseCleaningResult:
    """Stack the results of several files; for episodes, reject overlaps across files."""
    data = pd.concat([r.data for r in results], ignore_index=True)
    rejects = pd.concat([r.rejects for r in results], ignore_index=True)[REJECT_COLUMNS]
    report = pd.concat([r.report for r in results], ignore_index=True)[REPORT_COLUMNS]
    if kind == "episodes" and len(data):
        across = overlap_rejects(data)
        data = data.drop(index=across.index).reset_index(drop=True)
        rejects = pd.concat([rejects, across], ignore_index=True)
        moved = across["source_file"].value_counts()
        report = report.set_index("source_file", drop=False)
        report["rows_kept"] -= moved.reindex(report.index, fill_value=0)
        report["rows_rejected"] += moved.reindex(report.index, fill_value=0)
        report = report.reset_index(drop=True)
    check_reconciled(report)
    return CaseCleaningResult(data, rejects, report)


def load_children(
    analysis_date: str | dt.date | pd.Timestamp, **load_options: object
) -> pd.DataFrame:
    """Return the children view (:func:`~caretrends.cases.children.build_children`) of
    the episodes :func:`load_cases` finds, seen from ``analysis_date``."""
    episodes = load_cases("episodes", **load_options).data  # type: ignore[arg-type]
    return build_children(episodes, analysis_date=analysis_date)


@dataclass
class CaseFilesCheck:
    """Outcome of :func:`check_case_files`."""

    #: One row per file read (:data:`~caretrends.cases.clean.REPORT_COLUMNS`).
    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    #: Their rejected rows (:data:`~caretrends.schemas.REJECT_COLUMNS`).
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    #: Files that could not be used at all (unreadable, a column missing, a salt
    #: missing, provenance contradicting the rows).
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
        (str(path), lambda p=path, k=kind: clean_case_file_once(p, kind=k, salt=salt))
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
        except Exception as exc:  # never a library's message: it may quote a private row
            check.file_problems.append(f"{name}: cannot be read ({type(exc).__name__})")
    if results:
        check.report = pd.concat([r.report for r in results], ignore_index=True)
        check.rejects = pd.concat([r.rejects for r in results], ignore_index=True)[REJECT_COLUMNS]
    return check
