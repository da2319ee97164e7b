"""The count model under every rate model: Poisson, quasi-Poisson or negative binomial with
a log-exposure offset, its dispersion chosen by a stated rule, degenerate data refused with
a :class:`~caretrends.errors.ModelDataError` before statsmodels sees them."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.optimize import linprog
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning as StatsmodelsConvergenceWarning

from caretrends.errors import DataValidationError, ModelDataError, ParameterError
from caretrends.models.families import FAMILIES
from caretrends.models.intervals import LARGEST_LOG_RATIO, RELIABLE_EVENTS, critical_value
from caretrends.models.result import (
    Estimate,
    record_caveat,
)
from caretrends.models.text import Num, Phrase, PValue, phrase
from caretrends.warnings import ConvergenceWarning, DataQualityWarning, SmallNumbersWarning

FAMILY_NAMES: dict[str, str] = {
    "poisson": "Poisson",
    "quasipoisson": "quasi-Poisson",
    "negbin": "negative binomial",
}


#: A plain Poisson fit is flagged as overdispersed when the Pearson test rejects at this level.
OVERDISPERSION_ALPHA = 0.05


#: How each family sets the dispersion its standard errors are scaled by (for ``glance``).
DISPERSION_RULES: dict[str, str] = {
    "poisson": "fixed at 1 (Poisson variance)",
    "quasipoisson": "max(1, Pearson X2/df)",
    "negbin": "NB2 alpha by maximum likelihood, scale fixed at 1",
}


#: Lower bound of the NB2 dispersion search; a fit at the floor is indistinguishable from Poisson.
NB_ALPHA_FLOOR = 1e-8


@dataclass
class CountFit:
    """A fitted count model, reduced to what the result classes need (log scale)."""

    family: str
    names: list[str]
    params: np.ndarray
    bse: np.ndarray
    pvalues: np.ndarray
    cov: np.ndarray
    nobs: int
    df_resid: float
    pearson_chi2: float
    converged: bool
    fitted: np.ndarray
    events: float
    deviance: float
    loglik: float
    scale: float = 1.0
    nb_alpha: float | None = None
    use_t: bool = True

    @property
    def t_df(self) -> float | None:
        """Degrees of freedom of the t quantile, or ``None`` for the normal (known scale)."""
        return self.df_resid if self.family == "quasipoisson" and self.use_t else None

    @property
    def dispersion(self) -> float:
        """Pearson chi-square over residual degrees of freedom (1 means Poisson variance)."""
        return self.pearson_chi2 / self.df_resid if self.df_resid > 0 else float("nan")

    @property
    def overdispersion_p(self) -> float:
        """P-value of the Pearson goodness-of-fit test against Poisson variance."""
        return float(stats.chi2.sf(self.pearson_chi2, self.df_resid))

    def estimate(self, name: str, level: float, term: str | None = None) -> Estimate:
        """Rate ratio of one coefficient with its Wald interval."""
        i = self.names.index(name)
        crit = critical_value(level, self.t_df)
        return Estimate.ratio(
            term or name, float(self.params[i]), float(self.bse[i]), crit, float(self.pvalues[i])
        )

    def combined_estimate(self, names: Sequence[str], level: float, term: str) -> Estimate:
        """Rate ratio of the sum of several coefficients, with its Wald interval and p-value.

        The variance is the sum of their covariance block, so a post-intervention trend
        (the trend plus the slope changes before it) is not read as a slope change.
        """
        index = [self.names.index(name) for name in names]
        log_ratio = float(self.params[index].sum())
        std_error = float(np.sqrt(self.cov[np.ix_(index, index)].sum()))
        t_df = self.t_df
        statistic = abs(log_ratio) / std_error
        tail = stats.norm.sf(statistic) if t_df is None else stats.t.sf(statistic, t_df)
        crit = critical_value(level, t_df)
        return Estimate.ratio(term, log_ratio, std_error, crit, float(2 * tail))

    def predict(self, exog: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """Expected counts for a design matrix and log-exposure offset."""
        return np.exp(exog @ self.params + offset)

    def glance_numbers(self) -> dict[str, object]:
        """The fit's model-level numbers, named as in :data:`~.result.GLANCE_COLUMNS`."""
        return {
            "nobs": self.nobs,
            "events": self.events,
            "df_resid": self.df_resid,
            "family": self.family,
            "dispersion": self.scale if self.family != "negbin" else self.nb_alpha,
            "dispersion_rule": DISPERSION_RULES[self.family],
            "interval_quantile": "normal" if self.t_df is None else f"t({self.df_resid:g})",
            "deviance": self.deviance,
            "loglik": self.loglik,
            "pearson_dispersion": self.dispersion,
        }


def check_counts(values: pd.Series, column: str) -> np.ndarray:
    """Return counts as floats; raise naming every row that is not a whole number >= 0."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers) | (numbers < 0) | (numbers != np.floor(numbers))
    if bad.any():
        raise DataValidationError(
            [
                f"row {label}, column {column!r}: {value!r} is not a count (whole number >= 0)"
                for label, value in zip(values.index[bad], values[bad], strict=True)
            ]
        )
    return numbers


def log_exposure(data: pd.DataFrame, exposure: str | Sequence[float] | None) -> np.ndarray:
    """Return ``log(exposure)`` as an offset (zeros without exposure); raise on bad rows."""
    if exposure is None:
        return np.zeros(len(data))
    if isinstance(exposure, str):
        if exposure not in data.columns:
            raise ParameterError(f"exposure column {exposure!r} is not in the data")
        values = data[exposure]
        name = exposure
    else:
        values = pd.Series(np.asarray(exposure, dtype=float), index=data.index)
        name = "exposure"
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers) | (numbers <= 0)
    if bad.any():
        raise DataValidationError(
            [
                f"row {label}, column {name!r}: {value!r} is not a positive exposure"
                for label, value in zip(values.index[bad], values[bad], strict=True)
            ]
        )
    return np.log(numbers)


def check_family(family: str, allowed: Sequence[str] = FAMILIES) -> None:
    if family not in allowed:
        raise ParameterError(f"family must be one of {', '.join(allowed)}; got {family!r}")


def fit_count_glm(
    endog: np.ndarray,
    exog: pd.DataFrame,
    offset: np.ndarray,
    family: str,
    caveats: list[Phrase],
    *,
    check_overdispersion: bool = True,
    use_t: bool = True,
) -> CountFit:
    """Fit a log-link count model and record small-number, convergence and dispersion caveats.

    Parameters
    ----------
    endog : numpy.ndarray
        Counts.
    exog : pandas.DataFrame
        Design matrix with named columns (including the constant).
    offset : numpy.ndarray
        ``log(exposure)``.
    family : {"poisson", "quasipoisson", "negbin"}
        Quasi-Poisson scales the Poisson standard errors by the square root of the Pearson
        dispersion, floored at 1 so that they are never narrower than Poisson, and uses t
        quantiles on the residual df; the negative binomial (NB2) estimates its own
        dispersion ``alpha`` by maximum likelihood.
    caveats : list of Phrase
        Receives the caveats; each is also issued as a project warning.
    check_overdispersion : bool
        Warn when a Poisson fit is overdispersed (off when the caller chooses the family).
    use_t : bool
        Quasi-Poisson intervals and p-values from t on the residual df (the default); False
        uses the normal quantile, only to reproduce published figures computed that way.

    Raises
    ------
    ModelDataError
        All counts zero, more terms than points, terms that duplicate each other, or counts
        that are zero wherever some terms are non-zero (an infinite rate ratio).
    """
    check_family(family)
    check_estimable(endog, exog)
    if endog.sum() < RELIABLE_EVENTS:
        record_caveat(
            caveats,
            phrase("model.caveat.few_events", n=f"{endog.sum():.0f}", minimum=RELIABLE_EVENTS),
            SmallNumbersWarning,
            stacklevel=4,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StatsmodelsConvergenceWarning)
        fit = _fit_statsmodels(endog, exog, offset, family, use_t)
    fit.converged = fit.converged and not any(
        issubclass(w.category, StatsmodelsConvergenceWarning) for w in caught
    )
    if family == "negbin" and fit.nb_alpha <= 10 * NB_ALPHA_FLOOR:
        record_caveat(
            caveats,
            phrase("model.caveat.negbin_zero"),
            DataQualityWarning,
            stacklevel=4,
        )
    if not fit.converged:
        record_caveat(
            caveats,
            phrase("model.caveat.not_converged", family=phrase(f"model.family.{family}")),
            ConvergenceWarning,
            stacklevel=4,
        )
    if check_overdispersion:
        _warn_if_overdispersed(fit, caveats)
    unbounded = _unbounded_terms(fit)
    if unbounded:
        raise ModelDataError(
            f"the data cannot pin down {', '.join(unbounded)}: the interval of its rate ratio "
            f"is unbounded ({fit.nobs} points, {fit.df_resid:g} residual df); fit fewer terms "
            "or use more points"
        )
    return fit


def _unbounded_terms(fit: CountFit) -> list[str]:
    """Terms whose 99% interval as a rate ratio cannot be written as a finite number."""
    crit = critical_value(0.99, fit.t_df)
    reach = np.abs(np.asarray(fit.params)) + crit * np.asarray(fit.bse)
    return [name for name, r in zip(fit.names, reach, strict=True) if not r < LARGEST_LOG_RATIO]


def check_estimable(endog: np.ndarray, exog: pd.DataFrame) -> None:
    """Raise :class:`ModelDataError` unless a log-linear count model has a finite fit.

    Checks, in order: some count is non-zero; at least one point more than terms; no term is
    a combination of the others; and no separation, i.e. no direction ``d`` of the
    coefficients with ``X d = 0`` where counts are positive and ``X d <= 0`` (somewhere
    ``< 0``) where they are zero, along which the likelihood rises for ever (found by a
    linear program).
    """
    if not endog.any():
        raise ModelDataError("every count is zero: there is no rate to model on the log scale")
    n, p = exog.shape
    if n - p < 1:
        raise ModelDataError(
            f"{n} points cannot fit {p} terms ({', '.join(exog.columns)}): at least {p + 1} "
            "are needed to leave any residual variation"
        )
    matrix = exog.to_numpy(float)
    if np.linalg.matrix_rank(matrix) < p:
        redundant = [
            name
            for j, name in enumerate(exog.columns)
            if np.linalg.matrix_rank(np.delete(matrix, j, axis=1)) == np.linalg.matrix_rank(matrix)
        ]
        raise ModelDataError(
            f"the terms {', '.join(redundant)} duplicate each other in these data (a covariate "
            "that does not vary, or one that is a sum of others): their effects cannot be told "
            "apart"
        )
    separated = separated_terms(endog, exog)
    if separated:
        raise ModelDataError(
            f"the counts are zero wherever {', '.join(separated)} would raise them: the rate "
            "ratio for that term is zero or infinite (separation), so it cannot be estimated; "
            "merge or drop the empty cells or segment"
        )


def separated_terms(endog: np.ndarray, exog: pd.DataFrame) -> list[str]:
    """Terms along which the Poisson likelihood has no maximum (see :func:`check_estimable`)."""
    matrix = exog.to_numpy(float)
    zero, positive = matrix[endog == 0], matrix[endog > 0]
    if not len(zero):
        return []
    # Columns scaled to unit size so the bound on d treats every term alike.
    size = np.abs(matrix).max(axis=0)
    zero, positive = zero / size, positive / size
    found = linprog(
        zero.sum(axis=0),
        A_ub=zero,
        b_ub=np.zeros(len(zero)),
        A_eq=positive if len(positive) else None,
        b_eq=np.zeros(len(positive)) if len(positive) else None,
        bounds=[(-1, 1)] * matrix.shape[1],
        method="highs",
    )
    if found.status != 0 or found.fun > -1e-7:
        return []
    return [name for name, d in zip(exog.columns, found.x, strict=True) if abs(d) > 1e-7]


def _fit_statsmodels(
    endog: np.ndarray, exog: pd.DataFrame, offset: np.ndarray, family: str, use_t: bool
) -> CountFit:
    nb_alpha = _negbin_alpha(endog, exog, offset) if family == "negbin" else None
    glm_family = families.NegativeBinomial(alpha=nb_alpha) if nb_alpha else families.Poisson()
    model = GLM(endog, exog, family=glm_family, offset=offset)
    res = model.fit()
    scale = 1.0
    if family == "quasipoisson":
        # Never narrower than Poisson: an underdispersed short series is more likely chance.
        scale = max(1.0, res.pearson_chi2 / res.df_resid)
        res = model.fit(scale=scale, use_t=use_t)
    return CountFit(
        family=family,
        names=list(exog.columns),
        params=res.params.to_numpy(),
        bse=res.bse.to_numpy(),
        pvalues=res.pvalues.to_numpy(),
        cov=res.cov_params().to_numpy(),
        nobs=int(endog.size),
        df_resid=float(res.df_resid),
        pearson_chi2=float(res.pearson_chi2),
        converged=bool(res.converged),
        fitted=res.fittedvalues.to_numpy(),
        events=float(endog.sum()),
        deviance=float(res.deviance),
        # A quasi-likelihood has no log-likelihood to report.
        loglik=float(res.llf) if family != "quasipoisson" else float("nan"),
        scale=scale,
        nb_alpha=nb_alpha,
        use_t=use_t,
    )


def _negbin_alpha(endog: np.ndarray, exog: pd.DataFrame, offset: np.ndarray) -> float:
    """Maximum-likelihood NB2 dispersion, profiling the GLM over ``log(alpha)``.

    This is how R's ``MASS::glm.nb`` works (the coefficients' standard errors then treat
    ``alpha`` as known); it stays stable when ``alpha`` runs to its boundary at 0, where the
    joint optimiser of ``statsmodels.discrete`` fails to invert its Hessian.
    """

    def negative_loglik(log_alpha: float) -> float:
        family = families.NegativeBinomial(alpha=float(np.exp(log_alpha)))
        return -GLM(endog, exog, family=family, offset=offset).fit().llf

    best = optimize.minimize_scalar(
        negative_loglik, bounds=(np.log(NB_ALPHA_FLOOR), np.log(1e3)), method="bounded"
    )
    return float(np.exp(best.x))


def overdispersion_sentence(fit: CountFit) -> Phrase:
    """Say how the counts' variation compares with Poisson, and what that means."""
    dispersion = Num(fit.dispersion, 2)
    if fit.family == "negbin":
        return phrase("model.glm.negbin", alpha=Num(fit.nb_alpha, 3), dispersion=dispersion)
    test = phrase("model.glm.test", dispersion=dispersion, p=PValue(fit.overdispersion_p))
    overdispersed = fit.overdispersion_p < OVERDISPERSION_ALPHA and fit.dispersion > 1
    if fit.family == "quasipoisson":
        scaled = phrase("model.glm.scaled" if fit.dispersion > 1 else "model.glm.kept")
        quantile = (
            phrase("model.glm.t_intervals", df=f"{fit.df_resid:g}")
            if fit.use_t
            else phrase("model.glm.z_intervals")
        )
        return phrase("model.glm.quasi", scaled=scaled, dispersion=dispersion, quantile=quantile)
    if overdispersed:
        return phrase("model.glm.overdispersed", test=test)
    return phrase("model.glm.poisson_ok", test=test)


def _warn_if_overdispersed(fit: CountFit, caveats: list[Phrase]) -> None:
    """Record a caveat when a plain Poisson fit shows overdispersion."""
    if (
        fit.family == "poisson"
        and fit.overdispersion_p < OVERDISPERSION_ALPHA
        and fit.dispersion > 1
    ):
        record_caveat(
            caveats,
            phrase(
                "model.caveat.overdispersion",
                dispersion=Num(fit.dispersion, 2),
                p=PValue(fit.overdispersion_p),
            ),
            DataQualityWarning,
            stacklevel=5,
        )
