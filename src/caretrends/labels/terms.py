"""The label catalogs and the locale's number and date formats (see :mod:`caretrends.labels`)."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date as _babel_format_date
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_format_percent

from caretrends import paths
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

#: The language every text is written in: ``en.yaml`` is the source of the catalogs.
SOURCE_LANGUAGE = "en"

#: Babel locale of each language, for its numbers, dates and plural forms.
LOCALES: dict[str, str] = {"en": "en_GB", "sq": "sq_XK", "sr": "sr_Latn_XK"}

#: Folder of each translated language under :func:`caretrends.paths.locale_dir`
#: (``<folder>/LC_MESSAGES/<domain>.po``), named as gettext tools expect.
CATALOG_FOLDERS: dict[str, str] = {"sq": "sq", "sr": "sr_Latn"}

#: Gettext domain of the labels (the narrative of the notebooks has its own).
LABELS_DOMAIN = "messages"

#: Gettext domain of the source descriptions this project wrote (a publication column's
#: values, a registered file's producer and licence), keyed by their English text.
SOURCES_DOMAIN = "sources"

#: Translator comments of a ``.po`` entry carrying its review notes: the glossary row
#: the term was taken from, and why a fuzzy entry awaits a native speaker's review.
GLOSSARY_NOTE = "glossary: "
PROVISIONAL_NOTE = "provisional: "

#: Runs of characters that are not letters or digits (:func:`label_key`).
_NOT_A_WORD = re.compile(r"[^a-z0-9]+")

#: Typographic minus, which reads better than a hyphen in front of a number.
MINUS = "\u2212"


@dataclass(frozen=True)
class Entry:
    """One catalog entry."""

    #: The label, possibly with ``{name}`` placeholders (the singular of a plural).
    text: str
    #: Key of the :data:`GLOSSARY_PATH` row the term was taken from.
    glossary: str | None = None
    #: Why the wording needs a native speaker's review (a fuzzy entry); None otherwise.
    provisional: str | None = None
    #: The English plural of a text that carries a count; None for other texts.
    plural: str | None = None
    #: The placeholder holding the count that chooses the plural form.
    count: str | None = None


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
            if ("plural" in node) != ("count" in node):
                raise ParameterError(f"labels catalog: entry {key!r}: plural needs count")
            flat[key] = Entry(
                text=str(node["text"]),
                plural=node.get("plural"),
                count=node.get("count"),
            )
        elif isinstance(node, dict):
            flat.update(_flatten(node, prefix=f"{key}."))
        else:
            raise ParameterError(f"labels catalog: entry {key!r}: expected text or a mapping")
    return flat


@cache
def english() -> dict[str, Entry]:
    """Return the English catalog, the source every translation is made from."""
    text = files("caretrends.labels").joinpath("en.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when built in: ten times faster, which a run's checks notice
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _flatten(raw["labels"])


def catalog_file(lang: str, domain: str = LABELS_DOMAIN, suffix: str = "po") -> Path:
    """Return the gettext catalog of ``lang`` (``.po``, or ``.mo`` compiled from it)."""
    folder = CATALOG_FOLDERS.get(lang)
    if folder is None:
        raise ParameterError(f"language {lang!r} has no translation catalog")
    return paths.locale_dir() / folder / "LC_MESSAGES" / f"{domain}.{suffix}"


@cache
def translations(lang: str, domain: str = LABELS_DOMAIN) -> gettext.NullTranslations:
    """Return the compiled catalog of ``lang`` in ``domain`` (English has none to read)."""
    _check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    with catalog_file(lang, domain, "mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


@cache
def catalog(lang: str) -> Catalog:
    """Return the catalog of ``lang`` (one of :data:`LANGUAGES`), read once per process.

    English comes from ``en.yaml``; another language is each English entry as its
    compiled catalog translates it, with the glossary row and the review note of its
    ``.po`` entry (:func:`review_notes`).
    """
    _check_language(lang)
    source = english()
    if lang == SOURCE_LANGUAGE:
        return Catalog(language=lang, locale=LOCALES[lang], entries=source)
    notes = review_notes(lang)
    entries = {
        key: Entry(
            text=_lookup(key, entry, lang, 1),
            glossary=notes.get(key, (None, None))[0],
            provisional=notes.get(key, (None, None))[1],
            plural=entry.plural,
            count=entry.count,
        )
        for key, entry in source.items()
    }
    return Catalog(language=lang, locale=LOCALES[lang], entries=entries)


def read_catalog(path: Path) -> BabelCatalog:
    """Read a ``.po`` or ``.pot`` file with Babel."""
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def review_note(message: Message, prefix: str) -> str | None:
    """Return the note of ``message`` after ``prefix`` (:data:`GLOSSARY_NOTE`, ...), if any."""
    for comment in message.user_comments:
        if comment.startswith(prefix):
            return comment.removeprefix(prefix).strip()
    return None


@cache
def review_notes(lang: str) -> dict[str, tuple[str | None, str | None]]:
    """Return ``key → (glossary row, why it awaits review)`` of the labels of ``lang``.

    The second item is None for a reviewed entry; a fuzzy one without a ``provisional``
    note awaits review because its English is new or changed.
    """
    notes = {}
    for message in read_catalog(catalog_file(lang)):
        if message.id:
            why = review_note(message, PROVISIONAL_NOTE) or "new or changed English"
            notes[message.context] = (
                review_note(message, GLOSSARY_NOTE),
                why if message.fuzzy else None,
            )
    return notes


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ParameterError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")


def count_of(value: object) -> int:
    """Return the count a placeholder value holds, formatted or not (``"1 000"``).

    Examples
    --------
    >>> count_of(5), count_of("1\xa0000"), count_of(2.0)
    (5, 1000, 2)
    """
    if isinstance(value, int | float):
        return abs(int(value))
    digits = re.sub(r"\D", "", str(value))
    return int(digits) if digits else 0


def _lookup(key: str, entry: Entry, lang: str, count: int) -> str:
    """The text of ``entry`` in ``lang``, in the plural form ``count`` asks for."""
    found = translations(lang)
    if entry.plural is None:
        return found.pgettext(key, entry.text)
    return found.npgettext(key, entry.text, entry.plural, count)


def label(key: str, lang: str, /, **fields: object) -> str:
    """Return the label ``key`` in ``lang``, with ``{placeholders}`` filled from ``fields``.

    A text that carries a count takes the plural form its count asks for in ``lang``
    (Serbian has three: 1, 2–4 and 5 or more, as 21, 22 and 25 do).

    Raises
    ------
    ParameterError
        When the language or the key is unknown (the message names both).

    Examples
    --------
    >>> label("source_line", "en", sources="KAS")
    'Source: KAS'
    >>> [label("model.its.points_before", "sr", n=n) for n in (1, 2, 5)]
    ['1 tačka pre nje', '2 tačke pre nje', '5 tačaka pre nje']
    """
    _check_language(lang)
    entry = english().get(key)
    if entry is None:
        raise ParameterError(f"label {key!r} is missing from the {lang!r} catalog")
    count = count_of(fields.get(entry.count, 0)) if entry.count else 1
    text = _lookup(key, entry, lang, count)
    return text.format(**fields) if fields else text


def has_label(key: str, lang: str) -> bool:
    """Return True when ``key`` is in the catalog of ``lang`` (every language has every key)."""
    _check_language(lang)
    return key in english()


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
    >>> text_or_label("residential", "care", "sq"), text_or_label("AiBi", "organisation", "sq")
    ('Strehimi rezidencial', 'AiBi')
    >>> text_or_label("date in the future", "reject", "sr")
    'datum u budućnosti'
    """
    for key in (f"{group}.{value}", f"{group}.{label_key(value)}"):
        if has_label(key, lang):
            return label(key, lang)
    return value


def locale_of(lang: str) -> str:
    """Return the Babel locale used for numbers and dates in ``lang`` (e.g. ``sq_XK``)."""
    _check_language(lang)
    return LOCALES[lang]


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
