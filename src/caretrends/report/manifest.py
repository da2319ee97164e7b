"""What a report run records about itself: code, inputs and software, for traceability."""

from __future__ import annotations

import csv
import platform
import subprocess
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from caretrends import paths
from caretrends.provenance import load_registry, registry_path, sha256_file

#: Packages whose versions every manifest records.
RECORDED_PACKAGES: tuple[str, ...] = (
    "caretrends",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pandera",
    "pyarrow",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jupyter_client",
)


def package_versions(names: tuple[str, ...] = RECORDED_PACKAGES) -> dict[str, str | None]:
    """Return the installed version of each package (None when it is not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(root: Path | None = None) -> dict[str, object]:
    """Return the checkout's commit and whether its tree has uncommitted changes.

    Both are None when ``root`` is not a git checkout or git is not installed.
    """
    root = root or paths.project_root()

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain") if commit else None
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def input_checksums(
    *, raw_dir: Path | None = None, processed_dir: Path | None = None, extra: list[Path]
) -> dict[str, str | None]:
    """Return the sha256 of every input of a run, keyed by path.

    The inputs are each file registered in ``data/raw/sources.yaml`` and the register
    itself, every file in ``data/processed``, and ``extra`` (the notebooks and the run
    configuration). A registered file that is missing gets None. Paths inside the
    project are given relative to its root.
    """
    raw_dir = raw_dir or paths.raw_dir()
    processed_dir = processed_dir or paths.processed_dir()
    files = [raw_dir / record.path for record in load_registry(raw_dir)]
    files.append(registry_path(raw_dir))
    if processed_dir.is_dir():
        files += [
            file
            for file in sorted(processed_dir.rglob("*"))
            if file.is_file() and not file.name.startswith(".")
        ]
    files += extra
    return {shown_path(file): sha256_file(file) if file.is_file() else None for file in files}


def raw_sources(raw_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """Return who published each registered raw file, keyed by its path as the digest
    shows it (:mod:`caretrends.report.digest`): its ``producer``, ``title`` and ``url``, so
    that a change to a raw file can be told with its source, in any language."""
    raw_dir = raw_dir or paths.raw_dir()
    return {
        shown_path(raw_dir / record.path): {
            "producer": record.producer,
            "title": record.title,
            "url": record.url,
        }
        for record in load_registry(raw_dir)
    }


def source_line(source: dict[str, str] | str, words: Callable[[str], str] = str) -> str:
    """A raw file's source in one line, ``producer: title (url)``, each part's words put
    through ``words`` (e.g. a translation); a line recorded by an older run as it is."""
    if isinstance(source, str):
        return source
    if not source:
        return ""
    url = source["url"] if source["url"].startswith("http") else words(source["url"])
    return f"{words(source['producer'])}: {words(source['title'])} ({url})"


def shown_path(file: Path) -> str:
    """Return ``file`` relative to the project root when inside it, else as given."""
    root = paths.project_root()
    resolved = file.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(file)


#: The table a notebook writes of the analyses the disclosure rules held back
#: (:func:`caretrends.analysis.withheld_analyses`).
WITHHELD_TABLE = "withheld_analyses.csv"


def withheld_analyses(data_dir: Path) -> list[dict[str, str]]:
    """The analyses, or curves of an analysis, a run did not publish in full, and why.

    Read from the run's ``data/withheld_analyses.csv`` (none when no notebook wrote it).
    """
    table = data_dir / WITHHELD_TABLE
    if not table.is_file():
        return []
    with table.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
