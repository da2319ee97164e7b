"""Run configurations (``config/*.yaml``): which notebooks, in which order, with which values.

A run configuration looks like::

    language: en                  # en | sq | sr
    parameters:                   # global: given to every notebook that declares them
      ref_areas: [XKX, ALB]
    notebooks:
      - name: 01_data_quality     # notebooks/01_data_quality.ipynb
        parameters: {}            # this notebook only; overrides the globals
        depends_on: []            # notebooks that must finish first

Everything is checked against the parameters each notebook declares (see
:mod:`caretrends.report.params`) when the file is loaded, so that an unknown or ill-typed
parameter stops a run before any notebook starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from caretrends import paths
from caretrends.errors import ParameterError
from caretrends.labels import LANGUAGES
from caretrends.report.params import DeclaredParameter, TypeSpec, declared_parameters

DEFAULT_CONFIG_NAME = "report.yaml"

#: Parameters the runner sets itself in every notebook that declares them.
RUNNER_PARAMETERS: tuple[str, ...] = ("language", "output_dir", "run_id")

_TOP_KEYS = frozenset({"language", "parameters", "notebooks"})
_NOTEBOOK_KEYS = frozenset({"name", "parameters", "depends_on"})


def default_config_path() -> Path:
    """Return ``config/report.yaml``, the default run: Kosovo with its neighbours."""
    return paths.config_dir() / DEFAULT_CONFIG_NAME


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of a run as configured.

    Attributes
    ----------
    name : str
        The notebook's file name without ``.ipynb``.
    path : Path
        The notebook file.
    parameters : dict
        Values configured for this notebook only.
    depends_on : tuple of str
        Notebooks that must succeed before this one starts.
    declared : dict of str to DeclaredParameter
        What the notebook's ``parameters`` cell declares.
    """

    name: str
    path: Path
    parameters: dict[str, object]
    depends_on: tuple[str, ...]
    declared: dict[str, DeclaredParameter]


@dataclass(frozen=True)
class RunConfig:
    """A loaded and checked run configuration.

    Attributes
    ----------
    path : Path
        The configuration file.
    language : str
        Language of the run (after any override).
    parameters : dict
        Global parameters.
    notebooks : tuple of NotebookSpec
        In dependency order (configured order where free).
    loaded : dict
        The file's content as loaded, for the manifest.
    """

    path: Path
    language: str
    parameters: dict[str, object]
    notebooks: tuple[NotebookSpec, ...]
    loaded: dict[str, object] = field(repr=False)

    def notebook(self, name: str) -> NotebookSpec:
        """Return the notebook called ``name``."""
        return next(spec for spec in self.notebooks if spec.name == name)

    def select(self, only: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
        """Return the notebooks to run, in dependency order, and the dependencies added.

        Parameters
        ----------
        only : iterable of str, optional
            Run just these notebooks; the notebooks they depend on are included too
            (and returned as the second item), since their results are needed.

        Raises
        ------
        ParameterError
            When ``only`` names a notebook the configuration does not have.
        """
        order = [spec.name for spec in self.notebooks]
        if only is None:
            return order, []
        wanted = list(dict.fromkeys(only))
        unknown = [name for name in wanted if name not in order]
        if unknown:
            raise ParameterError(
                f"{self.path}: --only names notebooks not in the configuration: "
                f"{', '.join(unknown)} (configured: {', '.join(order)})"
            )
        needed = set(wanted)
        stack = list(wanted)
        while stack:
            for dependency in self.notebook(stack.pop()).depends_on:
                if dependency not in needed:
                    needed.add(dependency)
                    stack.append(dependency)
        selected = [name for name in order if name in needed]
        return selected, [name for name in selected if name not in wanted]

    def parameters_for(self, name: str, *, run_id: str, output_dir: str) -> dict[str, object]:
        """Return the values passed to notebook ``name``: only what it declares.

        Globals come first, the notebook's own values override them, and the runner's
        ``language``, ``output_dir`` and ``run_id`` are added where declared.
        """
        spec = self.notebook(name)
        runner = {"language": self.language, "output_dir": output_dir, "run_id": run_id}
        values = {k: v for k, v in self.parameters.items() if k in spec.declared}
        values.update(spec.parameters)
        values.update({k: v for k, v in runner.items() if k in spec.declared})
        return values


def load_run_config(
    path: Path | None = None,
    *,
    notebooks_dir: Path | None = None,
    language: str | None = None,
) -> RunConfig:
    """Read a run configuration and check it against the notebooks it names.

    Parameters
    ----------
    path : Path, optional
        Default ``config/report.yaml``.
    notebooks_dir : Path, optional
        Where ``<name>.ipynb`` are found; default ``notebooks/``.
    language : str, optional
        Overrides the file's ``language``.

    Returns
    -------
    RunConfig

    Raises
    ------
    ParameterError
        Listing every problem, each naming the file, the notebook and the parameter: an
        unknown key or parameter, a value of the wrong type, a missing notebook file, an
        unknown name or a cycle in ``depends_on``, an unsupported language.
    """
    path = Path(path) if path is not None else default_config_path()
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    if not path.is_file():
        raise ParameterError(f"{path}: run configuration not found")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from exc
    problems: list[str] = []
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path}: expected a mapping with 'notebooks', found {loaded!r}")
    problems += [f"{path}: unknown key {key!r}" for key in sorted(set(loaded) - _TOP_KEYS)]
    language = language if language is not None else loaded.get("language", LANGUAGES[0])
    if language not in LANGUAGES:
        problems.append(f"{path}: language {language!r} is not one of {', '.join(LANGUAGES)}")
    global_values = _mapping(loaded.get("parameters"), f"{path}: parameters", problems)
    specs = _notebook_specs(loaded.get("notebooks"), path, notebooks_dir, problems)
    if problems:  # the checks below need well-formed entries
        raise ParameterError("\n".join(problems))
    problems += _dependency_problems(specs, path)
    problems += _parameter_problems(specs, global_values, path)
    if problems:
        raise ParameterError("\n".join(problems))
    return RunConfig(
        path=path,
        language=language,
        parameters=global_values,
        notebooks=tuple(_dependency_order(specs)),
        loaded=loaded,
    )


def _mapping(value: object, where: str, problems: list[str]) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        problems.append(f"{where}: expected a mapping of names to values, found {value!r}")
        return {}
    return dict(value)


def _notebook_specs(
    entries: object, path: Path, notebooks_dir: Path, problems: list[str]
) -> list[NotebookSpec]:
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path}: 'notebooks' must be a non-empty list")
        return []
    specs: list[NotebookSpec] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: notebooks entry {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(f"{where}: expected a mapping with a 'name', found {entry!r}")
            continue
        name = entry["name"]
        where = f"{path}: notebook {name}"
        problems += [f"{where}: unknown key {k!r}" for k in sorted(set(entry) - _NOTEBOOK_KEYS)]
        if any(spec.name == name for spec in specs):
            problems.append(f"{where}: configured twice")
        depends_on = entry.get("depends_on") or []
        if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
            problems.append(f"{where}: depends_on must be a list of notebook names")
            depends_on = []
        notebook = notebooks_dir / f"{name}.ipynb"
        if not notebook.is_file():
            problems.append(f"{where}: notebook file {notebook} not found")
            continue
        try:
            declared = declared_parameters(notebook)
        except ParameterError as exc:
            problems.append(f"{where}: {exc}")
            continue
        specs.append(
            NotebookSpec(
                name=name,
                path=notebook,
                parameters=_mapping(entry.get("parameters"), f"{where}: parameters", problems),
                depends_on=tuple(depends_on),
                declared=declared,
            )
        )
    return specs


def _dependency_problems(specs: list[NotebookSpec], path: Path) -> list[str]:
    names = {spec.name for spec in specs}
    problems = [
        f"{path}: notebook {spec.name}: depends_on names unknown notebook {dependency!r}"
        for spec in specs
        for dependency in spec.depends_on
        if dependency not in names
    ]
    if not problems:
        ordered = {spec.name for spec in _dependency_order(specs)}
        stuck = [spec.name for spec in specs if spec.name not in ordered]
        if stuck:
            problems.append(f"{path}: depends_on has a cycle among {', '.join(stuck)}")
    return problems


def _dependency_order(specs: list[NotebookSpec]) -> list[NotebookSpec]:
    """Order notebooks after their dependencies, keeping configured order where free.

    Notebooks caught in a cycle are left out, which is how a cycle is detected.
    """
    done: set[str] = set()
    ordered: list[NotebookSpec] = []
    progress = True
    while progress:
        progress = False
        for spec in specs:
            if spec.name not in done and set(spec.depends_on) <= done:
                ordered.append(spec)
                done.add(spec.name)
                progress = True
                break
    return ordered


def _parameter_problems(
    specs: list[NotebookSpec], global_values: Mapping[str, object], path: Path
) -> list[str]:
    problems = [
        f"{path}: parameters: {name!r} is set by the runner"
        + (" (use the top-level 'language')" if name == "language" else "")
        for name in RUNNER_PARAMETERS
        if name in global_values
    ]
    declared_anywhere = {name for spec in specs for name in spec.declared}
    problems += [
        f"{path}: parameters: {name!r} is declared by no notebook "
        f"(known: {', '.join(sorted(declared_anywhere)) or 'none'})"
        for name in global_values
        if name not in declared_anywhere and name not in RUNNER_PARAMETERS
    ]
    for spec in specs:
        where = f"{path}: notebook {spec.name}"
        for name, value in spec.parameters.items():
            if name in RUNNER_PARAMETERS:
                problems.append(f"{where}: parameter {name!r} is set by the runner")
            elif name not in spec.declared:
                known = ", ".join(sorted(spec.declared)) or "none"
                problems.append(
                    f"{where}: unknown parameter {name!r} ({spec.path.name} declares: {known})"
                )
            else:
                problems += _type_problem(where, name, value, spec.declared[name].type)
        for name, value in global_values.items():
            if name in spec.declared and name not in spec.parameters:
                problems += _type_problem(
                    f"{where} (global)", name, value, spec.declared[name].type
                )
        for name in RUNNER_PARAMETERS:  # the runner's values are strings
            if name in spec.declared and not spec.declared[name].type.accepts("text"):
                problems.append(
                    f"{where}: parameter {name!r} is set by the runner to a str, but "
                    f"{spec.path.name} declares it {spec.declared[name].type}"
                )
    return problems


def _type_problem(where: str, name: str, value: object, expected: TypeSpec) -> list[str]:
    if expected.accepts(value):
        return []
    hint = " (quote dates in YAML)" if isinstance(value, dt.date) else ""
    return [
        f"{where}: parameter {name!r} must be {expected}, "
        f"found {value!r} ({type(value).__name__}){hint}"
    ]
