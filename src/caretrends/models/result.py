"""What every fitted model hands back: tidy estimates, caveats and a sentence a brief can quote.

Each model keeps its numbers as :class:`Estimate` rows and its doubts as caveats. The base class
:class:`ModelResult` turns them into a broom-style table (:meth:`ModelResult.tidy`) and into
plain language (:meth:`ModelResult.summary_text`); the phrase builders below make sure an
interval that includes "no change" is never written up as a rise or a fall.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import astuple, dataclass, field, fields
from typing import Protocol

import numpy as np
import pandas as pd

from caretrends.models.text import (
    Num,
    Percent,
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


class Detectable(Protocol):
    """A minimum detectable effect, as the power calculations give it.

    ``fall`` and ``rise`` are the smallest effects the design detects with ``power`` (NaN
    where none in the range examined): ratios (``0.5``, ``2.0``) when ``scale`` ends in
    ``ratio`` (``"hazard_ratio"``), else percent changes (``-20.0`` for a fall of 20 %).
    :class:`caretrends.models.power.DetectableEffect` is one.
    """

    fall: float
    rise: float
    power: float
    scale: str


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
    #: Minimum detectable effects the sentences quote beside a "no clear change", by the
    #: name the model gives its estimate (``apc``; ``level_2014``, ``trend_2014``; a Cox
    #: covariate); see :meth:`with_detectable`.
    detectable: dict[str, Detectable] = field(default_factory=dict)

    def with_detectable(self, **effects: Detectable) -> ModelResult:
        """A copy whose sentences quote ``effects`` beside the estimates they belong to.

        The effects come from a power calculation on the same design
        (:mod:`caretrends.models.power`); a fit does not compute them itself, because a
        simulation costs more than the fit and not every reader of a fit needs it.
        """
        result = copy.copy(self)
        result.detectable = {**self.detectable, **effects}
        return result

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


def excludes_no_change(low: float, high: float, null: float) -> bool:
    """Whether the interval ``low``–``high`` lies wholly on one side of ``null``.

    >>> excludes_no_change(-21.6, 2.3, 0.0), excludes_no_change(0.5, 0.9, 1.0)
    (False, True)
    """
    return low > null or high < null


def detectable_phrase(detectable: Detectable, unit: object = "") -> Phrase:
    """What the design could have detected, both ways, with its power.

    A side with no detectable effect in the range examined is said so, so the sentence
    always names both ways (a fall *and* a rise), never one direction alone.

    Examples
    --------
    >>> from types import SimpleNamespace as D
    >>> detectable_phrase(D(fall=-19.8, rise=24.6, power=0.8, scale="percent"), " a year").render()
    'with 80% power, the design could have detected only a fall of 20% or a rise of 25% a year or larger'
    >>> nan = float("nan")
    >>> detectable_phrase(D(fall=0.6, rise=nan, power=0.8, scale="hazard_ratio")).render()
    'with 80% power, the comparison could have detected only a ratio below 0.60 (no rise within the range examined)'
    """  # noqa: E501
    power = Percent(100 * detectable.power, 0)
    values = {side: getattr(detectable, side) for side in ("fall", "rise")}
    known = {side: value for side, value in values.items() if math.isfinite(value)}
    if not known:
        return phrase("model.detectable.none", power=power)
    if detectable.scale.endswith("ratio"):
        kind, shown = "ratio", [Num(value, 2) for value in known.values()]
    else:
        kind, shown = "change", percents(*(abs(value) for value in known.values()))
    key = "both" if len(known) == 2 else f"{next(iter(known))}_only"
    return phrase(
        f"model.detectable.{kind}_{key}",
        power=power,
        unit=unit,
        **dict(zip(known, shown, strict=True)),
    )


def ratio_phrase(
    subject: object,
    ratio: Estimate,
    level: float,
    verb: object,
    others: object,
    detectable: Detectable | None = None,
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
    if excludes_no_change(ratio.conf_low, ratio.conf_high, 1.0):
        return phrase("model.ratio.differs", **fields)
    unclear = phrase("model.ratio.unclear", **fields)
    if detectable is None:
        return unclear
    return phrase(
        "model.with_detectable", verdict=unclear, detectable=detectable_phrase(detectable)
    )


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
    'Children who entered as infants left care an estimated 0.90 times as fast as others, but the data are compatible with anything from 0.60 to 1.30 times as fast (95% CI): no clear difference'
    """  # noqa: E501
    return ratio_phrase(subject, ratio, level, verb, others).render(lang)


def direction(change: Estimate) -> str:
    """``"rose"`` or ``"fell"`` when a percent change's interval excludes 0, else ``"unclear"``.

    The one place a direction is read off an estimate: every sentence, title and key
    number that says which way a number moved asks here.

    >>> direction(Estimate("x", -12.0, 0.1, -19.0, -4.0, 0.003))
    'fell'
    >>> direction(Estimate("x", -10.4, 0.1, -21.6, 2.3, 0.09))
    'unclear'
    """
    if not excludes_no_change(change.conf_low, change.conf_high, 0.0):
        return "unclear"
    return "rose" if change.conf_low > 0 else "fell"


def _direction_fields(change: Estimate, level: float) -> tuple[str, dict[str, object]]:
    """The verdict of a percent change and the fields its phrases share."""
    kind = direction(change)
    if kind == "unclear":
        est, fall, rise = percents(change.estimate, -change.conf_low, change.conf_high)
        est = Percent(est.value, est.decimals, sign=True)
        signed_low, signed_high = percents(change.conf_low, change.conf_high, sign=True)
        return kind, {
            "estimate": est,
            "fall": phrase("model.change.a_fall", value=fall),
            "rise": phrase("model.change.a_rise", value=rise),
            "ci": ci(level),
            "interval": interval(signed_low, signed_high),
        }
    sign = 1 if kind == "rose" else -1
    bounds = sorted((sign * change.conf_low, sign * change.conf_high))
    est, low, high = percents(sign * change.estimate, *bounds)
    return kind, {"estimate": est, "ci": ci(level), "interval": interval(low, high)}


def change_phrase(
    subject: object,
    change: Estimate,
    level: float,
    unit: object = "",
    detectable: Detectable | None = None,
) -> Phrase:
    """The one sentence a percent change becomes, in any language.

    "Fell" or "rose" only when the interval excludes no change; otherwise the range of
    changes the data are compatible with and, given ``detectable``, what the design could
    have detected. Subject and unit may be phrases.
    """
    kind, fields = _direction_fields(change, level)
    fields = {k: v for k, v in fields.items() if kind != "unclear" or k != "interval"}
    sentence = phrase(f"model.change.{kind}", subject=subject, unit=unit, **fields)
    if kind != "unclear" or detectable is None:
        return sentence
    return phrase(
        "model.with_detectable", verdict=sentence, detectable=detectable_phrase(detectable, unit)
    )


def change_title(subject: object, change: Estimate, level: float, unit: object = "") -> Phrase:
    """The short form of :func:`change_phrase` for a title, a label or a table cell.

    >>> e = Estimate("apc", -10.4, 0.1, -21.6, 2.3, 0.09)
    >>> change_title("Kosovo, 2016–2024", e, 0.95, " a year").render()
    'Kosovo, 2016–2024: no clear change (−10.4% a year; 95% CI −21.6% to +2.3%)'
    >>> e = Estimate("apc", -7.5, 0.1, -9.7, -5.3, 0.001)
    >>> change_title("Kosovo, 2008–2024", e, 0.95, " a year").render()
    'Kosovo, 2008–2024: a fall of 7.5% a year (95% CI 5.3% to 9.7%)'
    """
    kind, fields = _direction_fields(change, level)
    fields = {k: v for k, v in fields.items() if k not in ("fall", "rise")}
    return phrase(f"model.change_title.{kind}", subject=subject, unit=unit, **fields)


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
    'The rate changed by an estimated −3.0% a year, but the data are compatible with anything from a fall of 15.0% to a rise of 10.0% a year (95% CI): no clear change'
    """  # noqa: E501
    return change_phrase(subject, change, level, unit).render(lang)


def measure_key(has_exposure: bool, measure: str | None = None) -> str:
    """The catalog key of what a count model measures: a given ``measure``, else a rate
    when the model has an exposure (offset) and a number of events when it has none."""
    if measure is not None:
        return measure
    return "model.measure.rate" if has_exposure else "model.measure.number"
