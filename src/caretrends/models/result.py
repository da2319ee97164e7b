"""What every fitted model hands back: tidy estimates, caveats and a sentence a brief can quote.

Each model keeps its numbers as :class:`Estimate` rows and its doubts as caveats. The base class
:class:`ModelResult` turns them into a broom-style table (:meth:`ModelResult.tidy`) and into
plain language (:meth:`ModelResult.summary_text`); the phrase builders below make sure an
interval that includes "no change" is never written up as a rise or a fall.
"""

from __future__ import annotations

import warnings
from dataclasses import astuple, dataclass, field, fields

import numpy as np
import pandas as pd

from caretrends.warnings import CaretrendsWarning


@dataclass(frozen=True)
class Estimate:
    """One quoted number with its interval.

    ``estimate``, ``conf_low`` and ``conf_high`` are on the scale a reader quotes (a rate ratio,
    a hazard ratio, a percent change); ``std_error`` is on the scale the model estimates on
    (the log of the ratio, the log-linear slope), where the interval is symmetric.
    """

    term: str
    estimate: float
    std_error: float
    conf_low: float
    conf_high: float
    p_value: float

    @classmethod
    def ratio(cls, term: str, log_value: float, std_error: float, crit: float, p: float):
        """Build a ratio estimate from a log-scale coefficient and its standard error.

        A coefficient too large to exponentiate gives ``inf`` rather than an error; the model
        functions refuse such fits before a reader sees them.
        """
        with np.errstate(over="ignore"):
            low, mid, high = np.exp(log_value + np.array([-crit, 0.0, crit]) * std_error)
        return cls(term, float(mid), std_error, float(low), float(high), p)

    @classmethod
    def percent(cls, term: str, log_value: float, std_error: float, crit: float, p: float):
        """Build a percent-change estimate, ``100 * (exp(b) - 1)``, from a log-scale slope."""
        r = cls.ratio(term, log_value, std_error, crit, p)
        return cls(
            term,
            100 * (r.estimate - 1),
            std_error,
            100 * (r.conf_low - 1),
            100 * (r.conf_high - 1),
            p,
        )

    def as_percent_change(self) -> Estimate:
        """Return a ratio estimate re-expressed as a percent change."""
        return Estimate(
            self.term,
            100 * (self.estimate - 1),
            self.std_error,
            100 * (self.conf_low - 1),
            100 * (self.conf_high - 1),
            self.p_value,
        )


#: Columns of every tidy table, in order: the fields of :class:`Estimate`.
TIDY_COLUMNS: list[str] = [f.name for f in fields(Estimate)]
#: Columns every glance table starts with (NaN or "" where a model has no such number);
#: model-specific numbers follow them.
GLANCE_COLUMNS: list[str] = [
    "nobs",
    "events",
    "df_resid",
    "family",
    "dispersion",
    "dispersion_rule",
    "deviance",
    "loglik",
]


def tidy_frame(estimates: list[Estimate]) -> pd.DataFrame:
    """Stack estimates into the tidy table (columns :data:`TIDY_COLUMNS`)."""
    return pd.DataFrame([astuple(e) for e in estimates], columns=TIDY_COLUMNS)


@dataclass
class ModelResult:
    """Base of every model result: estimates, caveats, tidy table and quotable text.

    Subclasses implement :meth:`estimates` and :meth:`findings`; caveats recorded while fitting
    (and already issued as warnings) are appended to the text so they travel with the numbers.
    """

    level: float = 0.95
    caveats: list[str] = field(default_factory=list)

    def estimates(self) -> list[Estimate]:
        """Return the model's estimates in the order the tidy table lists them."""
        raise NotImplementedError

    def findings(self) -> list[str]:
        """Return the sentences that state what the model found."""
        raise NotImplementedError

    def model_numbers(self) -> dict[str, object]:
        """Return the model-level numbers that :meth:`glance` puts in its one row."""
        raise NotImplementedError

    def glance(self) -> pd.DataFrame:
        """Return the model-level numbers as a one-row DataFrame, as R's ``broom::glance``.

        The columns start with :data:`GLANCE_COLUMNS` (``nobs``, ``events``, ``df_resid``,
        ``family``, ``dispersion``, ``dispersion_rule`` saying how the dispersion was chosen,
        ``deviance``, ``loglik``), NaN or empty where the model has no such number, followed
        by numbers of the model's own (a test statistic, a criterion).
        """
        row = {name: float("nan") for name in GLANCE_COLUMNS} | {"family": ""}
        row |= {"dispersion_rule": ""} | self.model_numbers()
        return pd.DataFrame([row])

    def tidy(self) -> pd.DataFrame:
        """Return the estimates as a DataFrame with columns :data:`TIDY_COLUMNS`.

        Ratios (rate ratios, hazard ratios) and percent changes are given on the scale a reader
        quotes, with their confidence interval at ``self.level``; ``std_error`` is on the log
        scale the model is fitted on (log ratio, or log-linear slope for percent changes).
        """
        return tidy_frame(self.estimates())

    def summary_text(self) -> str:
        """Plain-language summary a brief can quote, with every caveat the fit produced."""
        sentences = list(self.findings())
        if self.caveats:
            sentences.append("Caution: " + " ".join(_sentence(c) for c in self.caveats))
        return " ".join(_sentence(s) for s in sentences)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def record_caveat(
    caveats: list[str], message: str, category: type[CaretrendsWarning], stacklevel: int = 3
) -> None:
    """Warn with a project warning class and keep the message for the summary text."""
    caveats.append(message)
    warnings.warn(message, category, stacklevel=stacklevel)


def too_small(subject: str, reason: str) -> str:
    """A sentence that gives the reason a verdict cannot be drawn, and no estimate.

    >>> too_small("the level change after May 2013", "only 1 point after it")
    'Too few data to judge the level change after May 2013: only 1 point after it'
    """
    return f"Too few data to judge {subject}: {reason}"


def format_percent(*values: float) -> list[str]:
    """Format percentages alike: one decimal if any is below 10 in size, none otherwise.

    >>> format_percent(4.26, -12.4)
    ['4.3%', '-12.4%']
    >>> format_percent(12.4, 19.0)
    ['12%', '19%']
    """
    digits = 1 if min(abs(v) for v in values) < 10 else 0
    return [f"{v:.{digits}f}%" for v in values]


def describe_ratio(subject: str, ratio: Estimate, level: float, verb: str, others: str) -> str:
    """Compare two groups by a ratio ("X times as fast as others"); say so if it spans 1.

    Examples
    --------
    >>> e = Estimate("infant", 1.8, 0.2, 1.2, 2.7, 0.004)
    >>> describe_ratio("Children who entered as infants", e, 0.95, "left care", "others")
    'Children who entered as infants left care 1.80 times as fast as others (95% CI 1.20 to 2.70)'
    >>> e = Estimate("infant", 0.9, 0.2, 0.6, 1.3, 0.6)
    >>> describe_ratio("Children who entered as infants", e, 0.95, "left care", "others")
    'Children who entered as infants showed no clear difference from others: 0.90 times as fast (95% CI 0.60 to 1.30), an interval that includes no difference'
    """  # noqa: E501
    times = f"{ratio.estimate:.2f} times as fast"
    interval = f"({level:.0%} CI {ratio.conf_low:.2f} to {ratio.conf_high:.2f})"
    if ratio.conf_low > 1 or ratio.conf_high < 1:
        return f"{subject} {verb} {times} as {others} {interval}"
    return (
        f"{subject} showed no clear difference from {others}: {times} {interval}, an interval that "
        "includes no difference"
    )


def describe_change(subject: str, change: Estimate, level: float, unit: str = "") -> str:
    """Describe a percent change with its interval; say "no clear change" if it spans zero.

    Parameters
    ----------
    subject : str
        What changed, starting the sentence ("After May 2013 the level").
    change : Estimate
        A percent change (use :meth:`Estimate.as_percent_change` on ratios).
    level : float
        Confidence level of the interval.
    unit : str
        Appended after the percentage, e.g. ``" a year"``.

    Examples
    --------
    >>> e = Estimate("x", -12.0, 0.04, -19.0, -4.0, 0.003)
    >>> describe_change("After May 2013 the level", e, 0.95)
    'After May 2013 the level fell by 12.0% (95% CI 4.0% to 19.0%)'
    >>> e = Estimate("x", -3.0, 0.06, -15.0, 10.0, 0.6)
    >>> describe_change("The rate", e, 0.95, " a year")
    'The rate showed no clear change: -3.0% a year (95% CI -15.0% to 10.0%), an interval that includes no change'
    """  # noqa: E501
    ci = f"{level:.0%} CI"
    if change.conf_low > 0:
        verb, sign = "rose", 1
    elif change.conf_high < 0:
        verb, sign = "fell", -1
    else:
        est, low, high = format_percent(change.estimate, change.conf_low, change.conf_high)
        return (
            f"{subject} showed no clear change: {est}{unit} ({ci} {low} to {high}), "
            "an interval that includes no change"
        )
    bounds = sorted((sign * change.conf_low, sign * change.conf_high))
    est, low, high = format_percent(sign * change.estimate, *bounds)
    return f"{subject} {verb} by {est}{unit} ({ci} {low} to {high})"
