"""Joinpoint regression, as the US National Cancer Institute's Joinpoint program computes it.

Model
    ``log y`` is a continuous piecewise-linear function of ``x`` (log-linear segments joined at
    joinpoints), fitted by least squares; when standard errors of ``y`` are given the fit is
    weighted by ``1 / var(log y)`` with ``var(log y) = (se / y) ** 2`` (delta method), as
    Joinpoint's "standard error provided" option does. The annual percent change of a segment
    is ``APC = 100 * (exp(slope) - 1)``.

Joinpoint locations
    Joinpoints sit on observed ``x`` values and are found by exhaustive grid search, under
    Joinpoint's constraints: at least ``min_obs_end`` observations between a joinpoint and
    either end of the series, and at least ``min_obs_between`` between two joinpoints (the
    joinpoints themselves not counted).

Number of joinpoints
    Given by ``n_joinpoints``, or chosen from 0..max by the Bayesian information criterion
    ``BIC(k) = ln(SSE_k / n) + 2 (k + 1) ln(n) / n`` (``2k + 2`` parameters, joinpoint locations
    included), or by Kim et al.'s (2000) sequential permutation test: ``H0: a`` against
    ``H1: b`` joinpoints, starting from ``a = 0, b = max``, each test at level
    ``alpha / (max - a)``; rejecting raises ``a``, not rejecting lowers ``b``. Permuted series
    are the null fit plus permuted (weighted) null residuals; the statistic is the ratio of the
    two minimum SSEs, which orders permutations exactly as Joinpoint's F-type statistic.

Confidence intervals (Joinpoint's parametric method)
    The point estimates come from the continuous (hinge) fit. The slopes' variance comes from a
    second, unconstrained weighted fit: a separate intercept and slope in every segment, leaving
    out the observations that sit exactly on a joinpoint, with that fit's own residual variance.
    Segment APC intervals use the t distribution on the unconstrained fit's residual degrees of
    freedom; the AAPC (the segment slopes weighted by segment length) over several segments
    uses the normal quantile with variance ``w' V w``. Treating the joinpoints as fixed in the
    hinge fit instead gives intervals 1.4 to 1.8 times too narrow. Neither method includes the
    uncertainty of where the joinpoints lie, which the summary text says.

Checked against Joinpoint 4.x output for the black/white opioid mortality rate ratio
1979-2015 (Alexander, Kiang & Barbieri 2018), which it reproduces to the printed decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from caretrends.errors import ModelDataError, ParameterError
from caretrends.models.intervals import critical_value
from caretrends.models.joinpoint_search import (
    MIN_SEGMENT_OBS,
    SELECTION_METHODS,
    Grid,
    Series,
    bic,
    joinpoint_sets,
    max_feasible,
    permutation_choice,
    prepare_series,
    slope_covariance,
    wls_fit,
)
from caretrends.models.result import (
    Estimate,
    ModelResult,
    change_phrase,
    measure_key,
    record_caveat,
    too_small_phrase,
)
from caretrends.models.text import Phrase, phrase, time_unit_phrase
from caretrends.warnings import SmallNumbersWarning

#: Joinpoint's recommended maximum number of joinpoints by series length: (longest n, max).
RECOMMENDED_MAX_JOINPOINTS: tuple[tuple[int, int], ...] = (
    (6, 0),
    (11, 1),
    (16, 2),
    (21, 3),
    (26, 4),
)


def recommended_max_joinpoints(n: int) -> int:
    """Joinpoint's recommended maximum number of joinpoints for a series of ``n`` points.

    >>> recommended_max_joinpoints(15), recommended_max_joinpoints(40)
    (2, 5)
    """
    for longest, maximum in RECOMMENDED_MAX_JOINPOINTS:
        if n <= longest:
            return maximum
    return 5


def rate_standard_error(count: ArrayLike, exposure: ArrayLike, per: float = 1.0) -> np.ndarray:
    """Standard error of a Poisson rate, ``sqrt(count) / exposure * per``, for ``se=``.

    >>> rate_standard_error([25], [10_000], per=1000).round(3).tolist()
    [0.5]
    """
    return np.sqrt(np.asarray(count, dtype=float)) / np.asarray(exposure, dtype=float) * per


@dataclass
class JoinpointResult(ModelResult):
    """A fitted joinpoint model (see :func:`fit_joinpoint`)."""

    #: Joinpoint locations (observed ``x`` values).
    joinpoints: list[float] = field(default_factory=list)
    #: ``start``, ``end``, ``apc``, ``conf_low``, ``conf_high``, ``p_value`` (percent scale),
    #: plus ``std_error`` (of the log-linear slope) and ``n_obs`` (the segment's own points).
    segments: pd.DataFrame | None = None
    #: Average annual percent change over the whole range.
    aapc: Estimate | None = None
    #: The ``x`` column under the name the data gave it (``year`` for
    #: ``fit_joinpoint(..., x="year")``), ``observed``, ``fitted`` (on the scale of ``y``).
    fitted: pd.DataFrame | None = None
    #: ``n_joinpoints``, ``sse``, ``bic`` of the best model with each number of joinpoints.
    selection: pd.DataFrame | None = None
    #: The sequential tests, when the permutation method chose the number.
    permutation_tests: pd.DataFrame | None = None
    chosen_by: str = ""
    x_unit: str = "year"
    df_resid: int = 0
    weighted: bool = False
    chosen_phrase: Phrase | None = None
    measure: str = "model.measure.rate"

    def estimates(self) -> list[Estimate]:
        rows = [
            Estimate(
                f"APC {s.start:g}-{s.end:g}",
                s.apc,
                s.std_error,
                s.conf_low,
                s.conf_high,
                s.p_value,
            )
            for s in self.segments.itertuples()
        ]
        return [*rows, self.aapc]

    def model_numbers(self) -> dict[str, object]:
        chosen = self.selection.set_index("n_joinpoints").loc[len(self.joinpoints)]
        return {
            "nobs": len(self.fitted),
            "df_resid": self.df_resid,
            "family": "log-linear joinpoint, "
            + ("weighted " if self.weighted else "")
            + "least squares",
            "dispersion_rule": "residual variance of the unconstrained segment fit, t on its df",
            "n_joinpoints": len(self.joinpoints),
            "sse": float(chosen["sse"]),
            "bic": float(chosen["bic"]),
            "chosen_by": self.chosen_by,
        }

    def _segment_sentence(self, segment, change: Estimate, unit: Phrase) -> Phrase:
        span = {"start": f"{segment.start:g}", "end": f"{segment.end:g}"}
        if segment.n_obs < MIN_SEGMENT_OBS:
            return too_small_phrase(
                phrase("model.joinpoint.the_trend", **span),
                phrase("model.joinpoint.too_few", n=segment.n_obs, minimum=MIN_SEGMENT_OBS),
            )
        subject = phrase("model.joinpoint.subject", **span, measure=phrase(self.measure))
        return change_phrase(subject, change, self.level, unit)

    def findings(self) -> list[Phrase]:
        unit = (
            phrase("model.unit.a_year") if self.x_unit == "year" else time_unit_phrase(self.x_unit)
        )
        chosen_by = self.chosen_phrase or self.chosen_by
        sentences = [
            self._segment_sentence(s, e, unit)
            for s, e in zip(self.segments.itertuples(), self.estimates(), strict=False)
        ]
        if not self.joinpoints:
            return [*sentences, phrase("model.joinpoint.none", chosen_by=chosen_by)]
        span = {
            "start": f"{self.segments['start'].iloc[0]:g}",
            "end": f"{self.segments['end'].iloc[-1]:g}",
        }
        average = phrase("model.joinpoint.average", **span, measure=phrase(self.measure))
        return [
            *sentences,
            change_phrase(average, self.aapc, self.level, unit),
            phrase(
                "model.joinpoint.found",
                n=len(self.joinpoints),
                where=", ".join(f"{j:g}" for j in self.joinpoints),
                chosen_by=chosen_by,
            ),
        ]


def _count_columns(
    data: pd.DataFrame,
    y: str | None,
    se: str | None,
    count: str | None,
    exposure: str | None,
    per: float,
) -> tuple[pd.DataFrame, str, str | None]:
    """The (data, y, se) to fit: from ``count`` (and ``exposure``) when given, else as is."""
    if count is None:
        if y is None:
            raise ParameterError("give y (a rate or count column) or count=")
        if exposure is not None:
            raise ParameterError("exposure= goes with count=, not with y=")
        return data, y, se
    if y is not None or se is not None:
        raise ParameterError("give either count= (standard errors derived) or y= and se=")
    for column in (count,) + ((exposure,) if exposure else ()):
        if column not in data.columns:
            raise ParameterError(f"column {column!r} is not in the data")
    events = pd.to_numeric(data[count], errors="coerce")
    scale = pd.to_numeric(data[exposure], errors="coerce") / per if exposure else 1.0
    derived = data.assign(
        _jp_y=events / scale,
        _jp_se=rate_standard_error(events, scale if exposure else np.ones(len(data))),
    )
    return derived, "_jp_y", "_jp_se"


def _segments(
    series: Series, joinpoints: np.ndarray, level: float
) -> tuple[pd.DataFrame, Estimate, np.ndarray, int]:
    fitted, slopes = wls_fit(series, joinpoints)
    bounds = np.concatenate([[series.x[0]], joinpoints, [series.x[-1]]])
    cov, df = slope_covariance(series, bounds)
    se = np.sqrt(np.diag(cov))
    t_crit = float(stats.t.ppf(0.5 + level / 2, df))
    with np.errstate(divide="ignore", invalid="ignore"):  # an exact fit has se 0
        p = 2 * stats.t.sf(np.abs(slopes / se), df)
    rows = []
    for i, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        apc = Estimate.percent("", float(slopes[i]), float(se[i]), t_crit, float(p[i]))
        own = (series.x >= lo) & (series.x <= hi) & ~np.isin(series.x, joinpoints)
        rows.append(
            {
                "start": lo,
                "end": hi,
                "apc": apc.estimate,
                "conf_low": apc.conf_low,
                "conf_high": apc.conf_high,
                "p_value": apc.p_value,
                "std_error": apc.std_error,
                "n_obs": int(own.sum()),
            }
        )
    segments = pd.DataFrame(rows)
    weights = np.diff(bounds) / (bounds[-1] - bounds[0])
    term = f"AAPC {bounds[0]:g}-{bounds[-1]:g}"
    if len(joinpoints) == 0:
        aapc = Estimate.percent(term, float(slopes[0]), float(se[0]), t_crit, float(p[0]))
    else:
        mean_slope = float(weights @ slopes)
        mean_se = float(np.sqrt(weights @ cov @ weights))
        with np.errstate(divide="ignore", invalid="ignore"):
            z_p = float(2 * stats.norm.sf(abs(mean_slope / mean_se)))
        aapc = Estimate.percent(term, mean_slope, mean_se, critical_value(level), z_p)
    return segments, aapc, fitted, df


def fit_joinpoint(
    data: pd.DataFrame,
    *,
    x: str,
    y: str | None = None,
    se: str | None = None,
    count: str | None = None,
    exposure: str | None = None,
    per: float = 1.0,
    n_joinpoints: int | None = None,
    max_joinpoints: int = 3,
    min_obs_end: int = 2,
    min_obs_between: int = 2,
    method: str = "bic",
    n_permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = None,
    x_unit: str = "year",
    level: float = 0.95,
    measure: str | None = None,
) -> JoinpointResult:
    """Fit a log-linear joinpoint regression (NCI Joinpoint's method; see the module notes).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per ``x`` value, in any order.
    x, y : str
        Columns of time and of the (positive) rate or count; give ``y`` or ``count``.
    se : str, optional
        Column of standard errors of ``y`` **on the scale of y** (not of ``log y``); the fit
        is then weighted by ``1 / var(log y) = (y / se) ** 2``.
    count : str, optional
        Column of Poisson event counts, instead of ``y`` and ``se``: the model is fitted to
        ``count`` (or to ``count / exposure * per``) with Joinpoint's Poisson standard errors
        derived here, so every point is weighted by its count (``var(log y) = 1 / count``).
    exposure : str, optional
        With ``count``: column of the denominator (births, population); the modelled rate
        is ``count / exposure * per``.
    per : float
        With ``exposure``: the rate's multiplier (1000 for a rate per 1,000).
    n_joinpoints : int, optional
        Fit exactly this many joinpoints; ``None`` chooses 0..``max_joinpoints``.
    max_joinpoints : int
        Upper limit of the search; capped (with a
        :class:`~caretrends.warnings.SmallNumbersWarning`) at Joinpoint's recommendation for the
        series length (:func:`recommended_max_joinpoints`) and at what the constraints allow.
    min_obs_end, min_obs_between : int
        Joinpoint's constraints (at least 2, so every segment has a slope of its own).
    method : {"bic", "permutation"}
        How the number of joinpoints is chosen when ``n_joinpoints`` is ``None``.
    n_permutations, alpha, seed : int, float, int
        Permutation test settings (``seed`` makes the result reproducible).
    x_unit : str
        Name of one ``x`` unit for the text.
    level : float
        Confidence level.
    measure : str, optional
        Catalog key of what ``y`` measures in the sentences; by default the rate, or the
        number when ``count`` is given without an ``exposure``.

    Returns
    -------
    JoinpointResult
        ``.joinpoints``, ``.segments``, ``.aapc``, ``.fitted``, ``.selection``,
        ``.tidy()`` (percent scale; ``std_error`` is that of the log-linear slope),
        ``.glance()`` and ``.summary_text()`` (which gives no verdict on a segment with fewer
        than :data:`MIN_SEGMENT_OBS` points of its own).

    Raises
    ------
    ModelDataError
        An ``x`` value given twice, or fewer than 3 points.
    """
    if method not in SELECTION_METHODS:
        raise ParameterError(f"method must be one of {SELECTION_METHODS}; got {method!r}")
    if min(min_obs_end, min_obs_between) < 2:
        raise ParameterError("min_obs_end and min_obs_between must be at least 2")
    data, y, se = _count_columns(data, y, se, count, exposure, per)
    series = prepare_series(data, x, y, se)
    n = series.x.size
    if n < 3:
        raise ModelDataError(f"a log-linear trend needs at least 3 points; got {n}")
    caveats: list[Phrase] = []
    feasible = max_feasible(n, min_obs_end, min_obs_between)
    recommended = min(feasible, recommended_max_joinpoints(n))
    if n_joinpoints is not None:
        if not 0 <= n_joinpoints <= feasible:
            raise ParameterError(
                f"{n} points allow at most {feasible} joinpoints under the constraints; "
                f"got n_joinpoints={n_joinpoints}"
            )
        if n_joinpoints > recommended:
            record_caveat(
                caveats,
                phrase(
                    "model.caveat.joinpoint_too_many",
                    k=n_joinpoints,
                    points=phrase("model.caveat.points", n=n),
                    recommended=recommended,
                ),
                SmallNumbersWarning,
            )
        kmax = n_joinpoints
    else:
        kmax = min(max_joinpoints, recommended)
        if max_joinpoints > recommended:
            record_caveat(
                caveats,
                phrase(
                    "model.caveat.joinpoint_limited",
                    n=n,
                    joinpoints=phrase("model.caveat.joinpoints", n=recommended),
                    recommended=recommended,
                    requested=max_joinpoints,
                ),
                SmallNumbersWarning,
            )
    candidates = range(kmax + 1) if n_joinpoints is None else [kmax]
    grids = {
        k: Grid.build(series.x, series.sw, joinpoint_sets(n, k, min_obs_end, min_obs_between))
        for k in candidates
    }
    yw = (series.sw * series.y)[:, None]
    best = {k: grid.best(yw) for k, grid in grids.items()}
    # A constant series fits every model exactly: the floor keeps the BIC finite, and
    # the penalty then chooses no joinpoint.
    floor = max(
        1e-12 * float(np.sum(series.w * (series.y - np.average(series.y, weights=series.w)) ** 2)),
        np.finfo(float).tiny,
    )
    selection = pd.DataFrame(
        {
            "n_joinpoints": list(best),
            "sse": [float(s[0][0]) for s in best.values()],
            "bic": [bic(float(s[0][0]), n, k, floor) for k, s in best.items()],
        }
    )
    tests = None
    if n_joinpoints is not None:
        chosen, chosen_phrase = n_joinpoints, phrase("model.joinpoint.by_analyst")
    elif method == "bic":
        chosen = int(selection.loc[selection["bic"].idxmin(), "n_joinpoints"])
        chosen_phrase = phrase("model.joinpoint.by_bic", kmax=kmax)
    else:
        chosen, tests = permutation_choice(series, grids, kmax, n_permutations, alpha, seed)
        chosen_phrase = phrase("model.joinpoint.by_permutation", n=n_permutations, kmax=kmax)
    joinpoints = series.x[grids[chosen].sets[best[chosen][1][0]]]
    segments, aapc, fitted, df_resid = _segments(series, joinpoints, level)
    for s in segments.itertuples():
        if s.n_obs < MIN_SEGMENT_OBS:
            span = {"start": f"{s.start:g}", "end": f"{s.end:g}"}
            segment = phrase("model.caveat.joinpoint_segment", **span, n=s.n_obs)
            record_caveat(
                caveats,
                segment,
                SmallNumbersWarning,
            )
    return JoinpointResult(
        level=level,
        caveat_phrases=caveats,
        joinpoints=[float(j) for j in joinpoints],
        segments=segments,
        aapc=aapc,
        fitted=pd.DataFrame({x: series.x, "observed": np.exp(series.y), "fitted": np.exp(fitted)}),
        selection=selection,
        permutation_tests=tests,
        chosen_by=str(chosen_phrase),
        chosen_phrase=chosen_phrase,
        measure=measure or measure_key(count is None or exposure is not None),
        x_unit=x_unit,
        df_resid=df_resid,
        weighted=se is not None,
    )
