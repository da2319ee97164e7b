"""Bad input to `caretrends run` is refused, naming file and key in one line, before it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from caretrends.cli import main
from caretrends.errors import ParameterError
from caretrends.report import check_parameters, load_run_config
from caretrends.report.config import DEFAULT_EXECUTION_TIMEOUT, RunFile, schema_problems
from tests.report_helpers import write_config, write_notebook

PARAMETERS = (
    "ref_areas: list[str] = ['XKX']\n"
    "analysis_date: str = '2025-12-31'\n"
    "campaigns: list[dict[str, str]] = [{'campaign': 'care_for_me', 'start': '2013-05-15'}]\n"
    "max_joinpoints: int = 1\n"
    "start_year: int = 2008\n"
    "milestones_months: list[int] = [12]\n"
    "case_source: str = 'auto'\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with one notebook declaring parameters that have a meaning."""
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    write_notebook(tmp_path / "notebooks", "dated", PARAMETERS, "print(analysis_date)")
    return tmp_path


def refused(project: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line on ``config``; return its error, having checked nothing ran."""
    assert main(["run", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert not (project / "reports").exists()
    return captured.err


@pytest.mark.parametrize(
    ("parameters", "complaint"),
    [
        (
            {"analysis_date": "01.06.2025"},
            "parameter 'analysis_date' must be a date written YYYY-MM-DD, found '01.06.2025'",
        ),
        ({"analysis_date": "2025-02-30"}, "parameter 'analysis_date' must be a real date"),
        (
            {
                "campaigns": [
                    {"campaign": "care_for_me", "start": "2013-05-15"},
                    {"campaign": "i_give_hope", "start": "15/05/2015"},
                ]
            },
            "parameter 'campaigns' item 2 start must be a date written YYYY-MM-DD",
        ),
        ({"max_joinpoints": -5}, "parameter 'max_joinpoints' must be from 0 to 3, found -5"),
        ({"start_year": 1800}, "parameter 'start_year' must be from 1989 to"),
        (
            {"milestones_months": [12, 0]},
            "parameter 'milestones_months' item 2 must be from 1 to 240, found 0",
        ),
        ({"case_source": "real"}, "parameter 'case_source' must be a case source, found 'real'"),
        (
            {"ref_areas": ["XKX", "ALB BIH"]},
            "parameter 'ref_areas' item 2 must be an area code of codelists/ref_areas.csv, "
            "found 'ALB BIH' (one per list item; known: ALB, ",
        ),
        ({"ref_areas": []}, "parameter 'ref_areas' must not be empty"),
    ],
)
def test_a_value_without_meaning_is_refused_before_anything_runs(
    project, capsys, parameters: dict, complaint: str
) -> None:
    path = write_config(project / "bad.yaml", [{"name": "dated", "parameters": parameters}])
    error = refused(project, path, capsys)
    assert error.startswith(f"caretrends run: error: {path}: notebook dated: {complaint}")
    assert error.count("\n") == 1


def test_the_default_configuration_bounds_every_cell_by_15_minutes() -> None:
    assert load_run_config().execution_timeout == DEFAULT_EXECUTION_TIMEOUT == 900


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("colour: red\nnotebooks: [{name: dated}]\n", ": unknown key 'colour' (allowed: "),
        (
            "notebooks: [{name: dated, paramters: {}}]\n",
            ": notebook dated: unknown key 'paramters' "
            "(allowed: name, parameters, depends_on, writes)",
        ),
        ("notebooks: []\n", ": notebooks must be a non-empty list of notebook entries"),
        ("notebooks: [dated]\n", ": notebooks entry 1: must be a mapping with a 'name'"),
        ("notebooks: [{depends_on: []}]\n", ": notebooks entry 1: missing key 'name'"),
        ("language: en\n", ": missing key 'notebooks'"),
        ("parameters: [1]\nnotebooks: [{name: dated}]\n", ": parameters must be a mapping"),
        ("execution_timeout: 0\nnotebooks: [{name: dated}]\n", ": execution_timeout must be"),
        ("execution_timeout: '9'\nnotebooks: [{name: dated}]\n", ": execution_timeout must be"),
        ("language: 1\nnotebooks: [{name: dated}]\n", ": language must be one of en, sq, sr"),
        ("- 1\n", ": expected a mapping with 'notebooks', found [1]"),
        ("notebooks: [\n", ": not valid YAML at line 2, column 1: "),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_in_one_line(
    project, capsys, text: str, complaint: str
) -> None:
    path = project / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    error = refused(project, path, capsys)
    assert error.startswith(f"caretrends run: error: {path}{complaint}")
    assert error.count("\n") == 1


_keys = st.sampled_from(["language", "parameters", "notebooks", "name", "depends_on", "x", 3])
_yaml_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _yaml_like, max_size=5))
def test_any_malformed_file_is_worded_one_line_per_problem(loaded: dict) -> None:
    try:
        RunFile.model_validate(loaded)
    except ValidationError as error:
        problems = schema_problems(error, loaded, Path("run.yaml"))
        assert problems and all(p.startswith("run.yaml: ") and "\n" not in p for p in problems)


@pytest.mark.parametrize(
    "name",
    ["../notebooks/dated", "/abs/notebooks/dated", "dated.ipynb", ".dated", "sub/dated", ""],
)
def test_a_notebook_name_must_be_a_plain_file_name(project, capsys, name: str) -> None:
    path = write_config(project / "bad.yaml", [{"name": name}])
    error = refused(project, path, capsys)
    assert error.startswith(
        f"caretrends run: error: {path}: notebooks entry 1: name must be the plain name of a "
        "notebook file in notebooks/"
    )
    assert repr(name) in error


def test_several_problems_are_listed_one_per_line_each_naming_the_file(project, capsys) -> None:
    path = write_config(
        project / "bad.yaml",
        [{"name": "dated", "parameters": {"max_joinpoints": 9}}, {"name": "../x"}],
        colour="red",
    )
    lines = refused(project, path, capsys).splitlines()
    assert len(lines) == 2 and all(f"{path}: " in line for line in lines)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("language: caf\xe9\nnotebooks: [{name: dated}]\n".encode("latin-1"), "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file, not a YAML run configuration"),
    ],
)
def test_a_file_that_is_not_utf8_text_is_refused_in_one_line(
    project, capsys, content: bytes, complaint: str
) -> None:
    path = project / "bad.yaml"
    path.write_bytes(content)
    error = refused(project, path, capsys)
    assert error.startswith(f"caretrends run: error: {path}: {complaint}")
    assert error.count("\n") == 1


def test_a_notebook_file_that_is_no_notebook_is_refused_in_one_line(project, capsys) -> None:
    (project / "notebooks" / "broken.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = write_config(project / "bad.yaml", [{"name": "broken"}])
    error = refused(project, path, capsys)
    assert error.startswith(
        f"caretrends run: error: {path}: notebook broken: "
        f"{project / 'notebooks' / 'broken.ipynb'}: not a readable notebook: "
    )
    assert error.count("\n") == 1


def test_a_folder_given_as_configuration_is_refused(project, capsys) -> None:
    assert "run configuration is not a file" in refused(project, project, capsys)


def test_a_notebook_checks_the_meaning_of_its_own_parameters(project) -> None:
    values = {"ref_areas": ["XKX"], "analysis_date": "2025-31-12", "max_joinpoints": 4}
    values |= {"campaigns": [], "start_year": 2010, "milestones_months": [12]}
    values |= {"case_source": "auto"}
    with pytest.raises(ParameterError) as caught:
        check_parameters("dated", values, notebooks_dir=project / "notebooks")
    assert str(caught.value) == (
        "dated.ipynb: parameter 'analysis_date' must be a real date, found '2025-31-12' "
        "(month must be in 1..12); dated.ipynb: parameter 'campaigns' must not be empty; "
        "dated.ipynb: parameter 'max_joinpoints' must be from 0 to 3, found 4"
    )
