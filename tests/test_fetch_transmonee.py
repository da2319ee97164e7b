"""``caretrends fetch transmonee`` against answers built from SDMX-CSV (no network)."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest
import requests
import responses

from caretrends.errors import ParameterError
from caretrends.provenance import check_files, load_registry
from caretrends.sources.http import FetchError
from caretrends.sources.transmonee.codes import transmonee_dir
from caretrends.sources.transmonee.live import (
    TransmoneeConfig,
    check_sdmx_csv,
    fetch_transmonee,
    load_transmonee_config,
    sdmx_data_url,
)
from tests._fetch_helpers import FAST, SDMX_HEADER, cli, sdmx_csv

BASE = "https://sdmx.example/rest/data/"
CONFIG = TransmoneeConfig(
    base_url=BASE,
    dataflow="ECARO,TRANSMONEE,1.0",
    key_order=("REF_AREA", "INDICATOR", "SEX", "AGE", "RESIDENCE", "WEALTH_QUINTILE"),
    ref_areas=("XKX", "ALB"),
    start_period=2000,
    groups={"care": ("PT_CHLD_INRESIDENTIAL",), "legacy": ("PT_CHLD_ININFANTHOME",)},
    source="UNICEF TransMonEE (SDMX API)",
    title="UNICEF TransMonEE (live SDMX API)",
    producer="UNICEF ECARO",
    licence="UNICEF terms of use",
)
CARE_URL = sdmx_data_url(CONFIG, ["XKX", "ALB"], ["PT_CHLD_INRESIDENTIAL"], 2000)
LEGACY_URL = sdmx_data_url(CONFIG, ["XKX", "ALB"], ["PT_CHLD_ININFANTHOME"], 2000)
CARE = sdmx_csv(
    [("XKX", "PT_CHLD_INRESIDENTIAL", "2021", 93), ("ALB", "PT_CHLD_INRESIDENTIAL", "2021", 619)]
)
LEGACY = sdmx_csv([("ALB", "PT_CHLD_ININFANTHOME", "2016", 49)])


def _fetch(tmp_path: Path, **kwargs):
    return fetch_transmonee(config=CONFIG, raw_dir=tmp_path, settings=FAST, **kwargs)


def test_url_follows_the_key_order_and_asks_for_csv_with_labels() -> None:
    assert CARE_URL == (
        f"{BASE}ECARO,TRANSMONEE,1.0/XKX+ALB.PT_CHLD_INRESIDENTIAL....?"
        "format=csv&labels=both&startPeriod=2000"
    )
    url = sdmx_data_url(CONFIG, ["XKX"], ["A", "B"], start=None, end=2020)
    assert url.endswith("/XKX.A+B....?format=csv&labels=both&endPeriod=2020")


@pytest.mark.parametrize("code", ["XKX.ALB", "A+B", "a/b", ""])
def test_codes_that_would_change_the_key_are_refused(code: str) -> None:
    with pytest.raises(ParameterError, match="not an SDMX code"):
        sdmx_data_url(CONFIG, [code], ["PT_CHLD_INRESIDENTIAL"])


@responses.activate
def test_fetch_writes_each_group_as_received_with_its_provenance(tmp_path: Path) -> None:
    responses.add(responses.GET, CARE_URL, body=CARE, content_type="text/csv")
    responses.add(responses.GET, LEGACY_URL, body=LEGACY, content_type="text/csv")
    stored = _fetch(tmp_path, command="caretrends fetch transmonee --ref-area XKX ALB")
    assert [s.written for s in stored] == [True, True]
    records = {r.path: r for r in load_registry(tmp_path)}
    care = records[stored[0].relative]
    assert re.fullmatch(r"transmonee/live/transmonee-care-[0-9a-f]{10}\.csv", care.path)
    assert (tmp_path / care.path).read_bytes() == CARE
    assert care.kind == "observations-sdmx-csv"
    assert care.url == CARE_URL
    assert care.produced_by == "caretrends fetch transmonee --ref-area XKX ALB"
    assert datetime.fromisoformat(care.obtained).utcoffset().total_seconds() == 0
    assert care.extra["rows"] == "2" and care.extra["group"] == "care"
    assert care.extra["source"] == "UNICEF TransMonEE (SDMX API)"
    assert records[stored[1].relative].extra["rows"] == "1"
    assert check_files(tmp_path) == []


@responses.activate
def test_refetching_unchanged_data_writes_nothing_new(tmp_path: Path) -> None:
    for _ in range(2):
        responses.add(responses.GET, CARE_URL, body=CARE)
    first = _fetch(tmp_path, groups=["care"])
    registry_before = (tmp_path / "sources.yaml").read_text()
    again = _fetch(tmp_path, groups=["care"])
    assert not again[0].written and again[0].relative == first[0].relative
    assert (tmp_path / "sources.yaml").read_text() == registry_before
    assert len(list((tmp_path / "transmonee/live").iterdir())) == 1


@responses.activate
def test_a_truncated_answer_never_replaces_good_data(tmp_path: Path) -> None:
    responses.add(responses.GET, CARE_URL, body=CARE)
    responses.add(responses.GET, CARE_URL, body=CARE[: len(CARE) - 40])  # cut inside a row
    (good,) = _fetch(tmp_path, groups=["care"])
    with pytest.raises(FetchError) as caught:
        _fetch(tmp_path, groups=["care"])
    assert CARE_URL in str(caught.value) and "nothing written" in str(caught.value)
    assert "truncated" in str(caught.value)
    assert (tmp_path / good.relative).read_bytes() == CARE
    assert load_registry(tmp_path)[0].sha256 == good.sha256
    assert sorted(p.name for p in (tmp_path / "transmonee/live").iterdir()) == [
        Path(good.relative).name
    ]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, "NoResultsFound", "empty result"),
        (200, ",".join(SDMX_HEADER) + "\r\n", "empty result"),
        (200, "<html><body>Maintenance</body></html>", "not SDMX-CSV"),
    ],
)
@responses.activate
def test_empty_or_foreign_answers_are_errors_and_write_nothing(
    tmp_path: Path, status: int, body: str, expected: str
) -> None:
    responses.add(responses.GET, CARE_URL, status=status, body=body)
    with pytest.raises(FetchError, match=expected) as caught:
        _fetch(tmp_path, groups=["care"])
    assert CARE_URL in str(caught.value)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # no file, no register


@responses.activate
def test_one_failing_group_does_not_stop_the_others(tmp_path: Path) -> None:
    responses.add(responses.GET, CARE_URL, body=requests.exceptions.ReadTimeout("timed out"))
    responses.add(responses.GET, LEGACY_URL, body=LEGACY)
    with pytest.raises(FetchError) as caught:
        _fetch(tmp_path)
    message = str(caught.value)
    assert message.startswith("1 of 2 requests failed") and CARE_URL in message
    assert [s.relative for s in caught.value.stored] == [r.path for r in load_registry(tmp_path)]
    assert "transmonee-legacy-" in caught.value.stored[0].relative


@responses.activate
def test_indicators_given_on_the_command_line_make_one_custom_query(tmp_path: Path) -> None:
    url = sdmx_data_url(CONFIG, ["XKX"], ["PT_CHLD_ADOPTION"], 2010)
    responses.add(responses.GET, url, body=sdmx_csv([("XKX", "PT_CHLD_ADOPTION", "2020", 12)]))
    (stored,) = _fetch(tmp_path, ref_areas=["XKX"], indicators=["PT_CHLD_ADOPTION"], start=2010)
    assert "transmonee-custom-" in stored.relative


def test_unknown_groups_are_refused_before_any_request(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="unknown TransMonEE group"):
        _fetch(tmp_path, groups=["nope"])


def test_check_reports_the_row_of_a_short_row(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(CARE + b"XKX,Kosovo,PT_X\r\n")
    with pytest.raises(Exception, match=r"row 4: 3 fields"):
        check_sdmx_csv(path)


def test_default_groups_use_codes_published_by_unicef() -> None:
    config = load_transmonee_config()
    folder = transmonee_dir()
    with (folder / "CL_TMEE_INDICATORS.csv").open(encoding="utf-8") as handle:
        code_list = {row["Code"] for row in csv.DictReader(handle)}
    with (folder / "content_legacy_codes_v3.csv").open(encoding="utf-8") as handle:
        legacy = {row["code"] for row in csv.DictReader(handle)}
    assert set(config.groups["care"]) | set(config.groups["demography"]) <= code_list
    assert set(config.groups["legacy"]) <= legacy - code_list
    assert config.ref_areas[0] == "XKX" and len(config.ref_areas) == 10


@responses.activate
def test_command_line_fetches_and_records_the_command(tmp_path: Path, capsys) -> None:
    config = load_transmonee_config()
    url = sdmx_data_url(config, ["XKX"], config.groups["demography"], 2015)
    responses.add(responses.GET, url, body=sdmx_csv([("XKX", "DM_CHLD_NSO", "2024", 5e5)]))
    args = cli(
        ["fetch", "transmonee", "--ref-area", "XKX", "--group", "demography", "--start", "2015"]
        + ["--retries", "0", "--raw-dir", str(tmp_path)]
    )
    assert args.handler(args) == 0
    assert capsys.readouterr().out.startswith("wrote transmonee/live/transmonee-demography-")
    (record,) = load_registry(tmp_path)
    assert record.produced_by == (
        "caretrends fetch transmonee --ref-area XKX --group demography --start 2015"
    )
    assert args.handler(args) == 0
    assert capsys.readouterr().out.startswith("unchanged: transmonee/live/")


@responses.activate
def test_command_line_errors_are_one_line_naming_the_url(tmp_path: Path) -> None:
    responses.add(
        responses.GET,
        re.compile(r"https://sdmx\.data\.unicef\.org/.*"),
        body=requests.exceptions.ConnectionError("Failed to resolve host"),
    )
    args = cli(["fetch", "transmonee", "--ref-area", "XKX", "--indicator", "PT_CHLD_ADOPTION"])
    args.raw_dir = tmp_path
    with pytest.raises(FetchError) as caught:
        args.handler(args)
    assert "https://sdmx.data.unicef.org/ws/public/sdmxapi/rest/data/ECARO,TRANSMONEE,1.0/" in str(
        caught.value
    )
    assert "cannot connect" in str(caught.value) and "\n" not in str(caught.value)
