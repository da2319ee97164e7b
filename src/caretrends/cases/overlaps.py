"""Overlapping episodes: a child cannot be in two placements at once, so the later of two
overlapping episodes is rejected, in time linear in the number of episodes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from caretrends.schemas import empty_rejects


def overlap_rejects(episodes: pd.DataFrame) -> pd.DataFrame:
    """Reject each episode that starts before an earlier episode of the same child ended.

    Episodes are taken in order of start date within each child; an open episode (no
    end) overlaps everything after it. An episode may start on the day the previous one
    ended (a transfer). The reject names the earlier episode's file and row.

    Parameters
    ----------
    episodes : DataFrame
        With ``child_id``, ``episode_start``, ``episode_end``, ``source_file`` and
        ``source_row``.

    Returns
    -------
    DataFrame
        Reject rows (:data:`~caretrends.schemas.REJECT_COLUMNS`), indexed like
        ``episodes``.
    """
    child = _group_codes(episodes["child_id"])
    files = _group_codes(episodes["source_file"])
    rows = episodes["source_row"].to_numpy()
    start = _days(episodes["episode_start"])
    end = _days(episodes["episode_end"])
    end[np.isnan(end)] = np.inf  # an open episode reaches beyond every later start
    order = _order_by_child_and_start(child, start, _file_order(files, rows))
    same_child = np.r_[False, child[order][1:] == child[order][:-1]]
    reach, latest = _running_reach(end[order], same_child)
    overlap = same_child & (start[order] < np.r_[-np.inf, reach[:-1]])
    if not overlap.any():
        return empty_rejects()
    hit = order[overlap]
    earlier = order[np.r_[0, latest[:-1]][overlap]]
    # only the few rows named are turned into Python strings, never the whole column
    earlier_files = episodes["source_file"].iloc[earlier].tolist()
    return pd.DataFrame(
        {
            "source_file": episodes["source_file"].iloc[hit].to_numpy(),
            "source_row": rows[hit],
            "column": "episode_start",
            "value": episodes["episode_start"].iloc[hit].dt.strftime("%Y-%m-%d").to_numpy(),
            "reason": [
                f"overlaps the episode of the same child in {f} row {r}"
                for f, r in zip(earlier_files, rows[earlier], strict=True)
            ],
        },
        index=episodes.index[hit],
    )


def _group_codes(values: pd.Series) -> np.ndarray:
    """Number the distinct values of a column in order of first appearance (missing: -1).

    Only equality matters here, so no trimming or missing markers as in
    :class:`~caretrends.cases.catalog.Distinct`.
    """
    return pd.factorize(values)[0].astype(np.int64)


def _file_order(files: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions sorted by file (numbered in order of appearance), then row number.

    Rows usually come file by file in row order already: checking that is one pass,
    sorting two keys of a million rows is many.
    """
    in_order = (files[1:] > files[:-1]) | ((files[1:] == files[:-1]) & (rows[1:] > rows[:-1]))
    if in_order.all():
        return np.arange(len(files))
    return np.lexsort((rows, files))


def _order_by_child_and_start(child: np.ndarray, start: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Positions sorted by child, then start day (missing last), then in the order ``ties``.

    One stable sort of a combined integer key is several times faster than sorting by
    each key in turn, and the data usually come nearly in that order already.
    """
    known = np.isfinite(start)
    low = start[known].min() if known.any() else 0.0
    span = (start[known].max() - low if known.any() else 0.0) + 2
    day = np.where(known, start - low, span - 1).astype(np.int64)
    combined = (child + 1) * int(span) + day
    return ties[np.argsort(combined[ties], kind="stable")]


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as float days since 1970 (NaN where missing), for fast comparisons."""
    days = dates.to_numpy().astype("datetime64[D]").astype("int64").astype("float64")
    days[dates.isna().to_numpy()] = np.nan
    return days


def _running_reach(ends: np.ndarray, same_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running maximum of ``ends`` within consecutive groups, and the position reaching it.

    Each group is lifted above every earlier one, so that one running maximum over the
    whole array never carries from one group into the next.
    """
    group = np.cumsum(~same_group)
    finite = np.where(np.isinf(ends), np.nan, ends)
    low = np.nanmin(finite) if np.isfinite(finite).any() else 0.0
    span = (np.nanmax(finite) - low if np.isfinite(finite).any() else 0.0) + 2
    lifted = np.where(np.isinf(ends), span - 1, ends - low) + group * span
    reach = np.maximum.accumulate(lifted) - group * span
    latest = np.maximum.accumulate(
        np.where(lifted - group * span == reach, np.arange(len(ends)), -1)
    )
    return np.where(reach == span - 1, np.inf, reach + low), latest
