"""Time to a permanent family: Kaplan-Meier, log-rank, Cox and competing-risk incidence.

Built on :mod:`statsmodels.duration` (``SurvfuncRight``, ``survdiff``, ``PHReg``,
``CumIncidenceRight``). Pointwise intervals for survival and cumulative incidence use the
log(-log) transform of the Greenwood (resp. Aalen-Johansen delta-method) standard error, so they
stay inside [0, 1]: ``S ** exp(+-z se / (S |log S|))``.

Competing exits (reunified, adopted, guardianship, long-term foster care ...) are summarised by
the Aalen-Johansen cumulative incidence of each cause, not by ``1 - KM`` per cause (which
over-counts when other exits remove children from risk); the cumulative incidences of all
causes add up to ``1 - S(t)`` of the overall Kaplan-Meier curve.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff
from statsmodels.tools.sm_exceptions import ConvergenceWarning as StatsmodelsConvergenceWarning

from caretrends.errors import DataValidationError, ParameterError
from caretrends.models.intervals import critical_value
from caretrends.models.result import Estimate, ModelResult, describe_change, record_caveat
from caretrends.warnings import ConvergenceWarning, SmallNumbersWarning

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
    for key, part in _groups(data, group):
        times, flags = _durations(part, duration, event)
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
    return pd.concat(tables, ignore_index=True)[KM_COLUMNS]


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

    def estimates(self) -> list[Estimate]:
        nan = float("nan")
        return [Estimate("log-rank chi-square", self.statistic, nan, nan, nan, self.p_value)]

    def findings(self) -> list[str]:
        verdict = (
            "differ between the groups"
            if self.p_value < 1 - self.level
            else "show no clear difference between the groups"
        )
        return [
            f"Times to the event {verdict} (log-rank chi-square {self.statistic:.2f} on "
            f"{self.df} df, p = {self.p_value:.3g}; groups {', '.join(map(str, self.groups))})"
        ]


def logrank_test(
    data: pd.DataFrame, *, duration: str, event: str, group: str, level: float = 0.95
) -> LogrankResult:
    """Log-rank test that the groups share one survival curve."""
    if group not in data.columns:
        raise ParameterError(f"column {group!r} is not in the data")
    times, flags = _durations(data, duration, event)
    labels = data[group].to_numpy()
    groups = tuple(pd.unique(labels))
    if len(groups) < 2:
        raise ParameterError(f"the log-rank test needs two groups or more; got {groups}")
    caveats: list[str] = []
    if flags.sum() < 2 * len(groups):
        record_caveat(
            caveats,
            f"only {flags.sum()} events across {len(groups)} groups: the test has little power",
            SmallNumbersWarning,
        )
    statistic, p = survdiff(times, flags, labels)
    return LogrankResult(
        level=level,
        caveats=caveats,
        statistic=float(statistic),
        df=len(groups) - 1,
        p_value=float(p),
        groups=tuple(sorted(groups, key=str)),
    )


@dataclass
class CoxResult(ModelResult):
    """A proportional-hazards model; ``tidy()`` gives hazard ratios (log-scale std_error)."""

    names: tuple[str, ...] = ()
    params: np.ndarray | None = None
    bse: np.ndarray | None = None
    n_obs: int = 0
    n_events: int = 0
    ties: str = "efron"

    def estimates(self) -> list[Estimate]:
        z = critical_value(self.level)
        p = 2 * stats.norm.sf(np.abs(self.params / self.bse))
        return [
            Estimate.ratio(name, float(b), float(s), z, float(pv))
            for name, b, s, pv in zip(self.names, self.params, self.bse, p, strict=True)
        ]

    def findings(self) -> list[str]:
        sentences = [
            describe_change(
                f"With {e.term} one unit higher, the hazard", e.as_percent_change(), self.level
            )
            for e in self.estimates()
        ]
        return [
            *sentences,
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
) -> CoxResult:
    """Cox proportional-hazards regression (statsmodels ``PHReg``).

    Parameters
    ----------
    covariates : sequence of str
        Numeric or 0/1 columns; code categories as indicators first.
    ties : {"efron", "breslow"}
        Handling of tied event times.
    """
    if ties not in ("efron", "breslow"):
        raise ParameterError(f"ties must be 'efron' or 'breslow'; got {ties!r}")
    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise ParameterError(f"covariates not in the data: {missing}")
    times, flags = _durations(data, duration, event)
    exog = data[list(covariates)].apply(pd.to_numeric, errors="coerce")
    bad = exog.isna().any(axis=1)
    if bad.any():
        raise DataValidationError(
            [f"row {r}: a covariate is missing or not numeric" for r in data.index[bad]]
        )
    caveats: list[str] = []
    if flags.sum() < MIN_EVENTS_PER_VARIABLE * len(covariates):
        record_caveat(
            caveats,
            f"{flags.sum()} events for {len(covariates)} covariates: fewer than "
            f"{MIN_EVENTS_PER_VARIABLE} per covariate, so the hazard ratios may be biased",
            SmallNumbersWarning,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StatsmodelsConvergenceWarning)
        fit = PHReg(times, exog.to_numpy(float), status=flags, ties=ties).fit()
    failed = any(issubclass(w.category, StatsmodelsConvergenceWarning) for w in caught)
    if failed or not np.isfinite(fit.bse).all():
        record_caveat(
            caveats,
            "the Cox model did not converge: its estimates must not be quoted",
            ConvergenceWarning,
        )
    return CoxResult(
        level=level,
        caveats=caveats,
        names=tuple(covariates),
        params=np.asarray(fit.params),
        bse=np.asarray(fit.bse),
        n_obs=len(times),
        n_events=int(flags.sum()),
        ties=ties,
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
        raise ParameterError("no exits in the data: nothing to estimate")
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
    return pd.concat(tables, ignore_index=True)[CIF_COLUMNS]
