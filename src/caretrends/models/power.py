"""Minimum detectable effects: how large a change a design could have revealed.

Beside every "no clear change" the analysis plan asks for the smallest effect the same
design, on the same series, detects with 80% power at the two-sided 5% level. Three ways:

- :func:`simulated_power` — a log-linear count model (trend, level or slope change):
  counts with variance ``dispersion * mean`` (negative binomial; Poisson at dispersion 1)
  are simulated under each true effect, refitted together by
  :func:`~caretrends.models.glm_batch.fit_poisson_batch` (quasi-Poisson, t on the residual
  df) and counted as detected when the effect's two-sided p-value is below ``alpha`` and
  it goes the simulated way; seeded, so a run repeats its numbers.
- :func:`wald_power` — the same design analytically, from the information matrix; what the
  simulation is checked against.
- :func:`schoenfeld_hazard_ratio` — a binary comparison of survival (Cox, log-rank), from
  the number of events (Schoenfeld 1983).

:func:`detectable_effect` reads the smallest detectable fall and rise off a power curve into
a :class:`DetectableEffect`, a plain value that the wording functions put into words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from caretrends.errors import ParameterError
from caretrends.models.glm import separated_terms
from caretrends.models.glm_batch import fit_poisson_batch
from caretrends.models.intervals import LARGEST_LOG_RATIO, critical_value
from caretrends.models.survival import durations

#: Points of the dispersion estimate's distribution :func:`wald_power` averages over.
_DISPERSION_NODES = 2000


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest effects a design detects with ``power`` at two-sided level ``alpha``.

    ``fall`` and ``rise`` are on the scale the estimate is quoted on (``scale``):
    ``"percent_per_year"`` (a trend's annual percent change, or a slope change in percent a
    year: ``fall`` negative, ``rise`` positive), ``"percent"`` (a level change, ratio - 1
    in percent) or ``"hazard_ratio"`` (``fall`` below 1, ``rise`` above 1). NaN where no
    effect in the grid reaches ``power``.
    """

    #: The smallest detectable fall (the one nearest to no change).
    fall: float
    #: The smallest detectable rise.
    rise: float
    #: The power asked for.
    power: float
    #: The two-sided significance level.
    alpha: float
    #: ``"percent_per_year"``, ``"percent"`` or ``"hazard_ratio"``.
    scale: str
    #: ``"simulation"``, ``"wald"`` or ``"schoenfeld"``.
    method: str
    #: Simulated series per effect (None for an analytic method).
    n_sim: int | None = None
    #: Seed of the simulation (None for an analytic method).
    seed: int | None = None


def alternative_means(
    mean: ArrayLike, column: ArrayLike, effects: ArrayLike, *, keep_total: bool = False
) -> np.ndarray:
    """The expected counts under each true effect: ``mean * exp(effect * column)``.

    Parameters
    ----------
    mean : array-like
        Shape (points,): expected counts with no effect.
    column : array-like
        Shape (points,): the tested term's column of the design (time, a step, a ramp).
    effects : array-like
        Shape (effects,): true effects on the log scale.
    keep_total : bool
        Rescale each row to the total of ``mean``, so every effect is judged on as many
        events as the series has (for a trend, whose column has no neutral point).

    Returns
    -------
    numpy.ndarray
        Shape (effects, points).
    """
    means = np.asarray(mean, float) * np.exp(np.outer(effects, column))
    if keep_total:
        means *= np.sum(mean) / means.sum(axis=1, keepdims=True)
    return means


def simulate_counts(
    mean: np.ndarray, dispersion: float, n_sim: int, rng: np.random.Generator
) -> np.ndarray:
    """``n_sim`` count series with mean ``mean`` and variance ``dispersion * mean``.

    Negative binomial with size ``mean / (dispersion - 1)`` when ``dispersion > 1``, else
    Poisson. Returns shape (n_sim, points).
    """
    if dispersion > 1.0:
        size = mean / (dispersion - 1.0)
        return rng.negative_binomial(size, size / (size + mean), size=(n_sim, len(mean)))
    return rng.poisson(mean, size=(n_sim, len(mean)))


def effects_detected(
    simulated: np.ndarray,
    design: np.ndarray,
    term: int,
    direction: ArrayLike,
    alpha: float,
    offset: np.ndarray | None = None,
) -> np.ndarray:
    """Whether the quasi-Poisson fit of each simulated series finds its effect.

    Parameters
    ----------
    simulated : numpy.ndarray
        Shape (series, points): counts.
    design : numpy.ndarray
        Shape (points, terms): the model's design.
    term : int
        The tested column of ``design``.
    direction : array-like
        Shape (series,) or scalar: -1 where a fall counts, +1 where a rise does.
    alpha : float
        Two-sided significance level (t on the residual df).
    offset : numpy.ndarray, optional
        ``log(exposure)``.

    Returns
    -------
    numpy.ndarray of bool
        Shape (series,). A series the model functions refuse (no finite fit: separation,
        as :func:`caretrends.models.glm.check_estimable` finds it), whose interval is
        unbounded, or whose fit does not converge counts as not detected.
    """
    counts = np.asarray(simulated, float)
    zeros = counts == 0
    estimable = np.ones(len(counts), dtype=bool)
    # Separation depends only on where the zeros are: one check per pattern, not per series.
    patterns, which = np.unique(zeros[zeros.any(axis=1)], axis=0, return_inverse=True)
    exog = pd.DataFrame(design)
    refused = np.array(
        [not (~p).any() or bool(separated_terms((~p).astype(float), exog)) for p in patterns],
        dtype=bool,
    )
    estimable[zeros.any(axis=1)] = ~refused[which.ravel()]
    detected = np.zeros(len(counts), dtype=bool)
    if not estimable.any():
        return detected
    fit = fit_poisson_batch(counts[estimable], design, offset)
    reach = np.abs(fit.params) + critical_value(0.99, fit.df_resid) * fit.bse
    found = (
        (fit.pvalues[:, term] < alpha)
        & (np.sign(fit.params[:, term]) == np.broadcast_to(direction, len(counts))[estimable])
        & (reach < LARGEST_LOG_RATIO).all(axis=1)
        & fit.converged
    )
    detected[estimable] = found
    return detected


def simulated_power(
    mean: ArrayLike,
    design: ArrayLike,
    term: int,
    effects: ArrayLike,
    *,
    dispersion: float,
    offset: ArrayLike | None = None,
    keep_total: bool = False,
    alpha: float = 0.05,
    n_sim: int = 400,
    seed: int = 20251231,
) -> np.ndarray:
    """Power of the quasi-Poisson Wald test of one term, by simulation, for each true effect.

    Parameters
    ----------
    mean : array-like
        Shape (points,): expected counts with no effect (the fitted model's, offset
        included).
    design : array-like
        Shape (points, terms): the design the model is refitted with.
    term : int
        The tested column of ``design``; its effect multiplies ``mean`` by
        ``exp(effect * design[:, term])``.
    effects : array-like
        True effects on the log scale, none zero; a negative one is detected only as a
        fall, a positive one as a rise.
    dispersion : float
        Variance over mean of the simulated counts (negative binomial above 1).
    offset : array-like, optional
        ``log(exposure)`` of the refitted model.
    keep_total : bool
        Each effect's expected total equals ``mean``'s (:func:`alternative_means`).
    alpha : float
        Two-sided significance level.
    n_sim : int
        Simulated series per effect.
    seed : int
        Seed of the random numbers; the series of each effect are drawn in ``effects``'
        order, so a grid extended at its end keeps its earlier numbers.

    Returns
    -------
    numpy.ndarray
        Shape (effects,): the share of series in which the effect was detected.
    """
    x = np.asarray(design, float)
    effects = np.asarray(effects, float)
    means = alternative_means(mean, x[:, term], effects, keep_total=keep_total)
    rng = np.random.default_rng(seed)
    simulated = np.concatenate([simulate_counts(mu, dispersion, n_sim, rng) for mu in means])
    direction = np.repeat(np.sign(effects), n_sim)
    log_offset = None if offset is None else np.asarray(offset, float)
    detected = effects_detected(simulated, x, term, direction, alpha, log_offset)
    return detected.reshape(len(effects), n_sim).mean(axis=1)


def wald_power(
    mean: ArrayLike,
    design: ArrayLike,
    term: int,
    effects: ArrayLike,
    *,
    dispersion: float,
    df: int | None,
    keep_total: bool = False,
    alpha: float = 0.05,
) -> np.ndarray:
    """Power of the Wald test of one term of a log-linear count model, analytically.

    The effect's standard error is ``sqrt(dispersion * [(X'WX)^-1]_jj)`` with ``W`` the
    expected counts under that effect (:func:`alternative_means`). With ``df`` the test is
    the one the quasi-Poisson fits run: the estimate over a standard error whose dispersion
    is estimated as ``max(1, Pearson X2/df)``, compared with the t quantile on ``df``; the
    power averages the normal power over the estimate's distribution, ``dispersion *
    chi2(df)/df``, so both the t quantile and the floor at 1 are counted (with few residual
    df the normal formula overstates the power: 1.96 instead of 2.45 on 6 df). With ``df``
    None the dispersion is known and the quantile normal:
    ``Phi(|b|/se - z) + Phi(-|b|/se - z)``.

    Parameters
    ----------
    mean, design, term, effects, keep_total
        As for :func:`simulated_power`.
    dispersion : float
        The true variance over mean.
    df : int or None
        Residual degrees of freedom of the dispersion estimate; None for a known one.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    numpy.ndarray
        Shape (effects,).
    """
    x = np.asarray(design, float)
    effects = np.asarray(effects, float)
    means = alternative_means(mean, x[:, term], effects, keep_total=keep_total)
    information = np.einsum("ip,si,iq->spq", x, means, x)
    se = np.sqrt(dispersion * np.linalg.inv(information)[:, term, term])
    shift = np.abs(effects / se)[:, None]
    if df is None:
        bar = np.full((1, 1), critical_value(1 - alpha))
    else:
        nodes = (np.arange(_DISPERSION_NODES) + 0.5) / _DISPERSION_NODES
        estimated = dispersion * stats.chi2.ppf(nodes, df) / df
        bar = critical_value(1 - alpha, df) * np.sqrt(np.maximum(1.0, estimated) / dispersion)
        bar = bar[None, :]
    power = stats.norm.cdf(shift - bar) + stats.norm.cdf(-shift - bar)
    return power.mean(axis=1)


def detectable_effect(
    effects: ArrayLike,
    power_values: ArrayLike,
    *,
    no_change: float,
    power: float = 0.8,
    alpha: float = 0.05,
    scale: str,
    method: str,
    n_sim: int | None = None,
    seed: int | None = None,
) -> DetectableEffect:
    """The smallest fall and rise of a power curve that reach ``power``.

    Parameters
    ----------
    effects : array-like
        True effects on the quoted scale (percent, or a hazard ratio).
    power_values : array-like
        The power at each.
    no_change : float
        The effect that means no change (0 for percents, 1 for ratios).
    power, alpha, scale, method, n_sim, seed
        Recorded in the result (see :class:`DetectableEffect`).

    Returns
    -------
    DetectableEffect
        For each side of ``no_change``, the effect nearest to it with at least ``power``;
        NaN where none.

    Examples
    --------
    >>> found = detectable_effect(
    ...     [-30, -20, -10, 10, 20], [0.95, 0.85, 0.4, 0.5, 0.7],
    ...     no_change=0, scale="percent_per_year", method="wald")
    >>> found.fall, found.rise
    (-20.0, nan)
    """
    x = np.asarray(effects, float)
    enough = np.asarray(power_values, float) >= power
    falls, rises = x[enough & (x < no_change)], x[enough & (x > no_change)]
    return DetectableEffect(
        fall=float(falls.max()) if len(falls) else float("nan"),
        rise=float(rises.min()) if len(rises) else float("nan"),
        power=power,
        alpha=alpha,
        scale=scale,
        method=method,
        n_sim=n_sim,
        seed=seed,
    )


def schoenfeld_hazard_ratio(
    events: int,
    proportion: float,
    *,
    r_squared: float = 0.0,
    power: float = 0.8,
    alpha: float = 0.05,
) -> DetectableEffect:
    """The smallest hazard ratios a two-group comparison of survival detects (Schoenfeld).

    ``log HR = (z_{1-alpha/2} + z_power) / sqrt(D p (1 - p) (1 - R2))`` for ``D`` events
    with a share ``p`` of the subjects in one group: the log-rank test and the Cox model's
    Wald test alike (Schoenfeld 1983), symmetric on the log scale; ``R2`` is the share of
    the group's variance the model's other covariates explain, whose adjustment costs that
    share of the information (Hsieh & Lavori 2000); 0 for a comparison on its own.

    Parameters
    ----------
    events : int
        Events in both groups together.
    proportion : float
        Share of the subjects in the group compared.
    r_squared : float
        R2 of the group indicator regressed on the other covariates.
    power, alpha : float
        Power and two-sided level.

    Returns
    -------
    DetectableEffect
        ``fall = exp(-log HR)``, ``rise = exp(log HR)`` (scale ``"hazard_ratio"``); NaN
        without events or without subjects on both sides.

    Examples
    --------
    >>> found = schoenfeld_hazard_ratio(100, 0.5)
    >>> round(found.fall, 3), round(found.rise, 3)
    (0.571, 1.751)
    """
    information = events * proportion * (1 - proportion) * (1 - r_squared)
    if information > 0:
        log_ratio = (critical_value(1 - alpha) + stats.norm.ppf(power)) / np.sqrt(information)
    else:
        log_ratio = float("nan")
    return DetectableEffect(
        fall=float(np.exp(-log_ratio)),
        rise=float(np.exp(log_ratio)),
        power=power,
        alpha=alpha,
        scale="hazard_ratio",
        method="schoenfeld",
    )


def detectable_hazard_ratio(
    data: pd.DataFrame,
    covariate: str,
    *,
    duration: str,
    event: str,
    adjusted_for: tuple[str, ...] = (),
    power: float = 0.8,
    alpha: float = 0.05,
) -> DetectableEffect:
    """:func:`schoenfeld_hazard_ratio` for a 0/1 ``covariate`` of a table of subjects.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per subject.
    covariate : str
        A column of 0/1 (1: the group compared).
    duration, event : str
        The time and 0/1 event columns, as :func:`caretrends.models.fit_cox` takes them.
    adjusted_for : tuple of str
        The model's other covariates; the R2 of ``covariate`` on them (least squares with
        a constant) enters the formula.
    power, alpha : float
        Power and two-sided level.

    Returns
    -------
    DetectableEffect

    Raises
    ------
    ParameterError
        A column is missing or ``covariate`` is not 0/1.
    """
    _, flags = durations(data, duration, event)
    missing = [c for c in (covariate, *adjusted_for) if c not in data.columns]
    if missing:
        raise ParameterError(f"columns {missing} are not in the data")
    group = pd.to_numeric(data[covariate], errors="coerce").to_numpy(float)
    if not np.isin(group, (0, 1)).all():
        raise ParameterError(f"column {covariate!r} must hold 0 and 1 only")
    return schoenfeld_hazard_ratio(
        int(flags.sum()),
        float(group.mean()),
        r_squared=_r_squared(group, data[list(adjusted_for)].to_numpy(float)),
        power=power,
        alpha=alpha,
    )


def _r_squared(y: np.ndarray, x: np.ndarray) -> float:
    """R2 of ``y`` on ``x`` with a constant (0 without columns or without variation)."""
    spread = ((y - y.mean()) ** 2).sum()
    if not x.shape[1] or spread == 0:
        return 0.0
    design = np.column_stack([np.ones(len(y)), x])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return float(1 - (residual**2).sum() / spread)
