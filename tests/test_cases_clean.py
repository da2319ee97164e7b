"""Cleaning case-record exports: encodings, languages, rejects, pseudonyms, no leaks."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from caretrends.cases import clean_case_file
from caretrends.cases.pseudonymise import DEMO_SALT, SALT_ENV, MissingSaltError, keyed_hashes
from caretrends.cases.record_schemas import COUNSELLING, EPISODES
from caretrends.errors import DataValidationError
from caretrends.schemas import REJECT_COLUMNS
from caretrends.warnings import DataQualityWarning
from tests._cases_helpers import TEST_SALT, counselling_row, episode_row, write_rows

FUTURE = (dt.date.today() + dt.timedelta(days=400)).strftime("%d.%m.%Y")


@pytest.fixture(autouse=True)
def _no_salt_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SALT_ENV, raising=False)


def _clean(path: Path, **options: object):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return clean_case_file(path, salt=TEST_SALT, **options)


def _reasons(result) -> dict[int, list[str]]:
    return result.rejects.groupby("source_row")["reason"].apply(list).to_dict()


def test_a_clean_file_passes_whole_and_meets_the_schema(tmp_path: Path) -> None:
    rows = [
        episode_row(**{"Exit reason": "transferred", "Episode end": "20.06.2010"}),
        episode_row(**{"Episode start": "20.06.2010", "Episode end": "", "Exit reason": ""}),
    ]
    result = _clean(write_rows(tmp_path / "e.csv", rows))
    EPISODES.validate(result.data)
    assert len(result.data) == 2 and result.rejects.empty
    first = result.data.iloc[0]
    assert first["birth_month"] == pd.Timestamp("2010-03-01")  # coarsened to the month
    assert first["entry_reason"] == "abandoned_at_birth" and first["sex"] == "F"
    assert result.data["source_row"].tolist() == [2, 3]
    assert pd.isna(result.data.iloc[1]["episode_end"])


def test_serbian_cp1250_and_albanian_cp1252_round_trip(tmp_path: Path) -> None:
    serbian = {
        "Šifra deteta": "GR-1",
        "Pol": "Ž",
        "Datum rođenja": "04.03.2011.",
        "Početak": "05.03.2011.",
        "Kraj": "",
        "Razlog prijema": "napušteno pri rođenju",
        "Vrsta smeštaja": "srodnički smeštaj",
        "Razlog izlaska": "",
        "Ime": "Đorđe Čačić",
    }
    albanian = {
        "ID e fëmijës": "PR-1",
        "Gjinia": "Femër",
        "Data e lindjes": "04.03.2011",
        "Fillimi": "05.03.2011",
        "Mbarimi": "",
        "Arsyeja e hyrjes": "braktisur në lindje",
        "Lloji i vendosjes": "strehim familjar jashtë farefisit",
        "Arsyeja e daljes": "",
        "Shënime": "Nëna u largua; gjyshja Çlirime",
    }
    for name, row, encoding, placement in (
        ("sr.csv", serbian, "cp1250", "kinship_foster"),
        ("sq.csv", albanian, "cp1252", "non_kin_foster"),
    ):
        path = write_rows(tmp_path / name, [row], encoding=encoding)
        result = _clean(path)
        assert result.report["encoding"].iloc[0] in {"cp1250", "cp1252"}
        assert result.data["placement_type"].tolist() == [placement]
        assert result.data["sex"].tolist() == ["F"]
        dropped = result.report["identifier_columns_dropped"].iloc[0]
        assert dropped in {"Ime", "Shënime"}  # the header came through with its letters


def test_utf8_with_bom_comma_separated_and_xlsx_with_excel_serials(tmp_path: Path) -> None:
    bom = write_rows(tmp_path / "bom.csv", [episode_row()], encoding="utf-8-sig", sep=",")
    assert _clean(bom).report["encoding"].iloc[0] == "utf_8_sig"
    book = openpyxl.Workbook()
    row = episode_row(**{"Episode start": 40252, "Date of birth": 40252})  # 15.03.2010
    book.active.append(list(row))
    book.active.append(list(row.values()))
    book.save(tmp_path / "e.xlsx")
    result = _clean(tmp_path / "e.xlsx")
    assert result.data["episode_start"].tolist() == [pd.Timestamp("2010-03-15")]
    assert result.report["encoding"].iloc[0] == "xlsx"


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"Episode end": "01.03.2010"}, "episode_end", "episode ends before it starts"),
        ({"Episode start": "01.03.2010"}, "episode_start", "entry before birth"),
        ({"Episode end": FUTURE}, "episode_end", "date in the future"),
        ({"Episode start": "31.02.2011"}, "episode_start", "impossible date"),
        ({"Episode start": "15.03.10"}, "episode_start", "ambiguous date: two-digit year"),
        ({"Placement type": "with the neighbours"}, "placement_type", "unknown value"),
        ({"Sex": ""}, "sex", "missing value"),
        ({"Exit reason": ""}, "exit_reason", "episode end without exit reason"),
        ({"Episode end": ""}, "exit_reason", "exit reason without episode end"),
    ],
)
def test_each_row_fault_is_rejected_with_its_reason(
    tmp_path: Path, overrides: dict[str, str], column: str, reason: str
) -> None:
    rows = [episode_row(**{"Child ID": "OK-1"}), episode_row(**overrides)]
    result = _clean(write_rows(tmp_path / "e.csv", rows))
    assert result.data["source_row"].tolist() == [2]
    rejected = result.rejects[result.rejects["source_row"] == 3]
    assert (rejected["column"] == column).any() and (rejected["reason"] == reason).any()
    assert list(result.rejects.columns) == REJECT_COLUMNS


def test_duplicates_exact_and_conflicting(tmp_path: Path) -> None:
    rows = [
        episode_row(),
        episode_row(Sex="female", Name="another spelling of nothing that matters"),
        episode_row(**{"Child ID": "KS-2", "Placement type": "SOS family"}),
        episode_row(**{"Child ID": "KS-2", "Placement type": "residential"}),
    ]
    result = _clean(write_rows(tmp_path / "e.csv", rows))
    reasons = _reasons(result)
    assert reasons[3] == ["exact duplicate of row 2"]  # same record once translated
    assert reasons[4][0].startswith("conflicting duplicate key") and 5 in reasons
    assert result.data["source_row"].tolist() == [2]


def test_overlapping_episodes_of_one_child_are_rejected(tmp_path: Path) -> None:
    rows = [
        episode_row(**{"Episode end": "", "Exit reason": ""}),  # still open
        episode_row(**{"Episode start": "01.06.2010", "Episode end": "", "Exit reason": ""}),
        episode_row(**{"Child ID": "KS-3", "Exit reason": "transferred"}),
        episode_row(**{"Child ID": "KS-3", "Episode start": "20.06.2010"}),  # same-day move
    ]
    result = _clean(write_rows(tmp_path / "e.csv", rows))
    assert _reasons(result) == {3: ["overlaps the episode of the same child in e.csv row 2"]}


def test_counts_reconcile_whatever_goes_wrong(tmp_path: Path) -> None:
    rows = [
        episode_row(),
        episode_row(),
        episode_row(**{"Child ID": "B", "Sex": "x", "Episode start": "31.02.2010"}),
        episode_row(**{"Child ID": "C", "Episode end": FUTURE}),
        episode_row(**{"Child ID": "D"}),
    ]
    result = _clean(write_rows(tmp_path / "e.csv", rows))
    report = result.report.iloc[0]
    assert report["rows_read"] == 5 == report["rows_kept"] + report["rows_rejected"]
    assert report["rows_kept"] == len(result.data) == 2
    assert result.rejects["source_row"].nunique() == 3 and len(result.rejects) == 4


def test_counselling_records_clean_with_bands_lists_and_follow_up(tmp_path: Path) -> None:
    rows = [
        counselling_row(),
        counselling_row(**{"Case ID": "2", "Mother age": "35+", "Risk factors": ""}),
        counselling_row(**{"Case ID": "3", "Follow-up date": "01.01.2019"}),
        counselling_row(**{"Case ID": "4", "Risk factors": "poverty, astrology"}),
        counselling_row(**{"Case ID": "5", "Mother age": "7"}),
    ]
    result = _clean(write_rows(tmp_path / "c.csv", rows), kind="counselling")
    COUNSELLING.validate(result.data)
    assert result.data["mother_age_band"].tolist() == ["18_24", "35_plus"]
    assert result.data["risk_factors"].iloc[0] == "poverty;single_mother"
    assert pd.isna(result.data["risk_factors"].iloc[1])
    assert _reasons(result) == {
        4: ["follow-up before counselling"],
        5: ["unknown value: 1 of 2 items"],  # the unknown item is withheld
        6: ["implausible age (outside 10-60)"],
    }


def test_real_records_are_refused_without_a_secret_salt(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "e.csv", [episode_row()])
    with pytest.raises(MissingSaltError, match=SALT_ENV):
        clean_case_file(path)
    with pytest.raises(MissingSaltError, match="demo salt"):
        clean_case_file(path, salt=DEMO_SALT)
    with pytest.raises(MissingSaltError, match="at least"):
        clean_case_file(path, salt="short")


def test_the_salt_comes_from_the_environment_and_keys_the_pseudonyms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_rows(tmp_path / "e.csv", [episode_row(**{"Child ID": " ks-2010-00017 "})])
    monkeypatch.setenv(SALT_ENV, TEST_SALT)
    child = clean_case_file(path).data["child_id"].iloc[0]
    assert child == keyed_hashes([b"ks-2010-00017"], TEST_SALT)[0]
    other = clean_case_file(path, salt=TEST_SALT + "x").data["child_id"].iloc[0]
    assert other != child


@pytest.mark.parametrize("salt", [TEST_SALT, TEST_SALT * 10])  # the second beyond a block
def test_keyed_hashes_are_hmac_sha256_of_each_identifier(salt: str) -> None:
    texts = [f"ks-{i}".encode() for i in range(101)] + ["đorđe".encode(), b""]
    expected = [hmac.new(salt.encode(), t, "sha256").hexdigest()[:16] for t in texts]
    assert keyed_hashes(texts, salt) == expected


def test_synthetic_files_use_the_demo_salt_and_mixed_files_are_refused(tmp_path: Path) -> None:
    synthetic = write_rows(tmp_path / "s.csv", [episode_row(Sintetik="po")])
    result = clean_case_file(synthetic, synthetic=True)
    assert result.report["synthetic"].iloc[0] and result.data["synthetic"].all()
    mixed = write_rows(
        tmp_path / "m.csv", [episode_row(Synthetic="true"), episode_row(Synthetic="")]
    )
    with pytest.raises(DataValidationError, match="never mixed"):
        clean_case_file(mixed, synthetic=True)


def test_a_file_marking_itself_synthetic_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SALT_ENV, raising=False)
    claims = write_rows(tmp_path / "s.csv", [episode_row(Sintetik="po")])
    with pytest.raises(DataValidationError, match="registered with synthetic: False") as caught:
        clean_case_file(claims)  # not registered as synthetic: never the demo salt
    assert "Krasniqi" not in str(caught.value)
    unmarked = write_rows(tmp_path / "u.csv", [episode_row()])
    result = clean_case_file(unmarked, salt=TEST_SALT)
    assert not result.report["synthetic"].iloc[0] and not result.data["synthetic"].any()


@pytest.mark.parametrize(
    "salt", [" " * 16, " " * 40, DEMO_SALT + " ", " " + DEMO_SALT, DEMO_SALT + "-x", "a" * 15 + " "]
)
def test_weak_salts_are_refused_after_stripping_spaces(tmp_path: Path, salt: str) -> None:
    path = write_rows(tmp_path / "e.csv", [episode_row()])
    with pytest.raises(MissingSaltError, match="at least 16") as caught:
        clean_case_file(path, salt=salt)
    assert salt.strip() not in str(caught.value) or not salt.strip()


def test_missing_required_columns_and_unknown_columns(tmp_path: Path) -> None:
    row = episode_row()
    del row["Sex"]
    with pytest.raises(DataValidationError, match="column 'sex': missing"):
        _clean(write_rows(tmp_path / "e.csv", [row]))
    path = write_rows(tmp_path / "u.csv", [episode_row(Hobby="football")])
    dropped = "column 16 (unknown, fingerprint b848f7)"  # sha256("Hobby")[:6], never its text
    with pytest.warns(DataQualityWarning, match=re.escape(dropped)) as caught:
        result = clean_case_file(path, salt=TEST_SALT)
    assert "Hobby" not in str(caught[0].message)
    assert result.report["unknown_columns_dropped"].iloc[0] == dropped
    assert "Hobby" not in result.data.columns


def test_no_identifier_from_the_input_appears_in_any_output(tmp_path: Path) -> None:
    identifiers = {
        "Child ID": ["KS-2010-00017", "KS-2011-00420", "KS-2012-00999"],
        "Name": ["Drita Krasniqi", "Đorđe Čačić", "Arbër Gashi"],
        "Personal number": ["1234567890", "2345678901", "3456789012"],
        "Address": ["Rr. Nënë Tereza 12", "Ulica Kralja Petra 5", "Rruga B 7"],
        "Phone": ["+383 44 123 456", "+383 45 987 654", "+383 49 555 111"],
        "Notes": ["aunt Vjosa visits", "baka Ljubica zvala", "Qëndresa called"],
        "Date of birth": ["17.03.2010", "23.07.2011", "29.02.2012"],
        "Hobby": ["plays with Arta", "likes Milica", "sings"],
    }
    rows = [episode_row(**{k: v[i] for k, v in identifiers.items()}) for i in range(3)]
    rows[1]["Episode start"] = "01.01.2011"  # entry before birth: the birth date is rejected
    rows[2]["Episode start"] = rows[2]["Episode end"] = "01.03.2012"
    rows.append(dict(rows[0], **{"Date of birth": "32.13.2010"}))  # an unparseable birth date
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = clean_case_file(write_rows(tmp_path / "e.csv", rows), salt=TEST_SALT)
    everything = "\n".join(
        frame.astype(str).to_csv() for frame in (result.data, result.rejects, result.report)
    ).casefold()
    leaked = [
        value
        for column, values in identifiers.items()
        for value in values + ["2010-03-17", "2011-07-23", "32.13.2010"]
        if column != "Date of birth" and value.casefold() in everything
    ]
    assert leaked == [] and len(result.rejects) >= 2
