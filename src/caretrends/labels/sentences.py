"""Sentences and titles composed from labels: case-level titles and sources that say when
records are synthetic, median times as a report quotes them, and the terms of a model's
tidy table."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from caretrends.disclosure.rules import (
    EVENTS_PER_COVARIATE,
    MIN_GROUP_CHILDREN,
    SUPPRESSED,
    count_shown,
    fewest_shown,
)
from caretrends.labels.institutions import institution_name
from caretrends.labels.terms import (
    format_number,
    format_percent,
    has_label,
    label,
    text_or_label,
)

if TYPE_CHECKING:  # only for annotations: the labels load without pandas
    import pandas as pd

    from caretrends.cases.origin import RecordOrigin
    from caretrends.disclosure.cases import ModelCheck


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
        if getattr(row, "withheld", ""):
            text = withheld_text(row.withheld, lang)
        elif math.isnan(row.median):
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


def case_title(key: str, lang: str, *, origin: RecordOrigin) -> str:
    """A case-level figure's title, saying on its face when any of its records are synthetic.

    Examples
    --------
    >>> from caretrends.cases.origin import RecordOrigin
    >>> case_title("brief.permanency_title", "en", origin=RecordOrigin(real=0, synthetic=40))
    'Time to a permanent family (demonstration data)'
    >>> case_title("brief.permanency_title", "en", origin=RecordOrigin(real=30, synthetic=3))
    'Time to a permanent family (partly demonstration data: fewer than 5 of 33 records)'
    """
    title = label(key, lang)
    if origin.mixed:
        part = _synthetic_part(origin, lang)
        return label("brief.mixed_suffix", lang, title=title, part=part, total=origin.total)
    return label("brief.demonstration_suffix", lang, title=title) if origin.any_synthetic else title


def case_source(lang: str, *, origin: RecordOrigin) -> str:
    """The source line of a case-level figure, table or key number, saying which records
    are synthetic (all of them, or which part)."""
    if origin.mixed:
        return label("brief.case_records_mixed", lang, part=_synthetic_part(origin, lang))
    key = "brief.case_records_synthetic" if origin.any_synthetic else "brief.case_records_source"
    return label(key, lang)


def origin_note(kind: str, origin: RecordOrigin, lang: str) -> str:
    """Say, for one kind of case record, how many are synthetic; ``""`` when none is.

    Examples
    --------
    >>> from caretrends.cases.origin import RecordOrigin
    >>> origin_note("counselling", RecordOrigin(real=0, synthetic=90), "en")
    'Counselling records: synthetic demonstration records, not real people.'
    """
    if not origin.any_synthetic:
        return ""
    name = label(f"file_kind.{kind}", lang)
    if origin.mixed:
        part = _synthetic_part(origin, lang)
        return label("brief.mixed_kind", lang, kind=name, part=part, total=origin.total)
    return label("brief.synthetic_kind", lang, kind=name)


def _synthetic_part(origin: RecordOrigin, lang: str) -> str:
    """ "12 of 40" synthetic records; a count of 1 to 4 as "fewer than 5"."""
    return label(
        "brief.part_of",
        lang,
        part=count_text(origin.synthetic, lang),
        total=count_text(origin.total, lang),
    )


def count_text(count: int, lang: str) -> str:
    """A count from case records as a sentence may give it: "fewer than 5" for 1 to 4.

    Examples
    --------
    >>> count_text(0, "en"), count_text(3, "en"), count_text(1234, "sr")
    ('0', 'fewer than 5', '1.234')
    """
    if count_shown(count) == SUPPRESSED:
        return label("fewer_than", lang, n=format_number(fewest_shown(), lang, decimals=0))
    return format_number(count, lang, decimals=0)


def withheld_text(code: str, lang: str) -> str:
    """Why a case-derived number is not shown, from its ``withheld`` code, in ``lang``.

    Examples
    --------
    >>> withheld_text("few_at_risk", "en")
    'not shown: fewer than 5 children still followed'
    """
    return label(
        f"withheld.{code}",
        lang,
        children=format_number(MIN_GROUP_CHILDREN, lang, decimals=0),
        at_risk=format_number(fewest_shown(), lang, decimals=0),
    )


def model_withheld_sentence(check: ModelCheck, lang: str) -> str:
    """Say why a model of the case records was not fitted, and what it would need.

    Examples
    --------
    >>> from caretrends.disclosure.cases import ModelCheck
    >>> model_withheld_sentence(ModelCheck(6, 4, 20, 2, "few_events"), "en")  # doctest: +ELLIPSIS
    'The model was not fitted: fewer than 5 children in the records reached a permanent ...'
    """
    return label(
        f"model.cox.withheld_{check.reason}",
        lang,
        events=count_text(check.events, lang),
        needed=format_number(check.needed_events, lang, decimals=0),
        per=format_number(EVENTS_PER_COVARIATE, lang, decimals=0),
        more=format_number(max(check.needed_events - check.events, 0), lang, decimals=0),
        at_risk=format_number(fewest_shown(), lang, decimals=0),
    )


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
    name = institution_name(producer, lang)
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
