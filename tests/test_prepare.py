"""prepare: tables written, counts reconciled, cache reused, bad inputs refused."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from caretrends.cli import main
from caretrends.errors import DataValidationError
from caretrends.pipeline.prepare import prepare
from tests._fetch_helpers import as_bytes, jsonstat
from tests.conftest import figure_row, register, write_figures


def test_prepare_writes_tables_and_reconciled_counts(raw_dir, tmp_path) -> None:
    processed = tmp_path / "processed"
    result = prepare(raw_dir=raw_dir, processed_dir=processed)
    assert not result.reused
    (file,) = result.manifest["inputs"]
    assert (file["rows_read"], file["kept"], file["rejected"]) == (4, 3, 1)
    observations = pd.read_parquet(processed / "observations.parquet")
    assert len(observations) == 3
    assert set(observations["source_file"]) == {"kosovo/figures.csv"}
    rejects = pd.read_parquet(processed / "rejects.parquet")
    assert rejects["value"].tolist() == ["by 2011"]
    rates = pd.read_parquet(processed / "indicators.parquet")
    assert rates["value"].iloc[0] == pytest.approx(47 / 21798 * 1000)
    dictionary = (processed / "data_dictionary.md").read_text()
    assert "## observations.parquet" in dictionary and "Rows: 3" in dictionary
    assert json.loads((processed / "prepare_manifest.json").read_text()) == result.manifest


def test_second_prepare_reuses_and_a_changed_input_rebuilds(raw_dir, tmp_path) -> None:
    processed = tmp_path / "processed"
    prepare(raw_dir=raw_dir, processed_dir=processed)
    assert prepare(raw_dir=raw_dir, processed_dir=processed).reused
    write_figures(raw_dir / "kosovo/figures.csv", [figure_row(value="48")])
    register(raw_dir, "kosovo/figures.csv")
    before = {p.name: p.read_bytes() for p in processed.iterdir()}
    with pytest.raises(DataValidationError, match="figures.csv: 3 observations -> 1"):
        prepare(raw_dir=raw_dir, processed_dir=processed)  # most of a source lost: stop
    assert {p.name: p.read_bytes() for p in processed.iterdir()} == before
    rebuilt = prepare(raw_dir=raw_dir, processed_dir=processed, force=True)
    assert not rebuilt.reused
    assert rebuilt.manifest["rows"]["observations"] == 1


def test_changed_or_unregistered_files_are_refused(raw_dir, tmp_path) -> None:
    (raw_dir / "kosovo/figures.csv").write_text("tampered\n")
    (raw_dir / "stray.csv").write_text("a\n1\n")
    with pytest.raises(DataValidationError) as error:
        prepare(raw_dir=raw_dir, processed_dir=tmp_path / "processed")
    text = str(error.value)
    assert "figures.csv: sha256 differs" in text
    assert "stray.csv: not registered" in text


def test_cli_prepare_and_validate(raw_dir, tmp_path, capsys) -> None:
    processed = str(tmp_path / "processed")
    assert main(["prepare", "--raw-dir", str(raw_dir), "--processed-dir", processed]) == 0
    assert "read 4, kept 3, rejected 1" in capsys.readouterr().out
    assert main(["validate", "--raw-dir", str(raw_dir)]) == 0
    out = capsys.readouterr().out
    assert "row 5: column period" in out
    assert main(["validate", "--raw-dir", str(raw_dir), "--strict"]) == 1
    (raw_dir / "kosovo/figures.csv").write_text("changed\n")
    assert main(["prepare", "--raw-dir", str(raw_dir), "--processed-dir", processed]) == 1
    assert "sha256 differs" in capsys.readouterr().err


def test_kas_jsonstat_files_go_through_prepare_with_counts_reconciled(raw_dir, tmp_path) -> None:
    document = jsonstat(
        {"Viti": [("2023", "2023"), ("2024", "2024")], "Variabla": [("0", "Live births")]},
        [21654, None],
        status={"1": ":"},
    )
    (raw_dir / "kas").mkdir()
    (raw_dir / "kas" / "births.json").write_bytes(as_bytes(document))
    register(raw_dir, "kas/births.json", kind="kas-jsonstat", extra={"kas_table": "births"})
    result = prepare(raw_dir=raw_dir, processed_dir=tmp_path / "processed")
    kas_file = next(f for f in result.manifest["inputs"] if f["kind"] == "kas-jsonstat")
    assert kas_file["rows_read"] == kas_file["kept"] + kas_file["rejected"] == 2
