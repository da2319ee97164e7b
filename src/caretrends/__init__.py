"""caretrends: evidence on child abandonment (ages 0-3) and alternative-care outcomes.

Use it in a notebook as ``import caretrends as ct``: ``ct.load_observations()`` gives the
tidy tables that ``caretrends prepare`` wrote; the subpackages (``ct.models``,
``ct.figures``, ``ct.cases`` …) load on first use, so the command line starts quickly.

The face a notebook uses: ``ct.load_observations``; ``ct.pipeline`` (sources, coverage,
conflicts, inferred values and rejects of the prepared data); ``ct.cases`` (the case
records); ``ct.analysis`` (the tables the report shows); ``ct.models``; ``ct.figures``;
``ct.labels``; ``ct.report`` (a run's parameters and folders); ``ct.brief`` (the brief's
key numbers, figures and documents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from caretrends._version import __version__
from caretrends.paths import processed_dir

if TYPE_CHECKING:  # pandas is imported on first use, not by ``import caretrends``
    import pandas as pd

# Subpackages load on first use (``ct.models``), so that the command line starts quickly.
__getattr__, _, _SUBPACKAGES = lazy_loader.attach(
    __name__,
    submodules=[
        "analysis",
        "brief",
        "cases",
        "disclosure",
        "figures",
        "labels",
        "models",
        "paths",
        "pipeline",
        "provenance",
        "report",
        "schemas",
        "sources",
    ],
)

__all__ = ["__version__", "load_observations", *_SUBPACKAGES]


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
    import pandas as pd

    from caretrends.pipeline.prepare import TABLES, prepare

    if table not in TABLES:
        raise ValueError(f"table {table!r}: choose one of {sorted(TABLES)}")
    prepare()
    return pd.read_parquet(processed_dir() / f"{table}.parquet")
