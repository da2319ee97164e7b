"""No header or cell text of a case export reaches an output: a column the catalog does not
know, headed by a token drawn at random for each test run, appears in no file or stream of
``caretrends validate`` or of a small report run, its failed folder included."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from caretrends import paths
from caretrends.cases.pseudonymise import SALT_ENV
from tests._cases_helpers import TEST_SALT, episode_row, write_rows
from tests.report_helpers import write_config, write_notebook

#: A header as an office might type it: a contact's name and phone number.
NAME = "Q" + secrets.token_hex(5)
PHONE = "0" + str(secrets.randbelow(10**9)).zfill(9)
HEADER = f"Kontakt {NAME} {PHONE}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root: the raw data and configuration, and one private episodes export
    with the random header (and the same words in its cells)."""
    root = tmp_path_factory.mktemp("header-text")
    for folder in ("data/raw", "config"):
        shutil.copytree(paths.project_root() / folder, root / folder)
    write_rows(
        root / "data" / "private" / "cases" / "episodes" / "office.csv",
        [episode_row(**{HEADER: f"{NAME} {PHONE}"})],
    )
    return root


def _run(project: Path, *args: str) -> str:
    """Run the command line in ``project``; return what it wrote on both streams."""
    env = {**os.environ, "CARETRENDS_ROOT": str(project), SALT_ENV: TEST_SALT}
    done = subprocess.run(
        [sys.executable, "-m", "caretrends.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.stdout + done.stderr


def _files_holding(folder: Path, *tokens: str) -> list[str]:
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and any(t.encode() in path.read_bytes() for t in tokens)
    ]


def test_validate_names_the_unknown_column_by_position_in_one_line(project: Path) -> None:
    streams = _run(project, "validate")
    assert NAME not in streams and PHONE not in streams and "Kontakt" not in streams
    dropped = [line for line in streams.splitlines() if "not in the column catalog" in line]
    assert dropped == [
        "DataQualityWarning: data/private/cases/episodes/office.csv: dropped, not in the "
        f"column catalog: {dropped[0].rsplit(': ', 1)[-1]}"
    ]
    assert dropped[0].endswith("column 16 (unknown, fingerprint " + dropped[0][-7:])
    assert "warnings.warn" not in streams


def test_a_report_run_shows_the_header_in_no_file_or_stream(project: Path) -> None:
    write_notebook(
        project / "notebooks",
        "fails_after",
        "language = 'en'\noutput_dir = ''\nrun_id = ''",
        "raise RuntimeError('stop, so that the run is kept as -failed')",
    )
    shutil.copy(paths.notebooks_dir() / "01_data_quality.ipynb", project / "notebooks")
    config = write_config(
        project / "run.yaml",
        [{"name": "01_data_quality"}, {"name": "fails_after", "depends_on": ["01_data_quality"]}],
        parameters={"ref_areas": ["XKX", "SRB"]},
    )
    reports = project / "reports"
    streams = _run(project, "prepare") + _run(
        project, "run", "--config", str(config), "--output", str(reports)
    )
    failed = [p for p in reports.iterdir() if p.name.endswith("-failed")]
    assert failed, streams
    pages = list(failed[0].rglob("01_data_quality.html"))
    page = pages[0].read_text(encoding="utf-8")
    assert "column 16 (unknown, fingerprint" in page
    assert "DataQualityWarning: data/private/cases/episodes/office.csv: dropped" in page
    assert "warnings.warn(" not in page  # one line, without Python's file and source line
    assert NAME not in streams and PHONE not in streams
    assert _files_holding(reports, NAME, PHONE, "Kontakt") == []
