"""Rate models for counts over time: Poisson, quasi-Poisson and negative binomial GLMs.

Counts (abandoned children, placements) are modelled on the log scale with ``log(exposure)``
as an offset (live births, population), so coefficients are log rate ratios. Overdispersion is
measured by the Pearson chi-square over its residual degrees of freedom; when it exceeds 1 a
Poisson model's intervals are too narrow and a quasi-Poisson (Pearson-scaled) or negative
binomial fit is recommended.

Intervals are Wald intervals on the log scale. Poisson and negative binomial fits use the normal
quantile, as R's ``Epi::ci.lin`` and ``MASS::glm.nb`` do; quasi-Poisson fits, whose dispersion
is estimated from the same few points, scale the standard errors by the square root of the
dispersion and use the t distribution on the residual degrees of freedom (as R's
``summary.glm`` does), so a 7-point series is not read as if its variance were known.

Data that cannot carry the model (all counts zero, counts zero wherever a term is non-zero,
terms that duplicate each other, more terms than points) raise
:class:`~caretrends.errors.ModelDataError` before statsmodels sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from caretrends.errors import DataValidationError, ModelDataError, ParameterError
from caretrends.models.families import TREND_MIN_POINTS
from caretrends.models.glm import (
    FAMILIES,
    CountFit,
    check_counts,
    check_family,
    fit_count_glm,
    log_exposure,
    overdispersion_sentence,
)
from caretrends.models.intervals import critical_value
from caretrends.models.result import (
    Estimate,
    ModelResult,
    change_phrase,
    measure_key,
    record_caveat,
    too_small_phrase,
)
from caretrends.models.text import Joined, Num, Phrase, ci, interval, phrase
from caretrends.warnings import SmallNumbersWarning

#: A trend from fewer points than this is flagged as fragile.
MIN_TREND_POINTS = 5


@dataclass
class RateModelResult(ModelResult):
    """A fitted rate model (see :func:`fit_rate_model`).

    ``tidy()`` gives every coefficient as a rate ratio; the ``Intercept`` row is the baseline
    rate per unit of exposure (all covariates at zero / reference level).
    """

    fit: CountFit | None = None
    formula: str = ""
    exposure: str | None = None

    @property
    def dispersion(self) -> float:
        """Pearson chi-square over residual degrees of freedom."""
        return self.fit.dispersion

    @property
    def overdispersion_p(self) -> float:
        """P-value of the Pearson test of Poisson variance."""
        return self.fit.overdispersion_p

    def estimates(self) -> list[Estimate]:
        return [self.fit.estimate(name, self.level) for name in self.fit.names]

    def model_numbers(self) -> dict[str, object]:
        return self.fit.glance_numbers()

    def findings(self) -> list[Phrase]:
        ratios = [
            phrase(
                "model.glm.ratio_item",
                term=e.term,
                estimate=Num(e.estimate, 2),
                interval=interval(Num(e.conf_low, 2), Num(e.conf_high, 2)),
            )
            for e in self.estimates()
            if e.term != "Intercept"
        ]
        offset = phrase("model.glm.offset", exposure=self.exposure) if self.exposure else ""
        return [
            phrase(
                "model.glm.rate_model",
                family=phrase(f"model.family.{self.fit.family}"),
                formula=self.formula,
                offset=offset,
                n=self.fit.nobs,
                ci=ci(self.level),
                ratios=Joined(tuple(ratios)),
            ),
            overdispersion_sentence(self.fit),
        ]


def fit_rate_model(
    data: pd.DataFrame,
    formula: str,
    *,
    exposure: str | Sequence[float] | None = None,
    family: str = "poisson",
    level: float = 0.95,
) -> RateModelResult:
    """Fit a count GLM with a log-exposure offset from a formula.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per cell (year, group ...).
    formula : str
        Patsy-style formula with the count on the left, e.g. ``"deaths ~ C(age) + smoking"``.
    exposure : str or array-like, optional
        Column name (or values) of the exposure; ``log(exposure)`` enters as an offset.
    family : {"poisson", "quasipoisson", "negbin"}
        See :func:`fit_count_glm`.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    RateModelResult
        ``.tidy()`` gives rate ratios; ``.dispersion`` and ``.overdispersion_p`` report the
        Pearson test, and a Poisson fit with overdispersion issues a
        :class:`~caretrends.warnings.DataQualityWarning` recommending quasi-Poisson or NB.

    Raises
    ------
    DataValidationError
        Rows with missing values in the formula's columns, non-count outcomes or non-positive
        exposures, each named by row.
    """
    check_family(family)
    # The formula machinery (formulaic, about 0.1 s) only when a formula is fitted.
    import statsmodels.formula.api as smf

    design = smf.glm(formula, data, missing="drop")
    dropped = data.index.difference(pd.Index(design.data.row_labels))
    if len(dropped):
        raise DataValidationError(
            [f"row {label}: a value the formula {formula!r} needs is missing" for label in dropped]
        )
    outcome = design.endog_names
    check_counts(pd.Series(design.endog, index=data.index), outcome)
    exog = pd.DataFrame(design.exog, columns=design.exog_names, index=data.index)
    caveats: list[Phrase] = []
    fit = fit_count_glm(design.endog, exog, log_exposure(data, exposure), family, caveats)
    return RateModelResult(
        level=level,
        caveat_phrases=caveats,
        fit=fit,
        formula=formula,
        exposure=exposure if isinstance(exposure, str) else None,
    )


@dataclass
class RateTrendResult(ModelResult):
    """A log-linear trend in a rate (see :func:`fit_rate_trend`).

    ``rate_ratio`` is per unit of ``time``; ``apc`` is the annual percent change
    ``100 * (RR ** units_per_year - 1)`` with its interval.
    """

    fit: CountFit | None = None
    time: str = ""
    start: float = 0.0
    end: float = 0.0
    units_per_year: float = 1.0
    chosen_because: str = ""
    exposure: str | None = None
    times: np.ndarray | None = None
    has_exposure: bool = False
    measure: str | None = None

    @property
    def rate_ratio(self) -> Estimate:
        """Rate ratio per unit of time."""
        return self.fit.estimate("time", self.level, term=f"rate ratio per {self.time}")

    @property
    def apc(self) -> Estimate:
        """Annual percent change with its interval (percent scale)."""
        i = self.fit.names.index("time")
        k = self.units_per_year
        return Estimate.percent(
            "annual percent change",
            k * self.fit.params[i],
            k * self.fit.bse[i],
            critical_value(self.level, self.fit.t_df),
            self.fit.pvalues[i],
        )

    @property
    def dispersion(self) -> float:
        """Pearson chi-square over residual degrees of freedom."""
        return self.fit.dispersion

    def estimates(self) -> list[Estimate]:
        return [self.rate_ratio, self.apc]

    def model_numbers(self) -> dict[str, object]:
        return self.fit.glance_numbers() | {"family_chosen": self.chosen_because.lstrip("; ")}

    def fitted_values(self, per: float = 1.0) -> pd.DataFrame:
        """The fitted trend at each observed time with its pointwise confidence band.

        Parameters
        ----------
        per : float
            Without an exposure the values are expected counts; with one (a column or an
            array) they are rates (count / exposure) multiplied by ``per`` (e.g. 1,000 births).

        Returns
        -------
        pandas.DataFrame
            The time column under the name the data gave it (``year`` for
            ``fit_rate_trend(..., time="year")``), ``fitted``, ``conf_low``, ``conf_high``:
            the band is the Wald interval
            of the linear predictor (scaled by the dispersion for quasi-Poisson), taken to
            the count or rate scale, with the quantile the estimates use (t for
            quasi-Poisson).
        """
        design = np.column_stack([np.ones_like(self.times), self.times - self.start])
        linear = design @ self.fit.params
        se = np.sqrt(np.einsum("ij,jk,ik->i", design, self.fit.cov, design))
        crit = critical_value(self.level, self.fit.t_df)
        scale = per if self.has_exposure else 1.0
        column = self.time or "time"
        return pd.DataFrame(
            {
                column: self.times,
                "fitted": scale * np.exp(linear),
                "conf_low": scale * np.exp(linear - crit * se),
                "conf_high": scale * np.exp(linear + crit * se),
            }
        ).sort_values(column, ignore_index=True)

    def findings(self) -> list[Phrase]:
        span = {"start": f"{self.start:g}", "end": f"{self.end:g}"}
        measure = phrase(measure_key(self.has_exposure, self.measure))
        if self.fit.nobs < MIN_TREND_POINTS:
            verdict = too_small_phrase(
                phrase("model.trend.the_trend", **span),
                phrase("model.trend.too_few", n=self.fit.nobs, minimum=MIN_TREND_POINTS),
            )
        else:
            subject = phrase("model.trend.subject", **span, measure=measure)
            verdict = change_phrase(
                subject,
                self.apc,
                self.level,
                phrase("model.unit.a_year"),
                self.detectable.get("apc"),
            )
        chosen = (
            phrase("model.trend.auto_family", scale=Num(self.fit.scale, 2))
            if self.chosen_because
            else ""
        )
        details = phrase(
            "model.trend.details",
            model=overdispersion_sentence(self.fit),
            n=self.fit.nobs,
            chosen=chosen,
        )
        return [verdict, details]


def fit_rate_trend(
    data: pd.DataFrame,
    *,
    count: str,
    time: str,
    exposure: str | Sequence[float] | None = None,
    family: str = "auto",
    units_per_year: float = 1.0,
    level: float = 0.95,
    measure: str | None = None,
) -> RateTrendResult:
    """Fit a log-linear trend to counts and report the annual percent change.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period.
    count, time : str
        Columns with the counts and the time (years, or months with ``units_per_year=12``).
    exposure : str or array-like, optional
        Births or population; ``log(exposure)`` is the offset, making the trend one in rates.
    family : {"auto", "poisson", "quasipoisson", "negbin"}
        ``"auto"`` fits quasi-Poisson with dispersion ``max(1, Pearson X2/df)``: never
        narrower than Poisson, and wider as soon as the counts vary more than Poisson
        allows, without waiting for a low-powered test to reject (a short series rarely
        does). The summary and ``glance()`` say which dispersion was used and why.
    units_per_year : float
        Time units per year, for the annual percent change.
    level : float
        Confidence level.
    measure : str, optional
        Catalog key of what the counts measure, as the sentence names it (e.g.
        ``"model.measure.abandoned_children"``); by default "the rate" with an exposure and
        "the number" without one.

    Returns
    -------
    RateTrendResult
        ``.rate_ratio``, ``.apc`` (Estimates), ``.dispersion``, ``.tidy()``, ``.glance()``,
        ``.summary_text()``.

    Raises
    ------
    ModelDataError
        A time given twice, all counts zero (see :func:`check_estimable`).
    """
    check_family(family, ("auto", *FAMILIES))
    for column in (count, time):
        if column not in data.columns:
            raise ParameterError(f"column {column!r} is not in the data")
    y = check_counts(data[count], count)
    t = pd.to_numeric(data[time], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(t).all():
        raise DataValidationError(
            [f"row {label}, column {time!r}: not a number" for label in data.index[~np.isfinite(t)]]
        )
    repeated = sorted({v for v in t if (t == v).sum() > 1})
    if repeated:
        raise ModelDataError(
            f"{time} {', '.join(f'{v:g}' for v in repeated)} appears more than once: a trend "
            "needs one count per time point (add the counts up first)"
        )
    if y.size < TREND_MIN_POINTS:
        raise ModelDataError(f"a trend needs at least {TREND_MIN_POINTS} points; got {y.size}")
    caveats: list[Phrase] = []
    if y.size < MIN_TREND_POINTS:
        record_caveat(
            caveats,
            phrase("model.caveat.trend_fragile", n=y.size),
            SmallNumbersWarning,
        )
    exog = pd.DataFrame({"Intercept": 1.0, "time": t - t.min()}, index=data.index)
    offset = log_exposure(data, exposure)
    fit = fit_count_glm(y, exog, offset, "quasipoisson" if family == "auto" else family, caveats)
    chosen_because = (
        f"; quasi-Poisson chosen automatically: dispersion max(1, Pearson X2/df) = "
        f"{fit.scale:.2f}, so the intervals are never narrower than Poisson's"
        if family == "auto"
        else ""
    )
    return RateTrendResult(
        level=level,
        caveat_phrases=caveats,
        fit=fit,
        time=time,
        start=float(t.min()),
        end=float(t.max()),
        units_per_year=units_per_year,
        chosen_because=chosen_because,
        exposure=exposure if isinstance(exposure, str) else None,
        times=t,
        has_exposure=exposure is not None,
        measure=measure,
    )
