"""Kosovo Agency of Statistics tables from ASKdata (PxWeb API v1) as Observations.

ASKdata answers a POST of a selection (``{"query": [...], "response": {"format":
"json-stat2"}}``) to a table's URL with the cube as JSON-stat 2.0; a GET on the same URL
gives the table's variables and values, and a GET on a folder lists what it holds. How
each table's variables become Observations columns is configured per table in
``config/kas_tables.yaml`` (:func:`load_kas_config`); the HTTP side lives in
:mod:`caretrends.sources.fetch`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from caretrends import paths
from caretrends.errors import DataValidationError, ParameterError
from caretrends.provenance import SourceRecord
from caretrends.schemas import (
    OBSERVATION_COLUMNS,
    OBSERVATIONS,
    REJECT_COLUMNS,
    empty_rejects,
    validate_table,
)
from caretrends.schemas.configs import KasTablesFile, read_config
from caretrends.sources.cells import parse_period
from caretrends.sources.jsonstat import JsonStatDataset, parse_jsonstat
from caretrends.sources.settings import KAS_CONFIG_NAME

#: Observations columns that each table's mapping must say how to fill.
MAPPED_FIELDS: tuple[str, ...] = ("ref_area", "indicator", "sex", "age", "period")

#: Value of ``query`` that selects every value of a variable.
ALL_VALUES = "*"


@dataclass(frozen=True)
class FieldRule:
    """How one Observations column is filled from a table.

    Either ``constant``, or the categories of ``dimension`` looked up in ``map`` (by code,
    or by label when ``by == "label"``), else ``template`` filled with ``{code}`` and
    ``{label}``; with neither map nor template the category itself is the value.
    """

    constant: str | None = None
    dimension: str | None = None
    by: str = "code"
    map: Mapping[str, str] = field(default_factory=dict)
    template: str | None = None

    def resolve(self, code: str, label: str) -> str | None:
        """Return the column value for one category, or None when the mapping has none.

        Examples
        --------
        >>> rule = FieldRule(dimension="Mosha", by="label", map={"Total": "_T"},
        ...                  template="Y{label}")
        >>> rule.resolve("0", "Total"), rule.resolve("7", "6")
        ('_T', 'Y6')
        >>> FieldRule(dimension="Gjinia", map={"1": "M"}).resolve("3", "Other") is None
        True
        """
        key = label if self.by == "label" else code
        if key in self.map:
            return self.map[key]
        if self.template is not None:
            return self.template.format(code=code, label=label)
        return None if self.map else key


@dataclass(frozen=True)
class KasTable:
    """One configured ASKdata table (see ``config/kas_tables.yaml``)."""

    key: str
    title: str
    path: str | None
    unit: str
    query: Mapping[str, list[str] | str]
    fields: Mapping[str, FieldRule]
    folder: str = ""
    verified: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class KasConfig:
    """The ASKdata service and its configured tables."""

    base_url: str
    source: str
    producer: str
    licence: str
    tables: Mapping[str, KasTable]

    def table(self, name: str) -> KasTable:
        """Return the table configured under key ``name``, or whose ``path`` is ``name``.

        Raises
        ------
        ParameterError
            When no table matches; the message lists the configured keys.
        """
        if name in self.tables:
            return self.tables[name]
        for table in self.tables.values():
            if table.path is not None and table.path.strip("/") == name.strip("/"):
                return table
        raise ParameterError(
            f"KAS table {name!r} is not configured in {KAS_CONFIG_NAME}; "
            f"configured: {', '.join(sorted(self.tables))}"
        )

    def url(self, path: str) -> str:
        """Return the API URL of a table or folder path (each segment percent-encoded)."""
        return self.base_url.rstrip("/") + "/" + "/".join(quote(s) for s in path.split("/") if s)


def load_kas_config(path: Path | None = None) -> KasConfig:
    """Read ``config/kas_tables.yaml`` and check every table's mapping.

    Raises
    ------
    ParameterError
        Naming the file, table and field of every problem found.
    """
    path = path or paths.config_dir() / KAS_CONFIG_NAME
    document = read_config(path, KasTablesFile).model_dump(exclude_unset=True)
    tables, problems = {}, []
    for key, entry in (document.get("tables") or {}).items():
        try:
            tables[key] = _table(key, entry or {})
        except (TypeError, ValueError, KeyError) as exc:
            problems.append(f"{path}: table {key}: {exc}")
    if problems:
        raise ParameterError("; ".join(problems))
    return KasConfig(
        base_url=str(document["base_url"]),
        source=str(document.get("source", "KAS ASKdata")),
        producer=str(document.get("producer", "Kosovo Agency of Statistics")),
        licence=str(document.get("licence", "")),
        tables=tables,
    )


def _table(key: str, entry: dict[str, Any]) -> KasTable:
    fields = entry.get("fields") or {}
    missing = [name for name in MAPPED_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"fields {missing} are not mapped")
    rules = {name: _rule(name, fields[name] or {}) for name in MAPPED_FIELDS}
    query = {
        str(code): values if values == ALL_VALUES else [str(v) for v in values]
        for code, values in (entry.get("query") or {}).items()
    }
    return KasTable(
        key=key,
        title=str(entry.get("title", key)),
        path=entry.get("path"),
        unit=str(entry["unit"]),
        query=query,
        fields=rules,
        folder=str(entry.get("folder") or ""),
        verified={str(k): bool(v) for k, v in (entry.get("verified") or {}).items()},
    )


def _rule(name: str, entry: dict[str, Any]) -> FieldRule:
    if ("constant" in entry) == ("dimension" in entry):
        raise ValueError(f"field {name}: give exactly one of 'constant' and 'dimension'")
    if entry.get("by", "code") not in {"code", "label"}:
        raise ValueError(f"field {name}: 'by' must be 'code' or 'label'")
    rule = FieldRule(
        constant=None if entry.get("constant") is None else str(entry["constant"]),
        dimension=None if entry.get("dimension") is None else str(entry["dimension"]),
        by=str(entry.get("by", "code")),
        map={str(k): str(v) for k, v in (entry.get("map") or {}).items()},
        template=entry.get("template"),
    )
    if rule.template is not None:
        rule.template.format(code="0", label="0")  # a bad placeholder fails here, not later
    return rule


def pxweb_query(table: KasTable) -> dict[str, Any]:
    """Return the PxWeb v1 POST body selecting ``table.query``, answered as JSON-stat 2.

    Examples
    --------
    >>> table = KasTable("t", "T", "a/t.px", "NUMBER", {"Viti": ["2024"], "Variabla": "*"}, {})
    >>> pxweb_query(table)["query"][1]
    {'code': 'Variabla', 'selection': {'filter': 'all', 'values': ['*']}}
    """
    selections = [
        {
            "code": code,
            "selection": {"filter": "all", "values": ["*"]}
            if values == ALL_VALUES
            else {"filter": "item", "values": list(values)},
        }
        for code, values in table.query.items()
    ]
    return {"query": selections, "response": {"format": "json-stat2"}}


def check_kas_jsonstat(path: Path) -> JsonStatDataset:
    """Check that a fetched file is a complete JSON-stat dataset with at least one value.

    Raises
    ------
    DataValidationError
        On malformed or truncated JSON-stat, or an answer without a single value.
    """
    dataset = parse_jsonstat(Path(path).read_bytes(), source=str(path))
    if not any(value is not None for value in dataset.values):
        raise DataValidationError([f"{path}: empty result: the answer holds no value"])
    return dataset


def read_kas_jsonstat(
    path: Path, table: KasTable, *, source: str = "KAS ASKdata"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a fetched ASKdata JSON-stat file into Observations through its table mapping.

    Every cell becomes one observation (``value`` NaN and ``obs_status`` ``M`` where KAS
    gives none, its status symbol in ``note``), or one reject row per reason: a category
    the mapping does not cover, a period that cannot be parsed, or a schema failure.
    ``source_row`` in rejects is the cell's position in the JSON-stat value array.

    Parameters
    ----------
    path : Path
        The JSON-stat file.
    table : KasTable
        Its mapping (from :func:`load_kas_config`).
    source : str
        The ``source`` of every observation.

    Returns
    -------
    observations, rejects : DataFrame
        :data:`caretrends.schemas.OBSERVATIONS` rows and
        :data:`caretrends.schemas.REJECT_COLUMNS` rows.

    Raises
    ------
    DataValidationError
        When the file is not JSON-stat, a mapped dimension is not in it, or a dimension
        with several categories feeds no column (its cells would collide).
    """
    dataset = parse_jsonstat(Path(path).read_bytes(), source=str(path))
    _check_dimensions(dataset, table, path)
    cells = dataset.to_frame()
    columns: dict[str, pd.Series] = {}
    rejects = []
    for name in MAPPED_FIELDS:
        columns[name], unmapped = _map_field(name, table, dataset, cells, path)
        rejects.append(unmapped)
    periods = {text: _period(text) for text in columns["period"].dropna().unique()}
    parsed = columns["period"].map(lambda t: periods.get(t) if pd.notna(t) else None)
    bad_period = parsed.map(lambda p: isinstance(p, str))
    unparsed = cells.loc[bad_period, ["cell"]].assign(period=columns["period"][bad_period])
    rejects.append(_rejects(path, unparsed, "period", parsed[bad_period]))
    keep = ~bad_period & pd.concat(columns, axis=1).notna().all(axis=1)
    frame = _observations(cells[keep], {k: v[keep] for k, v in columns.items()}, parsed[keep])
    frame.insert(0, "source_table", table.path or table.key)
    frame.insert(0, "source", source)
    frame["unit"] = table.unit
    frame = frame[OBSERVATION_COLUMNS]
    valid, schema_rejects = validate_table(
        frame, OBSERVATIONS, source_file=str(path), row_numbers=cells.loc[keep, "cell"]
    )
    all_rejects = pd.concat([*rejects, schema_rejects], ignore_index=True)
    return valid, all_rejects[REJECT_COLUMNS]


def _map_field(
    name: str, table: KasTable, dataset: JsonStatDataset, cells: pd.DataFrame, path: Path
) -> tuple[pd.Series, pd.DataFrame]:
    """One Observations column for every cell (NA where unmapped), and the rejects."""
    rule = table.fields[name]
    if rule.constant is not None:
        return pd.Series(rule.constant, index=cells.index, dtype="object"), empty_rejects()
    dimension = dataset.dimension(str(rule.dimension))
    categories = list(zip(dimension.codes, dimension.labels, strict=True))
    resolved = {code: rule.resolve(code, label) for code, label in categories}
    column = cells[dimension.id].map(resolved)
    reasons = {
        code: f"{dimension.id} category {code!r} ({label}) has no {name} in "
        f"{KAS_CONFIG_NAME} [{table.key}]"
        for code, label in categories
    }
    unmapped = cells.loc[column.isna(), ["cell", dimension.id]]
    return column, _rejects(path, unmapped, dimension.id, unmapped[dimension.id].map(reasons))


def _check_dimensions(dataset: JsonStatDataset, table: KasTable, path: Path) -> None:
    ids = [d.id for d in dataset.dimensions]
    used = {rule.dimension for rule in table.fields.values() if rule.dimension}
    problems = [
        f"{path}: table {table.key}: dimension {d!r} of {KAS_CONFIG_NAME} is not in the "
        f"answer, which has {ids}"
        for d in sorted(used - set(ids))
    ]
    problems += [
        f"{path}: table {table.key}: dimension {d.id!r} ({d.label}) has {len(d.codes)} "
        f"categories but no Observations column comes from it; select one value in "
        f"'query' or map it in {KAS_CONFIG_NAME}"
        for d in dataset.dimensions
        if d.id not in used and len(d.codes) > 1
    ]
    if problems:
        raise DataValidationError(problems)


def _period(text: str) -> Any:
    """The parsed period, or the reason it cannot be parsed (a str)."""
    try:
        return parse_period(text)
    except ValueError as exc:
        return str(exc)


def _observations(
    cells: pd.DataFrame, columns: dict[str, pd.Series], periods: pd.Series
) -> pd.DataFrame:
    status = cells["status"]
    remark = periods.map(lambda p: p.remark)
    note = status.map(lambda s: f"KAS status symbol {s!r}" if isinstance(s, str) else "")
    note = (note + "; " + remark).str.strip("; ")
    return pd.DataFrame(
        {
            "ref_area": columns["ref_area"],
            "indicator": columns["indicator"],
            "sex": columns["sex"],
            "age": columns["age"],
            "period": periods.map(lambda p: p.code),
            "freq": periods.map(lambda p: p.freq),
            "year": periods.map(lambda p: p.year),
            "value": cells["value"],
            "obs_status": cells["value"].isna().map({True: "M", False: "A"}),
            "note": note.where(note != "", None),
        }
    )


def _rejects(path: Path, cells: pd.DataFrame, column: str, reasons: pd.Series) -> pd.DataFrame:
    """Reject rows for ``cells`` (with columns ``cell`` and ``column``), one per reason."""
    return pd.DataFrame(
        {
            "source_file": str(path),
            "source_row": cells["cell"].to_numpy(),
            "column": column,
            "value": cells[column].astype(str).to_numpy(),
            "reason": reasons.astype(str).to_numpy(),
        },
        columns=REJECT_COLUMNS,
    )


def describe_table(document: bytes, url: str) -> list[str]:
    """Summarise a table's PxWeb metadata (the answer to a GET on its URL), one line each.

    Raises
    ------
    DataValidationError
        When the answer is not PxWeb table metadata.
    """
    meta = _json(document, url)
    variables = meta.get("variables") if isinstance(meta, dict) else None
    if not isinstance(variables, list):
        raise DataValidationError([f"{url}: not PxWeb table metadata (no 'variables')"])
    lines = [f"{meta.get('title', '')}"]
    for variable in variables:
        pairs = zip(variable.get("values", []), variable.get("valueTexts", []), strict=False)
        shown = ", ".join(f"{code}={text}" for code, text in pairs)
        flags = " (time)" if variable.get("time") else ""
        flags += " (can be eliminated)" if variable.get("elimination") else ""
        lines.append(f"{variable.get('code')}: {variable.get('text')}{flags}: {shown}")
    return lines


def describe_folder(document: bytes, url: str) -> list[str]:
    """List a PxWeb folder (the answer to a GET on a folder URL): one entry per line.

    Folders are marked ``/`` and tables ``.px``. ASKdata's root names its databases with
    ``dbid`` where other levels use ``id``, so both are read.
    """
    entries = _json(document, url)
    if not isinstance(entries, list):
        raise DataValidationError([f"{url}: not a PxWeb folder listing"])
    lines = []
    for entry in entries:
        name = entry.get("id") or entry.get("dbid") or ""
        kind = "table" if entry.get("type") == "t" else "folder"
        lines.append(f"{kind}: {name}  ({entry.get('text', '')})")
    return lines


def _json(document: bytes, url: str) -> Any:
    try:
        return json.loads(document)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError([f"{url}: answer is not JSON ({exc})"]) from exc


def read_kas_record(
    record: SourceRecord, raw_dir: Path | None = None, config: KasConfig | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a registered ``kas-jsonstat`` file through the mapping its record names.

    ``caretrends fetch kas`` stores the table key in ``record.extra["kas_table"]``.

    Raises
    ------
    DataValidationError
        When the record names no configured table.
    """
    config = config or load_kas_config()
    key = record.extra.get("kas_table", "")
    if key not in config.tables:
        raise DataValidationError(
            [f"{record.path}: extra.kas_table {key!r} is not a table of {KAS_CONFIG_NAME}"]
        )
    path = (raw_dir or paths.raw_dir()) / record.path
    return read_kas_jsonstat(path, config.tables[key], source=config.source)
