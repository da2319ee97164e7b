"""A run's folder on disk: made owner-only, locked while its run works, published by one
rename, and ``reports/latest`` moved to the newest complete run.

A run is assembled in ``reports/.tmp-<run-id>/`` and renamed when it ends; renames
within one folder are atomic, so a reader never sees half a report. A run that died
without cleaning up (SIGKILL, a power cut) leaves its ``.tmp-`` folder, with the cleaned
case records its notebooks shared and its kernels' connection files. Each run holds a
lock on ``.tmp-<run-id>/.owner`` (which gives its pid) while it works; the next run
removes every ``.tmp-`` folder whose lock nobody holds, and says so in one line
(:func:`remove_abandoned_runs`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from caretrends import paths
from caretrends.errors import CaretrendsError
from caretrends.report.layout import run_paths

LATEST = "latest"


#: A run folder's mode: its owner only, since its outputs may derive from private records.
RUN_FOLDER_MODE = 0o700


def make_run_folder(reports_dir: Path, run_id: str, languages: Iterable[str]) -> Path:
    """Create ``reports_dir/.tmp-<run-id>/`` with the layout's folders for each language
    (:mod:`caretrends.report.layout`), readable by its owner only.

    Raises
    ------
    CaretrendsError
        In one line, when ``reports_dir`` is a file or cannot be written.
    """
    if reports_dir.exists() and not reports_dir.is_dir():
        raise CaretrendsError(f"{reports_dir}: cannot hold reports: it is a file, not a folder")
    work = reports_dir / f".tmp-{run_id}"
    made = False
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        work.mkdir()
        made = True
        work.chmod(RUN_FOLDER_MODE)  # explicitly: mkdir's mode is subject to the umask
        for lang in languages:
            for folder in run_paths(work, lang).folders():
                folder.mkdir(parents=True, exist_ok=True)  # data/ is every language's
    except OSError as exc:
        if made:  # a full disk, say: leave no half-made folder behind
            shutil.rmtree(work)
        raise CaretrendsError(f"{reports_dir}: cannot hold reports: {exc.strerror}") from None
    return work


def remove_abandoned_runs(reports_dir: Path) -> list[Path]:
    """Remove the ``.tmp-`` folders in ``reports_dir`` of runs whose process has gone:
    those with an ``.owner`` file that no process holds locked. Say so in one line each.

    A folder without one is left alone: its run is being created or published.

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for folder in sorted(reports_dir.glob(".tmp-*")):
        try:
            with paths.run_owner_file(folder).open("r+", encoding="utf-8") as owner:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
                pid = owner.read().strip()
                shutil.rmtree(folder, ignore_errors=True)
        except (FileNotFoundError, BlockingIOError, PermissionError):
            continue  # not a run's, still running, or another user's
        print(
            f"removed {folder}: its run (process {pid}) ended without cleaning up",
            file=sys.stderr,
        )
        removed.append(folder)
    return removed


@contextmanager
def owned_run_folder(reports_dir: Path, run_id: str, languages: Iterable[str]) -> Iterator[Path]:
    """Remove abandoned runs, then make this run's folder (:func:`make_run_folder`) and
    hold its ``.owner`` lock, giving this process's pid, until the block ends.

    The lock file is made and locked under another name, then renamed into place, so that
    no other run ever sees it unlocked.
    """
    remove_abandoned_runs(reports_dir)
    work = make_run_folder(reports_dir, run_id, languages)
    owner = paths.run_owner_file(work)
    making = owner.with_name(f"{owner.name}.new")
    with making.open("w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        os.replace(making, owner)
        yield work


def publish(work: Path, folder: Path) -> None:
    """Rename the run folder ``work`` to ``folder``, without its ``.owner`` file."""
    paths.run_owner_file(work).unlink(missing_ok=True)
    os.replace(work, folder)


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def point_latest(reports_dir: Path, run_id: str) -> bool:
    """Point ``reports/latest`` at ``run_id`` atomically, unless it names a newer run.

    A new symlink is made beside it and renamed over it, under a lock shared by every
    run. ``latest`` never moves back to an older run: when two runs overlap, the one that
    started last is the latest, whichever finishes first.

    Returns
    -------
    bool
        Whether ``latest`` was moved.
    """
    latest = reports_dir / LATEST
    with _locked(reports_dir / ".lock"):
        if latest.exists() and not latest.is_symlink():
            raise CaretrendsError(f"{latest} is not a symlink; move it away so runs can update it")
        if latest.is_symlink() and os.readlink(latest) > run_id:
            return False
        link = reports_dir / f".latest-{run_id}"
        link.symlink_to(run_id)  # relative: the reports folder can be moved as a whole
        os.replace(link, latest)
    return True
