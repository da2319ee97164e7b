"""Hand-edited YAML files read against a pydantic schema, every problem told in one line.

Shared by the configuration files (:mod:`caretrends.schemas.configs`) and the provenance
register ``data/raw/sources.yaml`` (:mod:`caretrends.provenance`). Light on purpose: it
imports neither pandas nor the tables' schemas, so that the report runner can load the
register.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from caretrends.errors import DataValidationError, ParameterError


class ConfigError(DataValidationError, ParameterError):
    """A configuration file cannot be read or breaks its schema (one line per problem)."""


def read_yaml(path: Path) -> object:
    """Return what the YAML file at ``path`` holds.

    Raises
    ------
    ConfigError
        Naming the file and the problem: missing, unreadable, binary, not UTF-8, or not
        valid YAML (with line and column).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read: {exc.strerror}"]) from None
    if b"\0" in data:
        raise ConfigError([f"{path}: a binary file, not YAML text"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{path}: not UTF-8 text (offset {exc.start}); save the file as UTF-8"]
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError([f"{path}: not valid YAML{where}"]) from None


def schema_problems(error: ValidationError, path: Path, model: type, where: str = "") -> list[str]:
    """Word pydantic's errors as one line per key: file, ``where``, key path, problem, value.

    Parameters
    ----------
    error : ValidationError
        Raised by ``model.model_validate``.
    path : Path
        The file, named first on every line.
    model : type
        The pydantic model (or dataclass) validated, whose keys an unknown key's line lists.
    where : str, optional
        What part of the file was validated (e.g. ``"entry 3 (a.csv): "``).

    Examples
    --------
    >>> from caretrends.schemas.configs import SourcePriorityFile
    >>> try:
    ...     SourcePriorityFile.model_validate({"priority": "KAS", "colour": 1})
    ... except ValidationError as exc:
    ...     print("\\n".join(schema_problems(exc, Path("p.yaml"), SourcePriorityFile)))
    p.yaml: key priority: Input should be a valid list, found 'KAS'
    p.yaml: key colour: unknown key (allowed: priority, tolerance)
    """
    problems: dict[str, None] = {}
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        if item["type"] in {"extra_forbidden", "unexpected_keyword_argument"}:
            parent = _model_at(model, item["loc"][:-1])
            allowed = f" (allowed: {', '.join(parent)})" if parent else ""
            problem = f"unknown key{allowed}"
        elif item["type"] == "missing":
            problem = "missing"
        else:
            problem = f"{item['msg']}, found {short(item['input'])}"
        problems[f"{path}: {where}key {key}: {problem}"] = None
    return list(problems)


def _model_at(model: type | None, location: tuple[int | str, ...]) -> list[str]:
    """Return the keys allowed at ``location`` inside ``model`` (best effort)."""
    for part in location:
        if model is None or isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(str(part))
        if field is None:  # a key of a dict: the model of its values follows
            continue
        model = _inner_model(field.annotation)
    if model is not None and dataclasses.is_dataclass(model):
        return [field.name for field in dataclasses.fields(model)]
    return list(model.model_fields) if model is not None else []


def _inner_model(annotation: object) -> type[BaseModel] | None:
    """The model inside ``dict[str, Model]`` (or ``Model`` itself)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
    return None


def short(value: object, limit: int = 60) -> str:
    """``repr`` cut to ``limit`` characters, so that a problem stays on one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
