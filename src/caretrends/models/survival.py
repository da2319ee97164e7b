"""Time to a permanent family: Kaplan-Meier, log-rank, Cox and competing-risk incidence.

Built on :mod:`statsmodels.duration` (``SurvfuncRight``, ``survdiff``, ``PHReg``,
``CumIncidenceRight``). Pointwise intervals for survival and cumulative incidence use the
log(-log) transform of the Greenwood (resp. Aalen-Johansen delta-method) standard error, so they
stay inside [0, 1]: ``S ** exp(+-z se / (S |log S|))``.

Competing exits (reunified, adopted, guardianship, long-term foster care ...) are summarised by
the Aalen-Johansen cumulative incidence of each cause, not by ``1 - KM`` per cause (which
over-counts when other exits remove children from risk); the cumulative incidences of all
causes add up to ``1 - S(t)`` of the overall Kaplan-Meier curve.

A curve (Kaplan-Meier or cumulative incidence) is read at a time by :func:`value_at` and by
nothing else: it carries the last step forward up to the end of follow-up and returns NaN, with
the reason, beyond it. The tables remember each group's end of follow-up in
``DataFrame.attrs["follow_up"]`` for that purpose.

The Cox model is checked for proportional hazards by the score test of R's ``cox.zph``
(survival 3.x; Grambsch & Therneau 1994): each covariate ``x`` is given a time-varying
coefficient ``b + c g(t)`` and ``c = 0`` is tested by a score test at the fitted ``b``, with
``g(t) = 1 - KM(t-)`` (``transform="km"``, R's default) or ``g(t) = t`` (``"identity"``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from caretrends.errors import DataValidationError, ModelDataError, ParameterError
from caretrends.models.intervals import critical_value
from caretrends.warnings import (
    DataQualityWarning,
)

KM_COLUMNS = ["group", "time", "at_risk", "events", "survival", "conf_low", "conf_high"]


CIF_COLUMNS = [
    "cause",
    "time",
    "at_risk",
    "events",
    "cumulative_incidence",
    "conf_low",
    "conf_high",
]


ALL = "all"


def durations(data: pd.DataFrame, duration: str, event: str) -> tuple[np.ndarray, np.ndarray]:
    """Return durations and 0/1 event flags; raise naming every unusable row."""
    for column in (duration, event):
        if column not in data.columns:
            raise ParameterError(f"column {column!r} is not in the data")
    times = pd.to_numeric(data[duration], errors="coerce").to_numpy(float)
    flags = pd.to_numeric(data[event], errors="coerce").to_numpy(float)
    problems = [
        f"row {r}, column {duration!r}: {v!r} is not a duration >= 0"
        for r, v in zip(data.index, times, strict=True)
        if not (np.isfinite(v) and v >= 0)
    ]
    problems += [
        f"row {r}, column {event!r}: {v!r} is not an event flag (0 = censored, 1 = event)"
        for r, v in zip(data.index, flags, strict=True)
        if v not in (0, 1)
    ]
    if problems:
        raise DataValidationError(problems)
    return times, flags.astype(int)


def _loglog_interval(p: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Log(-log) interval for a probability ``p`` with standard error ``se``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se / (p * np.abs(np.log(p)))
        low, high = p ** np.exp(spread), p ** np.exp(-spread)
    defined = (p > 0) & (p < 1)
    return np.where(defined, low, np.nan), np.where(defined, high, np.nan)


def _groups(data: pd.DataFrame, group: str | None) -> list[tuple[object, pd.DataFrame]]:
    if group is None:
        return [(ALL, data)]
    if group not in data.columns:
        raise ParameterError(f"column {group!r} is not in the data")
    return list(data.groupby(group, sort=True))


def kaplan_meier(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    group: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Kaplan-Meier survival table at each event time, per group.

    Returns
    -------
    pandas.DataFrame
        ``group`` (``"all"`` without groups), ``time``, ``at_risk``, ``events``, ``survival``
        and its log(-log) ``conf_low`` / ``conf_high`` (Greenwood variance).
    """
    z = critical_value(level)
    tables = []
    follow_up = {}
    for key, part in _groups(data, group):
        times, flags = durations(part, duration, event)
        if not len(times):
            continue
        follow_up[key] = float(times.max())
        if not flags.any():
            tables.append(_no_events_curve(key, times))
            continue
        fit = SurvfuncRight(times, flags)
        low, high = _loglog_interval(fit.surv_prob, fit.surv_prob_se, z)
        tables.append(
            pd.DataFrame(
                {
                    "group": key,
                    "time": fit.surv_times,
                    "at_risk": fit.n_risk.astype(int),
                    "events": fit.n_events.astype(int),
                    "survival": fit.surv_prob,
                    "conf_low": low,
                    "conf_high": high,
                }
            )
        )
    if not tables:
        raise ModelDataError("no records: there is no survival curve to estimate")
    table = pd.concat(tables, ignore_index=True)[KM_COLUMNS]
    table.attrs["follow_up"] = follow_up
    return table


def _no_events_curve(key: object, times: np.ndarray) -> pd.DataFrame:
    """A group with no events: survival 1 up to its last follow-up, with no interval."""
    warnings.warn(
        f"group {key!r}: no events among {len(times)} records, so survival stays at 1 up to "
        f"the last follow-up ({times.max():g}) with no interval",
        DataQualityWarning,
        stacklevel=3,
    )
    return pd.DataFrame(
        {
            "group": [key],
            "time": [float(times.max())],
            "at_risk": [int((times >= times.max()).sum())],
            "events": [0],
            "survival": [1.0],
            "conf_low": [np.nan],
            "conf_high": [np.nan],
        }
    )


@dataclass(frozen=True)
class CurveValue:
    """A survival or cumulative-incidence curve read at one time (see :func:`value_at`).

    ``estimate`` and its interval are NaN when the curve cannot be read there, and ``reason``
    then says why; ``reason`` is also set, with the estimate kept, when the reading is
    fragile (no events in the group, so no interval).
    """

    time: float
    estimate: float
    conf_low: float
    conf_high: float
    at_risk: float
    reason: str = ""


def value_at(
    curve: pd.DataFrame,
    time: float,
    *,
    estimate: str | None = None,
    follow_up: float | None = None,
) -> CurveValue:
    """Read one curve (one group or one cause) at ``time``: the project's only curve reader.

    Parameters
    ----------
    curve : pandas.DataFrame
        Rows of one group of :func:`kaplan_meier` or one cause of
        :func:`cumulative_incidence` (``time``, ``at_risk``, the estimate, ``conf_low``,
        ``conf_high``); rows may come in any order.
    time : float
        When to read it (e.g. a 36-month milestone).
    estimate : str, optional
        The estimate's column; by default ``"survival"`` or ``"cumulative_incidence"``,
        whichever the curve has. Before the first step a survival curve is 1 and an
        incidence 0, with the interval collapsed on that value.
    follow_up : float, optional
        End of follow-up; by default the one the model functions stored in
        ``curve.attrs["follow_up"]`` (per group, or one for all causes), else the curve's
        last time.

    Returns
    -------
    CurveValue
        The last step at or before ``time`` (a step function is carried forward) and the
        records at risk at that step (before the first step: at the first); NaN with a
        reason beyond the end of follow-up, where nobody was followed that long.

    Examples
    --------
    >>> curve = pd.DataFrame({"time": [3, 8], "at_risk": [10, 6], "survival": [0.9, 0.7],
    ...                       "conf_low": [0.7, 0.5], "conf_high": [1.0, 0.9]})
    >>> [value_at(curve, t).estimate for t in (0, 5, 8, 9)]
    [1.0, 0.9, 0.7, nan]
    >>> value_at(curve, 9).reason
    'past the end of follow-up (8): nobody was followed that long'
    """
    column = estimate or next(
        (c for c in ("survival", "cumulative_incidence") if c in curve.columns), None
    )
    if column is None or column not in curve.columns:
        raise ParameterError(f"the curve has no estimate column {estimate or 'survival'!r}")
    if curve.empty:
        raise ModelDataError("the curve has no rows: there is nothing to read")
    ordered = curve.sort_values("time", kind="stable")
    end = _follow_up(ordered) if follow_up is None else float(follow_up)
    nan = float("nan")
    if time > end:
        reason = f"past the end of follow-up ({end:g}): nobody was followed that long"
        return CurveValue(time, nan, nan, nan, 0.0, reason)
    seen = int((ordered["time"].to_numpy(dtype=float) <= time).sum())  # a sorted prefix
    row = max(seen - 1, 0)

    def at_row(name: str) -> float:
        return float(ordered[name].iat[row])

    at_risk = at_row("at_risk")
    start = 1.0 if column == "survival" else 0.0
    if "events" in ordered.columns and not ordered["events"].any():
        reason = "no events in this group: the curve stays at its start, with no interval"
        return CurveValue(time, start, nan, nan, at_risk, reason)
    if seen == 0:
        return CurveValue(time, start, start, start, at_risk)
    return CurveValue(time, at_row(column), at_row("conf_low"), at_row("conf_high"), at_risk)


def _follow_up(curve: pd.DataFrame) -> float:
    """End of follow-up of one curve: stored by the model function, else its last time."""
    stored = curve.attrs.get("follow_up")
    if isinstance(stored, Mapping):
        groups = curve["group"].unique() if "group" in curve.columns else []
        if len(groups) == 1 and groups[0] in stored:
            return float(stored[groups[0]])
    elif stored is not None:
        return float(stored)
    return float(curve["time"].max())


def median_survival(curve: pd.DataFrame) -> pd.DataFrame:
    """Median time to the event per group of a Kaplan-Meier table, with its interval.

    The median is the first time survival falls below one half. Its interval is Brookmeyer
    and Crowley's (as SAS and statsmodels' ``quantile_ci``): from the first time whose
    pointwise log(-log) interval covers one half to the time after the last such, so it is
    read off the table's ``conf_low`` / ``conf_high`` and has the table's level.

    Parameters
    ----------
    curve : pandas.DataFrame
        A table of :func:`kaplan_meier` (``group``, ``time``, ``survival``, ``conf_low``,
        ``conf_high``); rows may come in any order.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``median``, ``conf_low``, ``conf_high``: ``median`` is NaN when survival
        never falls below one half, and ``conf_high`` is ``inf`` when the upper limit is not
        reached within follow-up (say "not reached").
    """
    rows = []
    for key, part in curve.groupby("group", sort=True):
        ordered = part.sort_values("time", kind="stable")
        times = ordered["time"].to_numpy(float)
        below = np.flatnonzero(ordered["survival"].to_numpy(float) < 0.5)
        covers = np.flatnonzero((ordered["conf_low"] <= 0.5) & (ordered["conf_high"] >= 0.5))
        low = high = np.nan
        if len(covers):
            low = times[covers[0]]
            high = times[covers[-1] + 1] if covers[-1] + 1 < len(times) else np.inf
        median = times[below[0]] if len(below) else np.nan
        rows.append({"group": key, "median": median, "conf_low": low, "conf_high": high})
    return pd.DataFrame(rows).astype({"median": float, "conf_low": float, "conf_high": float})


def cumulative_incidence(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    cause: str,
    level: float = 0.95,
) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of each competing exit.

    Parameters
    ----------
    duration : str
        Time from entry to exit or censoring.
    event : str
        1 when an exit was observed, 0 when the record is censored.
    cause : str
        The kind of exit (read only where ``event`` is 1): "reunified", "adopted" ...

    Returns
    -------
    pandas.DataFrame
        ``cause``, ``time``, ``at_risk`` (records still followed just before ``time``),
        ``events`` (exits of that cause at ``time``), ``cumulative_incidence``, ``conf_low``,
        ``conf_high`` at each observed time (exit or censoring); the interval is NaN
        from a time at which every record still at risk exits.
    """
    times, flags = durations(data, duration, event)
    if cause not in data.columns:
        raise ParameterError(f"column {cause!r} is not in the data")
    kinds = data[cause].where(flags == 1)
    unnamed = data.index[(flags == 1) & kinds.isna().to_numpy()]
    if len(unnamed):
        raise DataValidationError(
            [f"row {r}, column {cause!r}: an exit is recorded without its kind" for r in unnamed]
        )
    causes = sorted(kinds.dropna().unique(), key=str)
    if not causes:
        raise ModelDataError("no exits in the data: there is no incidence to estimate")
    codes = np.zeros(len(times), dtype=int)
    for code, name in enumerate(causes, start=1):
        codes[(kinds == name).to_numpy()] = code
    # Where everyone still at risk exits at once, the delta-method variance divides by
    # zero: the interval is undefined (NaN) from there on, which is what we report.
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = CumIncidenceRight(times, codes)
    z = critical_value(level)
    # Numbers at risk just before each exit time, for the table under a chart.
    at_risk = (times[None, :] >= fit.times[:, None]).sum(axis=1)
    tables = []
    for code, (name, cif, se) in enumerate(zip(causes, fit.cinc, fit.cinc_se, strict=True), 1):
        low, high = _loglog_interval(cif, se, z)
        events = ((codes == code)[None, :] & (times[None, :] == fit.times[:, None])).sum(axis=1)
        tables.append(
            pd.DataFrame(
                {
                    "cause": name,
                    "time": fit.times,
                    "at_risk": at_risk,
                    "events": events,
                    "cumulative_incidence": cif,
                    "conf_low": np.where(cif == 0, 0.0, low),
                    "conf_high": np.where(cif == 0, 0.0, high),
                }
            )
        )
    table = pd.concat(tables, ignore_index=True)[CIF_COLUMNS]
    table.attrs["follow_up"] = float(times.max())
    return table
