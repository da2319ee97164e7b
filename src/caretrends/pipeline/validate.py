"""``caretrends validate``: is every raw file registered, unchanged and readable?

Observation files go through their readers; case files (registered demo files and the
private files under ``data/private/cases/``) through the case cleaner.

File-level problems (a file missing, changed, unregistered, unreadable or cut short; a
table that breaks its schema as a whole; an impossible figure, such as a negative count or
a year to come; no file checked at all) fail validation. Row-level problems are listed
one per line with file, row, column and reason; they fail validation only when asked to
be strict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from caretrends import paths, provenance
from caretrends.cases.load import check_case_files
from caretrends.errors import DataValidationError
from caretrends.pipeline.readers import OBSERVATION_READERS, ObservationReader
from caretrends.schemas import impossible_problems


@dataclass
class ValidationReport:
    """Outcome of :func:`validate`."""

    #: Problems that make a file unusable.
    file_problems: list[str] = field(default_factory=list)
    #: Rejected rows of every file (:data:`caretrends.schemas.REJECT_COLUMNS`).
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The files read.
    checked: list[str] = field(default_factory=list)

    def ok(self, *, strict: bool = False) -> bool:
        """True when files were checked and none is unusable (if ``strict``, no row rejected)."""
        return bool(self.checked) and not self.file_problems and not (strict and len(self.rejects))

    def text(self) -> str:
        """The report as lines a person reads."""
        lines = [f"checked {len(self.checked)} files"]
        lines += [f"FILE  {problem}" for problem in self.file_problems]
        lines += [
            f"ROW   {r.source_file}: row {r.source_row}: column {r.column}: {r.reason} "
            f"(value {r.value!r})"
            for r in self.rejects.itertuples()
        ]
        verdict = "ok" if self.ok() else "FAILED"
        lines.append(
            f"{verdict}: {len(self.file_problems)} file problems, {len(self.rejects)} rejected rows"
        )
        return "\n".join(lines)


def validate(
    *, raw_dir: Path | None = None, readers: dict[str, ObservationReader] | None = None
) -> ValidationReport:
    """Check provenance and checksums of ``data/raw``, then read every file with its reader.

    Parameters
    ----------
    raw_dir : Path, optional
        Default ``data/raw``.
    readers : dict, optional
        Reader per kind; default: the observation readers of :mod:`caretrends.prepare`.

    Returns
    -------
    ValidationReport
    """
    raw_dir = raw_dir or paths.raw_dir()
    if not raw_dir.is_dir():
        return ValidationReport(
            file_problems=[f"{raw_dir}: no such folder (is CARETRENDS_ROOT or --raw-dir right?)"]
        )
    readers = readers if readers is not None else OBSERVATION_READERS
    report = ValidationReport(file_problems=provenance.check_files(raw_dir))
    reject_frames = []
    for record in provenance.load_registry(raw_dir):
        path = raw_dir / record.path
        if record.kind not in readers or not path.exists():
            continue
        try:
            _, rejects = readers[record.kind].read(record, raw_dir)
        except DataValidationError as exc:
            report.file_problems.extend(exc.problems)
            continue
        except Exception as exc:  # a reader's bug must not hide the other files' problems
            report.file_problems.append(f"{record.path}: cannot be read ({type(exc).__name__})")
            continue
        report.checked.append(record.path)
        rejects = rejects.assign(source_file=record.path)
        report.file_problems.extend(impossible_problems(rejects))
        reject_frames.append(rejects)
    cases = check_case_files(raw_dir=raw_dir)
    report.file_problems.extend(cases.file_problems)
    report.checked.extend(cases.report["source_file"])
    reject_frames.append(cases.rejects)
    report.rejects = pd.concat(reject_frames, ignore_index=True)
    if not report.checked and not report.file_problems:
        report.file_problems.append(f"{raw_dir}: no registered file to check")
    return report
