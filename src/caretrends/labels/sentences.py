"""Sentences and titles composed from labels: case-level titles and sources that say when
records are synthetic, median times as a report quotes them, and the terms of a model's
tidy table."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the labels load without pandas
    import pandas as pd
from caretrends.labels.terms import (
    format_number,
    format_percent,
    has_label,
    label,
    text_or_label,
)


def median_sentence(
    medians: pd.DataFrame, *, what: str, unit: str = "model.km.months", lang: str = "en"
) -> str:
    """Say each group's median time with its interval, as a report quotes it, in ``lang``.

    Parameters
    ----------
    medians : DataFrame
        From :func:`caretrends.models.median_survival`: ``group``, ``median``,
        ``conf_low``, ``conf_high`` (``inf`` where the upper limit is not reached).
    what : str
        The event, e.g. ``"a permanent family"``, or a catalog key
        (``"model.km.permanent_family"``) shown in the reader's language.
    unit : str
        The time unit, as text or a catalog key (months by default).
    lang : str
        Language of the sentence; numbers follow its locale.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"group": ["all"], "median": [13.0], "conf_low": [12.2],
    ...                       "conf_high": [float("inf")]})
    >>> median_sentence(table, what="a permanent family")
    'Median time to a permanent family: 13.0 months (95% CI 12.2 to not reached).'
    >>> median_sentence(table, what="model.km.permanent_family", lang="sq")
    'Koha mediane deri në një shtëpi të përhershme: 13,0 muaj (IB 95% 12,2 deri në pa arritur).'
    """
    ci = label("model.ci", lang, level=format_percent(0.95, lang))
    parts = []
    for row in medians.itertuples(index=False):
        if math.isnan(row.median):
            text = label("model.km.half_not_reached", lang)
        else:
            high = (
                format_number(row.conf_high, lang, decimals=1)
                if math.isfinite(row.conf_high)
                else label("model.km.not_reached", lang)
            )
            low = format_number(row.conf_low, lang, decimals=1)
            text = label(
                "model.km.value",
                lang,
                median=format_number(row.median, lang, decimals=1),
                unit=_term(unit, lang),
                ci=ci,
                interval=label("interval", lang, low=low, high=high),
            )
        parts.append(text if row.group == "all" else f"{row.group}: {text}")
    return label("model.km.median", lang, what=_term(what, lang), parts="; ".join(parts))


def _term(text: str, lang: str) -> str:
    """A dotted catalog key in ``lang``; other text as given."""
    return label(text, lang) if "." in text and has_label(text, lang) else text


def case_title(key: str, lang: str, *, synthetic: bool) -> str:
    """A case-level figure's title, saying on its face when the records are synthetic."""
    title = label(key, lang)
    return label("brief.demonstration_suffix", lang, title=title) if synthetic else title


def case_source(lang: str, *, synthetic: bool) -> str:
    """The source line of a case-level figure or key number, saying when it is synthetic."""
    return label("brief.case_records_synthetic" if synthetic else "brief.case_records_source", lang)


#: The terms the models name their estimates with, and the catalog key of each.
_MODEL_TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"rate ratio per (?P<unit>\w+)"), "term.rate_ratio_per"),
    (re.compile(r"annual percent change"), "term.apc"),
    (re.compile(r"trend from (?P<at>.+) per (?P<unit>\w+)"), "term.trend_from_per"),
    (re.compile(r"trend per (?P<unit>\w+)"), "term.trend_per"),
    (re.compile(r"level change at (?P<at>.+)"), "term.level_change_at"),
    (re.compile(r"slope change at (?P<at>.+)"), "term.slope_change_at"),
)


def model_term(term: str, lang: str) -> str:
    """Return the ``term`` of a model's tidy table in ``lang``.

    The terms the models write (``rate ratio per year``, ``level change at 2014``) come
    from the ``term`` group, a covariate's name from the ``covariate`` group; anything else
    is shown as it is.

    Examples
    --------
    >>> model_term("rate ratio per year", "sq"), model_term("level change at 2014", "sr")
    ('raporti i shkallëve për vit', 'promena nivoa u 2014')
    >>> model_term("first_in_residential", "en")
    'children first placed in residential care'
    """
    for pattern, key in _MODEL_TERMS:
        if found := pattern.fullmatch(term):
            fields = found.groupdict()
            if "unit" in fields:
                fields["unit"] = text_or_label(fields["unit"], "term.unit", lang)
            return label(key, lang, **fields)
    return text_or_label(term, "covariate", lang)


def cited_text(cited_as: str, lang: str) -> str:
    """Return a producer as a series cites it (``KAS, via Botapress``: the machine-readable
    ``cited_as`` of :func:`caretrends.analysis.kosovo.with_publishers`), in ``lang``.

    Examples
    --------
    >>> cited_text("KAS, via Botapress", "sq"), cited_text("MPMS", "sr")
    ('ASK, sipas Botapress', 'MRSZ')
    """
    producer, _, via = cited_as.partition(", via ")
    name = text_or_label(producer, "organisation", lang)
    return label("organisation.cited_via", lang, producer=name, publisher=via) if via else name


#: Reject reasons that name a row, a file or a value, and the catalog key of each.
_REJECT_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"exact duplicate of row (?P<row>\d+)"), "reject.duplicate_of_row"),
    (
        re.compile(r"overlaps the episode of the same child in (?P<file>.+) row (?P<row>\d+)"),
        "reject.overlaps_episode",
    ),
    (re.compile(r"period (?P<value>.+): not a year, quarter .+"), "reject.not_a_period"),
)


def reject_reason(reason: str, lang: str) -> str:
    """Return why a row was rejected in ``lang``, with the row, file or value it names.

    Examples
    --------
    >>> reject_reason("exact duplicate of row 175", "sq")
    'dublikatë e saktë e rreshtit 175'
    >>> reject_reason("date in the future", "sr")
    'datum u budućnosti'
    """
    for pattern, key in _REJECT_REASONS:
        if found := pattern.fullmatch(reason):
            return label(key, lang, **found.groupdict())
    return text_or_label(reason, "reject", lang)
