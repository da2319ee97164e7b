"""Run configurations and notebook parameters: everything is checked before anything runs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretrends.errors import CaretrendsError, ParameterError
from caretrends.report import add_subcommand, load_run_config, run_report
from caretrends.report.folders import point_latest
from caretrends.report.html import embed_local_images
from caretrends.report.params import TypeSpec, parse_parameters_source, type_of_value
from tests.report_helpers import figure_notebook, write_config, write_notebook


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    """Three notebooks: two drawing figures, one brief that declares only the language."""
    folder = tmp_path / "notebooks"
    figure_notebook(folder, "trend")
    figure_notebook(folder, "care")
    write_notebook(folder, "brief", "language = 'en'\nscale: float = 1.0\n", "print(scale)")
    return folder


def config_file(tmp_path: Path, notebooks: list[dict] | None = None, **top: object) -> Path:
    """A configuration of the three notebooks (or ``notebooks``), top-level keys replaced."""
    notebooks = notebooks or [
        {"name": "trend", "parameters": {"years": [2019, 2020]}},
        {"name": "care"},
        {"name": "brief", "depends_on": ["trend", "care"]},
    ]
    top = {"language": "sq", "parameters": {"ref_areas": ["XKX", "ALB"]}} | top
    return write_config(tmp_path / "config" / "report.yaml", notebooks, **top)


def rejected(path: Path, notebooks: Path) -> str:
    with pytest.raises(ParameterError) as caught:
        load_run_config(path, notebooks_dir=notebooks)
    return str(caught.value)


# --- the parameters cell --------------------------------------------------------------


def test_parameters_cell_types_come_from_annotations_or_defaults() -> None:
    declared = parse_parameters_source(
        "# comment\nref_areas: list[str] = ['XKX']\nyears = [2015, 2016]\n"
        "threshold: float | None = None\nweights = {'a': 1, 'b': 0.5}\nflag = False\n",
        "nb.ipynb",
    )
    types = {name: str(parameter.type) for name, parameter in declared.items()}
    assert types == {
        "ref_areas": "list[str]",
        "years": "list[int]",
        "threshold": "float | None",
        "weights": "dict[str, float]",
        "flag": "bool",
    }
    assert declared["years"].default == [2015, 2016]
    assert declared["threshold"].line == 4


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("x = compute()", "must be a literal"),
        ("import os", "only `name = literal`"),
        ("x = None", "annotate its type"),
        ("x: int = 'a'", "not of its annotated type int"),
        ("x: set[int] = [1]", "unsupported parameter type"),
        ("x = b'raw'", "unsupported parameter value"),
        ("x = (", "parameters cell line 1"),
    ],
)
def test_parameters_cell_rejects_anything_but_typed_literals(source: str, complaint: str) -> None:
    with pytest.raises(ParameterError, match="nb.ipynb") as caught:
        parse_parameters_source(source, "nb.ipynb")
    assert complaint in str(caught.value)


def test_type_checks_accept_int_for_float_but_not_bool_for_int() -> None:
    assert TypeSpec("float").accepts(3)
    assert not TypeSpec("int").accepts(True)
    assert not TypeSpec("int").accepts(2.0)
    assert not TypeSpec("list", (TypeSpec("str"),)).accepts(["XKX", 1])
    assert not TypeSpec("list", (TypeSpec("str"),)).accepts("XKX")


_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(_json_like)
def test_the_type_inferred_from_a_value_accepts_that_value(value: object) -> None:
    assert type_of_value(value).accepts(value)


# --- the run configuration ---------------------------------------------------------------


def test_parameters_reach_only_the_notebooks_that_declare_them(tmp_path, notebooks) -> None:
    config = load_run_config(config_file(tmp_path), notebooks_dir=notebooks)
    assert [spec.name for spec in config.notebooks] == ["trend", "care", "brief"]
    trend = config.parameters_for("trend", run_id="R", output_dir="/out")
    assert trend == {
        "ref_areas": ["XKX", "ALB"],
        "years": [2019, 2020],
        "language": "sq",
        "output_dir": "/out",
        "run_id": "R",
    }
    assert config.parameters_for("brief", run_id="R", output_dir="/out") == {"language": "sq"}


def test_language_option_overrides_the_file(tmp_path, notebooks) -> None:
    config = load_run_config(config_file(tmp_path), notebooks_dir=notebooks, language="sr")
    assert config.parameters_for("brief", run_id="R", output_dir="/o")["language"] == "sr"
    with pytest.raises(ParameterError, match="language 'de' is not one of en, sq, sr"):
        load_run_config(config_file(tmp_path), notebooks_dir=notebooks, language="de")


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        (
            {"name": "trend", "parameters": {"yeras": [2019]}},
            "notebook trend: unknown parameter "
            "'yeras' (trend.ipynb declares: language, output_dir, pause, ref_areas, run_id, title, "
            "years)",
        ),
        (
            {"name": "trend", "parameters": {"years": ["2019"]}},
            "notebook trend: parameter 'years' must be list[int], found ['2019'] (list)",
        ),
        ({"name": "trend", "parameters": {"pause": "1"}}, "parameter 'pause' must be float"),
        ({"name": "trend", "parameters": {"title": 3}}, "parameter 'title' must be str"),
        (
            {"name": "trend", "parameters": {"output_dir": "/x"}},
            "'output_dir' is set by the runner",
        ),
        ({"name": "trend", "colour": "red"}, "notebook trend: unknown key 'colour'"),
        ({"name": "missing"}, "notebook missing: notebook file"),
        ({"name": "trend", "depends_on": ["nowhere"]}, "unknown notebook 'nowhere'"),
        ({"name": "trend", "depends_on": "care"}, "depends_on must be a list"),
    ],
)
def test_a_bad_notebook_entry_is_rejected_naming_file_notebook_and_parameter(
    tmp_path, notebooks, entry: dict, complaint: str
) -> None:
    path = config_file(tmp_path, notebooks=[entry, {"name": "care"}])
    message = rejected(path, notebooks)
    assert str(path) in message
    assert complaint in message


def test_int_is_accepted_where_a_float_is_declared(tmp_path, notebooks) -> None:
    path = config_file(
        tmp_path, notebooks=[{"name": "brief", "parameters": {"scale": 2}}], parameters={}
    )
    config = load_run_config(path, notebooks_dir=notebooks)
    assert config.parameters_for("brief", run_id="R", output_dir="/o")["scale"] == 2


@pytest.mark.parametrize(
    ("top", "complaint"),
    [
        (
            {"parameters": {"ref_area": ["XKX"]}},
            "parameters: 'ref_area' is declared by no notebook",
        ),
        ({"parameters": {"ref_areas": "XKX"}}, "notebook trend (global): parameter 'ref_areas'"),
        ({"parameters": {"language": "en"}}, "use the top-level 'language'"),
        ({"paramters": {}}, "unknown key 'paramters'"),
        ({"language": "fr"}, "language 'fr' is not one of"),
    ],
)
def test_bad_global_settings_are_rejected(tmp_path, notebooks, top: dict, complaint: str) -> None:
    assert complaint in rejected(config_file(tmp_path, **top), notebooks)


def test_an_unquoted_yaml_date_gets_a_hint(tmp_path, notebooks) -> None:
    write_notebook(notebooks, "dated", "analysis_date = '2025-12-31'\n")
    path = tmp_path / "dated.yaml"
    path.write_text("notebooks:\n  - name: dated\n    parameters: {analysis_date: 2025-12-31}\n")
    assert "(quote dates in YAML)" in rejected(path, notebooks)


def test_a_dependency_cycle_is_rejected(tmp_path, notebooks) -> None:
    path = config_file(
        tmp_path,
        notebooks=[
            {"name": "trend", "depends_on": ["brief"]},
            {"name": "care"},
            {"name": "brief", "depends_on": ["trend"]},
        ],
    )
    assert "depends_on has a cycle among trend, brief" in rejected(path, notebooks)


def test_every_problem_is_listed_at_once(tmp_path, notebooks) -> None:
    path = config_file(
        tmp_path,
        notebooks=[
            {"name": "trend", "parameters": {"yeras": [1], "title": 1}},
            {"name": "care", "parameters": {"pause": "x"}},
        ],
    )
    assert len(rejected(path, notebooks).splitlines()) == 3


def test_only_adds_what_the_chosen_notebooks_depend_on(tmp_path, notebooks) -> None:
    config = load_run_config(config_file(tmp_path), notebooks_dir=notebooks)
    assert config.select(["brief"]) == (["trend", "care", "brief"], ["trend", "care"])
    assert config.select(["care"]) == (["care"], [])
    with pytest.raises(ParameterError, match="not in the configuration: nope"):
        config.select(["nope"])


def test_an_ill_typed_run_stops_before_any_folder_is_made(tmp_path, notebooks, monkeypatch) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))  # default config and notebooks
    config_file(tmp_path, parameters={"ref_areas": [1, 2]})
    parser = argparse.ArgumentParser()
    add_subcommand(parser.add_subparsers())
    args = parser.parse_args(["run", "--only", "care"])
    with pytest.raises(ParameterError, match="'ref_areas' must be list\\[str\\]"):
        args.handler(args)
    assert not (tmp_path / "reports").exists()


def test_a_missing_kernel_stops_before_any_folder_is_made(tmp_path, notebooks) -> None:
    config = load_run_config(config_file(tmp_path), notebooks_dir=notebooks)
    reports = tmp_path / "reports"
    with pytest.raises(CaretrendsError, match="kernel 'no-such-kernel' is not registered"):
        run_report(config, reports_dir=reports, kernel_name="no-such-kernel")
    assert not reports.exists()


# --- publishing --------------------------------------------------------------------------


def test_latest_moves_forward_only(tmp_path) -> None:
    for run_id in ("20250101T000000Z-aaaaaa", "20250102T000000Z-bbbbbb"):
        (tmp_path / run_id).mkdir()
    assert point_latest(tmp_path, "20250102T000000Z-bbbbbb")
    assert not point_latest(tmp_path, "20250101T000000Z-aaaaaa")
    assert os.readlink(tmp_path / "latest") == "20250102T000000Z-bbbbbb"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".lock",
        "20250101T000000Z-aaaaaa",
        "20250102T000000Z-bbbbbb",
        "latest",
    ]


def test_latest_that_is_a_real_folder_is_not_overwritten(tmp_path) -> None:
    (tmp_path / "latest").mkdir()
    with pytest.raises(CaretrendsError, match="is not a symlink"):
        point_latest(tmp_path, "20250101T000000Z-aaaaaa")


def test_local_images_are_embedded_and_missing_ones_named(tmp_path) -> None:
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a b.png").write_bytes(b"\x89PNG")
    page = embed_local_images('<p><img alt="x" src="figures/a%20b.png"></p>', tmp_path, where="p")
    assert page == '<p><img alt="x" src="data:image/png;base64,iVBORw=="></p>'
    with pytest.raises(CaretrendsError, match="p: images not found in .*: figures/gone.png"):
        embed_local_images("<img src='figures/gone.png'>", tmp_path, where="p")
