"""KAS ASKdata: JSON-stat 2 parsing, table mappings and ``caretrends fetch kas`` (no network)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import requests
import responses
from hypothesis import given, settings
from hypothesis import strategies as st
from responses import matchers

from caretrends.errors import DataValidationError, ParameterError
from caretrends.provenance import check_files, load_registry
from caretrends.schemas import OBSERVATION_COLUMNS, REJECT_COLUMNS
from caretrends.sources.http import FetchError
from caretrends.sources.jsonstat import parse_jsonstat
from caretrends.sources.kas.fetch import browse_kas, fetch_kas
from caretrends.sources.kas.mapping import (
    FieldRule,
    KasConfig,
    KasTable,
    load_kas_config,
    pxweb_query,
    read_kas_jsonstat,
    read_kas_record,
)
from tests._fetch_helpers import FAST, as_bytes, cli, jsonstat

BASE = "https://askdata.example/api/v1/en/ASKdata/"
YEARS = [("2022", "2022"), ("2023", "2023"), ("2024", "2024")]
MEASURES = [("0", "Abandoned children"), ("1", "Boys"), ("2", "Girls"), ("3", "Pensions")]
ABANDONED = "PT_CHLD_NO_PARENTAL_CARE_ABANDON"

TABLE = KasTable(
    key="abandoned_children",
    title="Abandoned children",
    path="Social welfare/Children/sw01.px",
    unit="NUMBER",
    query={"Viti": "*", "Variabla": ["0", "1", "2"]},
    fields={
        "ref_area": FieldRule(constant="XKX"),
        "indicator": FieldRule(
            dimension="Variabla",
            by="label",
            map=dict.fromkeys(["Abandoned children", "Boys", "Girls"], ABANDONED),
        ),
        "sex": FieldRule(
            dimension="Variabla",
            by="label",
            map={"Abandoned children": "_T", "Boys": "M", "Girls": "F"},
        ),
        "age": FieldRule(constant="_T"),
        "period": FieldRule(dimension="Viti"),
    },
)
CONFIG = KasConfig(BASE, "KAS ASKdata", "KAS", "attribution", {TABLE.key: TABLE})
TABLE_URL = BASE + "Social%20welfare/Children/sw01.px"


def _simple_table(**changes) -> KasTable:
    """Years x one measure: every cell one abandoned-children count."""
    fields = {
        "ref_area": FieldRule(constant="XKX"),
        "indicator": FieldRule(constant=ABANDONED),
        "sex": FieldRule(constant="_T"),
        "age": FieldRule(constant="_T"),
        "period": FieldRule(dimension="Viti"),
    }
    fields.update(changes)
    return KasTable("abandoned", "Abandoned", "sw/sw01.px", "NUMBER", {}, fields)


def _write(tmp_path: Path, document) -> Path:
    path = tmp_path / "answer.json"
    path.write_bytes(as_bytes(document))
    return path


# --- JSON-stat 2 ---------------------------------------------------------------------


def test_cells_are_read_in_row_major_order_with_codes_and_labels() -> None:
    document = jsonstat({"Viti": YEARS, "Variabla": MEASURES[:2]}, [41, 20, 46, 25, 36, 19])
    dataset = parse_jsonstat(document, source="t")
    frame = dataset.to_frame()
    assert frame[["Viti", "Variabla", "value"]].values.tolist() == [
        ["2022", "0", 41.0],
        ["2022", "1", 20.0],
        ["2023", "0", 46.0],
        ["2023", "1", 25.0],
        ["2024", "0", 36.0],
        ["2024", "1", 19.0],
    ]
    assert dataset.dimension("Variabla").labels == ("Abandoned children", "Boys")
    assert dataset.label.startswith("Test table") and dataset.updated.startswith("2025")


def test_index_as_object_sparse_values_and_status_forms() -> None:
    document = jsonstat(
        {"Viti": YEARS, "Variabla": MEASURES[:1]},
        {"0": 41, "2": 36},
        status={"1": ":"},
        index_as_dict=True,
    )
    dataset = parse_jsonstat(as_bytes(document), source="t")
    assert dataset.values == (41.0, None, 36.0)
    assert dataset.status == (None, ":", None)
    document["status"] = ".."
    assert parse_jsonstat(document, source="t").status == ("..",) * 3
    document["status"] = [None, ":", "e"]
    assert parse_jsonstat(document, source="t").status == (None, ":", "e")


def test_a_lone_category_may_come_without_index() -> None:
    document = jsonstat({"Viti": YEARS}, [1, 2, 3])
    document["id"].append("Komuna")
    document["size"].append(1)
    document["dimension"]["Komuna"] = {"category": {"label": {"00": "KOSOVA"}}}
    assert parse_jsonstat(document, source="t").dimension("Komuna").codes == ("00",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(value=d["value"][:-1]), "5 values for 6 cells"),
        (lambda d: d.update({"class": "collection"}), "expected 'dataset'"),
        (lambda d: d.update(version="1.0"), "expected '2.0'"),
        (lambda d: d["size"].pop(), "same length"),
        (lambda d: d.update(size=[3, 3]), "2 categories but size 3"),
        (lambda d: d["dimension"].pop("Viti"), "not described"),
        (lambda d: d.update(value=[1, 2, "x", 4, 5, 6]), "non-numeric"),
        (lambda d: d.update(status=[":", ":"]), "2 entries for 6 cells"),
        (lambda d: d.update(value={"6": 1}), "outside 0..5"),
    ],
)
def test_malformed_datasets_are_refused_with_the_reason(change, expected) -> None:
    document = jsonstat({"Viti": YEARS, "Variabla": MEASURES[:2]}, [1, 2, 3, 4, 5, 6])
    change(document)
    with pytest.raises(DataValidationError, match=expected):
        parse_jsonstat(document, source="answer.json")


def test_truncated_json_is_refused() -> None:
    text = as_bytes(jsonstat({"Viti": YEARS}, [1, 2, 3]))
    with pytest.raises(DataValidationError, match="not valid JSON"):
        parse_jsonstat(text[: len(text) // 2], source="answer.json")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4))
def test_every_cell_sits_at_its_row_major_position(sizes: list[int]) -> None:
    dims = {f"D{i}": [(str(c), f"L{c}") for c in range(n)] for i, n in enumerate(sizes)}
    cells = math.prod(sizes)
    frame = parse_jsonstat(jsonstat(dims, list(range(cells))), source="t").to_frame()
    assert len(frame) == cells
    positions = np.ravel_multi_index([frame[d].astype(int) for d in dims], sizes)
    assert (positions == frame["value"].to_numpy()).all()
    assert (frame["cell"].to_numpy() == positions).all()


# --- mapping to Observations ---------------------------------------------------------


def test_cells_map_to_observations_and_unmapped_categories_to_rejects(tmp_path: Path) -> None:
    document = jsonstat(
        {"Viti": YEARS, "Variabla": MEASURES},
        [41, 20, 21, 900, 46, 25, 21, 910, 36, 19, 17, 920],
    )
    observations, rejects = read_kas_jsonstat(_write(tmp_path, document), TABLE)
    assert list(observations.columns) == OBSERVATION_COLUMNS
    assert list(rejects.columns) == REJECT_COLUMNS
    assert len(observations) == 9
    by_sex = observations.pivot(index="period", columns="sex", values="value")
    assert by_sex.loc["2023"].to_dict() == {"F": 21.0, "M": 25.0, "_T": 46.0}
    assert set(observations["indicator"]) == {ABANDONED}
    assert (observations["source"] == "KAS ASKdata").all()
    assert (observations["source_table"] == TABLE.path).all()
    # "Pensions" feeds neither indicator nor sex: each of its 3 cells rejected twice.
    assert sorted(rejects["source_row"].tolist()) == [3, 3, 7, 7, 11, 11]
    assert set(rejects["value"]) == {"3"} and set(rejects["column"]) == {"Variabla"}
    assert rejects["reason"].str.contains(r"'3' \(Pensions\) has no (?:indicator|sex)").all()


def test_missing_values_are_kept_with_their_status_and_periods_parsed(tmp_path: Path) -> None:
    document = jsonstat({"Viti": [*YEARS, ("2025Q1", "2025 Q1")]}, [41, 46, None, 9])
    document["status"] = {"2": ":"}
    observations, rejects = read_kas_jsonstat(_write(tmp_path, document), _simple_table())
    assert rejects.empty
    assert observations["period"].tolist() == ["2022", "2023", "2024", "2025-Q1"]
    assert observations["freq"].tolist() == ["A", "A", "A", "Q"]
    assert observations["year"].tolist() == [2022, 2023, 2024, 2025]
    missing = observations.iloc[2]
    assert math.isnan(missing["value"]) and missing["obs_status"] == "M"
    assert missing["note"] == "KAS status symbol ':'"
    assert observations["obs_status"].tolist() == ["A", "A", "M", "A"]


def test_unparseable_periods_are_rejected_not_dropped(tmp_path: Path) -> None:
    document = jsonstat({"Viti": [("2023", "2023"), ("2023/24", "2023/24 season")]}, [1, 2])
    observations, rejects = read_kas_jsonstat(_write(tmp_path, document), _simple_table())
    assert len(observations) + len(rejects) == 2
    (reject,) = rejects.itertuples()
    assert reject.column == "period" and reject.value == "2023/24" and reject.source_row == 1


def test_templates_and_labels_fill_age_codes(tmp_path: Path) -> None:
    ages = [("0", "Total"), ("1", "0"), ("2", "1"), ("3", "85+")]
    document = jsonstat({"Viti": YEARS[2:], "Mosha": ages}, [1000, 30, 31, 5])
    age = FieldRule(dimension="Mosha", by="label", map={"Total": "_T"}, template="Y{label}")
    observations, rejects = read_kas_jsonstat(_write(tmp_path, document), _simple_table(age=age))
    assert observations["age"].tolist() == ["_T", "Y0", "Y1"]
    assert rejects["value"].tolist() == ["Y85+"] and rejects["column"].tolist() == ["age"]


def test_a_spread_dimension_that_feeds_no_column_is_an_error(tmp_path: Path) -> None:
    document = jsonstat({"Viti": YEARS[:1], "Gjinia": [("0", "Total"), ("1", "Male")]}, [1, 2])
    with pytest.raises(DataValidationError, match="'Gjinia'.*2 categories"):
        read_kas_jsonstat(_write(tmp_path, document), _simple_table())


def test_a_configured_dimension_missing_from_the_answer_is_an_error(tmp_path: Path) -> None:
    document = jsonstat({"Year": YEARS}, [1, 2, 3])
    with pytest.raises(DataValidationError, match="'Viti' of kas_tables.yaml is not in"):
        read_kas_jsonstat(_write(tmp_path, document), _simple_table())


def test_the_project_mapping_file_loads_and_names_every_column() -> None:
    config = load_kas_config()
    assert config.source == "KAS ASKdata"
    assert {"abandoned_children", "births", "census_2024_population_by_age"} <= set(config.tables)
    assert config.tables["census_2024_population_by_age"].path.endswith("census2024_56.px")
    for table in config.tables.values():
        assert set(table.fields) == {"ref_area", "indicator", "sex", "age", "period"}
        assert set(table.verified) == {"path", "variables", "categories"}
    assert config.table("Population/Births and deaths/birthsDeathsHistory.px").key == "births"


def test_a_broken_mapping_names_file_table_and_field(tmp_path: Path) -> None:
    path = tmp_path / "kas_tables.yaml"
    path.write_text(
        "base_url: https://x/\ntables:\n  t:\n    unit: NUMBER\n    fields:\n"
        "      ref_area: {constant: XKX, dimension: Komuna}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match=r"table t: fields \['indicator'"):
        load_kas_config(path)


def test_query_selects_items_or_everything() -> None:
    body = pxweb_query(TABLE)
    assert body["response"] == {"format": "json-stat2"}
    assert body["query"] == [
        {"code": "Viti", "selection": {"filter": "all", "values": ["*"]}},
        {"code": "Variabla", "selection": {"filter": "item", "values": ["0", "1", "2"]}},
    ]


# --- fetching ------------------------------------------------------------------------

ANSWER = jsonstat({"Viti": YEARS, "Variabla": MEASURES[:1]}, [41, 46, 36])


@responses.activate
def test_fetch_posts_the_query_and_keeps_the_answer_with_provenance(tmp_path: Path) -> None:
    responses.add(
        responses.POST,
        TABLE_URL,
        body=as_bytes(ANSWER),
        match=[matchers.json_params_matcher(pxweb_query(TABLE))],
    )
    (stored,) = fetch_kas(["abandoned_children"], raw_dir=tmp_path, settings=FAST, config=CONFIG)
    assert stored.written and stored.relative.startswith("kas/abandoned_children-")
    (record,) = load_registry(tmp_path)
    assert record.kind == "kas-jsonstat" and record.url == TABLE_URL
    assert json.loads(record.extra["query"]) == pxweb_query(TABLE)
    assert record.extra["kas_table"] == "abandoned_children"
    assert record.extra["source"] == "KAS ASKdata"
    assert record.extra["cells"] == "3" and record.extra["updated"].startswith("2025")
    assert check_files(tmp_path) == []
    observations, rejects = read_kas_record(record, tmp_path, CONFIG)
    assert observations["value"].tolist() == [41.0, 46.0, 36.0] and rejects.empty
    assert observations["period"].tolist() == ["2022", "2023", "2024"]
    unknown = replace(record, extra={**record.extra, "kas_table": "gone"})
    with pytest.raises(DataValidationError, match="'gone' is not a table"):
        read_kas_record(unknown, tmp_path, CONFIG)


@responses.activate
def test_fetching_the_same_answer_again_keeps_one_file(tmp_path: Path) -> None:
    for _ in range(2):
        responses.add(responses.POST, TABLE_URL, body=as_bytes(ANSWER))
    fetch_kas(["abandoned_children"], raw_dir=tmp_path, settings=FAST, config=CONFIG)
    (again,) = fetch_kas(["abandoned_children"], raw_dir=tmp_path, settings=FAST, config=CONFIG)
    assert not again.written
    assert len(list((tmp_path / "kas").iterdir())) == 1


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, "Parameter error", "HTTP 400 Bad Request: Parameter error"),
        (403, '{"error": "Too many values selected"}', "Too many values selected"),
        (404, "<html><title>The resource cannot be found.</title></html>", "cannot be found"),
        (200, as_bytes(jsonstat({"Viti": YEARS}, [None, None, None])), "empty result"),
        (200, as_bytes(ANSWER)[:-25], "not valid JSON"),
    ],
)
@responses.activate
def test_service_errors_empty_and_truncated_answers_write_nothing(
    tmp_path: Path, status: int, body, expected: str
) -> None:
    responses.add(responses.POST, TABLE_URL, status=status, body=body)
    with pytest.raises(FetchError) as caught:
        fetch_kas(["abandoned_children"], raw_dir=tmp_path, settings=FAST, config=CONFIG)
    assert TABLE_URL in str(caught.value) and expected in str(caught.value)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@responses.activate
def test_a_timeout_is_reported_with_the_url(tmp_path: Path) -> None:
    responses.add(responses.POST, TABLE_URL, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(FetchError, match="no answer within"):
        fetch_kas(["abandoned_children"], raw_dir=tmp_path, settings=FAST, config=CONFIG)


def test_tables_without_a_known_path_stop_before_any_request() -> None:
    config = load_kas_config()
    with pytest.raises(ParameterError, match="--list 'Social welfare'"):
        fetch_kas(["adoptions"], config=config)
    with pytest.raises(ParameterError, match="not configured"):
        fetch_kas(["no_such_table"], config=config)


@responses.activate
def test_describe_and_list_help_to_check_a_mapping() -> None:
    metadata = {
        "title": "Abandoned children by Viti and Variabla",
        "variables": [
            {
                "code": "Viti",
                "text": "Year",
                "values": ["2023"],
                "valueTexts": ["2023"],
                "time": True,
            },
            {"code": "Variabla", "text": "Variable", "values": ["0"], "valueTexts": ["Abandoned"]},
        ],
    }
    responses.add(responses.GET, TABLE_URL, json=metadata)
    lines = browse_kas("abandoned_children", table=True, settings=FAST, config=CONFIG)
    assert lines == [
        "Abandoned children by Viti and Variabla",
        "Viti: Year (time): 2023=2023",
        "Variabla: Variable: 0=Abandoned",
    ]
    root = [{"dbid": "ASKdata", "text": "ASKdata"}]
    responses.add(responses.GET, BASE, json=root)
    assert browse_kas("", table=False, settings=FAST, config=CONFIG) == [
        "folder: ASKdata  (ASKdata)"
    ]
    folder = [{"id": "sw01.px", "type": "t", "text": "Abandoned children"}]
    responses.add(responses.GET, BASE + "Social%20welfare", json=folder)
    assert browse_kas("Social welfare", table=False, settings=FAST, config=CONFIG) == [
        "table: sw01.px  (Abandoned children)"
    ]


@responses.activate
def test_command_line_fetches_a_configured_table(tmp_path: Path, capsys) -> None:
    config = load_kas_config()
    births = config.tables["births"]
    answer = jsonstat({"Viti": YEARS, "Variabla": [("0", "Live births")]}, [22000, 21654, 21487])
    responses.add(responses.POST, config.url(births.path), body=as_bytes(answer))
    args = cli(["fetch", "kas", "--table", "births", "--raw-dir", str(tmp_path)])
    assert args.handler(args) == 0
    assert capsys.readouterr().out.startswith("wrote kas/births-")
    (record,) = load_registry(tmp_path)
    assert record.produced_by == "caretrends fetch kas --table births"
    observations, _ = read_kas_jsonstat(tmp_path / record.path, births)
    assert observations["indicator"].unique().tolist() == ["FT_BRTS_LIVE"]


@responses.activate
def test_command_line_all_skips_tables_without_a_path(tmp_path: Path, capsys) -> None:
    askdata = re.compile(r"https://askdata\.rks-gov\.net/api/v1/en/ASKdata/.*\.px")
    responses.add(responses.POST, askdata, status=503, body="Service Unavailable")
    args = cli(["fetch", "kas", "--all", "--retries", "0", "--raw-dir", str(tmp_path)])
    with pytest.raises(FetchError) as caught:
        args.handler(args)
    out = capsys.readouterr().out
    assert "skipped abandoned_children: no path yet" in out
    assert "HTTP 503" in str(caught.value)
