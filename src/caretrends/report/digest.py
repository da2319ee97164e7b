"""The digest of everything a report run depends on, and the check that a run is needed.

A run depends on the raw files (``data/raw``, with their register, and the private case
records of ``data/private`` when there are any), the run configuration, the notebooks it
runs, the package's own code and data (``src/caretrends``), the lock file and what the
run is asked for (its languages and notebooks). Two runs with the same digest write the
same report, so a scheduled run whose digest is the latest published run's has nothing to
do (:func:`up_to_date_with`).

Light on purpose: this module imports neither pandas nor papermill nor a domain package,
so that ``caretrends run`` finds it has nothing to do in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from caretrends import paths
from caretrends.provenance import sha256_file
from caretrends.report.layout import MANIFEST_NAME
from caretrends.report.manifest import shown_path

#: Files that never change what a run writes: caches and editors' leftovers.
_IGNORED_PARTS = frozenset({"__pycache__", ".ipynb_checkpoints", ".pytest_cache"})
#: The lock file every installed package's version comes from.
LOCK_NAME = "requirements.lock"


@dataclass(frozen=True)
class InputDigest:
    """The sha256 of each input of a run by kind, and of all of them together."""

    #: ``kind → {path → sha256}``; kinds ``raw``, ``private``, ``code``, ``config``,
    #: ``notebooks``, ``lock``; paths relative to the project root where inside it.
    files: dict[str, dict[str, str]]
    #: What the run is asked for that is not a file: its languages and notebooks.
    request: dict[str, list[str]]

    @property
    def value(self) -> str:
        """One sha256 over every file's kind, path and checksum and the request."""
        joined = json.dumps([self.files, self.request], sort_keys=True)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()

    def as_record(self) -> dict[str, object]:
        """What a manifest records as its ``digest``."""
        return {"value": self.value, "request": self.request, "files": self.files}


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        file
        for file in folder.rglob("*")
        if file.is_file()
        and not _IGNORED_PARTS.intersection(file.relative_to(folder).parts)
        and not file.name.endswith(".pyc")
    )


def input_digest(
    *,
    config_path: Path,
    notebooks: Iterable[Path],
    languages: Iterable[str],
    raw_dir: Path | None = None,
    private_dir: Path | None = None,
    code_dir: Path | None = None,
    lock_file: Path | None = None,
) -> InputDigest:
    """Return the digest of a run's inputs (see the module's list).

    Parameters
    ----------
    config_path : Path
        The run configuration.
    notebooks : iterable of Path
        The notebooks the run executes.
    languages : iterable of str
        The run's languages.
    raw_dir, private_dir : Path, optional
        Default ``data/raw`` and ``data/private``.
    code_dir : Path, optional
        The package's folder; default the installed ``caretrends`` package's.
    lock_file : Path, optional
        Default ``requirements.lock`` at the project root.
    """
    notebooks = list(notebooks)
    kinds = {
        "raw": _files_under(raw_dir or paths.raw_dir()),
        "private": _files_under(private_dir or paths.private_dir()),
        "code": _files_under(code_dir or Path(__file__).resolve().parents[1]),
        "config": [Path(config_path)],
        "notebooks": notebooks,
        "lock": [lock_file or paths.project_root() / LOCK_NAME],
    }
    files = {
        kind: {shown_path(f): sha256_file(f) if f.is_file() else "missing" for f in found}
        for kind, found in kinds.items()
    }
    request = {"languages": list(languages), "notebooks": [nb.stem for nb in notebooks]}
    return InputDigest(files, request)


@dataclass(frozen=True)
class PublishedRun:
    """A published run found by its manifest."""

    run_id: str
    folder: Path
    #: When it finished (UTC, ISO 8601).
    finished: str
    #: Its inputs' digest (``None`` for a run made before digests were recorded).
    digest: str | None
    #: The manifest as written.
    manifest: dict

    @property
    def date(self) -> str:
        """The day it finished, ``YYYY-MM-DD``."""
        return self.finished[:10]


def read_published(folder: Path) -> PublishedRun | None:
    """Return the run in ``folder`` (``reports/latest`` or a run's folder), or None when
    there is none or its manifest cannot be read."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    digest = manifest.get("digest")
    return PublishedRun(
        run_id=manifest["run_id"],
        folder=Path(folder).resolve(),
        finished=manifest.get("finished") or "",
        digest=digest.get("value") if isinstance(digest, dict) else None,
        manifest=manifest,
    )


def up_to_date_with(latest: Path, digest: InputDigest) -> PublishedRun | None:
    """Return the published run ``latest`` points at when its inputs had ``digest``: a
    new run would write the same report. None when a run is needed."""
    published = read_published(latest)
    if published is None or published.digest != digest.value:
        return None
    return published
