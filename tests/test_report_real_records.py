"""The day real records arrive (issue 26): a whole report run on real-shaped exports.

Each run reads a project root whose private folder holds exports not marked synthetic
(:mod:`tests._real_shaped`); the public data, configuration and notebooks are the
checkout's. The runs check what every reader-facing output of the run says: where the
records came from, that no small count or unflagged share of few children is shown,
that the report is published when records are too few for a model, and that no header
or cell of a private file reaches any output.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from caretrends import paths
from caretrends.cases.pseudonymise import SALT_ENV
from caretrends.labels import label, withheld_text
from caretrends.report.layout import published_paths
from tests._cases_helpers import TEST_SALT
from tests._real_shaped import RealShaped, write_real_shaped
from tests.report_helpers import SMALL_NOTEBOOKS, run_texts, write_config

REPO = paths.project_root()

#: Headers of case tables and figure data (as English readers see them) over counts.
COUNT_HEADERS = {
    label(f"column.{name}", "en") for name in ("value", "at_risk", "mothers", "stayed", "events")
}


def _header(column: str) -> str:
    """A column's header in an English reader table."""
    return label(f"column.{column}", "en")


#: The case outputs of page 03, tables and figure data.
CASE_FILES = (
    "permanency_milestones.csv",
    "exit_incidence_milestones.csv",
    "cox_detectable_effects.csv",
    "prevention_outcomes.csv",
    "prevention_by_risk.csv",
    "permanency_by_first_placement.csv",
    "exits_cumulative_incidence.csv",
)


def _real_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with the checkout's public parts and an empty private folder."""
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    for part in ("config", "notebooks"):
        (root / part).symlink_to(REPO / part)
    for part in ("raw", "processed"):
        (root / "data" / part).symlink_to(REPO / "data" / part)
    monkeypatch.setenv("CARETRENDS_ROOT", str(root))
    monkeypatch.setenv(SALT_ENV, TEST_SALT)
    return root


def _run(root: Path, notebooks: list[dict], capfd: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """Run the report in English on ``root``; the run folder and all it printed."""
    from caretrends.report import load_run_config, run_report

    config = write_config(
        root / "real.yaml",
        notebooks,
        language="en",
        parameters={"ref_areas": ["XKX", "SRB", "MKD"]},
    )
    folder = run_report(load_run_config(config), reports_dir=root / "reports", progress=False)
    printed = capfd.readouterr()
    return folder.folder, printed.out + printed.err


def _every_byte(folder: Path) -> str:
    """Every file of the run as text (undecodable bytes dropped), with the reader texts
    of its PDF and Word files."""
    texts = [f.read_bytes().decode("utf-8", "ignore") for f in folder.rglob("*") if f.is_file()]
    return "\n".join([*texts, *run_texts(folder, "en").values()])


def _case_rows(folder: Path) -> dict[str, list[dict[str, str]]]:
    outputs = published_paths(folder)
    found = {}
    for directory in (outputs.tables, outputs.figures, outputs.brief / "figures"):
        for name in CASE_FILES:
            for file in directory.glob(name.replace(".csv", "*.csv")):
                with file.open(encoding="utf-8-sig", newline="") as handle:
                    found[f"{directory.name}/{name}"] = list(csv.DictReader(handle))
    return found


def _small_counts(rows: dict[str, list[dict[str, str]]]) -> list[str]:
    """Every cell of a count column that shows a count from 1 to 4."""
    small = []
    for name, table in rows.items():
        for number, row in enumerate(table, start=2):
            for column in COUNT_HEADERS:
                cell = (row.get(column) or "").strip()
                if re.fullmatch(r"[1-4](\.0)?", cell):
                    small.append(f"{name}: row {number}: {column} = {cell}")
    return small


def test_real_episodes_beside_demonstration_counselling_are_each_labelled_by_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root = _real_root(tmp_path, monkeypatch)
    exports = write_real_shaped(root, children=36, mothers=0)
    folder, printed = _run(root, SMALL_NOTEBOOKS, capfd)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded", manifest["reason"]

    outputs = published_paths(folder)
    synthetic = label("brief.case_records_synthetic", "en")
    real = label("brief.case_records_source", "en")
    prevention = (outputs.figures / "prevention_outcomes-en.txt").read_text(encoding="utf-8")
    assert synthetic in prevention and "(demonstration data)" in prevention
    rows = _case_rows(folder)
    assert {row[_header("records")] for row in rows["tables/prevention_by_risk.csv"]} == {synthetic}
    assert {row[_header("records")] for row in rows["tables/permanency_milestones.csv"]} == {real}
    page = (outputs.pages / "03_care_outcomes.html").read_text(encoding="utf-8")
    assert "Counselling records: synthetic demonstration records" in page
    assert "Care episodes: synthetic" not in page
    # The demonstration counselling figures are nowhere called case records.
    for name, text in run_texts(folder, "en").items():
        if "prevention" in name:
            assert real not in text.replace(synthetic, ""), name

    _assert_nothing_private_reached(folder, printed, exports)


def test_six_real_children_publish_the_report_with_every_small_number_withheld(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root = _real_root(tmp_path, monkeypatch)
    exports = write_real_shaped(root, children=6, mothers=8)
    notebooks = [n for n in SMALL_NOTEBOOKS if n["name"] != "01_data_quality"]
    folder, printed = _run(root, notebooks, capfd)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "succeeded", manifest["reason"]
    assert {"analysis": "cox", "part": "", "withheld": "few_events"} in manifest[
        "withheld_analyses"
    ]

    rows = _case_rows(folder)
    assert _small_counts(rows) == []
    # No curve of six children: no survival figure, every milestone withheld with its reason.
    assert not any("permanency_by_first_placement" in name for name in rows)
    milestones = rows["tables/permanency_milestones.csv"]
    assert {row[_header("withheld")] for row in milestones} == {withheld_text("few_children", "en")}
    assert {row[_header("cumulative_incidence")] for row in milestones} == {"–"}
    # Shares of 8 mothers are flagged, never bare.
    for row in rows["tables/prevention_by_risk.csv"]:
        assert row[_header("share_flag")] in {"u", "c"}, row
    status = label("column.status", "en")
    shares = [
        row
        for row in rows["figures/prevention_outcomes.csv"]
        if any(cell.startswith("share_") for cell in row.values())
    ]
    assert shares and all(row[status] in {"u", "c"} for row in shares)

    page = (published_paths(folder).pages / "03_care_outcomes.html").read_text(encoding="utf-8")
    assert "The model was not fitted" in page and "about " in page
    texts = run_texts(folder, "en")
    key = label("brief.key_permanent", "en", months=24)
    for name in ("brief-en.pdf", "brief-en.docx"):
        text = texts[name]
        if key in text:
            after = text.split(key, 1)[1][:200]
            assert "not shown" in after and "%" not in after.split("not shown")[0], after
    _assert_nothing_private_reached(folder, printed, exports)


def _assert_nothing_private_reached(folder: Path, printed: str, exports: RealShaped) -> None:
    everything = _every_byte(folder) + printed
    token = exports.odd_header.split()[1]
    assert token not in everything
    leaked = [i for i in exports.identifiers if i in everything]
    assert leaked == []
