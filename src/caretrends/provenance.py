"""Provenance of every file in ``data/raw``: the register ``data/raw/sources.yaml``.

Each entry records who produced a file, where it came from, when, under which terms,
how it was produced, and its sha256, so that any number can be traced back to a file
and the file to its publisher. ``caretrends validate`` checks the checksums.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from caretrends import paths
from caretrends.errors import DataValidationError

REGISTRY_NAME = "sources.yaml"

#: The kinds of raw file: each with its own reader, except ``source-material``, the inputs
#: of a derived file (read by the command that derives it, not by ``prepare``).
SOURCE_KINDS: frozenset[str] = frozenset(
    {
        "observations-sdmx-csv",
        "observations-figures",
        "episodes",
        "counselling",
        "kas-jsonstat",
        "source-material",
    }
)


@dataclass(frozen=True)
class SourceRecord:
    """Provenance of one raw file."""

    #: Location relative to ``data/raw`` (POSIX separators).
    path: str
    #: One of :data:`SOURCE_KINDS`; selects the reader.
    kind: str
    #: What the file is.
    title: str
    #: Who published the data in it.
    producer: str
    #: Where the public source can be found.
    url: str
    #: ISO date (or date-time) the data were obtained.
    obtained: str
    #: Licence or terms of use.
    licence: str
    #: How the file was made: downloaded as is, or the command that derived it.
    produced_by: str
    #: Checksum of the file's bytes.
    sha256: str
    #: True for generated demonstration data.
    synthetic: bool = False
    #: Anything a reader of the data should know.
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def registry_path(raw_dir: Path | None = None) -> Path:
    """Return the register's path inside ``raw_dir`` (default ``data/raw``)."""
    return (raw_dir or paths.raw_dir()) / REGISTRY_NAME


def load_registry(raw_dir: Path | None = None) -> list[SourceRecord]:
    """Read the register; raise naming the entry and field when one is malformed."""
    path = registry_path(raw_dir)
    if not path.exists():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    records, problems = [], []
    for number, entry in enumerate(entries, start=1):
        try:
            record = SourceRecord(**entry)
        except TypeError as exc:
            problems.append(f"{path}: entry {number}: {exc}")
            continue
        if record.kind not in SOURCE_KINDS:
            problems.append(f"{path}: entry {number} ({record.path}): unknown kind {record.kind!r}")
        records.append(record)
    if problems:
        raise DataValidationError(problems)
    return records


def save_registry(records: list[SourceRecord], raw_dir: Path | None = None) -> Path:
    """Write the register sorted by path, so that diffs stay small."""
    path = registry_path(raw_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(records, key=lambda r: r.path)
    text = yaml.safe_dump([asdict(r) for r in ordered], sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def record_source(record: SourceRecord, raw_dir: Path | None = None) -> Path:
    """Add ``record`` to the register, replacing any entry for the same path."""
    others = [r for r in load_registry(raw_dir) if r.path != record.path]
    return save_registry([*others, record], raw_dir)


def check_files(raw_dir: Path | None = None) -> list[str]:
    """Return one line per problem: a registered file missing or changed, a file unregistered.

    An empty list means every file in ``data/raw`` is registered and matches its checksum.
    """
    root = raw_dir or paths.raw_dir()
    problems = []
    registered = set()
    for record in load_registry(root):
        registered.add(record.path)
        file = root / record.path
        if not file.exists():
            problems.append(f"{file}: registered in {REGISTRY_NAME} but missing")
        elif sha256_file(file) != record.sha256:
            problems.append(f"{file}: sha256 differs from {REGISTRY_NAME} (file changed?)")
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root).as_posix()
        if file.is_file() and file.name not in {REGISTRY_NAME, ".gitkeep"}:
            if relative not in registered:
                problems.append(f"{file}: not registered in {REGISTRY_NAME} (no provenance)")
    return problems
