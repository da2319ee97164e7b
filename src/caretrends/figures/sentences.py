"""The sentences of alt texts and notes: the range of a series, what was hidden and why,
what is unreliable, in the chart's language."""

from __future__ import annotations

import pandas as pd

from caretrends import disclosure
from caretrends.labels import format_number, label


def value_text(value: float, lang: str, *, decimals: int = 0) -> str:
    """Return a value for alt text and labels: a number, or ``c`` where it is hidden."""
    if pd.isna(value):
        return disclosure.SUPPRESSED
    return format_number(value, lang, decimals=decimals)


def series_sentence(chart: str, measure: str, first: object, last: object, lang: str) -> str:
    """Return the alt text's first sentence for a chart over time.

    ``chart`` is a ``chart`` label code (``line``, ``stacked_bar``, ``step``); ``first``
    and ``last`` are the times it spans, as they are to be written.
    """
    return label(
        "alt.series",
        lang,
        chart=label(f"chart.{chart}", lang),
        measure=measure,
        first=first,
        last=last,
    )


def range_sentence(
    at: pd.Series, values: pd.Series, lang: str, *, decimals: int, show_at=str
) -> str:
    """Return the alt-text sentence naming the lowest, highest and latest published values."""
    shown = values.notna()
    if not shown.any():
        return ""
    at, values = at[shown], values[shown]
    low, high = values.idxmin(), values.idxmax()
    last = at.index[-1]
    return label(
        "alt.range",
        lang,
        min=format_number(values[low], lang, decimals=decimals),
        min_at=show_at(at[low]),
        max=format_number(values[high], lang, decimals=decimals),
        max_at=show_at(at[high]),
        last=format_number(values[last], lang, decimals=decimals),
        last_at=show_at(at[last]),
    )


def disclosure_notes(protected: pd.DataFrame, lang: str) -> list[str]:
    """Return the note sentences explaining ``c`` and hollow markers, when used."""
    notes = []
    if protected["hidden"].any():
        notes.append(suppressed_note(lang))
    if protected["unreliable"].any():
        notes.append(unreliable_note(lang))
    return notes


def suppressed_note(lang: str) -> str:
    """Return the note explaining ``c``: the range of counts the rules hide."""
    rules = disclosure.DEFAULT_RULES
    return label("notes.suppressed", lang, low=rules.low, high=rules.high)


def unreliable_note(lang: str) -> str:
    """Return the note explaining hollow markers: values on too few events."""
    return label("notes.unreliable", lang, n=disclosure.DEFAULT_RULES.unreliable_below)


def hidden_sentence(protected: pd.DataFrame, lang: str) -> str:
    """Return the alt-text sentence counting hidden values, when there are any."""
    hidden = int(protected["hidden"].sum())
    return label("alt.suppressed", lang, n=hidden) if hidden else ""


def join_sentences(*sentences: str) -> str:
    """Join the non-empty sentences of an alt text, each ending with a full stop."""
    return " ".join(
        s if s.rstrip().endswith((".", "!", "?")) else f"{s.rstrip()}." for s in sentences if s
    )
