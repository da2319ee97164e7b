"""A run configuration is checked first, fast, by the modules that own each rule."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from caretrends import paths
from caretrends.report import load_run_config
from caretrends.report.checks import CHECKS, registered_check
from caretrends.report.params import declared_parameters
from caretrends.report.values import value_problem
from tests.report_helpers import write_config

#: Runs the command line, then says which modules it loaded: the zygote's module is only
#: imported to start the kernels' process, so its absence shows that none was started.
_RUN_AND_REPORT = """
import json, sys
from caretrends.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

#: Packages the runner must not import to check a configuration (pandas and the models).
_DOMAIN = ("caretrends.cases.load", "caretrends.analysis.headline", "caretrends.models.glm")
_DOMAIN += ("pandas", "nbformat", "jsonschema")

_PRIMARY = {"denominator": "births", "family": "quasipoisson", "first_year": "2016"}


def run_cli(*args: str) -> tuple[dict, str, float]:
    """Run ``caretrends`` in a fresh process; return its report, stderr and CPU seconds.

    CPU time (user and system), not wall time: on a loaded machine a process waits for a
    core, and that wait is not what the command costs.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_REPORT, *args], capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return json.loads(done.stdout.splitlines()[-1]), done.stderr, cpu


def refused_fast(config: Path, limit: float) -> str:
    """The one line ``caretrends run`` refuses ``config`` with, having started nothing and
    used under ``limit`` CPU seconds (the best of three runs)."""
    times = []
    for _ in range(3):
        report, error, cpu = run_cli("run", "--config", str(config))
        times.append(cpu)
        assert report["code"] == 1 and error.count("\n") == 1, error
        assert "caretrends.report.zygote" not in report["modules"]
        loaded = [m for m in report["modules"] if m.startswith(_DOMAIN)]
        assert not loaded, f"checking a configuration imported {loaded}"
    assert min(times) < limit, f"{config.name} refused in {min(times):.2f} CPU s at best"
    return error


def test_an_unknown_parameter_is_refused_in_one_line_within_half_a_second(tmp_path) -> None:
    path = write_config(
        tmp_path / "bad.yaml", [{"name": "02_abandonment", "parameters": {"max_joinpoint": 1}}]
    )
    error = refused_fast(path, 0.5)
    assert error.startswith(
        f"caretrends run: error: {path}: notebook 02_abandonment: unknown parameter "
        "'max_joinpoint' (02_abandonment.ipynb declares: campaigns, language, max_joinpoints,"
    )


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        (
            {"primary_analysis": _PRIMARY | {"last_year": "2099"}},
            "parameter 'primary_analysis' years 2016-2099 must lie inside the Kosovo series "
            "with live births, 2016-",
        ),
        (
            {"primary_analysis": _PRIMARY | {"last_year": "2024", "denominator": "population"}},
            "parameter 'primary_analysis' denominator must be one of '', 'births', "
            "found 'population'",
        ),
        (
            {"primary_analysis": _PRIMARY | {"last_year": "2024", "family": "gaussian"}},
            "parameter 'primary_analysis' family must be one of auto, poisson, quasipoisson, "
            "negbin, found 'gaussian'",
        ),
        (
            {"campaigns": [{"campaign": "save_the_babies", "start": "2015-05-15"}]},
            "parameter 'campaigns' item 1 campaign must be a campaign_name label key, found "
            "'save_the_babies' (known: care_for_me, ",
        ),
        (
            {"primary_analysis": _PRIMARY | {"last_year": "2017"}},
            "parameter 'primary_analysis' years 2016-2017 must span at least 3 years for a "
            "trend, found 2",
        ),
        (
            {"campaigns": [{"campaign": 'x"); <script>', "start": "2015-05-15"}]},
            "parameter 'campaigns' item 1 campaign must be a campaign_name label key, found "
            "'x\"); <script>'",
        ),
        (
            {"campaigns": [{"campaign": "care_for_me", "start": "2015-13-15"}]},
            "parameter 'campaigns' item 1 start must be a real date, found '2015-13-15'",
        ),
        (
            {"ref_areas": ["XKX", "KOS"]},
            "parameter 'ref_areas' item 2 must be an area code of codelists/ref_areas.csv",
        ),
    ],
)
def test_a_value_the_data_refuses_stops_the_run_within_a_second(
    tmp_path, value: dict, complaint: str
) -> None:
    path = write_config(tmp_path / "bad.yaml", [{"name": "02_abandonment", "parameters": value}])
    error = refused_fast(path, 1.0)
    assert error.startswith(f"caretrends run: error: {path}: notebook 02_abandonment: {complaint}")


def test_an_unknown_coverage_indicator_stops_the_run_within_a_second(tmp_path) -> None:
    path = write_config(
        tmp_path / "bad.yaml",
        [{"name": "01_data_quality", "parameters": {"coverage_indicators": ["DM_POP_TOT", "POP"]}}],
    )
    assert refused_fast(path, 1.0).startswith(
        f"caretrends run: error: {path}: notebook 01_data_quality: parameter "
        "'coverage_indicators' item 2 must be a known indicator code, found 'POP' (codes of "
        "data/raw/transmonee/source/CL_TMEE_INDICATORS.csv"
    )


def test_every_notebook_default_passes_its_checks() -> None:
    """The defaults of the parameters cells (``coverage_indicators`` holds DM_POP_TOT, a
    code TransMonEE's code list lacks) and of ``config/report.yaml`` mean what they must."""
    for notebook in sorted(paths.notebooks_dir().glob("*.ipynb")):
        for name, declared in declared_parameters(notebook).items():
            assert value_problem(name, declared.default, declared.type) is None, notebook.name
    load_run_config(paths.config_dir() / "report.yaml")


def test_a_case_source_is_checked_by_the_cases_package(tmp_path) -> None:
    path = write_config(
        tmp_path / "bad.yaml", [{"name": "03_care_outcomes", "parameters": {"case_source": "x"}}]
    )
    assert "parameter 'case_source' must be a case source, found 'x'" in refused_fast(path, 1.0)


def test_every_registered_check_is_found() -> None:
    for name in CHECKS:
        assert callable(registered_check(name)), name


def test_loading_the_runner_imports_no_domain_package() -> None:
    modules = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, caretrends.report.config, caretrends.report.cli;"
            "print(' '.join(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not [m for m in modules if m.startswith(("caretrends.analysis", "caretrends.cases."))]
    assert not [m for m in modules if m.startswith(("caretrends.models", "caretrends.pipeline."))]
