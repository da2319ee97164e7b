"""Model sentences kept as label keys with their fields, rendered later in any language.

A fitted model does not decide the reader's language: it keeps each sentence and caveat as a
:class:`Phrase` (a key of the ``model`` group of the label catalogs with its fields) and
:meth:`~caretrends.models.result.ModelResult.summary_text` renders them in ``en``, ``sq`` or
``sr``. Numbers inside a phrase are wrapped so that they are formatted in the reader's locale
(:class:`Num`, :class:`Percent`, :class:`PValue`); a phrase may hold other phrases.

Examples
--------
>>> p = phrase("model.caveat.trend_fragile", n=4)
>>> p.render("en")
'only 4 points: a trend from so few points is fragile'
>>> render(PValue(0.0004), "sq")
'p < 0,001'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from caretrends.labels.terms import format_number, has_label, label
from caretrends.labels.terms import format_percent as _locale_percent

#: From this size on a number is written in exponent form (a degenerate fit's estimate).
HUGE = 1e15
#: Below this a p-value is written ``p < 0.001``.
P_FLOOR = 0.001


@dataclass(frozen=True)
class Phrase:
    """A catalog key and its fields; :meth:`render` writes it in a language."""

    #: Key of the label catalogs (``model.…``).
    key: str
    #: Placeholder values: text, whole numbers, :class:`Num`, :class:`Percent`,
    #: :class:`PValue`, :class:`Joined` or other phrases.
    fields: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str = "en") -> str:
        """Return the phrase in ``lang`` with every field formatted for its locale."""
        return label(self.key, lang, **{k: render(v, lang) for k, v in self.fields})

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True)
class Num:
    """A number shown with ``decimals`` decimals in the reader's locale."""

    value: float
    decimals: int = 2


@dataclass(frozen=True)
class Percent:
    """A percentage (``12.5`` means 12.5%) shown with ``decimals`` decimals; with ``sign``,
    a rise carries its ``+`` (the bounds of an interval that spans no change)."""

    value: float
    decimals: int = 1
    sign: bool = False


@dataclass(frozen=True)
class PValue:
    """A p-value: ``p = 0.034``, or ``p < 0.001`` below :data:`P_FLOOR`."""

    value: float


@dataclass(frozen=True)
class Joined:
    """Items rendered one by one and joined by ``separator`` (``"; "`` by default)."""

    items: tuple[object, ...]
    separator: str = "; "


@dataclass(frozen=True)
class Term:
    """Text given by a caller: a dotted catalog key is translated, other text shown as is."""

    text: str


def phrase(key: str, /, **fields: object) -> Phrase:
    """Build a :class:`Phrase` from a catalog key and keyword fields."""
    return Phrase(key, tuple(fields.items()))


def render(value: object, lang: str = "en") -> str:
    """Render a field value (or a phrase) in ``lang``.

    Examples
    --------
    >>> render(Percent(-3.04), "en")
    '−3.0%'
    >>> render(Joined((Num(1.5), Num(2.25))), "sr")
    '1,50; 2,25'
    """
    if isinstance(value, Phrase):
        return value.render(lang)
    if isinstance(value, (Num, Percent, PValue)) and not math.isfinite(value.value):
        return _not_finite(value.value, lang)
    if isinstance(value, (Num, Percent)) and abs(value.value) >= HUGE:
        return f"{value.value:.3g}".replace("-", "\u2212") + (
            "%" if isinstance(value, Percent) else ""
        )
    if isinstance(value, Num):
        return format_number(value.value, lang, decimals=value.decimals)
    if isinstance(value, Percent):
        return _locale_percent(value.value / 100, lang, decimals=value.decimals, sign=value.sign)
    if isinstance(value, PValue):
        return p_value_text(value.value, lang)
    if isinstance(value, Joined):
        return value.separator.join(render(item, lang) for item in value.items)
    if isinstance(value, Term):
        return term_text(value.text, lang)
    return str(value)


def _not_finite(value: float, lang: str) -> str:
    """An infinite number as ``∞`` (``−∞``), a missing one as the catalog's "no data"."""
    if math.isnan(value):
        return label("no_data", lang)
    return "\u221e" if value > 0 else "\u2212\u221e"


def term_text(text: str, lang: str) -> str:
    """Translate ``text`` when it is a dotted catalog key; otherwise return it unchanged.

    Examples
    --------
    >>> term_text("model.cox.others", "en"), term_text("May 2013", "sq")
    ('others', 'May 2013')
    """
    return label(text, lang) if "." in text and has_label(text, lang) else text


def p_value_text(p: float, lang: str) -> str:
    """Write a p-value as a report quotes it: ``p < 0.001`` or ``p = 0.034``.

    Examples
    --------
    >>> p_value_text(0.00002, "en"), p_value_text(0.0346, "en"), p_value_text(0.5, "sr")
    ('p < 0.001', 'p = 0.035', 'p = 0,500')
    """
    if not math.isfinite(p):
        return label("model.p_equals", lang, p=_not_finite(p, lang))
    if p < P_FLOOR:
        return label("model.p_below", lang, floor=format_number(P_FLOOR, lang, decimals=3))
    return label("model.p_equals", lang, p=format_number(p, lang, decimals=3))


def time_unit_phrase(unit: str) -> Phrase:
    """The ``per month`` phrase of a time unit, translated for years, quarters and months."""
    if unit in ("year", "month", "quarter"):
        return phrase(f"model.unit.per_{unit}")
    return phrase("model.unit.per", unit=unit)


def percent_decimals(*values: float) -> int:
    """One decimal if any of ``values`` is below 10 in size, none otherwise."""
    return 1 if min(abs(v) for v in values) < 10 else 0


def percents(*values: float, sign: bool = False) -> list[Percent]:
    """Wrap percentages with a shared number of decimals (see :func:`percent_decimals`),
    signed with ``sign``.

    Examples
    --------
    >>> [render(p, "en") for p in percents(-21.6, 2.3, sign=True)]
    ['−21.6%', '+2.3%']
    """
    digits = percent_decimals(*values)
    return [Percent(v, digits, sign) for v in values]


def interval(low: object, high: object) -> Phrase:
    """The ``low to high`` phrase of a confidence interval."""
    return phrase("interval", low=low, high=high)


def ci(level: float) -> Phrase:
    """The ``95% CI`` phrase for a confidence ``level``."""
    return phrase("model.ci", level=Percent(100 * level, 0))


def sentences(items: Sequence[Phrase], lang: str) -> str:
    """Render phrases as sentences: capitalised, each ending with a full stop."""
    return " ".join(as_sentence(p.render(lang)) for p in items)


def as_sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop unless already punctuated."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
