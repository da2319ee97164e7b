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

from caretrends.models.text import (
    Num,
    Phrase,
    ci,
    interval,
    percent_decimals,
    percents,
    phrase,
    sentences,
)
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
    (and already issued as warnings, in English) are kept as :class:`~caretrends.models.text.Phrase`
    in ``caveat_phrases`` and appended to the text, in the reader's language, so they travel
    with the numbers.
    """

    level: float = 0.95
    caveat_phrases: list[Phrase] = field(default_factory=list)

    @property
    def caveats(self) -> list[str]:
        """The caveats in English, as the warnings gave them."""
        return self.caveat_texts("en")

    def caveat_texts(self, lang: str = "en") -> list[str]:
        """Return the caveats recorded while fitting, in ``lang``."""
        return [p.render(lang) for p in self.caveat_phrases]

    def estimates(self) -> list[Estimate]:
        """Return the model's estimates in the order the tidy table lists them."""
        raise NotImplementedError

    def findings(self) -> list[Phrase]:
        """Return the sentences that state what the model found, as phrases."""
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

    def summary_text(self, lang: str = "en") -> str:
        """Plain-language summary a brief can quote, with every caveat the fit produced.

        Parameters
        ----------
        lang : str
            Language of the text: ``"en"``, ``"sq"`` or ``"sr"``; numbers follow its locale.
        """
        text = sentences(self.findings(), lang)
        if self.caveat_phrases:
            caveats = " ".join(sentences([p], lang) for p in self.caveat_phrases)
            text += " " + sentences([phrase("model.caution", text=caveats)], lang)
        return text


def record_caveat(
    caveats: list[Phrase], message: Phrase, category: type[CaretrendsWarning], stacklevel: int = 3
) -> None:
    """Warn (in English) with a project warning class and keep the phrase for the summary."""
    caveats.append(message)
    warnings.warn(message.render("en"), category, stacklevel=stacklevel)


def too_small_phrase(subject: object, reason: object) -> Phrase:
    """The phrase behind :func:`too_small`; ``subject`` and ``reason`` may be phrases."""
    return phrase("model.too_small", subject=subject, reason=reason)


def too_small(subject: object, reason: object, lang: str = "en") -> str:
    """A sentence that gives the reason a verdict cannot be drawn, and no estimate.

    >>> too_small("the level change after May 2013", "only 1 point after it")
    'Too few data to judge the level change after May 2013: only 1 point after it'
    """
    return too_small_phrase(subject, reason).render(lang)


def format_percent(*values: float) -> list[str]:
    """Format percentages alike: one decimal if any is below 10 in size, none otherwise.

    >>> format_percent(4.26, -12.4)
    ['4.3%', '-12.4%']
    >>> format_percent(12.4, 19.0)
    ['12%', '19%']
    """
    digits = percent_decimals(*values)
    return [f"{v:.{digits}f}%" for v in values]


def ratio_phrase(
    subject: object, ratio: Estimate, level: float, verb: object, others: object
) -> Phrase:
    """The phrase behind :func:`describe_ratio` (subject, verb, others may be phrases)."""
    fields = {
        "subject": subject,
        "verb": verb,
        "others": others,
        "times": Num(ratio.estimate, 2),
        "ci": ci(level),
        "interval": interval(Num(ratio.conf_low, 2), Num(ratio.conf_high, 2)),
    }
    if ratio.conf_low > 1 or ratio.conf_high < 1:
        return phrase("model.ratio.differs", **fields)
    return phrase("model.ratio.unclear", **fields)


def describe_ratio(
    subject: object, ratio: Estimate, level: float, verb: object, others: object, lang: str = "en"
) -> str:
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
    return ratio_phrase(subject, ratio, level, verb, others).render(lang)


def change_phrase(subject: object, change: Estimate, level: float, unit: object = "") -> Phrase:
    """The phrase behind :func:`describe_change` (subject and unit may be phrases)."""
    if change.conf_low > 0:
        key, sign = "model.change.rose", 1
    elif change.conf_high < 0:
        key, sign = "model.change.fell", -1
    else:
        # An interval from a fall to a rise: both bounds signed, as the headline writes it.
        est, low, high = percents(change.estimate, change.conf_low, change.conf_high, sign=True)
        return phrase(
            "model.change.unclear",
            subject=subject,
            estimate=est,
            unit=unit,
            ci=ci(level),
            interval=interval(low, high),
        )
    bounds = sorted((sign * change.conf_low, sign * change.conf_high))
    est, low, high = percents(sign * change.estimate, *bounds)
    return phrase(
        key, subject=subject, estimate=est, unit=unit, ci=ci(level), interval=interval(low, high)
    )


def describe_change(
    subject: object, change: Estimate, level: float, unit: object = "", lang: str = "en"
) -> str:
    """Describe a percent change with its interval; say "no clear change" if it spans zero.

    Parameters
    ----------
    subject : str or Phrase
        What changed, starting the sentence ("After May 2013 the level").
    change : Estimate
        A percent change (use :meth:`Estimate.as_percent_change` on ratios).
    level : float
        Confidence level of the interval.
    unit : str or Phrase
        Appended after the percentage, e.g. ``" a year"``.
    lang : str
        Language of the sentence; numbers follow its locale.

    Examples
    --------
    >>> e = Estimate("x", -12.0, 0.04, -19.0, -4.0, 0.003)
    >>> describe_change("After May 2013 the level", e, 0.95)
    'After May 2013 the level fell by 12.0% (95% CI 4.0% to 19.0%)'
    >>> e = Estimate("x", -3.0, 0.06, -15.0, 10.0, 0.6)
    >>> describe_change("The rate", e, 0.95, " a year")
    'The rate showed no clear change: −3.0% a year (95% CI −15.0% to +10.0%), an interval that includes no change'
    """  # noqa: E501
    return change_phrase(subject, change, level, unit).render(lang)


def measure_key(has_exposure: bool, measure: str | None = None) -> str:
    """The catalog key of what a count model measures: a given ``measure``, else a rate
    when the model has an exposure (offset) and a number of events when it has none."""
    if measure is not None:
        return measure
    return "model.measure.rate" if has_exposure else "model.measure.number"
