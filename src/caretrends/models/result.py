"""What every fitted model hands back: tidy estimates, caveats and a sentence a brief can quote.

Each model keeps its numbers as :class:`Estimate` rows and its doubts as caveats. The base class
:class:`ModelResult` turns them into a broom-style table (:meth:`ModelResult.tidy`) and into
plain language (:meth:`ModelResult.summary_text`); the phrase builders below make sure an
interval that includes "no change" is never written up as a rise or a fall.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import astuple, dataclass, field, fields

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
        """Build a ratio estimate from a log-scale coefficient and its standard error."""
        return cls(
            term,
            math.exp(log_value),
            std_error,
            math.exp(log_value - crit * std_error),
            math.exp(log_value + crit * std_error),
            p,
        )

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


def format_percent(*values: float) -> list[str]:
    """Format percentages alike: one decimal if any is below 10 in size, none otherwise.

    >>> format_percent(4.26, -12.4)
    ['4.3%', '-12.4%']
    >>> format_percent(12.4, 19.0)
    ['12%', '19%']
    """
    digits = 1 if min(abs(v) for v in values) < 10 else 0
    return [f"{v:.{digits}f}%" for v in values]


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
