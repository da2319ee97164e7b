"""Statistical models for the evidence: rate trends, joinpoints, interrupted time series, survival.

Every fitted model returns a result with ``.tidy()`` (columns ``term``, ``estimate``,
``std_error``, ``conf_low``, ``conf_high``, ``p_value``; ratios and percents on the scale a
reader quotes), ``.glance()`` (one row of model-level numbers, as R's broom) and
``.summary_text()`` (a sentence a brief can quote, with its caveats; no verdict where a segment
or group is too small to carry one). Small series and small counts raise
:class:`~caretrends.warnings.SmallNumbersWarning`; data that cannot carry the model raise
:class:`~caretrends.errors.ModelDataError`.

One implementation per quantity, for figures, tables and briefs alike: :func:`value_at` reads a
survival or cumulative-incidence curve at a time, :func:`wilson_interval` and
:func:`garwood_interval` give intervals for proportions and rates, and :data:`RELIABLE_EVENTS`
is the reliability threshold.

>>> from caretrends import models
>>> models.garwood_interval(9).round(2)[["conf_low", "conf_high"]].iloc[0].tolist()
[4.12, 17.08]
"""

from __future__ import annotations

from caretrends.models import its, joinpoint, survival, trend
from caretrends.models.cox import fit_cox, ph_test
from caretrends.models.intervals import RELIABLE_EVENTS, garwood_interval, wilson_interval
from caretrends.models.its import fit_its
from caretrends.models.joinpoint import fit_joinpoint
from caretrends.models.logrank import logrank_test
from caretrends.models.survival import (
    CurveValue,
    cumulative_incidence,
    kaplan_meier,
    median_survival,
    value_at,
)
from caretrends.models.trend import fit_rate_model, fit_rate_trend

__all__ = [
    "RELIABLE_EVENTS",
    "CurveValue",
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
    "ph_test",
    "survival",
    "trend",
    "value_at",
    "wilson_interval",
]
