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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linprog
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff
from statsmodels.tools.sm_exceptions import ConvergenceWarning as StatsmodelsConvergenceWarning

from caretrends.errors import DataValidationError, ModelDataError, ParameterError
from caretrends.models.intervals import critical_value, two_sided_p
from caretrends.models.result import (
    Estimate,
    ModelResult,
    describe_change,
    describe_ratio,
    record_caveat,
    too_small,
)
from caretrends.warnings import (
    ConvergenceWarning,
    DataQualityWarning,
    SmallNumbersWarning,
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
#: Cox models with fewer events per coefficient than this are flagged (Peduzzi et al. 1995).
MIN_EVENTS_PER_VARIABLE = 10
#: A group with fewer events than this is too small to carry a comparison in a sentence.
MIN_GROUP_EVENTS = 5
#: The proportional-hazards check flags a covariate (or the model) below this p-value.
PH_ALPHA = 0.05
#: A Cox coefficient this large across a covariate's range (a hazard ratio beyond e**15)
#: suggests monotone likelihood, which :func:`_separating_covariates` then confirms.
SEPARATION_LOG_RATIO = 15.0
PH_TRANSFORMS = ("km", "identity")
ALL = "all"


def _durations(data: pd.DataFrame, duration: str, event: str) -> tuple[np.ndarray, np.ndarray]:
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
        times, flags = _durations(part, duration, event)
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
    seen = ordered[ordered["time"] <= time]
    last = seen.iloc[-1] if len(seen) else ordered.iloc[0]
    at_risk = float(last["at_risk"])
    start = 1.0 if column == "survival" else 0.0
    if "events" in ordered.columns and not ordered["events"].any():
        reason = "no events in this group: the curve stays at its start, with no interval"
        return CurveValue(time, start, nan, nan, at_risk, reason)
    if seen.empty:
        return CurveValue(time, start, start, start, at_risk)
    return CurveValue(
        time, float(last[column]), float(last["conf_low"]), float(last["conf_high"]), at_risk
    )


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


def median_survival(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    group: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Median time to the event per group, with the Brookmeyer-Crowley interval.

    ``median`` is NaN when survival never falls to one half, and ``conf_high`` is ``inf``
    when the upper limit is not reached within follow-up (say "not reached").
    """
    rows = []
    for key, part in _groups(data, group):
        fit = SurvfuncRight(*_durations(part, duration, event))
        with np.errstate(divide="ignore", invalid="ignore"):  # log(-log 1) at time 0
            low, high = fit.quantile_ci(0.5, alpha=1 - level)
        rows.append({"group": key, "median": fit.quantile(0.5), "conf_low": low, "conf_high": high})
    return pd.DataFrame(rows).astype({"median": float, "conf_low": float, "conf_high": float})


@dataclass
class LogrankResult(ModelResult):
    """Log-rank test of equal survival across groups."""

    statistic: float = float("nan")
    df: int = 0
    p_value: float = float("nan")
    groups: tuple[object, ...] = ()

    n_obs: int = 0
    group_events: dict[object, int] = field(default_factory=dict)

    def estimates(self) -> list[Estimate]:
        nan = float("nan")
        return [Estimate("log-rank chi-square", self.statistic, nan, nan, nan, self.p_value)]

    def model_numbers(self) -> dict[str, object]:
        return {
            "nobs": self.n_obs,
            "events": sum(self.group_events.values()),
            "family": "log-rank",
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
        }

    def findings(self) -> list[str]:
        test = (
            f"log-rank chi-square {self.statistic:.2f} on {self.df} df, p = {self.p_value:.3g}; "
            f"groups {', '.join(map(str, self.groups))}"
        )
        small = {g: n for g, n in self.group_events.items() if n < MIN_GROUP_EVENTS}
        if small:
            reason = ", ".join(f"{n} in group {g}" for g, n in small.items())
            return [
                too_small(
                    "whether the times to the event differ",
                    f"too few events ({reason}; fewer than {MIN_GROUP_EVENTS}) ({test})",
                )
            ]
        verdict = (
            "differ between the groups"
            if self.p_value < 1 - self.level
            else "show no clear difference between the groups"
        )
        return [f"Times to the event {verdict} ({test})"]


def logrank_test(
    data: pd.DataFrame, *, duration: str, event: str, group: str, level: float = 0.95
) -> LogrankResult:
    """Log-rank test that the groups share one survival curve.

    Raises
    ------
    ModelDataError
        Fewer than two groups, a missing group label, no events at all, or no event time
        that informs the comparison.
    """
    if group not in data.columns:
        raise ParameterError(f"column {group!r} is not in the data")
    times, flags = _durations(data, duration, event)
    if data[group].isna().any():
        raise ModelDataError(f"column {group!r} has missing groups: the test needs every label")
    labels = data[group].to_numpy()
    groups = tuple(pd.unique(labels))
    if len(groups) < 2:
        raise ModelDataError(f"the log-rank test needs two groups or more; got {groups}")
    if not flags.any():
        raise ModelDataError("no events in any group: there is nothing to compare")
    caveats: list[str] = []
    if flags.sum() < 2 * len(groups):
        record_caveat(
            caveats,
            f"only {flags.sum()} events across {len(groups)} groups: the test has little power",
            SmallNumbersWarning,
        )
    try:
        statistic, p = survdiff(times, flags, labels)
    except np.linalg.LinAlgError as error:
        raise ModelDataError(
            "the log-rank test has no information: at no event time were records of two "
            "groups at risk with some of them not having the event"
        ) from error
    ordered = tuple(sorted(groups, key=str))
    return LogrankResult(
        level=level,
        caveats=caveats,
        statistic=float(statistic),
        df=len(groups) - 1,
        p_value=float(p),
        groups=ordered,
        n_obs=len(times),
        group_events={g: int(flags[labels == g].sum()) for g in ordered},
    )


@dataclass
class CoxResult(ModelResult):
    """A proportional-hazards model; ``tidy()`` gives hazard ratios (log-scale std_error).

    ``ph_test`` is the proportional-hazards check (see :func:`ph_test`): ``term``, ``chisq``,
    ``df``, ``p_value``, one row per covariate and a last ``GLOBAL`` row.
    """

    names: tuple[str, ...] = ()
    params: np.ndarray | None = None
    bse: np.ndarray | None = None
    n_obs: int = 0
    n_events: int = 0
    ties: str = "efron"
    loglik: float = float("nan")
    ph_test: pd.DataFrame | None = None
    ph_transform: str = "km"
    labels: dict[str, str] = field(default_factory=dict)
    event_verb: str = "had the event"
    group_events: dict[str, tuple[int, int]] = field(default_factory=dict)

    def estimates(self) -> list[Estimate]:
        z = critical_value(self.level)
        with np.errstate(divide="ignore", invalid="ignore"):  # a failed fit may have se 0
            p = two_sided_p(self.params / self.bse)
        return [
            Estimate.ratio(name, float(b), float(s), z, float(pv))
            for name, b, s, pv in zip(self.names, self.params, self.bse, p, strict=True)
        ]

    def model_numbers(self) -> dict[str, object]:
        global_row = self.ph_test.iloc[-1]
        return {
            "nobs": self.n_obs,
            "events": self.n_events,
            "family": f"Cox ({self.ties} ties)",
            "loglik": self.loglik,
            "ph_global_chisq": float(global_row["chisq"]),
            "ph_global_df": int(global_row["df"]),
            "ph_global_p": float(global_row["p_value"]),
            "ph_transform": self.ph_transform,
        }

    def _sentence(self, e: Estimate) -> str:
        label = self.labels.get(e.term, e.term)
        if e.term not in self.group_events:
            return describe_change(
                f"With {label} one unit higher, the hazard", e.as_percent_change(), self.level
            )
        subject = self.labels.get(e.term, f"those with {e.term} = 1")
        with_events, without_events = self.group_events[e.term]
        if min(with_events, without_events) < MIN_GROUP_EVENTS:
            return too_small(
                f"how {subject} compare with others",
                f"{with_events} events among them and {without_events} among others, fewer "
                f"than {MIN_GROUP_EVENTS} in a group",
            )
        return describe_ratio(subject, e, self.level, self.event_verb, "others")

    def findings(self) -> list[str]:
        return [
            *(self._sentence(e) for e in self.estimates()),
            f"Cox model, {self.ties.capitalize()} ties, {self.n_obs} children, {self.n_events} "
            "events; hazard ratios compare the rate of the event at any time, all else equal",
        ]


def fit_cox(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    covariates: Sequence[str],
    ties: str = "efron",
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
    event_verb: str = "had the event",
    ph_transform: str = "km",
) -> CoxResult:
    """Cox proportional-hazards regression (statsmodels ``PHReg``), with its assumption checked.

    Parameters
    ----------
    covariates : sequence of str
        Numeric or 0/1 columns; code categories as indicators first.
    ties : {"efron", "breslow"}
        Handling of tied event times.
    labels : mapping of str to str, optional
        Words for each covariate in the summary. For a 0/1 covariate, the group coded 1
        ("children who entered as infants"): the sentence compares it with the others.
    event_verb : str
        What the event is, as a verb phrase ("reached a permanent family").
    ph_transform : {"km", "identity"}
        Time scale of the proportional-hazards check (:func:`ph_test`); ``"km"`` is R's
        default. A covariate or global p-value below :data:`PH_ALPHA` adds a caveat.

    Returns
    -------
    CoxResult
        ``.tidy()`` (hazard ratios), ``.glance()``, ``.ph_test``, ``.summary_text()``.

    Raises
    ------
    ModelDataError
        No events, a covariate that does not vary (or duplicates others), or one that
        perfectly separates who has the event first (monotone likelihood: the hazard ratio
        is infinite).
    """
    if ties not in ("efron", "breslow"):
        raise ParameterError(f"ties must be 'efron' or 'breslow'; got {ties!r}")
    if ph_transform not in PH_TRANSFORMS:
        raise ParameterError(f"ph_transform must be one of {PH_TRANSFORMS}; got {ph_transform!r}")
    covariates = list(covariates)
    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise ParameterError(f"covariates not in the data: {missing}")
    if not covariates:
        raise ParameterError("a Cox model needs at least one covariate")
    times, flags = _durations(data, duration, event)
    exog = data[covariates].apply(pd.to_numeric, errors="coerce")
    bad = exog.isna().any(axis=1)
    if bad.any():
        raise DataValidationError(
            [f"row {r}: a covariate is missing or not numeric" for r in data.index[bad]]
        )
    x = exog.to_numpy(float)
    _check_cox_data(times, flags, x, covariates)
    caveats: list[str] = []
    if flags.sum() < MIN_EVENTS_PER_VARIABLE * len(covariates):
        record_caveat(
            caveats,
            f"{flags.sum()} events for {len(covariates)} covariates: fewer than "
            f"{MIN_EVENTS_PER_VARIABLE} per covariate, so the hazard ratios may be biased",
            SmallNumbersWarning,
        )
    fit, failed = _fit_phreg(times, flags, x, ties)
    span = np.ptp(x, axis=0)
    suspicious = fit is None or not np.isfinite(fit.params).all()
    suspicious = suspicious or bool(np.any(np.abs(fit.params) * span > SEPARATION_LOG_RATIO))
    if suspicious:
        separating = _separating_covariates(times, flags, x, covariates)
        if separating or fit is None:
            raise ModelDataError(
                f"the covariate(s) {', '.join(separating or covariates)} perfectly order who "
                "has the event first (monotone likelihood): the hazard ratio is infinite and "
                "cannot be estimated; merge groups or drop the covariate"
            )
    if failed or not np.isfinite(fit.bse).all():
        record_caveat(
            caveats,
            "the Cox model did not converge: its estimates must not be quoted",
            ConvergenceWarning,
        )
    params = np.asarray(fit.params)
    zph = ph_test(times, flags, x, params, covariates, ties=ties, transform=ph_transform)
    _record_ph_caveat(zph, ph_transform, caveats)
    binary = [j for j, c in enumerate(covariates) if set(np.unique(x[:, j])) == {0.0, 1.0}]
    return CoxResult(
        level=level,
        caveats=caveats,
        names=tuple(covariates),
        params=params,
        bse=np.asarray(fit.bse),
        n_obs=len(times),
        n_events=int(flags.sum()),
        ties=ties,
        loglik=float(fit.llf),
        ph_test=zph,
        ph_transform=ph_transform,
        labels=dict(labels or {}),
        event_verb=event_verb,
        group_events={
            covariates[j]: (int(flags[x[:, j] == 1].sum()), int(flags[x[:, j] == 0].sum()))
            for j in binary
        },
    )


def _check_cox_data(
    times: np.ndarray, flags: np.ndarray, x: np.ndarray, covariates: list[str]
) -> None:
    """Refuse data without events, or whose covariates do not vary or duplicate each other."""
    if not flags.any():
        raise ModelDataError(
            f"no events among {len(times)} records (all censored): a Cox model has nothing to fit"
        )
    constant = [c for c, v in zip(covariates, np.ptp(x, axis=0), strict=True) if v == 0]
    if constant:
        raise ModelDataError(
            f"the covariate(s) {', '.join(constant)} take a single value: their hazard ratio "
            "cannot be estimated"
        )
    centred = x - x.mean(axis=0)
    if np.linalg.matrix_rank(centred) < x.shape[1]:
        raise ModelDataError(
            f"the covariates {', '.join(covariates)} are collinear (one is a combination of "
            "others): their hazard ratios cannot be told apart"
        )


def _fit_phreg(times: np.ndarray, flags: np.ndarray, x: np.ndarray, ties: str):
    """Fit PHReg; return ``(fit or None, convergence failed)`` without letting numpy errors out."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            fit = PHReg(times, x, status=flags, ties=ties).fit()
        except (np.linalg.LinAlgError, OverflowError, FloatingPointError, ValueError):
            return None, True
    failed = any(issubclass(w.category, StatsmodelsConvergenceWarning) for w in caught)
    return fit, failed


def _separating_covariates(
    times: np.ndarray, flags: np.ndarray, x: np.ndarray, covariates: list[str]
) -> list[str]:
    """Covariates along which the Cox likelihood rises for ever (monotone likelihood).

    Such a direction ``d`` gives every event the highest score ``x d`` in its risk set:
    ``(x_j - x_i) d <= 0`` for each event ``i`` and each ``j`` still at risk, with some
    strict. A linear program looks for one (only called when the fit looks infinite, as the
    constraints grow with events times records at risk).
    """
    scaled = x / np.where(np.ptp(x, axis=0) > 0, np.ptp(x, axis=0), 1.0)
    rows = [scaled[times >= times[i]] - scaled[i] for i in np.flatnonzero(flags)]
    differences = np.vstack(rows)
    found = linprog(
        differences.sum(axis=0),
        A_ub=differences,
        b_ub=np.zeros(len(differences)),
        bounds=[(-1, 1)] * x.shape[1],
        method="highs",
    )
    if found.status != 0 or found.fun > -1e-7:
        return []
    return [c for c, d in zip(covariates, found.x, strict=True) if abs(d) > 1e-7]


def _event_blocks(
    times: np.ndarray, flags: np.ndarray, x: np.ndarray, beta: np.ndarray, ties: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct event time: the time, score contribution (p) and information (p, p).

    As in R's ``coxph.detail``: with Efron ties the ``d`` tied events meet ``d`` risk sets in
    which the tied records count ``1, 1 - 1/d, ...``; with Breslow ties they share one.
    """
    risk = np.exp(x @ beta - (x @ beta).max())
    event_times = np.unique(times[flags == 1])
    scores = np.empty((event_times.size, x.shape[1]))
    infos = np.empty((event_times.size, x.shape[1], x.shape[1]))
    for k, t in enumerate(event_times):
        at_risk = times >= t
        dead = at_risk & (times == t) & (flags == 1)
        d = int(dead.sum())
        sums = [_weighted_moments(x[at_risk], risk[at_risk])]
        dead_sums = _weighted_moments(x[dead], risk[dead])
        fractions = np.arange(d) / d if ties == "efron" else np.zeros(d)
        score, info = x[dead].sum(axis=0), np.zeros_like(infos[0])
        for f in fractions:
            s0, s1, s2 = (a - f * b for a, b in zip(sums[0], dead_sums, strict=True))
            mean = s1 / s0
            score = score - mean
            info = info + s2 / s0 - np.outer(mean, mean)
        scores[k], infos[k] = score, info
    return event_times, scores, infos


def _weighted_moments(x: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    return w.sum(), w @ x, (x * w[:, None]).T @ x


def ph_test(
    times: np.ndarray,
    flags: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    names: Sequence[str],
    *,
    ties: str = "efron",
    transform: str = "km",
) -> pd.DataFrame:
    """Score test of proportional hazards, per covariate and global (R's ``cox.zph``).

    The model ``b x`` is extended by ``c x g(t)``, the test of ``c = 0`` is the score test at
    ``(b, 0)``: with ``U_k`` and ``I_k`` the score and information at event time ``t_k``,
    ``u = (sum U_k, sum g_k U_k)`` and ``I = [[sum I_k, sum g_k I_k], [., sum g_k^2 I_k]]``,
    each covariate's test uses the rows of all ``b`` and its own ``c`` (1 df), the global one
    every row (``p`` df). ``g`` is ``1 - KM(t-)`` for ``transform="km"`` (R's default) or
    ``t`` for ``"identity"``; tests on scaled Schoenfeld residuals are this score test.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``chisq``, ``df``, ``p_value``; the last row is ``GLOBAL``.
    """
    event_times, scores, infos = _event_blocks(times, flags, x, beta, ties)
    if transform == "km":
        deaths = np.array([((times == t) & (flags == 1)).sum() for t in event_times])
        at_risk = np.array([(times >= t).sum() for t in event_times])
        survival = np.cumprod(1 - deaths / at_risk)
        g = 1 - np.concatenate([[1.0], survival[:-1]])  # left-continuous KM
    else:
        g = event_times.astype(float)
    g = g - g.mean()  # centring leaves the test unchanged and helps the conditioning
    p = x.shape[1]
    # The score for b is zero at the fitted b; R's cox.zph sets it so exactly.
    u = np.concatenate([np.zeros(p), g @ scores])
    cross = np.einsum("k,kij->ij", g, infos)
    information = np.block(
        [[infos.sum(axis=0), cross], [cross, np.einsum("k,kij->ij", g**2, infos)]]
    )
    rows = []
    for j, name in enumerate(names):
        keep = [*range(p), p + j]
        rows.append((name, _score_statistic(u[keep], information[np.ix_(keep, keep)]), 1))
    rows.append(("GLOBAL", _score_statistic(u, information), p))
    table = pd.DataFrame(rows, columns=["term", "chisq", "df"])
    table["p_value"] = stats.chi2.sf(table["chisq"], table["df"])
    return table


def _score_statistic(u: np.ndarray, information: np.ndarray) -> float:
    """``u' I^-1 u``; NaN when the information is singular (a term with no spread in time)."""
    try:
        return float(u @ np.linalg.solve(information, u))
    except np.linalg.LinAlgError:
        return float("nan")


def _record_ph_caveat(zph: pd.DataFrame, transform: str, caveats: list[str]) -> None:
    failing = zph[zph["p_value"] < PH_ALPHA]
    if failing.empty:
        return
    which = "; ".join(f"{r.term} p = {r.p_value:.3g}" for r in failing.itertuples())
    record_caveat(
        caveats,
        f"the proportional-hazards assumption looks violated ({which}; score test of scaled "
        f"Schoenfeld residuals on the {transform} time scale): a hazard ratio that changes "
        "over follow-up is reported as its average, so describe it by period or stratify",
        DataQualityWarning,
        stacklevel=4,
    )


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
    times, flags = _durations(data, duration, event)
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
