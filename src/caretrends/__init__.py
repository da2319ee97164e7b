"""caretrends: evidence on child abandonment (ages 0-3) and alternative-care outcomes.

Use it in a notebook as ``import caretrends as ct``: ``ct.load_observations()`` gives the
tidy tables that ``caretrends prepare`` wrote; the subpackages (``ct.models``,
``ct.figures``, ``ct.cases`` …) load on first use, so the command line starts quickly.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

import pandas as pd

from caretrends.paths import processed_dir

try:
    __version__: str = version("caretrends")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

_SUBMODULES = {
    "analysis",
    "brief",
    "cases",
    "clean",
    "disclosure",
    "figures",
    "indicators",
    "labels",
    "models",
    "paths",
    "prepare",
    "quality",
    "reconcile",
    "report",
    "schemas",
    "sources",
}

__all__ = ["__version__", "load_observations", *sorted(_SUBMODULES)]


def load_observations(table: str = "reconciled") -> pd.DataFrame:
    """Return one of the processed tables, preparing them first if they are missing or stale.

    Parameters
    ----------
    table : {"reconciled", "observations", "indicators", "rejects"}
        ``reconciled`` (default) has one row per figure, chosen by source priority, with
        conflicts flagged; ``observations`` every row of every source.

    Returns
    -------
    DataFrame
    """
    from caretrends.prepare import TABLES, prepare  # heavy: loaded when first needed

    if table not in TABLES:
        raise ValueError(f"table {table!r}: choose one of {sorted(TABLES)}")
    prepare()
    return pd.read_parquet(processed_dir() / f"{table}.parquet")


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"caretrends.{name}")
    raise AttributeError(f"module 'caretrends' has no attribute {name!r}")
