"""Institutions' names per language, from one table: ``institutions.csv``.

Each institution a data row names by its code (``KAS``, ``MPMS``, ``UCCK``) has, in every
language, the acronym its readers know and its full name, each name with the public page
it was found on; one renamed or merged into another names its successor and the year of
the change. :func:`institution_name` gives the name to print: the acronym of the time in
compact places (captions, table cells), the full name with the current one where they
differ where a source is described in full (the brief's references, the sources table).
A source description this project wrote names an institution as ``{CODE}``
(:func:`source_text`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from caretrends.labels.terms import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    SOURCES_DOMAIN,
    label,
    text_or_label,
    translations,
)

#: The table of institutions: codes, acronyms and names per language, successors.
INSTITUTIONS_PATH = Path(str(files("caretrends.labels") / "institutions.csv"))

#: A bracketed source description inside a cell (``MPMS [Ministry … statement]: 61``).
_CITED = re.compile(r"\[([^\[\]]+)\]")

#: An institution named by its code in a source description (``{MPMS}``).
_NAMED = re.compile(r"\{([A-Z]+)\}")

#: A producer's code in front of the publication it is cited by (``MPMS [Ministry …]``).
_CITING = re.compile(r"(?<![\w{])([A-Z]{2,})(?= \[)")


@dataclass(frozen=True)
class Institution:
    """One institution of :data:`INSTITUTIONS_PATH`."""

    code: str
    #: Per language, the acronym its readers know; ``""`` where none is sourced.
    acronyms: dict[str, str]
    #: Per language, the full name.
    names: dict[str, str]
    #: Per language, the public page the name was found on.
    sources: dict[str, str]
    #: The code of the institution it was merged into or renamed to, if any.
    successor: str | None = None
    #: The year its successor took over.
    since: int | None = None


@cache
def institutions() -> dict[str, Institution]:
    """Return the institutions of :data:`INSTITUTIONS_PATH` by code, read once."""
    with INSTITUTIONS_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: Institution(
            code=row["code"],
            acronyms={lang: row[f"acronym_{lang}"] for lang in LANGUAGES},
            names={lang: row[f"name_{lang}"] for lang in LANGUAGES},
            sources={lang: row[f"source_{lang}"] for lang in LANGUAGES},
            successor=row["successor"] or None,
            since=int(row["since"]) if row["since"] else None,
        )
        for row in rows
    }


def _at(code: str, year: int | None) -> Institution:
    """The institution that stood for ``code`` in ``year`` (its own when no year)."""
    found = institutions()[code]
    while year is not None and found.successor and found.since and year >= found.since:
        found = institutions()[found.successor]
    return found


def _current(found: Institution) -> Institution:
    """The institution ``found`` is part of today: its last successor."""
    while found.successor:
        found = institutions()[found.successor]
    return found


def institution_name(code: str, lang: str, *, year: int | None = None, full: bool = False) -> str:
    """Return the name of the institution ``code`` to print in ``lang``.

    Parameters
    ----------
    code : str
        The code a data row names its producer by (``KAS``, ``MPMS``); another producer
        (``AiBi``, ``unstated``) is shown as the ``organisation`` labels name it.
    lang : str
        One of :data:`~caretrends.labels.LANGUAGES`.
    year : int, optional
        The year of the figure: the institution of that time is named (after a merger,
        its successor). Without it, the institution the code names.
    full : bool
        The full name, and the current institution's where it differs (a source
        described in full); otherwise the acronym of the time (a caption, a cell), or
        the name where the language has no acronym for it.

    Examples
    --------
    >>> institution_name("MPMS", "en"), institution_name("MPMS", "sr")
    ('MLSW', 'MRSZ')
    >>> print(institution_name("MPMS", "en", full=True))  # doctest: +NORMALIZE_WHITESPACE
    Ministry of Labour and Social Welfare (MLSW; since 2021 part of the Ministry of Finance,
    Labour and Transfers)
    >>> institution_name("KAS", "sq", full=True), institution_name("AiBi", "sq")
    ('Agjencia e Statistikave të Kosovës (ASK)', 'AiBi')
    """
    if code not in institutions():
        return text_or_label(code, "organisation", lang)
    found = _at(code, year)
    if not full:
        return found.acronyms[lang] or found.names[lang]
    now = _current(found)
    details = [found.acronyms[lang]]
    if now is not found:
        details.append(
            label("organisation.part_of", lang, year=str(found.since), successor=now.names[lang])
        )
    details = [part for part in details if part]
    if not details:
        return found.names[lang]
    return label("organisation.named", lang, name=found.names[lang], details="; ".join(details))


def source_text(text: str, lang: str) -> str:
    """Return a source description in ``lang``: the whole text, or each bracketed one in it.

    A publication's title stays as published (its translation is the title itself); an
    institution named by its code in braces (``{KAS}``) gets its full name in ``lang``,
    and a producer's code in front of a bracketed publication its acronym in ``lang``.

    Examples
    --------
    >>> source_text("MIT (generated data)", "sq")
    'MIT (të dhëna të gjeneruara)'
    >>> source_text("KAS [KAS Birth Statistics 2016]: 23", "en")
    'KAS [KAS Birth Statistics 2016]: 23'
    >>> source_text("publications of {UCCK}", "en")
    'publications of University Clinical Centre of Kosovo (UCCK)'
    >>> source_text("MPMS [Ministry statement]: 61; AiBi [press release]: 52", "en")
    'MLSW [Ministry statement]: 61; AiBi [press release]: 52'
    """
    if lang != SOURCE_LANGUAGE:
        found = translations(lang, SOURCES_DOMAIN)
        whole = found.gettext(text)
        text = whole if whole != text else _CITED.sub(lambda m: f"[{found.gettext(m[1])}]", text)
    known = institutions()
    text = _CITING.sub(lambda m: institution_name(m[1], lang) if m[1] in known else m[0], text)
    return _NAMED.sub(
        lambda m: institution_name(m[1], lang, full=True) if m[1] in known else m[0], text
    )
