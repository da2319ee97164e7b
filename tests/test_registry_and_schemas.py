"""Provenance register and the Observations schema's row-level rejects."""

from __future__ import annotations

import pandas as pd
import pytest

from caretrends import paths, provenance
from caretrends.errors import DataValidationError
from caretrends.schemas import OBSERVATIONS, validate_table


def test_bundled_raw_data_all_registered_and_unchanged() -> None:
    assert provenance.check_files(paths.raw_dir()) == []
    for record in provenance.load_registry():
        assert record.producer and record.licence and record.produced_by
        assert record.url or record.synthetic  # generated files have no public source


def test_unknown_kind_is_reported_with_entry(tmp_path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "- {path: a.csv, kind: nonsense, title: t, producer: p, url: u, obtained: o, "
        "licence: l, produced_by: b, sha256: s}\n"
    )
    with pytest.raises(DataValidationError, match="entry 1 .*unknown kind 'nonsense'"):
        provenance.load_registry(tmp_path)


def _row(**overrides: object) -> dict[str, object]:
    row = dict(
        source="s", source_table="t", ref_area="SRB", indicator="X", sex="_T", age="_T",
        unit="NUMBER", period="2018", freq="A", year=2018, value=1.0, obs_status="A", note=None,
    )  # fmt: skip
    row.update(overrides)
    return row


def test_rows_breaking_the_schema_are_rejected_with_reasons() -> None:
    frame = pd.DataFrame(
        [
            _row(),
            _row(period="2019", year=1900),
            _row(period="2020", sex="Q"),
            _row(period="2021", value=2.0),
            _row(period="2021", value=3.0),
        ]
    )
    valid, rejects = validate_table(
        frame, OBSERVATIONS, source_file="f.csv", row_numbers=pd.Series([2, 3, 4, 5, 6])
    )
    assert valid["period"].tolist() == ["2018"]
    by_row = rejects.groupby("source_row")["reason"].agg(" | ".join)
    assert "in_range" in by_row[3] and "year before the source's first year" in by_row[3]
    reasons = rejects.drop_duplicates("source_row").set_index("source_row")["reason"]
    assert "isin" in reasons[4]
    assert reasons[5].startswith("conflicting duplicate key") and reasons[6] == reasons[5]
    assert len(valid) + rejects["source_row"].nunique() == len(frame)
