"""Confidence intervals for single rates and proportions, fit for small numbers.

The analysis plan asks for exact (Garwood) Poisson intervals for single-year rates and Wilson
intervals for proportions, and for rates on fewer than :data:`RELIABLE_EVENTS` events to be
flagged as unreliable (the ONS convention). Both functions take scalars or arrays and return a
DataFrame, one row per input value, so a notebook can join the result to its table. These are
the project's only implementations: figures, tables and briefs call them rather than their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from caretrends.disclosure.rules import RELIABLE_EVENTS
from caretrends.errors import DataValidationError

#: Beyond this a log-scale bound overflows ``exp`` (about 709.8): a ratio whose interval
#: reaches it is unbounded, and the model functions refuse it as not estimable.
LARGEST_LOG_RATIO = 700.0


def critical_value(level: float, df: float | None = None) -> float:
    """Return the two-sided quantile for a confidence ``level``: normal, or t on ``df``.

    Pass the residual degrees of freedom whenever the variance was estimated from the data
    (quasi-likelihood, least squares): with few of them the normal quantile is too small.

    >>> round(critical_value(0.95), 3), round(critical_value(0.95, df=5), 3)
    (1.96, 2.571)
    """
    if not 0 < level < 1:
        raise ValueError(f"confidence level must lie strictly between 0 and 1, got {level}")
    if df is None:
        return float(stats.norm.ppf(0.5 + level / 2))
    return float(stats.t.ppf(0.5 + level / 2, df))


def two_sided_p(z: ArrayLike, df: float | None = None) -> np.ndarray:
    """Two-sided p-value of a Wald statistic ``z``: normal, or t on ``df`` (NaN if undefined).

    >>> two_sided_p(1.96).round(3).item(), two_sided_p(1.96, df=5).round(3).item()
    (0.05, 0.107)
    """
    z = np.abs(np.asarray(z, dtype=float))
    return stats.norm.sf(z) * 2 if df is None else stats.t.sf(z, df) * 2


def _as_counts(values: ArrayLike, name: str) -> np.ndarray:
    array = np.atleast_1d(np.asarray(values, dtype=float))
    problems = [
        f"{name}[{i}] = {v!r}: must be a whole number of events, zero or more"
        for i, v in enumerate(array)
        if not np.isfinite(v) or v < 0 or v != np.floor(v)
    ]
    if problems:
        raise DataValidationError(problems)
    return array


def _as_positive(values: ArrayLike, name: str, size: int) -> np.ndarray:
    array = np.broadcast_to(np.atleast_1d(np.asarray(values, dtype=float)), (size,))
    problems = [
        f"{name}[{i}] = {v!r}: must be a positive number"
        for i, v in enumerate(array)
        if not np.isfinite(v) or v <= 0
    ]
    if problems:
        raise DataValidationError(problems)
    return array


def garwood_interval(
    count: ArrayLike, exposure: ArrayLike = 1.0, *, per: float = 1.0, level: float = 0.95
) -> pd.DataFrame:
    """Exact (Garwood) Poisson confidence interval for a rate ``count / exposure * per``.

    The limits are the chi-square quantiles ``chi2(a/2, 2k)/2`` and ``chi2(1-a/2, 2k+2)/2``
    for ``k`` events (lower limit 0 when ``k = 0``), divided by the exposure.

    Parameters
    ----------
    count : array-like of int
        Observed events.
    exposure : array-like of float, default 1
        Population, births or person-time the events arose from.
    per : float, default 1
        Scale of the rate, e.g. 1000 for "per 1,000 live births".
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``count``, ``estimate``, ``conf_low``, ``conf_high`` and ``unreliable`` (fewer than
        :data:`RELIABLE_EVENTS` events).

    Examples
    --------
    >>> garwood_interval(10).round(3)[["estimate", "conf_low", "conf_high"]].iloc[0].tolist()
    [10.0, 4.795, 18.39]
    """
    k = _as_counts(count, "count")
    scale = per / _as_positive(exposure, "exposure", k.size)
    alpha = 1 - level
    low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return pd.DataFrame(
        {
            "count": k.astype(int),
            "estimate": k * scale,
            "conf_low": low * scale,
            "conf_high": high * scale,
            "unreliable": k < RELIABLE_EVENTS,
        }
    )


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, *, level: float = 0.95
) -> pd.DataFrame:
    """Wilson score confidence interval for a proportion ``successes / trials``.

    Unlike the Wald interval it stays inside [0, 1] and keeps its coverage for small ``trials``
    and for proportions near 0 or 1 (e.g. 19 of 20 babies reunited).

    Returns
    -------
    pandas.DataFrame
        ``successes``, ``trials``, ``estimate``, ``conf_low``, ``conf_high``.

    Examples
    --------
    >>> wilson_interval(0, 10).round(4)[["estimate", "conf_low", "conf_high"]].iloc[0].tolist()
    [0.0, 0.0, 0.2775]
    """
    x = _as_counts(successes, "successes")
    n = _as_counts(np.broadcast_to(np.atleast_1d(trials), x.shape), "trials")
    problems = [
        f"row {i}: successes {xi:g} must lie between 0 and trials {ni:g} (and trials > 0)"
        for i, (xi, ni) in enumerate(zip(x, n, strict=True))
        if ni <= 0 or xi > ni
    ]
    if problems:
        raise DataValidationError(problems)
    low, high = proportion_confint(x, n, alpha=1 - level, method="wilson")
    return pd.DataFrame(
        {
            "successes": x.astype(int),
            "trials": n.astype(int),
            "estimate": x / n,
            "conf_low": np.clip(low, 0, 1),
            "conf_high": np.clip(high, 0, 1),
        }
    )
