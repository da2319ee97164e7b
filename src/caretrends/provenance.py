"""Provenance of every file in ``data/raw``: the register ``data/raw/sources.yaml``.

Each entry records who produced a file, where it came from, when, under which terms,
how it was produced, and its sha256, so that any number can be traced back to a file
and the file to its publisher. ``caretrends validate`` checks the checksums.

The register is read against the fields of :class:`SourceRecord` (no key unknown or
missing, each value of its type), and every path it names must lie inside ``data/raw``:
a problem is told in one line naming the register, the entry and the key.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError

from caretrends import paths
from caretrends.yamlfile import ConfigError, read_yaml, schema_problems, short

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

    __pydantic_config__ = ConfigDict(extra="forbid")

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


#: Reads a register entry into a :class:`SourceRecord`, checking its keys and types.
_ENTRY = TypeAdapter(SourceRecord)


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
    """Read the register, checking every entry against :class:`SourceRecord`.

    Raises
    ------
    ConfigError
        One line per problem, naming the register, the entry (number and path) and the
        key: the file unreadable, not UTF-8 or not YAML, not a list of mappings, a key
        unknown or missing, a value of the wrong type, an unknown kind, or a path that
        resolves outside ``raw_dir``.
    """
    root = raw_dir or paths.raw_dir()
    path = registry_path(root)
    if not path.exists():
        return []
    entries = read_yaml(path) or []
    if not isinstance(entries, list):
        raise ConfigError([f"{path}: expected a list of entries, found {short(entries)}"])
    records, problems = [], []
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        if not isinstance(entry, dict):
            problems.append(f"{path}: {where}: expected a mapping of keys, found {short(entry)}")
            continue
        if isinstance(entry.get("path"), str):
            where += f" ({entry['path']})"
        try:
            record = _ENTRY.validate_python(entry)
        except ValidationError as exc:
            problems += schema_problems(exc, path, SourceRecord, f"{where}: ")
            continue
        if record.kind not in SOURCE_KINDS:
            problems.append(f"{path}: {where}: key kind: unknown kind {record.kind!r}")
        if not paths.resolves_inside(root / record.path, root):
            problems.append(f"{path}: {where}: key path: resolves outside {root}")
        records.append(record)
    if problems:
        raise ConfigError(problems)
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
