"""The count families the rate models fit, and how many points a trend needs, apart from
the models so that a run configuration naming them is checked without importing
statsmodels."""

from __future__ import annotations

#: Count families of :func:`caretrends.models.fit_rate_trend` (``"auto"`` also chooses one).
FAMILIES: tuple[str, ...] = ("poisson", "quasipoisson", "negbin")

#: Fewest time points a trend is fitted to (:func:`caretrends.models.fit_rate_trend`).
TREND_MIN_POINTS = 3
