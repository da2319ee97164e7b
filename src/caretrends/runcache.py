"""The private cache of a report run, which its kernels share.

``caretrends run`` gives its kernels one folder inside the run's own folder
(:data:`caretrends.paths.CASE_CACHE_ENV`, ``reports/<run-id>/.case-cache``, removed before
the run is published): the case files cleaned once per run
(:mod:`caretrends.cases.cache`) and the results computed once for every language
(:mod:`caretrends.report.shared`) are stored there, each with the warnings its call gave,
which a kernel reading it gives again. Since what is stored may derive from private
records, the folder is created ``0700`` and each entry ``0600``; a folder that is not owned
by the user, or that others may open, is not used at all.
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from caretrends import paths
from caretrends.permissions import PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE

#: What a cached call returns.
Outcome = TypeVar("Outcome")


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
