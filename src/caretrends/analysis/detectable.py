"""The minimum detectable effect beside every "no clear change" (80% power, 5% level).

Each is the smallest effect the design that gave the estimate, fitted on the same series,
would detect (:mod:`caretrends.models.power`):

- :func:`headline_power` — the primary analysis's annual percent change, by simulation from
  the fitted primary model;
- :func:`minimum_detectable_ratio` and :func:`minimum_detectable_slope` — the campaign
  ITS's level change and slope change, by simulation from the fitted no-change trend;
- :func:`cox_detectable` — each yes/no comparison of the time to a permanent family
  (Schoenfeld's formula);
- :func:`detectable_table` — the results as one row each, for a table.

Every power curve is a table whose ``.attrs["detectable"]`` holds its
:class:`~caretrends.models.power.DetectableEffect`.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from caretrends.analysis.campaigns import fit_campaign_its
from caretrends.errors import ModelDataError, ParameterError
from caretrends.models import fit_rate_trend
from caretrends.models.glm import log_exposure
from caretrends.models.its import _level_column, _slope_column
from caretrends.models.power import (
    DetectableEffect,
    detectable_effect,
    detectable_hazard_ratio,
    effects_detected,
    simulated_power,
)

if TYPE_CHECKING:
    from caretrends.analysis.headline import PrimaryAnalysis

#: True annual percent changes of the headline's power curve (both directions).
HEADLINE_APCS: tuple[float, ...] = tuple(float(p) for p in (*range(-40, 0), *range(1, 41)))
#: True level ratios of the campaign ITS's power curve: falls first (their numbers predate
#: the rises, and a grid extended at its end keeps them), then rises.
LEVEL_RATIOS: tuple[float, ...] = tuple(
    np.round(np.concatenate([np.arange(0.30, 1.0, 0.05), np.arange(1.05, 2.51, 0.05)]), 2)
)
#: True slope changes of the campaign ITS, percent a year (both directions; steeper ones
#: are detected on every series this short and only cost time).
SLOPE_CHANGES: tuple[float, ...] = tuple(float(p) for p in (*range(-30, 0), *range(1, 31)))


def headline_power(
    series: pd.DataFrame,
    spec: PrimaryAnalysis,
    *,
    apcs: tuple[float, ...] = HEADLINE_APCS,
    power: float = 0.8,
    alpha: float = 0.05,
    n_sim: int = 400,
    seed: int = 20251231,
) -> pd.DataFrame:
    """Power of the primary analysis for each true annual percent change, by simulation.

    Counts are simulated as ``exposure * exp(a + b * year)`` with ``b = log(1 + apc/100)``,
    ``a`` such that the expected total is the fitted model's (every trend judged on as many
    children as the series has), and variance ``dispersion * mean`` with the fitted model's
    dispersion floored at 1; each is refitted as the primary model (quasi-Poisson on year
    with the log-exposure offset, t on the residual df).

    Parameters
    ----------
    series : DataFrame
        The Kosovo series (:func:`caretrends.analysis.abandonment_series`).
    spec : PrimaryAnalysis
        The primary analysis.
    apcs : tuple of float
        True annual percent changes, none zero.
    power, alpha : float
        Power asked for and two-sided level.
    n_sim : int
        Simulated series per change.
    seed : int
        Seed of the simulation.

    Returns
    -------
    DataFrame
        ``true_apc`` (percent a year), ``power``; ``.attrs["detectable"]`` the
        :class:`~caretrends.models.power.DetectableEffect` (scale ``percent_per_year``),
        ``.attrs["dispersion"]`` the dispersion simulated.
    """
    data = spec.select(series).sort_values("year")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # caveats travel in the primary model's own text
        trend = fit_rate_trend(
            data,
            count="value",
            time="year",
            exposure=spec.denominator or None,
            family=spec.family,
        )
    years = data["year"].to_numpy(float)
    design = np.column_stack([np.ones_like(years), years - years.min()])
    dispersion = max(float(trend.dispersion), 1.0)
    offset = log_exposure(data, spec.denominator or None)
    # No trend: a flat rate on the exposure, with the fitted model's expected total.
    flat = np.exp(offset)
    curve = simulated_power(
        flat * trend.fit.fitted.sum() / flat.sum(),
        design,
        1,
        np.log1p(np.asarray(apcs) / 100),
        dispersion=dispersion,
        offset=offset,
        keep_total=True,
        alpha=alpha,
        n_sim=n_sim,
        seed=seed,
    )
    return _power_table(
        "true_apc", apcs, curve, apcs, "percent_per_year", dispersion, power, alpha, n_sim, seed
    )


def minimum_detectable_ratio(
    series: pd.DataFrame,
    start: int,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    n_sim: int = 400,
    ratios: tuple[float, ...] = LEVEL_RATIOS,
    slope_change: bool = False,
    seed: int = 20251231,
) -> pd.DataFrame:
    """Power of the level-change test for each true level ratio, by simulation.

    Counts are simulated from the fitted no-change trend (log-linear in year, dispersion
    of the fitted model: negative binomial when overdispersed, else Poisson) multiplied by
    ``ratio`` from ``start``; each is refitted with a level change (and, with
    ``slope_change``, a slope change as the campaign model has; quasi-Poisson) and the change
    counts as detected when its two-sided p-value is below ``alpha`` and it goes the
    simulated way. The minimum detectable ratio is the largest ratio below 1 with power >=
    ``power`` (``.attrs["mdr"]``; NaN when none).

    Returns
    -------
    DataFrame
        ``ratio``, ``power``; ``.attrs``: ``mdr``, ``dispersion`` and ``detectable`` (the
        :class:`~caretrends.models.power.DetectableEffect`, scale ``percent``: ratio - 1 in
        percent).
    """
    effects = np.log(np.asarray(ratios, float))
    curve, dispersion = _its_power(
        series, start, effects, "level", slope_change, alpha, n_sim, seed
    )
    percents = np.round(100 * (np.asarray(ratios, float) - 1), 6)  # 0.45 as -55, not -55.000…1
    table = _power_table(
        "ratio", ratios, curve, percents, "percent", dispersion, power, alpha, n_sim, seed
    )
    powered = table[(table["power"] >= power) & (table["ratio"] < 1)]
    table.attrs["mdr"] = float(powered["ratio"].max()) if len(powered) else float("nan")
    return table


def minimum_detectable_slope(
    series: pd.DataFrame,
    start: int,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    n_sim: int = 400,
    changes: tuple[float, ...] = SLOPE_CHANGES,
    seed: int = 20251231,
) -> pd.DataFrame:
    """Power of the campaign model's slope-change test for each true change, by simulation.

    As :func:`minimum_detectable_ratio`, with the counts multiplied by
    ``(1 + change/100) ** (year - start)`` from ``start`` and refitted with the campaign
    model's level and slope change.

    Returns
    -------
    DataFrame
        ``slope_change`` (percent a year), ``power``; ``.attrs``: ``dispersion`` and
        ``detectable`` (scale ``percent_per_year``).
    """
    effects = np.log1p(np.asarray(changes, float) / 100)
    curve, dispersion = _its_power(series, start, effects, "slope", True, alpha, n_sim, seed)
    return _power_table(
        "slope_change",
        changes,
        curve,
        changes,
        "percent_per_year",
        dispersion,
        power,
        alpha,
        n_sim,
        seed,
    )


def level_falls_detected(
    data: pd.DataFrame, simulated: np.ndarray, start: int, alpha: float
) -> np.ndarray:
    """Whether the ITS fitted to each simulated series finds a significant fall at ``start``.

    Each row of ``simulated`` replaces ``data["value"]`` (sorted by year); it is detected
    when :func:`caretrends.models.fit_its` with one level change would find it below 1 with
    p-value below ``alpha``; a series it refuses is not
    (:func:`caretrends.models.power.effects_detected`).
    """
    try:
        template = fit_campaign_its(data.assign(value=1), [start], slope_change=False)
    except (ParameterError, ModelDataError):  # the design itself: fit_its refuses them all
        return np.zeros(len(simulated), dtype=bool)
    level = template.fit.names.index(_level_column(start))
    design = template.design.to_numpy(float)
    return effects_detected(simulated, design, level, -1, alpha, template.offset)


def cox_detectable(
    children: pd.DataFrame,
    covariates: list[str],
    *,
    duration: str,
    event: str,
    power: float = 0.8,
    alpha: float = 0.05,
) -> dict[str, DetectableEffect]:
    """The smallest hazard ratios each yes/no covariate's comparison detects (Schoenfeld),
    adjusted for the other covariates as the Cox model is.

    Parameters
    ----------
    children : DataFrame
        One row per child with the 0/1 ``covariates``
        (:func:`caretrends.analysis.permanency_covariates`).
    covariates : list of str
        The comparisons (each covariate's 1 against its 0).
    duration, event : str
        Time and event columns, as the Cox model takes them.
    power, alpha : float
        Power asked for and two-sided level.

    Returns
    -------
    dict of str to DetectableEffect
        Per covariate; ``fall``/``rise`` are hazard ratios below/above 1.
    """
    return {
        name: detectable_hazard_ratio(
            children,
            name,
            duration=duration,
            event=event,
            adjusted_for=tuple(c for c in covariates if c != name),
            power=power,
            alpha=alpha,
        )
        for name in covariates
    }


def detectable_table(effects: dict[str, DetectableEffect]) -> pd.DataFrame:
    """One row per effect: ``effect`` (the key), then the fields of each
    :class:`~caretrends.models.power.DetectableEffect` (``fall``, ``rise``, ``power``,
    ``alpha``, ``scale``, ``method``, ``n_sim``, ``seed``).
    """
    rows = [{"effect": name} | asdict(found) for name, found in effects.items()]
    return pd.DataFrame(rows).astype({"n_sim": "Int64", "seed": "Int64"})


def _its_power(
    series: pd.DataFrame,
    start: int,
    effects: np.ndarray,
    kind: str,
    slope_change: bool,
    alpha: float,
    n_sim: int,
    seed: int,
) -> tuple[np.ndarray, float]:
    """Simulated power of the ITS's ``kind`` (level/slope) change, and the dispersion used."""
    data = series[["year", "value"]].dropna().sort_values("year")
    trend = fit_rate_trend(data, count="value", time="year", family="quasipoisson")
    dispersion = max(float(trend.dispersion), 1.0)
    try:
        template = fit_campaign_its(data.assign(value=1), [start], slope_change=slope_change)
    except (ParameterError, ModelDataError):  # the design itself: fit_its refuses them all
        return np.zeros(len(effects)), dispersion
    column = (_level_column if kind == "level" else _slope_column)(start)
    curve = simulated_power(
        trend.fit.fitted,
        template.design.to_numpy(float),
        template.fit.names.index(column),
        effects,
        dispersion=dispersion,
        offset=template.offset,
        alpha=alpha,
        n_sim=n_sim,
        seed=seed,
    )
    return curve, dispersion


def _power_table(
    column: str,
    values: tuple[float, ...],
    curve: np.ndarray,
    quoted: ArrayLike,
    scale: str,
    dispersion: float,
    power: float,
    alpha: float,
    n_sim: int,
    seed: int,
) -> pd.DataFrame:
    """The power curve as a table (``column``: ``values``, ``power``); in ``.attrs`` its
    detectable effect (``quoted``: the effects as percents, 0 no change) and the dispersion.
    """
    table = pd.DataFrame({column: [float(v) for v in values], "power": curve})
    table.attrs["detectable"] = detectable_effect(
        quoted,
        curve,
        no_change=0.0,
        power=power,
        alpha=alpha,
        scale=scale,
        method="simulation",
        n_sim=n_sim,
        seed=seed,
    )
    table.attrs["dispersion"] = dispersion
    return table
