"""The label catalogs and the locale's number and date formats (see :mod:`caretrends.labels`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_format_percent

from caretrends.errors import ParameterError

#: The project glossary: sourced Albanian and Serbian terms, one row per concept.
GLOSSARY_PATH = Path(str(files("caretrends.labels") / "glossary.csv"))

#: Columns whose values are label codes, and the catalog group that names them: how
#: figure CSVs and page tables show a code as a word.
CODE_GROUPS: dict[str, str] = {
    "care_type": "care",
    "outcome": "outcome",
    "destination": "destination",
    "group": "outcome",
    "placement": "placement",
    "first_placement": "placement",
    "campaign": "campaign_name",
    "indicator": "indicator",
}

#: Language codes of the catalogs, in the order briefs list them.
LANGUAGES: tuple[str, ...] = ("en", "sq", "sr")

#: Runs of characters that are not letters or digits (:func:`label_key`).
_NOT_A_WORD = re.compile(r"[^a-z0-9]+")

#: Typographic minus, which reads better than a hyphen in front of a number.
MINUS = "\u2212"


@dataclass(frozen=True)
class Entry:
    """One catalog entry."""

    #: The label, possibly with ``{name}`` placeholders.
    text: str
    #: Key of the :data:`GLOSSARY_PATH` row the term was taken from.
    glossary: str | None = None
    #: Why the wording needs a native speaker's review; None when it is sourced.
    provisional: str | None = None


@dataclass(frozen=True)
class Catalog:
    """The labels of one language with the locale used for its numbers and dates."""

    language: str
    locale: str
    entries: dict[str, Entry]


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Entry]:
    """Turn nested YAML groups into dotted keys; a mapping with ``text`` is one entry."""
    flat: dict[str, Entry] = {}
    for name, node in tree.items():
        key = f"{prefix}{name}"
        if isinstance(node, str):
            flat[key] = Entry(text=node)
        elif isinstance(node, dict) and "text" in node:
            flat[key] = Entry(
                text=str(node["text"]),
                glossary=node.get("glossary"),
                provisional=node.get("provisional"),
            )
        elif isinstance(node, dict):
            flat.update(_flatten(node, prefix=f"{key}."))
        else:
            raise ParameterError(f"labels catalog: entry {key!r}: expected text or a mapping")
    return flat


@cache
def catalog(lang: str) -> Catalog:
    """Return the catalog of ``lang`` (one of :data:`LANGUAGES`), read once per process."""
    _check_language(lang)
    text = files("caretrends.labels").joinpath(f"{lang}.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when built in: ten times faster, which a run's checks notice
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Catalog(language=lang, locale=raw["meta"]["locale"], entries=_flatten(raw["labels"]))


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ParameterError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")


def label(key: str, lang: str, /, **fields: object) -> str:
    """Return the label ``key`` in ``lang``, with ``{placeholders}`` filled from ``fields``.

    Raises
    ------
    ParameterError
        When the language or the key is unknown (the message names both).

    Examples
    --------
    >>> label("source_line", "en", sources="KAS")
    'Source: KAS'
    """
    entries = catalog(lang).entries
    if key not in entries:
        raise ParameterError(f"label {key!r} is missing from the {lang!r} catalog")
    text = entries[key].text
    return text.format(**fields) if fields else text


def has_label(key: str, lang: str) -> bool:
    """Return True when ``key`` is in the catalog of ``lang``."""
    return key in catalog(lang).entries


def label_key(text: str) -> str:
    """Return the catalog key of a free text: its lower-case words joined by underscores.

    Examples
    --------
    >>> label_key("ambiguous date: two-digit year")
    'ambiguous_date_two_digit_year'
    """
    return _NOT_A_WORD.sub("_", text.lower()).strip("_")


def text_or_label(value: str, group: str, lang: str) -> str:
    """Return the catalog label of ``value`` in ``group`` when there is one, else ``value``.

    The label is ``group.value`` (codes such as ``residential``, ``reunited``,
    ``care_for_me``) or ``group.<label_key(value)>`` (a fixed English text such as a
    reject reason); free text passes through.

    Examples
    --------
    >>> text_or_label("KAS", "organisation", "sq"), text_or_label("AiBi", "organisation", "sq")
    ('ASK', 'AiBi')
    >>> text_or_label("date in the future", "reject", "sr")
    'datum u budućnosti'
    """
    for key in (f"{group}.{value}", f"{group}.{label_key(value)}"):
        if has_label(key, lang):
            return label(key, lang)
    return value


def locale_of(lang: str) -> str:
    """Return the Babel locale used for numbers and dates in ``lang`` (e.g. ``sq_XK``)."""
    return catalog(lang).locale


def country_name(ref_area: str, lang: str) -> str:
    """Return the name of an ISO 3166-1 alpha-3 area (Kosovo ``XKX``), or the code itself.

    Examples
    --------
    >>> country_name("MKD", "sq")
    'Maqedonia e Veriut'
    """
    key = f"country.{ref_area}"
    return label(key, lang) if has_label(key, lang) else ref_area


def _typographic(text: str) -> str:
    return text.replace("-", MINUS)


def format_number(value: float, lang: str, *, decimals: int = 0, sign: bool = False) -> str:
    """Format ``value`` for ``lang`` with ``decimals`` decimals and a typographic minus.

    Parameters
    ----------
    value : float
        The number.
    lang : str
        One of :data:`LANGUAGES`.
    decimals : int
        Digits after the decimal separator, always shown.
    sign : bool
        Show ``+`` in front of positive numbers (for changes).

    Examples
    --------
    >>> format_number(-1234, "sq")
    '−1\\xa0234'
    >>> format_number(3, "en", sign=True)
    '+3'
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return _typographic(format_decimal(value, format=pattern, locale=locale_of(lang)))


def format_percent(fraction: float, lang: str, *, decimals: int = 0, sign: bool = False) -> str:
    """Format a fraction (``0.125``) as a percentage in ``lang`` (``12.5%``, ``12,5%``).

    Examples
    --------
    >>> format_percent(0.5, "sr")
    '50%'
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return _typographic(_babel_format_percent(fraction, format=pattern, locale=locale_of(lang)))


def format_date(day: dt.date, lang: str, *, style: str = "long") -> str:
    """Format a date in ``lang``; ``style`` is a Babel style (``long``, ``medium``, ``short``).

    Examples
    --------
    >>> format_date(dt.date(2013, 5, 15), "sq")
    '15 maj 2013'
    >>> format_date(dt.date(2013, 5, 15), "sr")
    '15. maj 2013.'
    """
    return _babel_format_date(day, format=style, locale=locale_of(lang))


def format_interval(
    low: float,
    high: float,
    lang: str,
    *,
    decimals: int = 0,
    percent: bool = False,
    sign: bool = False,
) -> str:
    """Format a confidence interval as ``low–high`` in ``lang``.

    Parameters
    ----------
    low, high : float
        The bounds; fractions when ``percent`` is True.
    lang : str
        One of :data:`LANGUAGES`.
    decimals : int
        Decimals of both bounds.
    percent : bool
        Format the bounds as percentages.
    sign : bool
        Sign both bounds, as the interval of a change should be: an interval from a fall
        to a rise then reads as one (``−21.6% to +2.3%``).

    Examples
    --------
    >>> format_interval(-9.14, -1.1, "en", decimals=1)
    '−9.1 to −1.1'
    >>> format_interval(-0.216, 0.023, "en", decimals=1, percent=True, sign=True)
    '−21.6% to +2.3%'
    """
    show = format_percent if percent else format_number
    return label(
        "interval",
        lang,
        low=show(low, lang, decimals=decimals, sign=sign),
        high=show(high, lang, decimals=decimals, sign=sign),
    )


def provisional_terms(lang: str) -> list[tuple[str, str, str]]:
    """Return the labels of ``lang`` still awaiting a native speaker's review.

    Returns
    -------
    list of tuple
        ``(key, text, why)`` for every entry marked ``provisional``, in catalog order;
        the data-quality page lists them rather than hiding them.

    Examples
    --------
    >>> provisional_terms("en")
    []
    >>> ("no_data", "pa të dhëna", "project wording") in provisional_terms("sq")
    True
    """
    return [
        (key, entry.text, entry.provisional)
        for key, entry in catalog(lang).entries.items()
        if entry.provisional
    ]
