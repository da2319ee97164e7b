"""Case files cleaned once per report run, not once per notebook.

Notebooks 01, 03 and 04 each clean every case file (about 2 s a time). ``caretrends run``
gives its kernels a private cache folder inside the run's own folder
(:data:`caretrends.paths.CASE_CACHE_ENV`, ``reports/<run-id>/.case-cache``, removed before
the run is published): the first notebook to clean a file stores the result there, the others read
it. Without the variable (an analyst's notebook, plain ``papermill``) nothing is stored.

An entry is keyed on everything the cleaning depends on: the file's bytes (sha256), its
path, the kind, whether it is registered synthetic, the salt (given or
``$CARETRENDS_SALT``), today's date (future dates are rejects) and the package's code
and version; any change is another key, so a stale entry is never read. A file refused
as a whole (past a bound, undecodable, a required column missing: a
:class:`~caretrends.errors.DataValidationError`) is stored as its refusal, so that the
next notebook is refused at once rather than after parsing it again. The key is a
sha256 digest, so the salt cannot be read back from it. Since the cleaned rows derive from
private records, the folder is created ``0700`` and each entry ``0600``; a folder that is
not owned by the user, or that others may open, is not used at all.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import os
import pickle
import stat
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from caretrends import paths
from caretrends._version import __version__
from caretrends.cases.clean import CaseCleaningResult, clean_case_file
from caretrends.cases.pseudonymise import SALT_ENV
from caretrends.errors import DataValidationError
from caretrends.permissions import PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE

#: What a cached call returns.
Outcome = TypeVar("Outcome")


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


def cache_folder() -> Path | None:
    """The folder :data:`caretrends.paths.CASE_CACHE_ENV` names, created owner-only; None
    when the variable is unset or the folder unsafe.

    Unsafe is a folder owned by someone else, or one that others may read or write.
    """
    configured = os.environ.get(paths.CASE_CACHE_ENV)
    if not configured:
        return None
    folder = Path(configured)
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    facts = folder.stat()
    if facts.st_uid != os.getuid() or stat.S_IMODE(facts.st_mode) & 0o077:
        return None
    return folder


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


#: A warning as stored beside a cached result: message, category, file and line.
CaughtWarning = tuple[Warning | str, type[Warning], str, int]


def with_warnings(call: Callable[[], Outcome]) -> tuple[Outcome, list[CaughtWarning]]:
    """Make ``call`` and return its outcome with the warnings it gave (not shown yet)."""
    with warnings.catch_warnings(record=True) as recorded:
        outcome = call()
    return outcome, [(w.message, w.category, w.filename, w.lineno) for w in recorded]


def replay(caught: list[CaughtWarning]) -> None:
    """Give the warnings :func:`with_warnings` caught, as their call gave them."""
    for message, category, filename, lineno in caught:
        warnings.warn_explicit(message, category, filename, lineno)


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``target`` that only its owner may read."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
