"""A small reader of the JSON-stat 2.0 ``dataset`` class, the format PxWeb answers with.

JSON-stat (https://json-stat.org/format/) stores a cube as the list of its dimension ids
(``id``), their sizes (``size``), each dimension's categories (``dimension``) and the
cell values in row-major order (``value``: the last dimension varies fastest), with an
optional ``status`` per cell. This module turns such a document into a long table with
one row per cell, checking that the parts agree so that a truncated or malformed answer
is caught before anything reads it.

Why not a library: ``pyjstat`` (last release 2023) still calls ``DataFrame.append``,
removed in pandas 2, and drops the per-cell ``status``; ``pxwebpy`` speaks PxWeb API v2
only and keeps no raw bytes. The dataset class needs only the few rules written here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from caretrends.errors import DataValidationError


@dataclass(frozen=True)
class Dimension:
    """One dimension of a JSON-stat dataset."""

    #: The dimension's id (a PxWeb variable code such as ``Viti``).
    id: str
    #: Its label (``Year``).
    label: str
    #: Category codes in the cube's order.
    codes: tuple[str, ...]
    #: Category labels, aligned with ``codes`` (the code when the document gives none).
    labels: tuple[str, ...]


@dataclass(frozen=True)
class JsonStatDataset:
    """A parsed JSON-stat 2.0 dataset."""

    #: The dataset's title.
    label: str
    #: When the publisher last updated it (ISO 8601), or ``""``.
    updated: str
    #: The publisher's ``source`` text, or ``""``.
    source: str
    #: In the order of ``id``.
    dimensions: tuple[Dimension, ...]
    #: One per cell, row-major; ``None`` where the publisher gives no value.
    values: tuple[float | None, ...]
    #: One per cell: the publisher's status symbol (e.g. ``":"``), or ``None``.
    status: tuple[str | None, ...]

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with id ``dimension_id``; KeyError if there is none."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per cell: a column of category codes per dimension, then
        ``value`` (float, NaN when missing), ``status`` and ``cell`` (the cell's position
        in the value array, counting from 0)."""
        sizes = [len(d.codes) for d in self.dimensions]
        positions = np.indices(sizes).reshape(len(sizes), -1)
        frame = pd.DataFrame(
            {
                d.id: np.asarray(d.codes, dtype=object)[positions[i]]
                for i, d in enumerate(self.dimensions)
            }
        )
        frame["value"] = pd.array(
            [np.nan if v is None else v for v in self.values], dtype="float64"
        )
        frame["status"] = pd.Series(self.status, dtype="object")
        frame["cell"] = np.arange(len(frame))
        return frame


def parse_jsonstat(document: bytes | str | dict[str, Any], *, source: str) -> JsonStatDataset:
    """Parse a JSON-stat 2.0 dataset and check that its parts agree.

    Parameters
    ----------
    document : bytes, str or dict
        The response body, or the already decoded JSON object.
    source : str
        Name of the file or URL, quoted in error messages.

    Returns
    -------
    JsonStatDataset

    Raises
    ------
    DataValidationError
        When the text is not JSON, not a JSON-stat 2.0 dataset, or its ``id``, ``size``,
        categories and ``value`` do not agree (a truncated answer fails here).

    Examples
    --------
    >>> ds = parse_jsonstat(
    ...     '{"version": "2.0", "class": "dataset", "id": ["Viti", "Gjinia"],'
    ...     ' "size": [2, 1], "dimension": {"Viti": {"category": {"index": ["2023", "2024"]}},'
    ...     ' "Gjinia": {"category": {"label": {"0": "Total"}}}}, "value": [41, null],'
    ...     ' "status": {"1": ":"}}',
    ...     source="example",
    ... )
    >>> ds.to_frame()[["Viti", "Gjinia", "value", "status"]].values.tolist()
    [['2023', '0', 41.0, None], ['2024', '0', nan, ':']]
    """
    document = _decode(document, source)
    problems = _top_level_problems(document)
    if problems:
        raise DataValidationError([f"{source}: JSON-stat: {p}" for p in problems])
    ids = [str(i) for i in document["id"]]
    sizes = [int(s) for s in document["size"]]
    dimensions = tuple(
        _dimension(dimension_id, document["dimension"].get(dimension_id), size, source)
        for dimension_id, size in zip(ids, sizes, strict=True)
    )
    cells = math.prod(sizes)
    return JsonStatDataset(
        label=str(document.get("label", "")),
        updated=str(document.get("updated", "")),
        source=str(document.get("source", "")),
        dimensions=dimensions,
        values=_values(document.get("value"), cells, source),
        status=_status(document.get("status"), cells, source),
    )


def _decode(document: bytes | str | dict[str, Any], source: str) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    try:
        decoded = json.loads(document)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError([f"{source}: not valid JSON ({exc}); truncated?"]) from exc
    if not isinstance(decoded, dict):
        raise DataValidationError([f"{source}: JSON-stat: top level is not an object"])
    return decoded


def _top_level_problems(document: dict[str, Any]) -> list[str]:
    problems = []
    if document.get("class") != "dataset":
        problems.append(f"class is {document.get('class')!r}, expected 'dataset'")
    if str(document.get("version", "")) != "2.0":
        problems.append(f"version is {document.get('version')!r}, expected '2.0'")
    ids, sizes = document.get("id"), document.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        problems.append("'id' and 'size' must be lists of the same length")
    elif not all(isinstance(s, int) and s >= 0 for s in sizes):
        problems.append(f"'size' must hold non-negative integers, got {sizes}")
    if not isinstance(document.get("dimension"), dict):
        problems.append("'dimension' is missing")
    elif isinstance(ids, list):
        missing = [i for i in ids if i not in document["dimension"]]
        if missing:
            problems.append(f"dimensions {missing} are listed in 'id' but not described")
    if "value" not in document:
        problems.append("'value' is missing")
    return problems


def _dimension(dimension_id: str, body: Any, size: int, source: str) -> Dimension:
    where = f"{source}: JSON-stat: dimension {dimension_id!r}"
    category = body.get("category") if isinstance(body, dict) else None
    if not isinstance(category, dict):
        raise DataValidationError([f"{where}: no 'category'"])
    index, labels = category.get("index"), category.get("label") or {}
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        codes = [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
        if sorted(index.values()) != list(range(len(index))):
            raise DataValidationError([f"{where}: 'index' positions are not 0..{len(index) - 1}"])
    elif index is None and len(labels) == 1:
        codes = [str(next(iter(labels)))]  # the spec allows a lone category without index
    else:
        raise DataValidationError([f"{where}: no 'index' for its categories"])
    if len(codes) != size:
        raise DataValidationError([f"{where}: {len(codes)} categories but size {size}"])
    return Dimension(
        id=dimension_id,
        label=str(body.get("label", dimension_id)),
        codes=tuple(codes),
        labels=tuple(str(labels.get(code, code)) for code in codes),
    )


def _values(raw: Any, cells: int, source: str) -> tuple[float | None, ...]:
    where = f"{source}: JSON-stat: value"
    if isinstance(raw, list):
        if len(raw) != cells:
            raise DataValidationError(
                [f"{where}: {len(raw)} values for {cells} cells (truncated or malformed)"]
            )
        items = list(raw)
    elif isinstance(raw, dict):
        items = [None] * cells
        for position, value in raw.items():
            items[_position(position, cells, where)] = value
    else:
        raise DataValidationError([f"{where}: must be a list or an object"])
    bad = [v for v in items if v is not None and not _is_number(v)]
    if bad:
        raise DataValidationError([f"{where}: non-numeric values such as {bad[0]!r}"])
    return tuple(None if v is None else float(v) for v in items)


def _status(raw: Any, cells: int, source: str) -> tuple[str | None, ...]:
    where = f"{source}: JSON-stat: status"
    if raw is None:
        return (None,) * cells
    if isinstance(raw, str):
        return (raw,) * cells
    if isinstance(raw, list):
        if len(raw) == 1:
            return (raw[0],) * cells
        if len(raw) != cells:
            raise DataValidationError([f"{where}: {len(raw)} entries for {cells} cells"])
        return tuple(None if s is None else str(s) for s in raw)
    if isinstance(raw, dict):
        items: list[str | None] = [None] * cells
        for position, symbol in raw.items():
            items[_position(position, cells, where)] = str(symbol)
        return tuple(items)
    raise DataValidationError([f"{where}: must be a string, a list or an object"])


def _position(key: str, cells: int, where: str) -> int:
    try:
        position = int(key)
    except ValueError:
        position = -1
    if not 0 <= position < cells:
        raise DataValidationError([f"{where}: cell {key!r} outside 0..{cells - 1}"])
    return position


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
