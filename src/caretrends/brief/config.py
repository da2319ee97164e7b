"""What the NGO asks and who publishes the brief: ``config/brief.yaml``.

The recommendations are the organisation's position, not a result: the brief prints them
in a box of their own, each beside the key message it rests on (``evidence``). Every text
is given in every language the report is written in; a missing one stops the run before
it starts (:func:`brief_config_problem`, registered for notebook 04's ``brief_config``
parameter), naming the item and the language. Light on purpose: it imports neither pandas
nor the document writers, so the runner can check the file in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from caretrends import paths
from caretrends.labels import LANGUAGES
from caretrends.schemas.configs import read_config
from caretrends.yamlfile import ConfigError

#: The key messages an ask can rest on (see :mod:`caretrends.brief.messages`).
EVIDENCE: tuple[str, ...] = ("trend", "campaigns", "hospital", "region", "permanency")

#: Image files a logo may be.
LOGO_SUFFIXES: tuple[str, ...] = (".png", ".svg")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Recommendation(_Strict):
    """One ask: its text per language and the key message it rests on."""

    evidence: Literal["trend", "campaigns", "hospital", "region", "permanency"]
    text: dict[str, str]


class Publisher(_Strict):
    """The organisation that publishes the brief, named per language, and its website."""

    organisation: dict[str, str]
    website: str = Field(pattern=r"^https?://\S+$")


class Contact(_Strict):
    """Whom a reader writes to: a role (never a person) and a public address."""

    role: dict[str, str]
    address: str = Field(min_length=1)


class BriefConfig(_Strict):
    """``config/brief.yaml``."""

    publisher: Publisher
    contact: Contact
    logo: str = ""
    recommendations: list[Recommendation] = Field(min_length=1)


def brief_config_path(name: str = "brief.yaml") -> Path:
    """The brief configuration ``name`` in ``config/``."""
    return paths.config_dir() / name


def missing_texts(config: BriefConfig, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """One line per text of ``config`` missing (or empty) in one of ``languages``.

    Examples
    --------
    >>> config = BriefConfig.model_validate({
    ...     "publisher": {"organisation": {"en": "SOS"}, "website": "https://example.org"},
    ...     "contact": {"role": {"en": "Office", "sq": "Zyra"}, "address": "https://example.org"},
    ...     "recommendations": [{"evidence": "trend", "text": {"en": "Act", "sq": "", "sr": "x"}}],
    ... })
    >>> missing_texts(config, ("en", "sq"))
    ['publisher.organisation: no sq text', 'recommendations.1.text: no sq text']
    """
    texts = {
        "publisher.organisation": config.publisher.organisation,
        "contact.role": config.contact.role,
    }
    for number, ask in enumerate(config.recommendations, start=1):
        texts[f"recommendations.{number}.text"] = ask.text
    return [
        f"{where}: no {lang} text"
        for where, by_language in texts.items()
        for lang in languages
        if not by_language.get(lang, "").strip()
    ]


def load_brief_config(
    name: str = "brief.yaml", languages: tuple[str, ...] = LANGUAGES
) -> BriefConfig:
    """Read ``config/<name>`` and check that every text exists in every one of ``languages``
    and that the logo, when named, is an image file under ``config/``.

    Raises
    ------
    ConfigError
        One line per problem, naming the file, the key and the language.
    """
    path = brief_config_path(name)
    config = read_config(path, BriefConfig)
    problems = [f"{path}: {line}" for line in missing_texts(config, languages)]
    if config.logo:
        logo = logo_path(config)
        if logo is None or not logo.is_file() or logo.suffix.lower() not in LOGO_SUFFIXES:
            problems.append(f"{path}: logo {config.logo!r}: not a PNG or SVG file under config/")
    if problems:
        raise ConfigError(problems)
    return config


def logo_path(config: BriefConfig) -> Path | None:
    """The logo file under ``config/``, or None when none is configured or it lies outside."""
    if not config.logo:
        return None
    path = paths.config_dir() / config.logo
    return path if paths.resolves_inside(path, paths.config_dir()) else None


def brief_config_problem(name: str) -> str | None:
    """What is wrong with the brief configuration ``config/<name>`` (``must be ...``), or None.

    The check of notebook 04's ``brief_config`` parameter: the runner asks it before any
    notebook runs, for every language a report can be written in.
    """
    try:
        load_brief_config(name)
    except ConfigError as error:
        return "must be a complete brief configuration: " + "; ".join(error.problems)
    return None


__all__ = [
    "EVIDENCE",
    "BriefConfig",
    "Contact",
    "Publisher",
    "Recommendation",
    "brief_config_path",
    "brief_config_problem",
    "load_brief_config",
    "logo_path",
    "missing_texts",
]
