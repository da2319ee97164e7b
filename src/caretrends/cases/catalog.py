"""Column-name and category-value catalogs in English, Albanian and Serbian (Latin).

The catalogs are YAML files in ``caretrends/cases/catalogs/``. Names and values are
compared after :func:`normalise_name`, so ``"Data e lindjes"``, ``"DATA_E_LINDJES"`` and
``"data e lindjës"`` are the same column. Anything not in a catalog is reported by the
caller, never guessed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from caretrends.errors import DataValidationError

_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")

#: Canonical name of the column group of direct identifiers in ``columns.yaml``.
IDENTIFIERS = "identifiers"


def normalise_name(text: str) -> str:
    """Return ``text`` folded for matching: no case, diacritics, spaces or punctuation.

    Serbian ``đ`` (often typed ``dj`` or ``d`` on keyboards without it) is read as ``d``
    everywhere, so the three spellings of *rođenja* meet.

    Examples
    --------
    >>> normalise_name("Datum rođenja")
    'datumrodenja'
    >>> normalise_name("  DATUM_RODJENJA ")
    'datumrodenja'
    >>> normalise_name("Data e lindjës") == normalise_name("data e lindjes")
    True
    """
    folded = text.casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub("", bare).replace("dj", "d")


@cache
def load_catalog(name: str) -> dict:
    """Return a catalog of the package (``columns.yaml`` or ``values.yaml``), parsed once."""
    text = (
        resources.files("caretrends.cases").joinpath("catalogs").joinpath(name).read_text("utf-8")
    )
    return yaml.safe_load(text)


def _synonym_index(groups: dict[str, dict[str, list[str]]], what: str) -> dict[str, str]:
    """Map each normalised synonym to its code; raise when one synonym has two codes."""
    index: dict[str, str] = {}
    clashes = []
    for code, languages in groups.items():
        for synonyms in languages.values():
            for synonym in synonyms:
                key = normalise_name(str(synonym))
                if index.setdefault(key, str(code)) != str(code):
                    clashes.append(f"{what}: {synonym!r} means both {index[key]!r} and {code!r}")
    if clashes:
        raise DataValidationError(clashes)
    return index


@cache
def column_index(kind: str) -> dict[str, str]:
    """Return normalised column name -> canonical column (or ``"identifiers"``) for ``kind``.

    Raises
    ------
    DataValidationError
        When ``kind`` has no catalog, or a name means two columns.
    """
    catalog = load_catalog("columns.yaml")
    if kind not in catalog or kind == IDENTIFIERS:
        known = sorted(k for k in catalog if k != IDENTIFIERS)
        raise DataValidationError([f"kind {kind!r}: no column catalog (known: {known})"])
    groups = {IDENTIFIERS: catalog[IDENTIFIERS], **catalog[kind]}
    return _synonym_index(groups, f"columns.yaml: {kind}")


@cache
def value_index(column: str) -> dict[str, str]:
    """Return normalised value -> code for a categorical column."""
    return _synonym_index(load_catalog("values.yaml")[column], f"values.yaml: {column}")


# Cells this short are also compared with the missing markers after normalise_name.
_SHORT_CELL = 8


@cache
def _raw_markers() -> frozenset[str]:
    return frozenset({"", *(str(m).lower() for m in load_catalog("values.yaml")["missing"])})


@cache
def missing_markers() -> frozenset[str]:
    """Return the normalised cell texts that mean "no value" (plus the empty string)."""
    return frozenset({"", *(normalise_name(m) for m in load_catalog("values.yaml")["missing"])})


@dataclass(frozen=True)
class ColumnMatch:
    """How the columns of one file map onto a catalog."""

    #: Source column -> canonical column, for the columns the project keeps.
    renames: dict[str, str]
    #: Source columns holding direct identifiers (dropped).
    identifiers: list[str]
    #: Source columns matching nothing (dropped), each described by :func:`unknown_column`,
    #: never by its text.
    unknown: list[str]


def match_columns(columns: list[str], kind: str, *, source_file: str) -> ColumnMatch:
    """Match the column names of a file against the catalog of ``kind``.

    Raises
    ------
    DataValidationError
        When two columns of the file mean the same canonical column.
    """
    index = column_index(kind)
    renames: dict[str, str] = {}
    identifiers, unknown = [], []
    for position, column in enumerate(columns, start=1):
        canonical = index.get(normalise_name(str(column)))
        if canonical is None:
            unknown.append(unknown_column(position, str(column)))
        elif canonical == IDENTIFIERS:
            identifiers.append(str(column))
        else:
            renames[str(column)] = canonical
    seen: dict[str, str] = {}
    problems = []
    for column, canonical in renames.items():
        if canonical in seen:
            problems.append(
                f"{source_file}: columns {seen[canonical]!r} and {column!r} both mean {canonical!r}"
            )
        seen.setdefault(canonical, column)
    if problems:
        raise DataValidationError(problems)
    return ColumnMatch(renames, identifiers, unknown)


def unknown_column(position: int, header: str) -> str:
    """Describe a column the catalog does not know by its position and a fingerprint of its
    header, never by the header itself (one may read ``Kontakt <name> <phone>``).

    The fingerprint is the first six hex digits of the header's sha256: whoever has the
    file can tell which column is meant, and with 16.7 million values, any guessed set
    of names and numbers larger than that fits a fingerprint many times over.

    Examples
    --------
    >>> unknown_column(7, "Hobby")
    'column 7 (unknown, fingerprint b848f7)'
    """
    digest = hashlib.sha256(header.strip().encode("utf-8")).hexdigest()
    return f"column {position} (unknown, fingerprint {digest[:6]})"


@dataclass(frozen=True)
class Distinct:
    """The distinct cell texts of a column, so that each is parsed once, not once per row."""

    #: For each cell, the position of its text in ``array``; -1 for a missing cell.
    codes: np.ndarray
    #: Each distinct text, stripped; null where it is a missing marker.
    array: pa.Array

    @classmethod
    def of(cls, values: pd.Series) -> Distinct:
        """Factorise ``values``, reading blank cells and missing markers as missing.

        Missing markers are matched in any case; short cells (where a marker could hide
        behind extra spaces, dots or diacritics) are also compared with
        :func:`normalise_name`. The work is done in Arrow, one pass per column.
        """
        arrow = pa.array(values, type=pa.string(), from_pandas=True)
        if isinstance(arrow, pa.ChunkedArray):
            arrow = arrow.combine_chunks()
        encoded = arrow.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        texts = pc.utf8_trim_whitespace(encoded.dictionary)
        marker = pc.is_in(pc.utf8_lower(texts), value_set=pa.array(sorted(_raw_markers())))
        short = np.flatnonzero(pc.utf8_length(texts).to_numpy() <= _SHORT_CELL)
        marker = np.asarray(marker.to_numpy(zero_copy_only=False), dtype=bool)
        candidates = texts.take(pa.array(short, type=pa.int64())).to_pylist()
        marker[short] |= np.array(
            [normalise_name(t) in missing_markers() for t in candidates], bool
        )
        return cls(codes, pc.if_else(pa.array(marker), pa.scalar(None, pa.string()), texts))

    @cached_property
    def texts(self) -> list[str | None]:
        """Each distinct text, stripped; None where it is a missing marker."""
        return self.array.to_pylist()

    def text_series(self, per_text: list[str | None] | pa.Array, index: pd.Index) -> pd.Series:
        """Spread one text (or None) per distinct text over the cells, as a ``str`` Series.

        Done in Arrow: building a million-row string column from Python objects is slow.
        """
        dictionary = pa.concat_arrays(
            [pa.array(per_text, type=pa.string()), pa.nulls(1, pa.string())]
        )
        if not len(self.codes):
            return pd.Series([], index=index, dtype="str")
        positions = np.where(self.codes < 0, len(per_text), self.codes)
        return pd.Series(pd.array(dictionary.take(pa.array(positions)), dtype="str"), index=index)

    def categorical(self, per_text: list[str | None] | pa.Array, index: pd.Index) -> pd.Series:
        """Spread one text (or None) per distinct text over the cells, as a category Series.

        Holds one small integer per cell: taking rows out of it copies no text, so a
        cleaner can drop rows first and turn the rest into ``str`` once
        (:func:`category_strings` gives what :meth:`text_series` would).
        """
        encoded = pa.array(per_text, type=pa.string()).dictionary_encode()
        per_distinct = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        codes = np.append(per_distinct, -1).astype(np.int32)[self.codes]
        categories = pd.Index(pd.array(encoded.dictionary, dtype="str"))
        return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=index)

    def missing(self) -> np.ndarray:
        """Return True for each missing cell."""
        nulls = np.asarray(self.array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        return np.append(nulls, True)[self.codes]


def category_strings(values: pd.Series) -> pd.Series:
    """Return a category Series of text as a ``str`` Series (missing stays missing).

    Done in Arrow: pandas' own ``astype("str")`` goes through a Python object per cell.
    """
    codes = values.cat.codes.to_numpy()
    categories = pa.array(values.cat.categories.array, type=pa.string())
    taken = categories.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="str"), index=values.index, name=values.name)


def match_values(values: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Translate the category values of ``column`` into codes, one lookup per distinct value.

    Parameters
    ----------
    values : Series of str
        Cell text, missing cells as NA.
    column : str
        The canonical column whose value catalog applies.

    Returns
    -------
    codes : Series of str
        The code of each cell, NA where missing or unknown.
    unknown : Series of bool
        True where a cell holds text that is not in the catalog.

    Examples
    --------
    >>> codes, unknown = match_values(pd.Series(["Femër", "ž", " M ", "x", None]), "sex")
    >>> codes.tolist(), unknown.tolist()
    (['F', 'F', 'M', nan, nan], [False, False, False, True, False])
    """
    cells, looked_up = distinct_codes(values, column)
    result = cells.text_series(looked_up, values.index)
    return result, pd.Series(result.isna().to_numpy() & ~cells.missing(), index=values.index)


def distinct_codes(values: pd.Series, column: str) -> tuple[Distinct, list[str | None]]:
    """Return the distinct texts of ``values`` and the code of each (None: missing or unknown).

    The work of :func:`match_values` before the codes are spread over the cells.
    """
    cells = Distinct.of(values)
    index = value_index(column)
    return cells, [None if t is None else index.get(normalise_name(t)) for t in cells.texts]


def value_codes(column: str) -> list[str]:
    """Return the codes of a categorical column, in catalog order.

    Examples
    --------
    >>> value_codes("sex")
    ['F', 'M']
    """
    return [str(code) for code in load_catalog("values.yaml")[column]]
