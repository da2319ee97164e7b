"""Checks on the project itself: dependencies declared, locked and in step, clean notebooks."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import caretrends
from caretrends import paths

ROOT = paths.project_root()
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements(requirements: list[str]) -> dict[str, str]:
    """Map each requirement's normalised name to its version bounds (``pandas>=2.3``)."""
    parsed = {}
    for requirement in requirements:
        name, bounds = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
        parsed[re.sub(r"[-_.]+", "-", name).lower()] = bounds.replace(" ", "")
    return parsed


RUNTIME = _requirements(PROJECT["dependencies"])
DEVELOPMENT = _requirements(PROJECT["optional-dependencies"]["dev"])


def test_environment_yml_asks_for_the_same_packages_and_bounds_as_pyproject() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    entries = environment["dependencies"]
    pip_section = next(d["pip"] for d in entries if isinstance(d, dict))
    assert "-e ." in pip_section
    listed = [d for d in entries if isinstance(d, str)] + [d for d in pip_section if d != "-e ."]
    conda = _requirements(listed)
    conda.pop("python")
    assert conda.pop("pip") == ""
    assert conda == RUNTIME | DEVELOPMENT


def _locked() -> list[Requirement]:
    """The requirements of ``requirements.lock``, continuation lines joined, hashes dropped."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.partition("--hash=")[0] for line in text.splitlines()]
    return [Requirement(line) for line in lines if line.strip() and not line.lstrip()[:1] == "#"]


def test_the_lock_pins_every_package_once_to_one_version() -> None:
    locked = _locked()
    loose = [str(r) for r in locked if not re.fullmatch(r"==[^*,]+", str(r.specifier))]
    names = [canonicalize_name(r.name) for r in locked]
    assert loose == [], "requirements.lock: every package needs one == version (run `make lock`)"
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_the_lock_holds_every_dependency_of_pyproject_at_a_fitting_version() -> None:
    locked = {canonicalize_name(r.name): r for r in _locked()}
    declared = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["dev"]]
    disagree = []
    for wanted in map(Requirement, declared):
        pin = locked.get(canonicalize_name(wanted.name))
        if pin is None or pin.marker is not None:
            disagree.append(f"{wanted.name}: not locked for every Python and platform")
        elif not wanted.specifier.contains(next(iter(pin.specifier)).version, prereleases=True):
            disagree.append(f"{wanted.name}: locked {pin.specifier}, pyproject.toml asks {wanted}")
    assert disagree == [], "requirements.lock is behind pyproject.toml (run `make lock`)"


def test_the_tests_run_on_the_locked_versions() -> None:
    stale = [
        f"{pin.name}: installed {installed}, locked {pin.specifier}"
        for pin in _locked()
        if pin.marker is None or pin.marker.evaluate()
        if (installed := importlib.metadata.version(pin.name)) not in pin.specifier
    ]
    assert stale == [], "this environment is not the lock's (run `make venv`)"


def _imported_top_level_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names - set(sys.stdlib_module_names) - {"caretrends", "tests", "__future__"}


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in cells]
    code = [text for cell, text in zip(cells, lines, strict=True) if cell["cell_type"] == "code"]
    # IPython magics are not Python: leave their lines out of the parse.
    return "\n".join(line for text in code for line in text.splitlines() if line[:1] not in "%!")


def _undeclared(names: set[str], declared: dict[str, str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for name in sorted(names):
        owners = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(name, [name])}
        if not owners & declared.keys():
            missing.append(f"{name} (from {', '.join(sorted(owners))})")
    return missing


@pytest.mark.parametrize(
    ("folder", "pattern", "declared"),
    [
        ("src", "*.py", RUNTIME),
        ("notebooks", "*.ipynb", RUNTIME),
        ("tests", "*.py", RUNTIME | DEVELOPMENT),
        ("benchmarks", "*.py", RUNTIME | DEVELOPMENT),
    ],
)
def test_every_imported_package_is_declared(folder: str, pattern: str, declared: dict) -> None:
    names = set()
    for file in (ROOT / folder).rglob(pattern):
        text = file.read_text(encoding="utf-8")
        names |= _imported_top_level_names(_notebook_code(file) if pattern == "*.ipynb" else text)
    assert _undeclared(names, declared) == []


def test_every_module_of_the_package_imports() -> None:
    modules = pkgutil.walk_packages(caretrends.__path__, prefix="caretrends.")
    for module in modules:
        importlib.import_module(module.name)


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


def _package_modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    source = paths.PACKAGE_DIR.parent
    modules = {}
    for file in paths.PACKAGE_DIR.rglob("*.py"):
        parts = file.relative_to(source).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return modules


def _import_graph() -> dict[str, set[str]]:
    """Which package modules each module imports, at the top or inside a function."""
    modules = _package_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, file in modules.items():
        package = name if file.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            else:
                continue
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def test_the_package_has_no_import_cycle() -> None:
    graph = _import_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def cycle_from(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target] if target in path else [target]
            if target not in state and (found := cycle_from(target, [*path, target])):
                return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            assert cycle_from(module, [module]) is None


def test_only_the_command_root_imports_command_modules_and_none_the_package_face() -> None:
    graph = _import_graph()
    for module, targets in graph.items():
        if module != "caretrends.cli":
            assert not {t for t in targets if t.endswith(".cli")}, module
        if module != "caretrends":
            assert "caretrends" not in targets, module


def test_no_module_is_longer_than_450_lines() -> None:
    long = {
        name: n
        for name, file in _package_modules().items()
        if (n := len(file.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert long == {}


def test_the_command_line_and_the_package_face_start_without_the_data_stack() -> None:
    heavy = ("pandas", "numpy", "pandera", "openpyxl", "requests", "matplotlib", "papermill")
    code = (
        "import sys, caretrends, caretrends.cli; caretrends.cli.build_parser(); "
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_the_extract_command_describes_itself_as_its_function() -> None:
    from caretrends.sources.cli import EXTRACT_DESCRIPTION
    from caretrends.sources.transmonee.extract import build_transmonee_extract

    assert build_transmonee_extract.__doc__.splitlines()[0] == EXTRACT_DESCRIPTION


#: The domain's packages (what the analysis knows) and the runner (what executes notebooks).
DOMAIN = ("caretrends.cases", "caretrends.analysis", "caretrends.models", "caretrends.pipeline")
RUNNER = "caretrends.report"


def _imports_of(path: Path) -> set[str]:
    """The caretrends modules a source file imports (absolute imports, as this project
    writes them), with the package each ``from package import name`` names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("caretrends")}


def _package_files(package: str) -> list[Path]:
    folder = ROOT / "src" / Path(*package.split("."))
    return sorted(folder.rglob("*.py"))


def _within(name: str, packages: tuple[str, ...] | str) -> bool:
    packages = (packages,) if isinstance(packages, str) else packages
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_no_domain_module_imports_the_runner_and_the_runner_imports_no_domain_module() -> None:
    upward = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in DOMAIN
        for path in _package_files(package)
        for name in _imports_of(path)
        if _within(name, RUNNER)
    ]
    downward = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _package_files(RUNNER)
        for name in _imports_of(path)
        if _within(name, DOMAIN)
    ]
    assert upward == [] and downward == [], upward + downward
