"""The children view for the survival models, and loading every case file of a kind."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from caretrends.cases import build_children, load_cases, load_children
from caretrends.cases.load import check_case_files
from caretrends.cases.pseudonymise import SALT_ENV
from caretrends.cases.record_schemas import CHILDREN
from caretrends.errors import DataValidationError
from caretrends.provenance import SourceRecord, record_source, sha256_file
from caretrends.warnings import DataQualityWarning
from tests._cases_helpers import TEST_SALT, episode_row, write_rows

DAYS_PER_MONTH = 365.25 / 12


def _episodes(*rows: tuple) -> pd.DataFrame:
    """Episodes from (child, start, end, exit, placement, legal status, legal date) tuples."""
    columns = ["child", "start", "end", "exit", "placement", "status", "status_date"]
    frame = pd.DataFrame(rows, columns=columns)
    return pd.DataFrame(
        {
            "child_id": frame["child"].str.ljust(16, "0"),
            "sex": "M",
            "birth_month": pd.Timestamp("2015-01-01"),
            "episode_start": pd.to_datetime(frame["start"]),
            "episode_end": pd.to_datetime(frame["end"]),
            "entry_reason": "abandoned_at_birth",
            "placement_type": frame["placement"],
            "exit_reason": frame["exit"],
            "legal_status": frame["status"],
            "legal_status_date": pd.to_datetime(frame["status_date"]),
            "synthetic": False,
            "source_file": "f.csv",
            "source_row": range(2, len(frame) + 2),
        }
    )


EPISODES = _episodes(
    ("a", "2015-01-10", "2015-04-10", "transferred", "residential", "pending", None),
    (
        "a",
        "2015-04-10",
        "2016-01-10",
        "adopted",
        "non_kin_foster",
        "free_for_adoption",
        "2015-07-10",
    ),
    ("b", "2016-03-01", None, None, "sos_family", "pending", None),
    ("c", "2015-02-01", "2015-05-01", "transferred", "residential", None, None),
    ("d", "2017-01-01", "2017-07-01", "died", "residential", None, None),
    ("e", "2015-06-01", "2033-01-01", "aged_out", "sos_family", None, None),
    ("f", "2016-01-01", "2016-02-01", "reunified", "kinship_foster", None, None),
    ("f", "2016-06-01", None, None, "residential", None, None),  # re-entry
)


def _row(children: pd.DataFrame, child: str) -> pd.Series:
    return children.set_index("child_id").loc[child.ljust(16, "0")]


def test_each_path_ends_as_an_event_a_competing_exit_or_censoring() -> None:
    children = build_children(EPISODES, analysis_date="2020-12-31")
    CHILDREN.validate(children)
    a, b, c, d = (_row(children, x) for x in "abcd")
    assert (a["exit_type"], a["event"], a["n_episodes"]) == ("adopted", True, 2)
    assert a["duration_months"] == pytest.approx(365 / DAYS_PER_MONTH)
    assert a["first_placement"] == "residential" and a["legal_resolved"]
    assert a["legal_months"] == pytest.approx(181 / DAYS_PER_MONTH)
    assert (b["exit_type"], b["event"], b["exited"]) == ("censored", False, False)
    assert b["duration_months"] == pytest.approx(1766 / DAYS_PER_MONTH)  # to the analysis date
    assert c["exit_type"] == "censored"  # transferred out of view
    assert c["duration_months"] == pytest.approx(89 / DAYS_PER_MONTH)
    assert (d["exit_type"], d["event"], d["exited"]) == ("other_exit", False, True)
    f = _row(children, "f")
    assert f["exit_type"] == "reunified" and f["n_episodes"] == 2  # re-entry kept apart
    assert _row(children, "b")["age_at_entry_months"] == 14


def test_nothing_after_the_analysis_date_is_seen() -> None:
    children = build_children(EPISODES, analysis_date="2015-12-31")
    a = _row(children, "a")
    assert a["exit_type"] == "censored" and pd.isna(a["exit_date"])
    assert a["duration_months"] == pytest.approx(355 / DAYS_PER_MONTH)
    assert _row(children, "e")["exit_type"] == "censored"  # ageing out still to come
    assert "b".ljust(16, "0") not in set(children["child_id"])  # entered later


def test_ageing_out_is_censored_at_that_date() -> None:
    e = _row(build_children(EPISODES, analysis_date="2040-01-01"), "e")
    assert e["exit_type"] == "censored" and not e["exited"]
    assert e["duration_months"] == pytest.approx(6424 / DAYS_PER_MONTH)


@pytest.fixture
def private_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(SALT_ENV, TEST_SALT)
    folder = tmp_path / "private" / "cases" / "episodes"
    write_rows(folder / "office_a.csv", [episode_row(**{"Exit reason": "transferred"})])
    later = {"Episode start": "10.06.2010", "Episode end": "", "Exit reason": ""}
    write_rows(folder / "office_b.csv", [episode_row(**later)])  # overlaps office A
    return tmp_path


def test_private_files_are_read_instead_of_the_demo_set(private_tree: Path) -> None:
    result = load_cases("episodes", private_dir=private_tree / "private")
    assert not result.report["synthetic"].any()
    assert result.rejects["reason"].str.startswith("overlaps").sum() == 1  # across files
    report = result.report.set_index("source_file")
    assert report["rows_rejected"].sum() == 1 and report["rows_kept"].sum() == 1
    assert (report["rows_read"] == report["rows_kept"] + report["rows_rejected"]).all()


def test_the_demo_set_loads_with_a_warning_and_feeds_the_children_view(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(SALT_ENV, raising=False)
    with pytest.warns(DataQualityWarning, match="synthetic demonstration"):
        children = load_children("2025-12-31", private_dir=tmp_path)
    assert 500 <= len(children) <= 1500 and children["synthetic"].all()
    assert set(children["exit_type"]) == {
        "reunified",
        "adopted",
        "guardianship",
        "long_term_foster",
        "other_exit",
        "censored",
    }
    medians = children[children["event"]].groupby("exit_type")["duration_months"].median()
    assert medians["reunified"] < medians["adopted"] < 36
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        counselling = load_cases("counselling", private_dir=tmp_path)
    assert len(counselling.data) > 400


def test_provenance_must_agree_with_the_rows(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    path = write_rows(raw / "cases" / "e.csv", [episode_row(Synthetic="true")])
    record_source(
        SourceRecord(
            path="cases/e.csv",
            kind="episodes",
            title="t",
            producer="p",
            url="",
            obtained="",
            licence="",
            produced_by="test",
            sha256=sha256_file(path),
            synthetic=False,
        ),
        raw,
    )
    with pytest.raises(DataValidationError, match="registered with synthetic: False"):
        load_cases("episodes", raw_dir=raw, private_dir=tmp_path)
    check = check_case_files(raw_dir=raw, private_dir=tmp_path)
    assert check.file_problems and check.report.empty


def test_check_case_files_reports_counts_and_reasons(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(SALT_ENV, raising=False)
    check = check_case_files(private_dir=tmp_path)
    assert check.file_problems == [] and len(check.report) == 6
    assert "exact duplicate of row N" in check.text()
