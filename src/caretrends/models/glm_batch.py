"""Many Poisson log-linear fits at once: one design, one offset, a count series per row.

A power simulation refits the same model to thousands of simulated series. Through
:func:`caretrends.models.glm.fit_count_glm` each fit costs milliseconds of pandas and
statsmodels bookkeeping around a few 17 x 3 matrix products; here Newton's method runs on
all series together as stacked numpy arrays. The estimates are those of the maximum
likelihood fit statsmodels finds (its IRLS is Newton's method for the canonical log link),
with the same quasi-Poisson rule as :func:`~caretrends.models.glm.fit_count_glm`: standard
errors scaled by max(1, Pearson X2/df), Wald tests on t with the residual df.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caretrends.models.intervals import two_sided_p


@dataclass(frozen=True)
class BatchFit:
    """Coefficients of one fit per row of counts (see :func:`fit_poisson_batch`)."""

    #: Shape (series, terms): log-scale coefficients.
    params: np.ndarray
    #: Shape (series, terms): their standard errors.
    bse: np.ndarray
    #: Shape (series, terms): their two-sided p-values.
    pvalues: np.ndarray
    #: Shape (series,): the factor the variances were multiplied by (1 for Poisson).
    scale: np.ndarray
    #: Points minus terms.
    df_resid: int
    #: Shape (series,), bool: the Newton steps shrank below the tolerance; the other
    #: rows' numbers are not estimates.
    converged: np.ndarray


def fit_poisson_batch(
    counts: np.ndarray,
    design: np.ndarray,
    offset: np.ndarray | None = None,
    *,
    quasi: bool = True,
    use_t: bool = True,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> BatchFit:
    """Fit ``log E[y] = offset + design @ b`` to every row of ``counts`` by Newton's method.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (series, points): counts >= 0, each row with a finite maximum of its
        likelihood (the caller checks: :func:`caretrends.models.glm.check_estimable`);
        all positive counts always have one.
    design : numpy.ndarray
        Shape (points, terms), of full column rank, shared by every series.
    offset : numpy.ndarray, optional
        Shape (points,): ``log(exposure)``; zeros when omitted.
    quasi : bool
        Quasi-Poisson: scale the variances by max(1, Pearson X2/df) as
        :func:`caretrends.models.glm.fit_count_glm` does; else Poisson (scale 1).
    use_t : bool
        With ``quasi``, p-values from t on the residual df (else the normal).
    tol : float
        A row has converged when no coefficient moved by more than ``tol`` in a step.
    max_iter : int
        Newton steps at most.

    Returns
    -------
    BatchFit

    Examples
    --------
    >>> t = np.arange(6.0)
    >>> fit = fit_poisson_batch(np.array([[9, 8, 6, 5, 4, 3]]), np.column_stack([t**0, t]))
    >>> np.round(np.exp(fit.params[0, 1]), 3), fit.df_resid, bool(fit.converged[0])
    (np.float64(0.805), 4, True)
    """
    y = np.asarray(counts, dtype=float)
    x = np.asarray(design, dtype=float)
    off = np.zeros(x.shape[0]) if offset is None else np.asarray(offset, dtype=float)
    # Start from least squares on log(y + 1/2) - offset: close to the maximum for counts
    # of any size, so a handful of Newton steps reach it.
    params = np.linalg.lstsq(x, (np.log(y + 0.5) - off).T, rcond=None)[0].T
    converged = np.zeros(len(y), dtype=bool)
    for _ in range(max_iter):
        mu = np.exp(params @ x.T + off)
        information = np.einsum("ip,si,iq->spq", x, mu, x)
        step = np.linalg.solve(information, ((y - mu) @ x)[..., None])[..., 0]
        params = np.where(converged[:, None], params, params + step)
        converged |= np.abs(step).max(axis=1) < tol
        if converged.all():
            break
    mu = np.exp(params @ x.T + off)
    df_resid = x.shape[0] - x.shape[1]
    pearson = ((y - mu) ** 2 / mu).sum(axis=1)
    scale = np.maximum(1.0, pearson / df_resid) if quasi else np.ones(len(y))
    covariance = np.linalg.inv(np.einsum("ip,si,iq->spq", x, mu, x))
    bse = np.sqrt(np.diagonal(covariance, axis1=1, axis2=2) * scale[:, None])
    pvalues = two_sided_p(params / bse, df_resid if quasi and use_t else None)
    return BatchFit(params, bse, pvalues, scale, df_resid, converged)
