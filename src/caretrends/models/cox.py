"""Cox proportional-hazards regression, with its assumption checked (scaled Schoenfeld
residuals, as R's ``cox.zph``) and separation detected before the fit."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linprog
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.tools.sm_exceptions import ConvergenceWarning as StatsmodelsConvergenceWarning

from caretrends.errors import DataValidationError, ModelDataError, ParameterError
from caretrends.models.intervals import LARGEST_LOG_RATIO, critical_value, two_sided_p
from caretrends.models.logrank import MIN_GROUP_EVENTS
from caretrends.models.result import (
    Estimate,
    ModelResult,
    change_phrase,
    ratio_phrase,
    record_caveat,
    too_small_phrase,
)
from caretrends.models.survival import durations
from caretrends.models.text import Joined, Phrase, PValue, Term, phrase
from caretrends.warnings import (
    ConvergenceWarning,
    DataQualityWarning,
    SmallNumbersWarning,
)

#: Cox models with fewer events per coefficient than this are flagged (Peduzzi et al. 1995).
MIN_EVENTS_PER_VARIABLE = 10


#: The proportional-hazards check flags a covariate (or the model) below this p-value.
PH_ALPHA = 0.05


#: A Cox coefficient this large across a covariate's range (a hazard ratio beyond e**15)
#: suggests monotone likelihood, which :func:`_separating_covariates` then confirms.
SEPARATION_LOG_RATIO = 15.0


PH_TRANSFORMS = ("km", "identity")


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
    event_verb: str = "model.cox.had_event"
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

    def _sentence(self, e: Estimate) -> Phrase:
        label = Term(self.labels.get(e.term, e.term))
        if e.term not in self.group_events:
            subject = phrase("model.cox.per_unit", label=label)
            return change_phrase(subject, e.as_percent_change(), self.level)
        subject = (
            Term(self.labels[e.term])
            if e.term in self.labels
            else phrase("model.cox.with_one", term=e.term)
        )
        with_events, without_events = self.group_events[e.term]
        if min(with_events, without_events) < MIN_GROUP_EVENTS:
            return too_small_phrase(
                phrase("model.cox.compare", subject=subject),
                phrase(
                    "model.cox.too_few",
                    with_events=with_events,
                    without_events=without_events,
                    minimum=MIN_GROUP_EVENTS,
                ),
            )
        others = phrase("model.cox.others")
        verb = Term(self.event_verb)
        return ratio_phrase(subject, e, self.level, verb, others, self.detectable.get(e.term))

    def findings(self) -> list[Phrase]:
        details = phrase(
            "model.cox.details",
            ties=self.ties.capitalize(),
            n=self.n_obs,
            events=phrase("model.cox.events", n=self.n_events),
        )
        return [*(self._sentence(e) for e in self.estimates()), details]


def fit_cox(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    covariates: Sequence[str],
    ties: str = "efron",
    level: float = 0.95,
    labels: Mapping[str, str] | None = None,
    event_verb: str = "model.cox.had_event",
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
        ("children who entered as infants"): the sentence compares it with the others. A
        dotted catalog key (``"model.…"``) is shown in the reader's language, other text as is.
    event_verb : str
        What the event is, as a verb phrase ("reached a permanent family"), or a catalog key
        (the default ``"model.cox.had_event"``, "had the event").
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
    times, flags = durations(data, duration, event)
    exog = data[covariates].apply(pd.to_numeric, errors="coerce")
    bad = exog.isna().any(axis=1)
    if bad.any():
        raise DataValidationError(
            [f"row {r}: a covariate is missing or not numeric" for r in data.index[bad]]
        )
    x = exog.to_numpy(float)
    _check_cox_data(times, flags, x, covariates)
    caveats: list[Phrase] = []
    if flags.sum() < MIN_EVENTS_PER_VARIABLE * len(covariates):
        record_caveat(
            caveats,
            phrase(
                "model.caveat.cox_few_events",
                n=int(flags.sum()),
                covariates=phrase("model.caveat.covariates", n=len(covariates)),
                minimum=MIN_EVENTS_PER_VARIABLE,
            ),
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
    reach = np.abs(np.asarray(fit.params)) + critical_value(0.99) * np.asarray(fit.bse)
    unbounded = [c for c, r in zip(covariates, reach, strict=True) if not r < LARGEST_LOG_RATIO]
    if unbounded:
        raise ModelDataError(
            f"the data cannot pin down the hazard ratio of {', '.join(unbounded)}: its "
            f"interval is unbounded ({int(flags.sum())} events); merge groups or drop it"
        )
    if failed or not np.isfinite(fit.bse).all():
        record_caveat(
            caveats,
            phrase("model.caveat.cox_not_converged"),
            ConvergenceWarning,
        )
    params = np.asarray(fit.params)
    zph = ph_test(times, flags, x, params, covariates, ties=ties, transform=ph_transform)
    _record_ph_caveat(zph, ph_transform, caveats)
    binary = [j for j, c in enumerate(covariates) if set(np.unique(x[:, j])) == {0.0, 1.0}]
    return CoxResult(
        level=level,
        caveat_phrases=caveats,
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
    fixed = [
        c
        for c, varies in zip(covariates, _varies_in_a_risk_set(times, flags, x), strict=True)
        if not varies
    ]
    if fixed:
        raise ModelDataError(
            f"the covariate(s) {', '.join(fixed)} never differ among the records still at risk "
            "when an event happens: the partial likelihood does not depend on them, so their "
            "hazard ratio cannot be estimated"
        )
    centred = x - x.mean(axis=0)
    if np.linalg.matrix_rank(centred) < x.shape[1]:
        raise ModelDataError(
            f"the covariates {', '.join(covariates)} are collinear (one is a combination of "
            "others): their hazard ratios cannot be told apart"
        )


def _varies_in_a_risk_set(times: np.ndarray, flags: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For each covariate: does it take two values among those at risk at some event time?"""
    order = np.argsort(times, kind="stable")
    ordered_times, ordered_x = times[order], x[order]
    # Those at risk at time t are the records from the first with time >= t to the end.
    suffix_max = np.maximum.accumulate(ordered_x[::-1], axis=0)[::-1]
    suffix_min = np.minimum.accumulate(ordered_x[::-1], axis=0)[::-1]
    starts = np.searchsorted(ordered_times, np.unique(times[flags.astype(bool)]), side="left")
    return (suffix_max[starts] > suffix_min[starts]).any(axis=0)


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


def _record_ph_caveat(zph: pd.DataFrame, transform: str, caveats: list[Phrase]) -> None:
    failing = zph[zph["p_value"] < PH_ALPHA]
    if failing.empty:
        return
    which = Joined(
        tuple(
            phrase("model.caveat.ph_item", term=r.term, p=PValue(r.p_value))
            for r in failing.itertuples()
        )
    )
    record_caveat(
        caveats,
        phrase("model.caveat.cox_ph", which=which, transform=transform),
        DataQualityWarning,
        stacklevel=4,
    )
