"""Statistical models for the evidence: rate trends, joinpoints, interrupted time series, survival.

Every fitted model returns a result with ``.tidy()`` (columns ``term``, ``estimate``,
``std_error``, ``conf_low``, ``conf_high``, ``p_value``; ratios and percents on the scale a
reader quotes), ``.glance()`` (one row of model-level numbers, as R"s broom) and
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

import lazy_loader

# Loaded from their module on first use, so that the families a run configuration may name
# (caretrends.models.families) are known without importing statsmodels.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submodules=[
        "cox",
        "families",
        "glm",
        "glm_batch",
        "intervals",
        "its",
        "joinpoint",
        "joinpoint_search",
        "logrank",
        "result",
        "survival",
        "text",
        "trend",
    ],
    submod_attrs={
        "cox": ["fit_cox", "ph_test"],
        "intervals": ["RELIABLE_EVENTS", "garwood_interval", "wilson_interval"],
        "its": ["fit_its"],
        "joinpoint": ["fit_joinpoint"],
        "logrank": ["logrank_test"],
        "survival": [
            "CurveValue",
            "cumulative_incidence",
            "kaplan_meier",
            "median_survival",
            "value_at",
        ],
        "trend": ["fit_rate_model", "fit_rate_trend"],
    },
)
