"""Checks on the project itself: dependency lists in step, notebooks without outputs."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from caretrends import paths

ROOT = paths.project_root()


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].strip().lower()


def test_environment_yml_names_the_same_packages_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in environment["dependencies"] if isinstance(d, str)}
    conda -= {"python", "pip"}
    assert conda == wanted
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_committed_notebooks_carry_no_outputs() -> None:
    dirty = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        if any(c.get("outputs") or c.get("execution_count") for c in code):
            dirty.append(notebook.name)
    assert dirty == [], f"strip outputs before committing: {dirty}"


def test_paths_do_not_depend_on_the_working_directory(tmp_path, monkeypatch) -> None:
    before = paths.raw_dir()
    monkeypatch.chdir(tmp_path)
    assert paths.raw_dir() == before
    assert paths.raw_dir().is_relative_to(ROOT)
