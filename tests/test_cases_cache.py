"""Case files cleaned once per report run: the cache's keys, its modes and its absence."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pytest

from caretrends import paths
from caretrends.cases import cache
from caretrends.cases.clean import clean_case_file
from caretrends.cases.load import check_case_files
from caretrends.cases.pseudonymise import MissingSaltError
from caretrends.errors import DataValidationError
from tests._cases_helpers import TEST_SALT, episode_row, write_rows


@pytest.fixture
def cleanings(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files actually cleaned (not read from the cache), in order."""
    cleaned: list[Path] = []

    def counting(path: Path, **options: object):
        cleaned.append(path)
        return clean_case_file(path, **options)

    monkeypatch.setattr(cache, "clean_case_file", counting)
    return cleaned


@pytest.fixture
def export(tmp_path: Path) -> Path:
    rows = [episode_row(), episode_row(**{"Child ID": "KS-2011-00002", "Sex": "X"})]
    return write_rows(tmp_path / "exports" / "episodes.csv", rows)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run" / ".case-cache"
    monkeypatch.setenv(paths.CASE_CACHE_ENV, str(folder))
    return folder


def _assert_same(a, b) -> None:
    for table in ("data", "rejects", "report"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def test_a_file_is_cleaned_once_and_read_back_the_same(
    export: Path, folder: Path, cleanings: list[Path]
) -> None:
    first = cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
    second = cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
    assert cleanings == [export]
    _assert_same(first, second)
    _assert_same(second, clean_case_file(export, kind="episodes", salt=TEST_SALT))
    assert len(first.rejects) == 1  # the unknown sex: rejects travel with the rows


def test_cache_is_owner_only_and_names_no_salt(export: Path, folder: Path) -> None:
    cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
    assert folder.stat().st_mode & 0o777 == 0o700
    entries = list(folder.iterdir())
    assert entries and {p.stat().st_mode & 0o777 for p in entries} == {0o600}
    assert not any(TEST_SALT in p.name for p in entries)


@pytest.mark.parametrize("change", ["bytes", "salt", "kind", "code"])
def test_any_change_of_what_cleaning_depends_on_cleans_again(
    change: str,
    export: Path,
    folder: Path,
    cleanings: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
    salt, kind = TEST_SALT, "episodes"
    if change == "bytes":
        write_rows(export, [episode_row(**{"Sex": "M"})])
    elif change == "salt":
        salt = TEST_SALT + "-another"
    elif change == "kind":
        kind = "counselling"
    else:
        monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the code")
    try:
        cache.clean_case_file_once(export, kind=kind, salt=salt)
    except DataValidationError:  # an episodes file read as counselling is refused
        assert change == "kind"
    assert cleanings == [export, export]


def test_another_day_is_another_key(export: Path) -> None:
    """Cleaning rejects dates in the future: what it keeps depends on the day."""
    today = dt.date.today()
    keys = {
        cache.entry_key(export, kind="episodes", salt=TEST_SALT, synthetic=False, today=day)
        for day in (today, today + dt.timedelta(days=1))
    }
    assert len(keys) == 2


def test_the_salt_in_the_environment_is_part_of_the_key(
    export: Path, folder: Path, cleanings: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARETRENDS_SALT", TEST_SALT)
    cache.clean_case_file_once(export, kind="episodes")
    monkeypatch.setenv("CARETRENDS_SALT", TEST_SALT + "-another")
    cache.clean_case_file_once(export, kind="episodes")
    assert cleanings == [export, export]


def test_without_the_variable_or_with_an_open_folder_nothing_is_stored(
    export: Path, tmp_path: Path, cleanings: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(paths.CASE_CACHE_ENV, raising=False)
    before = set(tmp_path.rglob("*"))
    cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
    assert set(tmp_path.rglob("*")) == before
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv(paths.CASE_CACHE_ENV, str(shared))
    for _ in range(2):
        cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
    assert not list(shared.iterdir()) and len(cleanings) == 3


def test_warnings_are_issued_again_from_the_cache(
    tmp_path: Path, folder: Path, cleanings: list[Path]
) -> None:
    export = write_rows(tmp_path / "extra.csv", [episode_row(Colour="blue")])
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cache.clean_case_file_once(export, kind="episodes", salt=TEST_SALT)
        assert ["not in the column catalog" in str(w.message) for w in caught] == [True]
    assert len(cleanings) == 1


def test_a_refused_file_is_refused_from_the_cache_without_reading_it_again(
    tmp_path: Path, folder: Path, cleanings: list[Path]
) -> None:
    broken = write_rows(tmp_path / "broken.csv", [{"Child ID": "KS-1"}])
    refusals = []
    for _ in range(3):
        with pytest.raises(DataValidationError, match="missing") as refused:
            cache.clean_case_file_once(broken, kind="episodes", salt=TEST_SALT)
        refusals.append(refused.value.problems)
    assert len(cleanings) == 1
    assert refusals[0] == refusals[1] == refusals[2] and len(refusals[0]) > 1


def test_a_salt_missing_is_not_stored(
    export: Path, folder: Path, cleanings: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARETRENDS_SALT", raising=False)
    for _ in range(2):
        with pytest.raises(MissingSaltError):
            cache.clean_case_file_once(export, kind="episodes")
    assert len(cleanings) == 2


def test_check_case_files_reads_the_cache(
    tmp_path: Path, folder: Path, cleanings: list[Path]
) -> None:
    private = tmp_path / "private"
    write_rows(private / "cases" / "episodes" / "office.csv", [episode_row()])
    checks = [check_case_files(raw_dir=tmp_path / "raw", private_dir=private, salt=TEST_SALT)]
    checks.append(check_case_files(raw_dir=tmp_path / "raw", private_dir=private, salt=TEST_SALT))
    assert len(cleanings) == 1
    pd.testing.assert_frame_equal(checks[0].report, checks[1].report)
