"""Data-quality summaries on tiny frames."""

from __future__ import annotations

import pandas as pd

from caretrends import provenance
from caretrends.pipeline import quality


def _obs(area: str, year: int, value: float | None, indicator: str = "X") -> dict:
    return {"ref_area": area, "indicator": indicator, "age": "_T", "sex": "_T", "year": year,
            "value": value}  # fmt: skip


def test_coverage_counts_years_and_gaps_and_ignores_missing_values() -> None:
    frame = pd.DataFrame(
        [_obs("ALB", 2010, 1), _obs("ALB", 2012, 1), _obs("ALB", 2013, None), _obs("SRB", 2011, 2)]
    )
    table = quality.coverage(frame).set_index("ref_area")
    assert table.loc["ALB", ["first_year", "last_year", "years", "missing_years"]].tolist() == [
        2010,
        2012,
        2,
        1,
    ]
    assert quality.coverage(frame, ref_areas=["SRB"])["ref_area"].tolist() == ["SRB"]


def test_coverage_grid_marks_missing_cells() -> None:
    frame = pd.DataFrame([_obs("ALB", 2010, 1), _obs("SRB", 2011, 2), _obs("SRB", 2010, None)])
    grid = quality.coverage_grid(frame, indicator="X")
    assert grid.loc["ALB"].tolist() == [1, 0]
    assert grid.loc["SRB"].tolist() == [0, 1]


def test_conflicts_inferred_and_rejects_summary() -> None:
    reconciled = pd.DataFrame(
        [
            {**_obs("XKX", 2016, 41), "period": "2016", "source": "KAS", "conflict": True,
             "alternatives": "MPMS [x]: 36", "obs_status": "A", "note": ""},
            {**_obs("XKX", 2014, 33), "period": "2014", "source": "inferred", "conflict": False,
             "alternatives": "", "obs_status": "E", "note": "inferred, not published: ..."},
        ]
    )  # fmt: skip
    assert quality.conflicts(reconciled)["alternatives"].tolist() == ["MPMS [x]: 36"]
    assert quality.inferred(reconciled)["period"].tolist() == ["2014"]
    rejects = pd.DataFrame(
        {"source_file": "f", "source_row": [3, 3, 4], "column": "period", "value": "x",
         "reason": "bad"}
    )  # fmt: skip
    assert quality.rejects_summary(rejects)["rows"].tolist() == [2]


def test_source_table_lists_every_record() -> None:
    records = provenance.load_registry()
    table = quality.source_table(records)
    assert len(table) == len(records) and table["licence"].str.len().gt(0).all()
