"""Shared fixtures: tiny raw-data folders built in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from caretrends import provenance
from caretrends.sources.compiled import FIGURE_COLUMNS


def figure_row(**overrides: object) -> dict[str, object]:
    """One valid compiled-figures row, with overrides."""
    row = {
        "indicator": "PT_CHLD_NO_PARENTAL_CARE_ABANDON",
        "ref_area": "XKX",
        "sex": "_T",
        "age": "_T",
        "unit": "NUMBER",
        "period": "2019",
        "value": "47",
        "publisher": "KAS",
        "publication": "KAS release",
        "url": "https://example.org/kas",
        "quote": "",
        "reliability": "official",
        "note": "",
    }
    row.update(overrides)
    return row


def observation_row(
    period: str, value: float, *, source: str = "KAS", freq: str = "A", table: str = "t"
) -> dict[str, object]:
    """One Kosovo observation of the abandoned-children series; a range's year is its last
    (``2020/2024``: 2024), any other period's its first four digits."""
    year = int(period[-4:]) if len(period) == 9 else int(period[:4])
    return {
        "source": source,
        "source_table": table,
        "ref_area": "XKX",
        "indicator": "ABANDONED",
        "sex": "_T",
        "age": "_T",
        "unit": "NUMBER",
        "period": period,
        "freq": freq,
        "year": year,
        "value": value,
        "obs_status": "A",
        "note": "",
    }


def write_figures(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write compiled-figures rows as the CSV layout the reader expects."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=FIGURE_COLUMNS).to_csv(path, index=False)
    return path


def register(
    raw_dir: Path,
    relative: str,
    kind: str = "observations-figures",
    extra: dict[str, str] | None = None,
) -> None:
    """Register a file of ``raw_dir`` with test provenance."""
    provenance.record_source(
        provenance.SourceRecord(
            path=relative,
            kind=kind,
            title="test",
            producer="test",
            url="https://example.org",
            obtained="2026-01-01",
            licence="test",
            produced_by="tests",
            sha256=provenance.sha256_file(raw_dir / relative),
            extra=extra or {},
        ),
        raw_dir,
    )


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A data/raw folder holding one small registered compiled-figures file."""
    raw = tmp_path / "raw"
    write_figures(
        raw / "kosovo" / "figures.csv",
        [
            figure_row(period="2019", value="47"),
            figure_row(indicator="FT_BRTS_LIVE", period="2019", value="21798"),
            figure_row(period="2020", value="28"),
            figure_row(period="by 2011", value="400"),
        ],
    )
    register(raw, "kosovo/figures.csv")
    return raw


@pytest.fixture(scope="session")
def small_report(tmp_path_factory):
    """A function of the language giving the folder of a small run of every report
    notebook (:func:`tests.report_helpers.small_run`), each language run once a session."""
    from caretrends.pipeline.prepare import prepare
    from tests.report_helpers import small_run

    runs: dict[str, Path] = {}

    def run(language: str) -> Path:
        if language not in runs:
            prepare()
            runs[language] = small_run(tmp_path_factory.mktemp(f"small-{language}"), language)
        return runs[language]

    return run
