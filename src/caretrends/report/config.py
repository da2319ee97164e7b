"""Run configurations (``config/*.yaml``): which notebooks, in which order, with which values.

A run configuration looks like::

    languages: [en, sq, sr]       # every language, one run; default all three
    execution_timeout: 900        # seconds any one cell may run; default 15 minutes
    parameters:                   # global: given to every notebook that declares them
      ref_areas: [XKX, ALB]
    notebooks:
      - name: 01_data_quality     # notebooks/01_data_quality.ipynb
        parameters: {}            # this notebook only; overrides the globals
        depends_on: []            # notebooks that must finish first
        writes: []                # tables it writes into the run's data/ (see below)

``writes`` declares the machine-readable tables a notebook writes (``data/<name>.csv``,
:mod:`caretrends.report.layout`): the runner fails the notebook if one is missing, and
the notebooks that read them (:func:`caretrends.report.read_table`) depend on it.

The file's shape is a pydantic schema (:class:`RunFile`); every value is then checked
against the parameters each notebook declares (see :mod:`caretrends.report.params`) and
against what it must mean (see :mod:`caretrends.report.values`, and the checks the domain
modules register in :mod:`caretrends.report.checks`) when the file is loaded, so that a bad
file or value stops a run before any process starts. Loading it imports neither pandas
nor nbformat nor a domain package: a bad file is told in a fraction of a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from caretrends import paths
from caretrends.errors import ParameterError
from caretrends.labels import LANGUAGES
from caretrends.report.dependencies import dependency_order, dependency_problems
from caretrends.report.params import DeclaredParameter, declared_parameters
from caretrends.report.values import value_problem

DEFAULT_CONFIG_NAME = "report.yaml"

#: Parameters the runner sets itself in every notebook that declares them.
RUNNER_PARAMETERS: tuple[str, ...] = ("language", "output_dir", "run_id")

#: Seconds one cell may run before its notebook fails (papermill's ``execution_timeout``).
DEFAULT_EXECUTION_TIMEOUT = 15 * 60

#: A notebook is named by its file name in ``notebooks/`` without ``.ipynb``: no folders.
NOTEBOOK_NAME = re.compile(r"[A-Za-z0-9][\w-]*", re.ASCII)


def _empty_when_none(kind: type) -> BeforeValidator:
    """Read a key written with no value (``parameters:``) as empty, as YAML users expect."""
    return BeforeValidator(lambda value: kind() if value is None else value)


def _plain_notebook_name(name: str) -> str:
    if not NOTEBOOK_NAME.fullmatch(name):
        raise ValueError("not a plain notebook name")
    return name


class NotebookEntry(BaseModel):
    """One entry of ``notebooks`` as written in a run configuration."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, AfterValidator(_plain_notebook_name)]
    parameters: Annotated[dict[str, Any], _empty_when_none(dict)] = Field(default_factory=dict)
    depends_on: Annotated[list[str], _empty_when_none(list)] = Field(default_factory=list)
    writes: Annotated[
        list[Annotated[str, AfterValidator(_plain_notebook_name)]], _empty_when_none(list)
    ] = Field(default_factory=list)


class RunFile(BaseModel):
    """The schema of a run configuration file: keys, shapes and types, nothing more."""

    model_config = ConfigDict(extra="forbid", strict=True)

    language: str | None = None  # one language: an older spelling of ``languages: [x]``
    languages: list[str] | None = Field(None, min_length=1)
    execution_timeout: int = Field(DEFAULT_EXECUTION_TIMEOUT, gt=0)
    parameters: Annotated[dict[str, Any], _empty_when_none(dict)] = Field(default_factory=dict)
    notebooks: list[NotebookEntry] = Field(min_length=1)


#: How each key must look, for messages: pydantic's own wording names no YAML terms.
_EXPECTED: dict[str, str] = {
    "language": f"must be one of {', '.join(LANGUAGES)}",
    "languages": f"must be a non-empty list of {', '.join(LANGUAGES)}",
    "execution_timeout": "must be a whole number of seconds above 0",
    "parameters": "must be a mapping of parameter names to values",
    "notebooks": "must be a non-empty list of notebook entries (each a mapping with a 'name')",
    "name": (
        "must be the plain name of a notebook file in notebooks/, without folder or "
        "'.ipynb' (letters, digits, '_' and '-')"
    ),
    "depends_on": "must be a list of notebook names",
    "writes": "must be a list of plain table names (letters, digits, '_' and '-')",
}


def default_config_path() -> Path:
    """Return ``config/report.yaml``, the default run: Kosovo with its neighbours."""
    return paths.config_dir() / DEFAULT_CONFIG_NAME


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of a run as configured."""

    #: The notebook file.
    path: Path
    #: Values configured for this notebook only.
    parameters: dict[str, object]
    #: Notebooks that must succeed before this one starts.
    depends_on: tuple[str, ...]
    #: What the notebook's ``parameters`` cell declares.
    declared: dict[str, DeclaredParameter]
    #: The machine-readable tables it writes into the run's ``data/``.
    writes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The notebook's file name without ``.ipynb``."""
        return self.path.stem


@dataclass(frozen=True)
class RunConfig:
    """A loaded and checked run configuration."""

    #: The configuration file.
    path: Path
    #: The run's languages (after any override), the first the index's.
    languages: tuple[str, ...]
    #: Global parameters.
    parameters: dict[str, object]
    #: In dependency order (configured order where free).
    notebooks: tuple[NotebookSpec, ...]
    #: The file's content as loaded, for the manifest.
    loaded: dict[str, object] = field(repr=False)
    #: Seconds one cell may run before its notebook fails.
    execution_timeout: int = DEFAULT_EXECUTION_TIMEOUT

    @property
    def language(self) -> str:
        """The run's first language: its front page's."""
        return self.languages[0]

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

    def parameters_for(
        self, name: str, *, run_id: str, output_dir: str, lang: str | None = None
    ) -> dict[str, object]:
        """Return the values passed to notebook ``name`` in ``lang`` (default the first
        language): only what it declares.

        Globals come first, the notebook's own values override them, and the runner's
        ``language``, ``output_dir`` and ``run_id`` are added where declared.
        """
        spec = self.notebook(name)
        runner = {"language": lang or self.language, "output_dir": output_dir, "run_id": run_id}
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
        Narrows the run to this language (``--language``), whatever the file's
        ``languages``.

    Returns
    -------
    RunConfig

    Raises
    ------
    ParameterError
        One line per problem, each naming the file and the key, notebook or parameter: a
        file that is no UTF-8 YAML, an unknown key, a value of the wrong shape or type or
        meaning, a notebook name that is not a plain name, a missing notebook file, an
        unknown name or a cycle in ``depends_on``, an unsupported language.
    """
    path = Path(path) if path is not None else default_config_path()
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else paths.notebooks_dir()
    loaded = read_yaml(path)
    try:
        run_file = RunFile.model_validate(loaded)
    except ValidationError as exc:
        raise ParameterError("\n".join(schema_problems(exc, loaded, path))) from None
    problems: list[str] = []
    if run_file.language is not None and run_file.languages is not None:
        problems.append(f"{path}: give 'languages' or 'language', not both")
    if language is not None:
        languages = [language]
    elif run_file.languages is not None:
        languages = run_file.languages
    else:
        languages = [run_file.language] if run_file.language else list(LANGUAGES)
    problems += [
        f"{path}: language {code!r} is not one of {', '.join(LANGUAGES)}"
        for code in languages
        if code not in LANGUAGES
    ]
    if len(set(languages)) < len(languages):
        problems.append(f"{path}: languages names a language twice: {', '.join(languages)}")
    specs = _notebook_specs(run_file.notebooks, path, notebooks_dir, problems)
    if problems:  # the checks below need every notebook's declarations
        raise ParameterError("\n".join(problems))
    problems += dependency_problems(specs, path)
    problems += _parameter_problems(specs, run_file.parameters, path)
    if problems:
        raise ParameterError("\n".join(problems))
    return RunConfig(
        path=path,
        languages=tuple(languages),
        parameters=run_file.parameters,
        notebooks=tuple(dependency_order(specs)),
        loaded=loaded,
        execution_timeout=run_file.execution_timeout,
    )


def read_yaml(path: Path) -> dict[str, object]:
    """Read a YAML file as text in UTF-8, or say in one line why it cannot be.

    Raises
    ------
    ParameterError
        Naming the file and the problem: missing, unreadable, binary, not UTF-8, not valid
        YAML (with line and column), or not a mapping.
    """
    if not path.is_file():
        missing = "not found" if not path.exists() else "is not a file"
        raise ParameterError(f"{path}: run configuration {missing}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read the run configuration: {exc.strerror}") from None
    if b"\0" in data:
        raise ParameterError(f"{path}: a binary file, not a YAML run configuration")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"{path}: not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); "
            "save the run configuration as UTF-8"
        ) from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML{_yaml_where(exc)}") from None
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path}: expected a mapping with 'notebooks', found {_short(loaded)}")
    return loaded


def _yaml_where(exc: yaml.YAMLError) -> str:
    """``at line L, column C: problem`` from a YAML error, on one line."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{where}: {problem}"


def schema_problems(error: ValidationError, loaded: dict[str, object], path: Path) -> list[str]:
    """Word pydantic's errors as one line per problem naming the file and key.

    Each problem names where it is (``notebook <name>``, or ``notebooks entry <n>`` for an
    entry without a usable name), the key, what the key must be, and the value found.
    Several errors inside one key (two bad items of one list) make one line.
    """
    problems: dict[str, None] = {}
    for item in error.errors():
        location = item["loc"]
        schema, container, where, key = RunFile, loaded, [str(path)], location[0]
        if location[0] == "notebooks" and len(location) > 1 and isinstance(location[1], int):
            schema, container = NotebookEntry, loaded["notebooks"][location[1]]
            where.append(_entry_name(container, location[1]))
            key = location[2] if len(location) > 2 else None
        if item["type"] in ("extra_forbidden", "invalid_key"):
            problem = f"unknown key {key!r} (allowed: {', '.join(schema.model_fields)})"
        elif item["type"] == "missing":
            problem = f"missing key {key!r}"
        elif key is None:
            problem = f"must be a mapping with a 'name', found {_short(container)}"
        else:
            problem = f"{key} {_EXPECTED[str(key)]}, found {_short(container[key])}"
        problems[": ".join([*where, problem])] = None
    return list(problems)


def _entry_name(entry: object, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(name, str) and NOTEBOOK_NAME.fullmatch(name):
        return f"notebook {name}"
    return f"notebooks entry {index + 1}"


def _short(value: object, limit: int = 80) -> str:
    """``repr`` cut to ``limit`` characters, so that a problem stays on one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _notebook_specs(
    entries: list[NotebookEntry], path: Path, notebooks_dir: Path, problems: list[str]
) -> list[NotebookSpec]:
    specs: list[NotebookSpec] = []
    for entry in entries:
        where = f"{path}: notebook {entry.name}"
        if any(spec.name == entry.name for spec in specs):
            problems.append(f"{where}: configured twice")
        notebook = notebooks_dir / f"{entry.name}.ipynb"
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
                path=notebook,
                parameters=entry.parameters,
                depends_on=tuple(entry.depends_on),
                declared=declared,
                writes=tuple(entry.writes),
            )
        )
    return specs


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
                problems += _value_problem(where, name, value, spec.declared[name])
        for name, value in global_values.items():
            if name in spec.declared and name not in spec.parameters:
                problems += _value_problem(f"{where} (global)", name, value, spec.declared[name])
        for name in RUNNER_PARAMETERS:  # the runner's values are strings
            if name in spec.declared and not spec.declared[name].type.accepts("text"):
                problems.append(
                    f"{where}: parameter {name!r} is set by the runner to a str, but "
                    f"{spec.path.name} declares it {spec.declared[name].type}"
                )
    return problems


def _value_problem(where: str, name: str, value: object, declared: DeclaredParameter) -> list[str]:
    problem = value_problem(name, value, declared.type)
    return [] if problem is None else [f"{where}: {problem}"]
