"""Schemas of the configuration files under ``config/``, and their reading in one place.

Every configuration file is read by :func:`read_config`: it must be UTF-8 YAML holding a
mapping that meets its pydantic model. Unknown keys, wrong shapes and wrong types are
refused, one line per problem naming the file and the key, e.g.
``config/source_priority.yaml: key priority: must be a list, found 'KAS'``. (The run
configuration ``config/report.yaml`` has its own schema, :mod:`caretrends.report.config`.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caretrends.errors import DataValidationError, ParameterError

Model = TypeVar("Model", bound=BaseModel)


class ConfigError(DataValidationError, ParameterError):
    """A configuration file cannot be read or breaks its schema (one line per problem)."""


class _Strict(BaseModel):
    """A mapping of known keys only, values of exactly the declared types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourcePriorityFile(_Strict):
    """``config/source_priority.yaml``: which source's value the reconciled view shows."""

    priority: list[str] = Field(min_length=1)
    tolerance: float = Field(default=0.005, ge=0, lt=1)


class TransmoneeFetchFile(_Strict):
    """``config/transmonee_fetch.yaml``: what ``caretrends fetch transmonee`` asks for."""

    base_url: str
    dataflow: str
    key_order: list[str] = Field(min_length=1)
    start_period: int | None = None
    source: str
    title: str
    producer: str
    licence: str
    ref_areas: list[str] = Field(min_length=1)
    groups: dict[str, list[str]] = Field(min_length=1)


class KasFieldRule(_Strict):
    """How one Observations column comes from a KAS table (see ``config/kas_tables.yaml``)."""

    constant: str | None = None
    dimension: str | None = None
    by: Literal["code", "label"] = "code"
    map: dict[str, str] | None = None
    template: str | None = None


class KasTableEntry(_Strict):
    """One configured ASKdata table."""

    title: str | None = None
    path: str | None = None
    folder: str | None = None
    unit: str
    query: dict[str, Literal["*"] | list[str]] = {}
    fields: dict[str, KasFieldRule]
    verified: dict[str, bool] = {}


class KasTablesFile(_Strict):
    """``config/kas_tables.yaml``: the KAS tables ``caretrends fetch kas`` knows."""

    base_url: str
    source: str = "KAS ASKdata"
    producer: str = "Kosovo Agency of Statistics"
    licence: str = ""
    tables: dict[str, KasTableEntry]


def read_config(path: Path, model: type[Model]) -> Model:
    """Read a YAML configuration file and check it against ``model``.

    Raises
    ------
    ConfigError
        Naming the file and the problem: missing, unreadable, binary, not UTF-8, not
        valid YAML (with line and column), not a mapping, or one line per key that breaks
        the schema.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the configuration: {exc.strerror}"]) from None
    if b"\0" in data:
        raise ConfigError([f"{path}: a binary file, not a YAML configuration"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{path}: not UTF-8 text (offset {exc.start}); save the configuration as UTF-8"]
        ) from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError([f"{path}: not valid YAML{where}"]) from None
    if not isinstance(loaded, dict):
        raise ConfigError([f"{path}: expected a mapping of keys, found {_short(loaded)}"])
    try:
        return model.model_validate(loaded)
    except ValidationError as exc:
        raise ConfigError(config_problems(exc, path)) from None


def config_problems(error: ValidationError, path: Path) -> list[str]:
    """Word pydantic's errors as one line per key: file, key path, problem, value found.

    Examples
    --------
    >>> try:
    ...     SourcePriorityFile.model_validate({"priority": "KAS", "colour": 1})
    ... except ValidationError as exc:
    ...     print("\\n".join(config_problems(exc, Path("p.yaml"))))
    p.yaml: key priority: Input should be a valid list, found 'KAS'
    p.yaml: key colour: unknown key (allowed: priority, tolerance)
    """
    problems: dict[str, None] = {}
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            parent = _model_at(error.title, item["loc"][:-1])
            allowed = f" (allowed: {', '.join(parent)})" if parent else ""
            problem = f"unknown key{allowed}"
        elif item["type"] == "missing":
            problem = "missing"
        else:
            problem = f"{item['msg']}, found {_short(item['input'])}"
        problems[f"{path}: key {key}: {problem}"] = None
    return list(problems)


_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        SourcePriorityFile,
        TransmoneeFetchFile,
        KasFieldRule,
        KasTableEntry,
        KasTablesFile,
    )
}


def _model_at(title: str, location: tuple[int | str, ...]) -> list[str]:
    """Return the keys allowed at ``location`` of the model named ``title`` (best effort)."""
    model = _MODELS.get(title)
    for part in location:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:  # a key of a dict: the model of its values follows
            continue
        model = _inner_model(field.annotation)
    return list(model.model_fields) if model is not None else []


def _inner_model(annotation: object) -> type[BaseModel] | None:
    """The model inside ``dict[str, Model]`` (or ``Model`` itself)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
    return None


def _short(value: object, limit: int = 60) -> str:
    """``repr`` cut to ``limit`` characters, so that a problem stays on one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
