"""The children view: one row per child, ready for the survival models.

A child's care path runs through its episodes in order of start date. Episodes ending in
``transferred`` lead to the next placement; the first exit that is not a transfer ends
the path:

* ``reunified``, ``adopted``, ``guardianship``, ``long_term_foster``: a permanent family
  (``event`` is true, ``exit_type`` names it: the competing risks);
* ``died`` or ``other``: ``exit_type`` is ``other_exit``, a competing exit without
  permanency;
* ``aged_out``: censored at that date, as is a path whose last episode is still open
  (censored at the analysis date) or ended in a transfer to a placement the records do
  not show (censored at that date).

Nothing after the analysis date is seen: episodes starting later are ignored, and ends
or legal resolutions after it count as not yet happened. Durations are in months of
365.25 / 12 days. Later re-entries do not change the time to the first permanent family;
``n_episodes`` counts them all.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from caretrends.cases.record_schemas import CHILDREN, PERMANENCY_EXITS

DAYS_PER_MONTH = 365.25 / 12
_OTHER_EXITS = ["died", "other"]


def build_children(
    episodes: pd.DataFrame, *, analysis_date: str | dt.date | pd.Timestamp
) -> pd.DataFrame:
    """Derive one row per child from cleaned episodes.

    Parameters
    ----------
    episodes : DataFrame
        Cleaned episodes (the ``EPISODES`` schema), from one or several files.
    analysis_date : str, date or Timestamp
        The date the analysis looks from; later events are not yet known.

    Returns
    -------
    DataFrame
        The ``CHILDREN`` schema: ``child_id``, ``sex``, ``birth_month``, ``first_entry``,
        ``entry_year``, ``age_at_entry_months`` (whole months from the birth month),
        ``entry_reason`` and ``first_placement`` (of the first episode), ``n_episodes``,
        ``exit_type`` (one of :data:`~caretrends.cases.record_schemas.EXIT_TYPES`),
        ``exit_date`` (NaT when censored), ``event`` (a permanent family reached: the
        event of Kaplan-Meier and Cox models), ``exited`` (any exit, permanent or other:
        the event of competing-risks models, with ``exit_type`` as the cause),
        ``duration_months`` (entry to exit or censoring),
        ``legal_status`` (the latest known), ``legal_resolved`` and ``legal_months``
        (entry to the first resolution of the legal status, censored at the end of the
        care path).

    Examples
    --------
    >>> episodes = pd.DataFrame({
    ...     "child_id": ["a" * 16, "a" * 16], "sex": ["F", "F"],
    ...     "birth_month": pd.to_datetime(["2020-01-01"] * 2),
    ...     "episode_start": pd.to_datetime(["2020-01-05", "2020-03-01"]),
    ...     "episode_end": pd.to_datetime(["2020-03-01", "2021-01-05"]),
    ...     "entry_reason": ["abandoned_at_birth"] * 2,
    ...     "placement_type": ["residential", "non_kin_foster"],
    ...     "exit_reason": ["transferred", "adopted"],
    ...     "legal_status": ["pending", "free_for_adoption"],
    ...     "legal_status_date": pd.to_datetime([None, "2020-06-05"]),
    ...     "synthetic": [True, True], "source_file": ["f", "f"], "source_row": [2, 3]})
    >>> row = build_children(episodes, analysis_date="2024-12-31").iloc[0]
    >>> row["exit_type"], f'{row["duration_months"]:.1f}', f'{row["legal_months"]:.1f}'
    ('adopted', '12.0', '5.0')
    """
    analysis = pd.Timestamp(analysis_date)
    seen = episodes[episodes["episode_start"] <= analysis]
    seen = seen.sort_values(["child_id", "episode_start"], kind="stable").reset_index(drop=True)
    end = seen["episode_end"].where(seen["episode_end"] <= analysis)
    exit_reason = seen["exit_reason"].where(end.notna())
    by_child = seen.groupby("child_id", sort=True)
    children = by_child.agg(
        sex=("sex", "first"),
        birth_month=("birth_month", "first"),
        first_entry=("episode_start", "first"),
        entry_reason=("entry_reason", "first"),
        first_placement=("placement_type", "first"),
        n_episodes=("episode_start", "size"),
        synthetic=("synthetic", "all"),
    )
    exit_type, exit_date, censor_date = _care_path_ends(seen, end, exit_reason, analysis)
    children["exit_type"] = exit_type
    children["exit_date"] = exit_date
    children["event"] = children["exit_type"].isin(PERMANENCY_EXITS)
    children["exited"] = children["exit_type"].ne("censored")
    path_end = exit_date.fillna(censor_date)
    children["duration_months"] = _months(children["first_entry"], path_end)
    children["entry_year"] = children["first_entry"].dt.year.astype("int64")
    birth = children["birth_month"]
    first = children["first_entry"]
    months_old = (first.dt.year - birth.dt.year) * 12 + (first.dt.month - birth.dt.month)
    children["age_at_entry_months"] = months_old.clip(lower=0).astype("int64")
    status, resolved_on = _legal(seen, analysis)
    children["legal_status"] = status
    resolved_on = resolved_on.reindex(children.index).where(lambda d: d <= path_end)
    children["legal_resolved"] = resolved_on.notna()
    children["legal_months"] = _months(first, resolved_on.fillna(path_end)).clip(lower=0)
    frame = children.reset_index()[list(CHILDREN.columns)]
    return CHILDREN.validate(frame)


def _months(start: pd.Series, end: pd.Series) -> pd.Series:
    return (end - start).dt.days.astype("float64") / DAYS_PER_MONTH


def _care_path_ends(
    seen: pd.DataFrame, end: pd.Series, exit_reason: pd.Series, analysis: pd.Timestamp
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return each child's exit type, exit date (NaT if none) and censoring date."""
    child = seen["child_id"]
    final = exit_reason.notna() & exit_reason.ne("transferred")
    first_final = seen[final].groupby(child[final], sort=True).head(1).index
    last = seen.groupby("child_id", sort=True).tail(1).index
    last_end = end[last].set_axis(child[last])
    reason = exit_reason[first_final].set_axis(child[first_final]).reindex(last_end.index)
    date = end[first_final].set_axis(child[first_final]).reindex(last_end.index)
    kind = np.select(
        [reason.isin(PERMANENCY_EXITS), reason.isin(_OTHER_EXITS)],
        [reason, "other_exit"],
        "censored",
    )
    kinds = pd.Series(kind, index=last_end.index, dtype="str")
    # censored at ageing out, at a transfer out of view, or (still open) at the analysis date
    censor = date.fillna(last_end.fillna(analysis))
    return kinds, date.where(kinds.ne("censored")), censor


def _legal(seen: pd.DataFrame, analysis: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """Return each child's latest known legal status and the first date it was resolved."""
    child = seen["child_id"]
    status = seen["legal_status"].groupby(child, sort=True).last()
    resolved = seen["legal_status"].notna() & seen["legal_status"].ne("pending")
    dates = seen["legal_status_date"].where(resolved & (seen["legal_status_date"] <= analysis))
    return status, dates.groupby(child, sort=True).min()
