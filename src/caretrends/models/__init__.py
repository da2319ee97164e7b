"""Statistical models for the evidence: rate trends, joinpoints, interrupted time series, survival.

Every fitted model returns a result with ``.tidy()`` (columns ``term``, ``estimate``,
``std_error``, ``conf_low``, ``conf_high``, ``p_value``; ratios and percents on the scale a
reader quotes) and ``.summary_text()`` (a sentence a brief can quote, with its caveats). Small
series and small counts raise :class:`~caretrends.warnings.SmallNumbersWarning`.

>>> from caretrends import models
>>> models.garwood_interval(9).round(2)[["conf_low", "conf_high"]].iloc[0].tolist()
[4.12, 17.08]
"""

from __future__ import annotations

from caretrends.models import its, joinpoint, survival, trend
from caretrends.models.intervals import garwood_interval, wilson_interval
from caretrends.models.its import fit_its
from caretrends.models.joinpoint import fit_joinpoint
from caretrends.models.survival import (
    cumulative_incidence,
    fit_cox,
    kaplan_meier,
    logrank_test,
    median_survival,
)
from caretrends.models.trend import fit_rate_model, fit_rate_trend

__all__ = [
    "cumulative_incidence",
    "fit_cox",
    "fit_its",
    "fit_joinpoint",
    "fit_rate_model",
    "fit_rate_trend",
    "garwood_interval",
    "its",
    "joinpoint",
    "kaplan_meier",
    "logrank_test",
    "median_survival",
    "survival",
    "trend",
    "wilson_interval",
]
