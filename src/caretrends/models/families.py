"""The count families the rate models fit, apart from the models so that a run
configuration naming one is checked without importing statsmodels."""

from __future__ import annotations

#: Count families of :func:`caretrends.models.fit_rate_trend` (``"auto"`` also chooses one).
FAMILIES: tuple[str, ...] = ("poisson", "quasipoisson", "negbin")
