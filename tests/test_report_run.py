"""The report runner end to end on tiny notebooks: publish, fail safely, run in parallel."""

from __future__ import annotations

import argparse
import json
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from caretrends.provenance import sha256_file
from caretrends.report import ReportRunError, add_subcommand, load_run_config, run_report
from caretrends.report.browser import image_loads
from caretrends.report.execute import start_order
from caretrends.report.layout import MANIFEST_NAME, published_paths
from tests.conftest import figure_row, register, write_figures
from tests.report_helpers import figure_notebook, write_config, write_notebook


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root: three notebooks, their configuration and one registered raw file."""
    root = tmp_path_factory.mktemp("project")
    figure_notebook(root / "notebooks", "trend", pause=1.0)
    figure_notebook(root / "notebooks", "care", pause=1.0)
    write_notebook(
        root / "notebooks",
        "brief",
        "language = 'en'\n",
        "import os\nprint('brief', language)\n"
        "cache = os.environ['CARETRENDS_CASE_CACHE']\n"
        "print('case cache:', os.path.dirname(cache) == os.getcwd())\n"
        "parent = open(f'/proc/{os.getppid()}/cmdline').read()\n"
        "print('forked from the zygote:', 'caretrends.report.zygote' in parent)",
    )
    write_config(
        root / "config" / "report.yaml",
        [
            {"name": "trend", "parameters": {"years": [2019, 2020, 2021]}},
            {"name": "care"},
            {"name": "brief", "depends_on": ["trend", "care"]},
        ],
        language="sq",
        parameters={"ref_areas": ["XKX", "ALB", "SRB"]},
    )
    write_figures(root / "data" / "raw" / "kosovo" / "figures.csv", [figure_row()])
    register(root / "data" / "raw", "kosovo/figures.csv")
    return root


@pytest.fixture(scope="module")
def published(project: Path):
    """The result of running the whole configuration once."""
    config = load_run_config(
        project / "config" / "report.yaml", notebooks_dir=project / "notebooks"
    )
    return run_report(
        config,
        reports_dir=project / "reports",
        raw_dir=project / "data" / "raw",
        processed_dir=project / "data" / "processed",
        progress=False,
    )


def test_the_run_is_published_and_latest_points_to_it(published, project) -> None:
    reports = project / "reports"
    assert published.ok
    assert published.folder == reports / published.run_id
    assert os.readlink(reports / "latest") == published.run_id
    assert not list(reports.glob(".tmp-*"))
    outputs = published_paths(published.folder)
    files = set(published.folder.rglob("*"))
    for name in ("trend", "care", "brief"):
        assert {outputs.notebooks / f"{name}.ipynb", outputs.pages / f"{name}.html"} <= files
    assert {outputs.tables / "trend.csv", outputs.manifest, outputs.index} <= files
    assert len([f for f in files if f.parent == outputs.figures]) == 2
    index = outputs.index.read_text()
    for name in ("trend", "care", "brief"):
        page = (outputs.pages / f"{name}.html").relative_to(published.folder).as_posix()
        assert f'href="{page}"' in index


def test_notebooks_share_a_case_cache_inside_the_run_removed_before_publishing(
    published,
) -> None:
    executed = nbformat.read(
        published_paths(published.folder).notebooks / "brief.ipynb", as_version=4
    )
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "case cache: True" in printed
    assert not list(published.folder.glob(".case-cache*"))


def test_kernels_are_forked_from_the_runs_warm_zygote(published) -> None:
    nb = nbformat.read(published_paths(published.folder).notebooks / "brief.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))
    assert "forked from the zygote: True" in printed


def test_notebooks_on_the_longest_road_to_the_end_start_first() -> None:
    depends = {"01": (), "02": (), "03": (), "04": ("02", "03"), "05": ("04",)}

    def config(*languages: str) -> SimpleNamespace:
        return SimpleNamespace(
            notebook=lambda name: SimpleNamespace(depends_on=depends[name]),
            languages=languages,
            language=languages[0],
        )

    def order(selected, languages, seconds=None) -> list[str]:
        return ["/".join(node) for node in start_order(selected, config(*languages), seconds)]

    assert order(list(depends), ["en"]) == ["en/02", "en/03", "en/04", "en/01", "en/05"]
    assert order(["01", "02"], ["en"]) == ["en/01", "en/02"]
    # As the last run took them: every language's 02 and 03 before any 01 or 04, which
    # then run side by side at the end.
    seconds = {"01": 2.5, "02": 8.0, "03": 7.0, "04": 3.0}
    assert order(["01", "02", "03", "04"], ["en", "sq", "sr"], seconds) == [
        "en/02", "en/03", "sq/02", "sr/02", "sq/03", "sr/03",
        "en/04", "en/01", "sq/04", "sr/04", "sq/01", "sr/01",
    ]  # fmt: skip


def test_a_partial_run_is_published_beside_latest_without_moving_it(published, project) -> None:
    config = load_run_config(
        project / "config" / "report.yaml", notebooks_dir=project / "notebooks"
    )
    reports = project / "reports"
    partial = run_report(config, only=["care"], reports_dir=reports, progress=False)
    assert partial.ok and not partial.complete
    assert partial.folder == reports / partial.run_id
    assert partial.manifest["selected"] == ["care"] and partial.manifest["complete"] is False
    assert os.readlink(reports / "latest") == published.run_id
    assert published.complete and published.manifest["complete"] is True


def test_the_manifest_traces_code_inputs_parameters_and_software(published, project) -> None:
    manifest = json.loads((published.folder / MANIFEST_NAME).read_text())
    assert manifest["run_id"] == published.run_id
    assert manifest["status"] == "succeeded"
    assert manifest["started"] < manifest["finished"]
    assert set(manifest["git"]) == {"commit", "dirty"}
    assert manifest["configuration"]["parameters"] == {"ref_areas": ["XKX", "ALB", "SRB"]}
    assert manifest["language"] == "sq"
    raw = project / "data" / "raw"
    expected_inputs = [
        raw / "kosovo" / "figures.csv",
        raw / "sources.yaml",
        project / "config" / "report.yaml",
        *(project / "notebooks" / f"{name}.ipynb" for name in ("trend", "care", "brief")),
    ]
    assert manifest["inputs"] == {str(p): sha256_file(p) for p in expected_inputs}
    outputs = published_paths(published.folder)
    table = outputs.tables / "trend.csv"
    assert manifest["outputs"][table.relative_to(published.folder).as_posix()] == sha256_file(table)
    assert manifest["packages"]["papermill"] and manifest["packages"]["pandas"]
    assert manifest["kernel"]["name"] == "caretrends"
    trend, brief = manifest["notebooks"]["sq"]["trend"], manifest["notebooks"]["sq"]["brief"]
    assert trend["status"] == "succeeded" and trend["seconds"] > 0
    assert trend["parameters"]["years"] == [2019, 2020, 2021]
    assert trend["parameters"]["ref_areas"] == ["XKX", "ALB", "SRB"]
    assert trend["parameters"]["run_id"] == published.run_id
    assert brief["parameters"] == {"language": "sq"}
    assert (
        brief["notebook"]
        == (outputs.notebooks / "brief.ipynb").relative_to(published.folder).as_posix()
    )
    assert brief["html"] == (outputs.pages / "brief.html").relative_to(published.folder).as_posix()


def test_independent_notebooks_overlap_and_dependents_wait(published) -> None:
    trend, care, brief = (published.notebooks["sq", n] for n in ("trend", "care", "brief"))
    assert trend.started < care.finished and care.started < trend.finished
    assert brief.started >= max(trend.finished, care.finished)


def test_executed_notebooks_hold_no_errors_and_their_parameters(published) -> None:
    for name in ("trend", "care", "brief"):
        nb = nbformat.read(
            published_paths(published.folder).notebooks / f"{name}.ipynb", as_version=4
        )
        outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
        assert outputs and not [o for o in outputs if o.output_type == "error"]
        assert nb.metadata.papermill.parameters["language"] == "sq"


def test_html_shows_outputs_and_embedded_figures_but_no_code(published) -> None:
    page = (published_paths(published.folder).pages / "trend.html").read_text()
    assert "CODE_OUTPUT_MARKER sq" in page  # the printed output
    assert "matplotlib.use" not in page and "savefig" not in page  # the code
    assert page.count('src="data:image/png;base64,') == 2  # display() and Markdown link
    assert "<script" not in page and "cdnjs" not in page  # opens offline


def test_every_figure_loads_in_a_headless_browser(published) -> None:
    images = image_loads(published_paths(published.folder).pages / "trend.html")
    assert len(images) == 2
    assert all(image.loaded and image.width > 0 for image in images), images


def test_a_failing_notebook_keeps_latest_and_names_notebook_cell_and_error(
    published, project
) -> None:
    reports = project / "reports"
    notebooks = project / "notebooks"
    write_notebook(
        notebooks, "broken", "language = 'en'\n", "x = 1", "raise ValueError('bad data')"
    )
    write_notebook(notebooks, "after", "language = 'en'\n", "print('never')")
    path = write_config(
        project / "config" / "failing.yaml",
        [{"name": "broken"}, {"name": "after", "depends_on": ["broken"]}],
    )
    with pytest.raises(ReportRunError) as caught:
        run_report(load_run_config(path, notebooks_dir=notebooks), reports_dir=reports)
    message = str(caught.value)
    # cells: title, parameters, papermill's injected parameters, x = 1, raise
    cell = "cell 4 (In [4]) of the executed notebook `raise ValueError('bad data')`"
    assert f"broken (en): failed in {cell}: ValueError: bad data" in message
    assert "after (en): skipped, depends on broken" in message
    failed = caught.value.result.folder
    assert failed == reports / f"{caught.value.result.run_id}-failed"
    assert (published_paths(failed).notebooks / "broken.ipynb").is_file()
    assert json.loads((failed / MANIFEST_NAME).read_text())["status"] == "failed"
    assert os.readlink(reports / "latest") == published.run_id
    assert (reports / published.run_id / MANIFEST_NAME).is_file()
    assert not list(reports.glob(".tmp-*"))


def test_two_runs_at_once_from_the_command_line_do_not_collide(
    project, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("CARETRENDS_ROOT", str(project))
    parser = argparse.ArgumentParser()
    add_subcommand(parser.add_subparsers())
    reports = tmp_path / "reports"
    args = parser.parse_args(["run", "--language", "sr", "--output", str(reports)])
    before = Path.cwd()
    codes: list[int] = []
    runs = [threading.Thread(target=lambda: codes.append(args.handler(args))) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert codes == [0, 0]
    folders = sorted(p.name for p in reports.iterdir() if not p.name.startswith("."))
    assert len(folders) == 3 and folders[-1] == "latest"
    assert os.readlink(reports / "latest") == folders[1]  # the run that started last
    # papermill's cwd would change the whole process's folder from parallel threads;
    # kernels start in their run folder instead and the process stays where it was.
    assert Path.cwd() == before
    for folder in folders[:2]:
        manifest = json.loads((reports / folder / MANIFEST_NAME).read_text())
        assert manifest["selected"] == ["trend", "care", "brief"] and manifest["language"] == "sr"
        care = manifest["notebooks"]["sr"]["care"]
        assert care["parameters"]["output_dir"].endswith(f".tmp-{folder}")
