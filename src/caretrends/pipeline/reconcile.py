"""Several sources for one figure: keep every row, choose one by priority, flag conflicts.

A *figure* is one combination of :data:`FIGURE_KEY`. The reconciled view has one row per
figure with the chosen value and source, how many sources gave it, whether they disagree,
and the alternatives as text. Multi-year totals can fill a single missing year, marked as
inferred (``obs_status`` ``E``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from caretrends import paths
from caretrends.schemas import OBSERVATION_KEY
from caretrends.schemas.configs import SourcePriorityFile, read_config

#: The columns that say which figure a row is (the source columns excluded).
FIGURE_KEY: list[str] = [c for c in OBSERVATION_KEY if c not in ("source", "source_table")]

#: Columns the reconciled view adds to the Observations columns.
RECONCILE_COLUMNS: list[str] = ["n_sources", "conflict", "alternatives"]

#: ``source`` of values inferred from published totals.
INFERRED_SOURCE = "caretrends (inferred from published totals)"


@dataclass(frozen=True)
class ReconcileRules:
    """How to choose between sources."""

    #: Sources, most trusted first; unlisted sources rank after them.
    priority: tuple[str, ...]
    #: Relative difference under which two values count as the same.
    tolerance: float = 0.005

    @classmethod
    def from_yaml(cls, path: Path | None = None) -> ReconcileRules:
        """Read the rules from ``config/source_priority.yaml`` (or ``path``), checked
        against :class:`~caretrends.configs.SourcePriorityFile`."""
        path = path or paths.config_dir() / "source_priority.yaml"
        config = read_config(path, SourcePriorityFile)
        return cls(tuple(config.priority), config.tolerance)


def reconcile(observations: pd.DataFrame, rules: ReconcileRules) -> pd.DataFrame:
    """Return one row per figure, chosen by source priority, with conflict flags.

    Ties in priority (two publications of one source) go to the row that comes first.

    Parameters
    ----------
    observations : DataFrame
        Observations from any number of sources.
    rules : ReconcileRules

    Returns
    -------
    DataFrame
        The chosen rows (Observations columns) plus ``n_sources`` (rows giving the
        figure), ``conflict`` (True when their values differ beyond the tolerance) and
        ``alternatives`` (``source [table]: value`` of the rows not chosen).

    Examples
    --------
    >>> obs = pd.DataFrame({"source": ["AiBi", "MPMS"], "source_table": ["a", "b"],
    ...     "ref_area": "XKX", "indicator": "X", "sex": "_T", "age": "_T",
    ...     "unit": "NUMBER", "period": "2010", "freq": "A", "year": 2010,
    ...     "value": [51.0, 52.0], "obs_status": "A", "note": ""})
    >>> row = reconcile(obs, ReconcileRules(("MPMS", "AiBi"))).iloc[0]
    >>> row["source"], float(row["value"]), bool(row["conflict"]), row["alternatives"]
    ('MPMS', 52.0, True, 'AiBi [a]: 51')
    """
    rank = {source: position for position, source in enumerate(rules.priority)}
    ranked = observations.assign(
        _rank=observations["source"].map(rank).fillna(len(rank)),
        _order=np.arange(len(observations)),
    ).sort_values(["_rank", "_order"], kind="stable")
    groups = ranked.groupby(FIGURE_KEY, sort=False, dropna=False)
    chosen = groups.head(1).set_index(FIGURE_KEY)
    spread = groups["value"].agg(["min", "max", "size"])
    scale = spread[["min", "max"]].abs().max(axis=1).replace(0, 1)
    conflict = (spread["max"] - spread["min"]) / scale > rules.tolerance
    ranked["_label"] = (
        ranked["source"] + " [" + ranked["source_table"] + "]: " + ranked["value"].map(_number)
    )
    alternatives = ranked[~ranked.index.isin(groups.head(1).index)].groupby(FIGURE_KEY)["_label"]
    result = chosen.assign(
        n_sources=spread["size"],
        conflict=conflict,
        alternatives=alternatives.agg("; ".join),
    )
    result["alternatives"] = result["alternatives"].fillna("")
    return result.reset_index()[[*observations.columns, *RECONCILE_COLUMNS]]


def _number(value: float) -> str:
    return f"{value:g}" if pd.notna(value) else "missing"


def infer_from_totals(reconciled: pd.DataFrame) -> pd.DataFrame:
    """Fill single missing years from published multi-year totals; return the new rows.

    A total over ``start/end`` (``freq`` ``P``) whose years all have an annual figure but
    one gives that year as the total minus the others. Inferred values can themselves
    complete another total, so the rule is applied until nothing changes. Each inferred
    row has ``obs_status`` ``E``, source :data:`INFERRED_SOURCE` and a note with the
    arithmetic; a negative remainder is not inferred (the sources disagree).

    Parameters
    ----------
    reconciled : DataFrame
        The output of :func:`reconcile` (one row per figure).

    Returns
    -------
    DataFrame
        Only the inferred rows, in the reconciled layout (empty when none).
    """
    annual = reconciled[reconciled["freq"] == "A"]
    known = {
        (*key, int(year)): value
        for *key, year, value in annual[[*_SERIES_KEY, "year", "value"]].itertuples(index=False)
        if pd.notna(value)
    }
    totals = reconciled[
        (reconciled["freq"] == "P")
        & reconciled["value"].notna()
        & reconciled["period"].astype(str).str.fullmatch(r"\d{4}/\d{4}")
    ]
    inferred: list[dict[str, object]] = []
    changed = True
    while changed:
        changed = False
        for total in totals.itertuples(index=False):
            row = _infer_one(total._asdict(), known)
            if row is not None:
                known[(*[row[c] for c in _SERIES_KEY], row["year"])] = row["value"]
                inferred.append(row)
                changed = True
    return pd.DataFrame(inferred, columns=reconciled.columns)


_SERIES_KEY = ["ref_area", "indicator", "sex", "age", "unit"]


def _infer_one(total: dict[str, object], known: dict[tuple, float]) -> dict[str, object] | None:
    """Infer the one missing year of ``total``, or return None when that is not possible."""
    series = tuple(total[c] for c in _SERIES_KEY)
    start, end = (int(part) for part in str(total["period"]).split("/"))
    years = range(start, end + 1)
    missing = [year for year in years if (*series, year) not in known]
    if len(missing) != 1:
        return None
    year = missing[0]
    others = {y: known[(*series, y)] for y in years if y != year}
    remainder = float(total["value"]) - sum(others.values())
    if remainder < 0:
        return None
    arithmetic = f"{_number(float(total['value']))} ({total['source']}, {start}-{end}) - " + (
        " - ".join(f"{_number(v)} ({y})" for y, v in sorted(others.items()))
    )
    return {
        **{c: total[c] for c in _SERIES_KEY},
        "source": INFERRED_SOURCE,
        "source_table": f"total {start}-{end}: {total['source_table']}",
        "period": str(year),
        "freq": "A",
        "year": year,
        "value": remainder,
        "obs_status": "E",
        "note": f"inferred, not published: {arithmetic}",
        "n_sources": 0,
        "conflict": False,
        "alternatives": "",
    }
