"""The demonstration set on disk: exports written as CSV or XLSX with the same bytes for
the same seed, and registered in ``data/raw/sources.yaml`` with ``synthetic: true``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.writer.excel import ExcelWriter

from caretrends import paths
from caretrends.cases.demo import DEMO_SEED
from caretrends.cases.demo.export import (
    COUNSELLING_OFFICES,
    EPISODE_OFFICES,
    Export,
    Office,
    messy_export,
)
from caretrends.cases.demo.simulate import EXTRACT_DATE, simulate_counselling, simulate_episodes
from caretrends.provenance import SourceRecord, record_source, sha256_file

#: Fixed timestamp written into workbooks so that the same seed gives the same bytes.
_WORKBOOK_TIME = (2025, 12, 31, 0, 0, 0)


def write_export(export: Export, folder: Path) -> Path:
    """Write an export as its office would (CSV in its encoding, or XLSX); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export.file_name
    office = export.office
    if office.encoding == "xlsx":
        path.write_bytes(_workbook_bytes(export.frame))
    else:
        export.frame.to_csv(
            path, sep=office.delimiter, index=False, encoding=office.encoding, lineterminator="\r\n"
        )
    return path


def _workbook_bytes(frame: pd.DataFrame) -> bytes:
    """Return an XLSX of ``frame`` whose bytes depend on its cells only (no save time)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append(list(row))
    stamp = pd.Timestamp(*_WORKBOOK_TIME).to_pydatetime()
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():  # zip entries carry the time they were written
            out.writestr(
                zipfile.ZipInfo(item.filename, _WORKBOOK_TIME),
                source.read(item.filename),
                zipfile.ZIP_DEFLATED,
            )
    return fixed.getvalue()


def _split(
    rng: np.random.Generator, records: pd.DataFrame, column: str, offices: tuple[Office, ...]
) -> list[pd.DataFrame]:
    """Give each person (child or case) to one office, by the offices' shares."""
    people = records[column].unique()
    shares = np.array([o.share for o in offices])
    office_of = pd.Series(
        rng.choice(len(offices), len(people), p=shares / shares.sum()), index=people
    )
    owner = office_of.loc[records[column]].to_numpy()
    return [records[owner == k] for k in range(len(offices))]


def demo_exports(*, seed: int = DEMO_SEED, scale: float = 1.0) -> list[Export]:
    """Simulate the demo records and return every office's export (nothing written)."""
    rng = np.random.default_rng(seed)
    episodes = simulate_episodes(rng, scale=scale)
    counselling = simulate_counselling(rng, scale=scale)
    exports = []
    for kind, records, column, offices in (
        ("episodes", episodes, "child", EPISODE_OFFICES),
        ("counselling", counselling, "case", COUNSELLING_OFFICES),
    ):
        for office, part in zip(offices, _split(rng, records, column, offices), strict=True):
            exports.append(messy_export(rng, part, kind, office))
    return exports


def write_demo_set(
    output: Path, *, seed: int = DEMO_SEED, scale: float = 1.0, produced_by: str | None = None
) -> list[Path]:
    """Write the synthetic exports into ``output``; register them when ``produced_by`` is given.

    Parameters
    ----------
    output : Path
        Folder to write into; must be inside ``data/raw`` to be registered.
    seed, scale : int, float
        The generator's seed and size (1 = the bundled demo set, about a thousand
        children and seven hundred counselling records).
    produced_by : str, optional
        The exact command that produced the files, recorded in ``data/raw/sources.yaml``.

    Returns
    -------
    list of Path
    """
    written = [write_export(export, output) for export in demo_exports(seed=seed, scale=scale)]
    if produced_by is not None:
        for path in written:
            _register(path, produced_by)
    return written


def _register(path: Path, produced_by: str) -> None:
    raw = paths.raw_dir()
    kind = path.name.split("_synthetic_")[0]
    record_source(
        SourceRecord(
            path=path.resolve().relative_to(raw.resolve()).as_posix(),
            kind=kind,
            title=f"Synthetic {kind} records ({path.stem.split('_synthetic_')[1]} export style)",
            producer="caretrends synthetic generator (not real children)",
            url="",
            obtained=EXTRACT_DATE.date().isoformat(),
            licence="MIT (generated data)",
            produced_by=produced_by,
            sha256=sha256_file(path),
            synthetic=True,
            notes=(
                "Demonstration records generated by caretrends.cases.demo, shaped like "
                "the NGO's exports, with deliberate faults; results on them are a demonstration."
            ),
        )
    )
