"""Case files cleaned once per report run, not once per notebook.

Notebooks 01, 03 and 04 each clean every case file (about 2 s a time). The first notebook
of a run to clean a file stores the result in the run's private cache
(:mod:`caretrends.runcache`), the others read it. Without that cache (an analyst's
notebook, plain ``papermill``) nothing is stored.

An entry is keyed on everything the cleaning depends on: the file's bytes (sha256), its
path, the kind, whether it is registered synthetic, the salt (given or
``$CARETRENDS_SALT``), today's date (future dates are rejects) and the package's code
and version; any change is another key, so a stale entry is never read. A file refused
as a whole (past a bound, undecodable, a required column missing: a
:class:`~caretrends.errors.DataValidationError`) is stored as its refusal, so that the
next notebook is refused at once rather than after parsing it again. The key is a
sha256 digest, so the salt cannot be read back from it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from caretrends import paths
from caretrends._version import __version__
from caretrends.cases.clean import CaseCleaningResult, clean_case_file
from caretrends.cases.pseudonymise import SALT_ENV
from caretrends.errors import DataValidationError
from caretrends.permissions import PRIVATE_FILE_MODE
from caretrends.runcache import cache_folder, replay, with_warnings, write_private


@functools.cache
def code_fingerprint() -> str:
    """sha256 of the package version and every module of the package (once per process)."""
    digest = hashlib.sha256(__version__.encode())
    for module in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def entry_key(path: Path, *, kind: str, salt: str | None, synthetic: bool, today: dt.date) -> str:
    """The cache key of cleaning ``path`` on ``today`` with this code (a sha256 digest)."""
    given_salt = salt if salt is not None else os.environ.get(SALT_ENV)
    digest = hashlib.sha256(code_fingerprint().encode())
    with path.open("rb") as file:  # in chunks: a refused export may be hundreds of megabytes
        content = hashlib.file_digest(file, "sha256").hexdigest()
    for part in (
        str(path.resolve()),
        content,
        kind,
        str(synthetic),
        repr(given_salt),
        today.isoformat(),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def clean_case_file_once(
    path: Path | str, *, kind: str = "episodes", salt: str | None = None, synthetic: bool = False
) -> CaseCleaningResult:
    """:func:`~caretrends.cases.clean.clean_case_file`, stored in the run's cache when there
    is one (see the module's description); the same result, the same warnings and the
    same refusal (:class:`~caretrends.errors.DataValidationError`), either way. Other
    errors (a salt missing) are not stored: such a file is tried again."""
    path = Path(path)
    folder = cache_folder()
    if folder is None:
        return clean_case_file(path, kind=kind, salt=salt, synthetic=synthetic)
    key = entry_key(path, kind=kind, salt=salt, synthetic=synthetic, today=dt.date.today())
    entry = folder / f"{key}.pickle"
    with _locked(entry.with_suffix(".lock")):  # a notebook beside waits, then reads it
        if entry.exists():
            outcome, caught = pickle.loads(entry.read_bytes())
        else:
            outcome, caught = with_warnings(
                lambda: _cleaned_or_refused(path, kind, salt, synthetic)
            )
            stored = pickle.dumps((outcome, caught))
            paths.write_atomically(entry, lambda target: write_private(target, stored))
    replay(caught)  # as the cleaning issued them
    if isinstance(outcome, Refusal):
        raise DataValidationError(outcome.problems)
    return outcome


@dataclass(frozen=True)
class Refusal:
    """A file cleaning refused as a whole, as the cache stores it: the error's lines."""

    problems: list[str]


def _cleaned_or_refused(
    path: Path, kind: str, salt: str | None, synthetic: bool
) -> CaseCleaningResult | Refusal:
    try:
        return clean_case_file(path, kind=kind, salt=salt, synthetic=synthetic)
    except DataValidationError as refused:
        return Refusal(refused.problems)


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
