"""Each report notebook with small parameters, in Albanian: the parameters reach the
notebooks and change what they produce."""

from __future__ import annotations

import json

import pytest
import yaml

from caretrends.pipeline.prepare import prepare
from caretrends.report import load_run_config, run_report

SMALL = {
    "language": "sq",
    "parameters": {"ref_areas": ["XKX", "SRB", "MKD"]},
    "notebooks": [
        {"name": "01_data_quality", "parameters": {"coverage_indicators": ["DM_POP_TOT"]}},
        {
            "name": "02_abandonment",
            "parameters": {"start_year": 2010, "max_joinpoints": 0, "placebo_year": 2012},
        },
        {
            "name": "03_care_outcomes",
            "parameters": {"start_year": 2015, "milestones_months": [12], "horizon_months": 24},
        },
        {"name": "04_brief", "depends_on": ["02_abandonment", "03_care_outcomes"]},
    ],
}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    prepare()
    folder = tmp_path_factory.mktemp("small")
    config_path = folder / "small.yaml"
    config_path.write_text(yaml.safe_dump(SMALL), encoding="utf-8")
    result = run_report(
        load_run_config(config_path), reports_dir=folder / "reports", progress=False
    )
    return result.folder


def test_every_notebook_runs_with_small_parameters(small_run) -> None:
    manifest = json.loads((small_run / "manifest.json").read_text())
    assert {name: n["status"] for name, n in manifest["notebooks"].items()} == {
        spec["name"]: "succeeded" for spec in SMALL["notebooks"]
    }
    assert manifest["notebooks"]["02_abandonment"]["parameters"]["start_year"] == 2010


def test_the_parameters_shape_the_outputs(small_run) -> None:
    coverage = (small_run / "tables" / "coverage.csv").read_text()
    assert "ALB" not in coverage and "SRB" in coverage
    series = (small_run / "tables" / "kosovo_abandoned_per_year.csv").read_text()
    assert series.splitlines()[1].startswith("2010,")
    figures = sorted(p.name for p in (small_run / "figures").glob("*-sq.png"))
    assert "kosovo_abandoned_trend-sq.png" in figures
    alt = (small_run / "figures" / "kosovo_abandoned_trend-sq.txt").read_text(encoding="utf-8")
    assert alt.startswith("Fëmijë të braktisur në Kosovë, 2010–2024")
    key_numbers = (small_run / "tables" / "key_numbers-sq.csv").read_text(encoding="utf-8-sig")
    assert "Fëmijë të braktisur në Kosovë" in key_numbers
