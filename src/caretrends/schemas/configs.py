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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caretrends.yamlfile import ConfigError, read_yaml, schema_problems, short

Model = TypeVar("Model", bound=BaseModel)


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
    loaded = read_yaml(path)
    if not isinstance(loaded, dict):
        raise ConfigError([f"{path}: expected a mapping of keys, found {short(loaded)}"])
    try:
        return model.model_validate(loaded)
    except ValidationError as exc:
        raise ConfigError(schema_problems(exc, path, model)) from None
