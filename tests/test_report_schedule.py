"""The scheduled run: every language in one run, nothing redone when nothing changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caretrends.cli import main
from caretrends.report.cli import EXIT_UP_TO_DATE
from caretrends.report.digest import input_digest
from caretrends.report.layout import MANIFEST_NAME, published_paths
from tests.report_helpers import figure_notebook, write_config, write_notebook

#: Runs ``caretrends run`` in a fresh process, then says which heavy modules it imported.
_WHOLE_PROCESS = """\
import sys
from caretrends.cli import main
code = main(sys.argv[1:])
print("IMPORTED", [m for m in ("pandas", "papermill", "nbformat") if m in sys.modules])
sys.exit(code)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root with two notebooks in two languages and one raw file."""
    figure_notebook(tmp_path / "notebooks", "trend")
    write_notebook(tmp_path / "notebooks", "brief", "language = 'en'\n", "print(language)")
    write_config(
        tmp_path / "config" / "report.yaml",
        [{"name": "trend"}, {"name": "brief", "depends_on": ["trend"]}],
        languages=["en", "sq"],
    )
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "figures.csv").write_text("year,value\n2024,23\n")
    monkeypatch.setenv("CARETRENDS_ROOT", str(tmp_path))
    return tmp_path


def _run(project: Path, *options: str) -> tuple[int, str, float]:
    """``caretrends run`` as a whole process: its exit code, its output and its seconds."""
    command = [sys.executable, "-c", _WHOLE_PROCESS, "run", "--config"]
    command += [str(project / "config" / "report.yaml"), "--output", str(project / "reports")]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, *options], capture_output=True, text=True, env=os.environ, check=False
    )
    return done.returncode, done.stdout, time.perf_counter() - started


def _runs(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "reports").iterdir() if p.name[0].isdigit())


def test_one_run_writes_every_language_with_one_manifest(project, capsys) -> None:
    config = str(project / "config" / "report.yaml")
    assert main(["run", "--config", config, "--output", str(project / "reports")]) == 0
    assert "published report" in capsys.readouterr().out
    latest = project / "reports" / "latest"
    manifest = json.loads((latest / MANIFEST_NAME).read_text())
    assert manifest["languages"] == ["en", "sq"] and list(manifest["notebooks"]) == ["en", "sq"]
    for lang in ("en", "sq"):
        outputs = published_paths(latest, lang)
        assert (outputs.pages / "trend.html").is_file()
        index = outputs.language_index.read_text(encoding="utf-8")
        other = "sq" if lang == "en" else "en"
        assert f'href="index-{other}.html"' in index  # the language switch
        assert manifest["run_id"] in index.split("<footer>")[1]
    assert manifest["changes"] == json.loads((latest / "changes.json").read_text())
    assert manifest["changes"]["previous"] is None
    assert "there is no earlier report" in (latest / "index.html").read_text(encoding="utf-8")


def test_running_twice_with_nothing_changed_publishes_once(project) -> None:
    code, out, _ = _run(project)
    assert code == 0 and out.startswith("published report")
    first = _runs(project)
    code, out, seconds = _run(project)
    manifest = json.loads((project / "reports" / "latest" / MANIFEST_NAME).read_text())
    assert code == 0 and _runs(project) == first
    line = out.splitlines()[0]
    assert line.startswith(f"up to date with {first[0]} ({manifest['finished'][:10]})")
    # The check loads no analysis stack: a fraction of a second, whatever the machine.
    assert "IMPORTED []" in out, out
    print(f"up-to-date run: {seconds:.2f} s as a whole process")
    code, out, _ = _run(project, "--exit-code")
    assert code == EXIT_UP_TO_DATE and out.startswith("up to date with")
    code, out, _ = _run(project, "--force")
    assert code == 0 and out.startswith("published report") and len(_runs(project)) == 2


def test_a_changed_raw_file_reruns(project) -> None:
    assert _run(project)[0] == 0
    raw = project / "data" / "raw" / "figures.csv"
    raw.write_text("year,value\n2024,25\n")
    code, out, _ = _run(project)
    assert code == 0 and out.startswith("published report")
    assert "raw files 1," in out


def test_the_digest_covers_raw_files_configuration_notebooks_code_and_lock(project) -> None:
    config = project / "config" / "report.yaml"
    notebook = project / "notebooks" / "trend.ipynb"
    digest = input_digest(config_path=config, notebooks=[notebook], languages=["en"])
    assert set(digest.files) == {"raw", "private", "code", "config", "notebooks", "lock"}
    assert "data/raw/figures.csv" in digest.files["raw"]
    assert any(path.endswith("report/digest.py") for path in digest.files["code"])
    assert digest.files["lock"] == {"requirements.lock": "missing"}
    assert (
        digest.value
        == input_digest(config_path=config, notebooks=[notebook], languages=["en"]).value
    )
    other = input_digest(config_path=config, notebooks=[notebook], languages=["en", "sq"])
    assert other.value != digest.value
    (project / "requirements.lock").write_text("pandas==2.2.3\n")
    locked = input_digest(config_path=config, notebooks=[notebook], languages=["en"])
    assert locked.value != digest.value


def test_the_workflow_restores_the_previous_report_before_the_one_command() -> None:
    import yaml

    workflow = Path(__file__).parents[1] / ".github" / "workflows" / "scheduled-report.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["report"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    runs = [step.get("run", "") for step in steps]
    restore = uses.index("actions/cache/restore@v4")
    assert steps[restore]["with"]["path"] == "reports"
    assert restore < runs.index("make report") < uses.index("actions/cache/save@v4")
