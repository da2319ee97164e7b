"""What a chart's caption says about its rows: who produced and published them, which
years are missing and why, and where the series changes what it counts.

Every text here is derived from the rows a figure draws, never written per figure: the
source line names each producer (and the publisher "via" whom its figure reached us)
with the years it covers, a year inside a series' span without a value gets a note
saying whether nothing was published or only the rate's denominator is missing, and a
change of definition is located from the ``definition`` column.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from caretrends import disclosure
from caretrends.labels import cited_text, institution_name, label, text_or_label

#: Why a year has no value: nothing was published, or only the rate's denominator is missing.
NO_FIGURE = "figure"
NO_DENOMINATOR = "denominator"


def years_text(years: Iterable[int], among: Iterable[int] | None = None) -> str:
    """Write years as runs: ``2008, 2010–2012``.

    ``among`` are the years a run may pass through (by default every year): a run of the
    years a source covers goes on across a year the figure does not draw.

    Examples
    --------
    >>> years_text([2008, 2010, 2011, 2012])
    '2008, 2010–2012'
    >>> years_text([2020, 2021, 2023], among=[2019, 2020, 2021, 2023])
    '2020–2023'
    """
    chosen = sorted({int(y) for y in years})
    steps = sorted({int(y) for y in among} | set(chosen)) if among is not None else None
    runs: list[list[int]] = []
    for year in chosen:
        previous = runs[-1][-1] if runs else None
        follows = previous is not None and (
            steps[steps.index(previous) + 1] == year if steps is not None else year == previous + 1
        )
        if follows:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def cited_sources(
    rows: pd.DataFrame,
    lang: str,
    *,
    time: str = "year",
    denominator: str | None = None,
) -> str:
    """Return a caption's sources, built from the rows the figure draws.

    Parameters
    ----------
    rows : DataFrame
        The figure's rows: ``cited_as`` (the producer of each figure and who published
        it, ``KAS, via Botapress``: :func:`caretrends.analysis.with_publishers`) or else
        ``source`` (the producer), and when present ``time`` and ``value`` (rows without
        a value are not drawn and not cited).
    lang : str
        Language of the text: acronyms as readers of ``lang`` know them
        (:func:`caretrends.labels.cited_text`).
    time : str
        Column of the years; where sources differ across them, each names its years.
    denominator : str, optional
        Column of a rate's denominator: its producers (column ``<denominator>_source``)
        are named after the numerator's, as ``live births: KAS``.

    Returns
    -------
    str
        Sources separated by ``; ``.

    Examples
    --------
    >>> rows = pd.DataFrame({"year": [2017, 2018, 2020], "value": [34.0, 28.0, 28.0],
    ...                      "cited_as": ["MPMS, via KosovaPress"] * 2 + ["KAS, via Botapress"],
    ...                      "births": [1.0, 1.0, 1.0], "births_source": ["KAS"] * 3})
    >>> cited_sources(rows, "en", denominator="births")
    'MLSW, via KosovaPress (2017–2018); KAS, via Botapress (2020); live births: KAS'
    >>> cited_sources(rows.drop(columns="cited_as").assign(source="KAS"), "sq")
    'ASK'
    """
    drawn = rows[rows["value"].notna()] if "value" in rows.columns else rows
    cited = "cited_as" if "cited_as" in drawn.columns else "source"
    drawn = drawn[drawn[cited].map(lambda name: isinstance(name, str) and bool(name.strip()))]
    names = drawn[cited].map(lambda name: cited_text(name, lang))
    years = drawn[time] if time in drawn.columns else None
    if years is None or names.nunique() <= 1:
        parts = list(dict.fromkeys(names))
    else:
        first_year = years.groupby(names).min().sort_values(kind="stable")
        parts = [
            label(
                "figure_notes.source_years",
                lang,
                source=name,
                years=years_text(years[names == name], among=years),
            )
            for name in first_year.index
        ]
    if denominator is not None:
        producers = drawn[f"{denominator}_source"].dropna()
        parts.append(
            label(
                "figure_notes.denominator_source",
                lang,
                denominator=text_or_label(denominator, "figure_notes.denominator", lang),
                sources=", ".join(dict.fromkeys(institution_name(p, lang) for p in producers)),
            )
        )
    return "; ".join(parts)


def _integer_years(values: pd.Series) -> bool:
    """True when ``values`` are whole numbers (years or a period index), where a step of
    one is the next period and a missing one is a gap."""
    numbers = pd.to_numeric(values, errors="coerce")
    return bool(len(numbers) and numbers.notna().all() and (numbers % 1 == 0).all())


def missing_years(
    data: pd.DataFrame, *, time: str = "year", denominator: str | None = None
) -> pd.DataFrame:
    """Years inside a series' span without a value, and why.

    Parameters
    ----------
    data : DataFrame
        The series: ``time`` (whole years) and ``value``; a year may have no row, or a row
        with an empty value.
    time : str
        Column of the years.
    denominator : str, optional
        Column of a rate's denominator: a row whose count is there but whose denominator
        is empty is missing for that reason.

    Returns
    -------
    DataFrame
        ``time`` and ``missing``: :data:`NO_FIGURE` (nothing published) or
        :data:`NO_DENOMINATOR`; empty for a series without whole-number years.

    Examples
    --------
    >>> data = pd.DataFrame({"year": [2021, 2022, 2024], "value": [1.0, None, 2.0],
    ...                      "births": [9.0, None, 9.0]})
    >>> missing_years(data, denominator="births").to_dict("list")
    {'year': [2022, 2023], 'missing': ['denominator', 'figure']}
    """
    if not _integer_years(data[time]):
        return pd.DataFrame({time: pd.Series(dtype=int), "missing": pd.Series(dtype=object)})
    by_year = data.assign(**{time: data[time].astype(int)}).drop_duplicates(time).set_index(time)
    span = range(int(by_year.index.min()), int(by_year.index.max()) + 1)
    rows = by_year.reindex(span)
    empty = rows["value"].isna()
    without_denominator = (
        rows[denominator].isna() & rows.index.isin(by_year.index)
        if denominator is not None
        else pd.Series(False, index=rows.index)
    )
    reasons = np.where(without_denominator, NO_DENOMINATOR, NO_FIGURE)
    return pd.DataFrame({time: rows.index[empty], "missing": reasons[empty.to_numpy()]})


def with_missing_years(data: pd.DataFrame, *, time: str = "year") -> pd.DataFrame:
    """``data`` with an empty row for each whole year missing inside its span.

    A line drawn through it breaks at the gap, and the chart's published table lists the
    year with an empty value. Series without whole-number years are returned unchanged.
    """
    if not _integer_years(data[time]):
        return data
    years = data[time].astype(int)
    absent = sorted(set(range(years.min(), years.max() + 1)) - set(years))
    if not absent:
        return data
    filler = pd.DataFrame({time: pd.Series(absent, dtype=data[time].dtype)})
    return pd.concat([data, filler], ignore_index=True).sort_values(time, ignore_index=True)


def gap_note(gaps: pd.DataFrame, lang: str, *, time: str = "year", denominator: str = "") -> str:
    """Say which years are missing and why (:func:`missing_years`); empty without gaps.

    Examples
    --------
    >>> gaps = pd.DataFrame({"year": [2022, 2024], "missing": ["denominator", "figure"]})
    >>> gap_note(gaps, "en", denominator="births")
    '2022: live births not published. 2024: no figure published.'
    """
    sentences = []
    for reason, years in gaps.groupby("missing", sort=False)[time]:
        fields = {"years": years_text(years)}
        if reason == NO_DENOMINATOR:
            fields["denominator"] = text_or_label(denominator, "figure_notes.denominator", lang)
        sentences.append(label(f"figure_notes.no_{reason}", lang, **fields))
    return " ".join(sentences)


def definition_spans(data: pd.DataFrame, *, time: str = "year") -> pd.DataFrame:
    """Runs of years that count something other than the series' latest definition.

    Parameters
    ----------
    data : DataFrame
        ``time`` and ``definition`` (e.g. :func:`caretrends.analysis.abandonment_series`).

    Returns
    -------
    DataFrame
        ``start``, ``end`` (first and last year of each run) and ``definition``; empty when
        the column is absent or one definition covers the whole series.

    Examples
    --------
    >>> data = pd.DataFrame({"year": [2008, 2009, 2010, 2011, 2012],
    ...                      "definition": ["old", "new", "old", "old", "new"]})
    >>> definition_spans(data).to_dict("list")
    {'start': [2008, 2010], 'end': [2008, 2011], 'definition': ['old', 'old']}
    """
    columns = ["start", "end", "definition"]
    if "definition" not in data.columns:
        return pd.DataFrame(columns=columns)
    ordered = data.dropna(subset=["definition"]).sort_values(time)
    if ordered.empty:
        return pd.DataFrame(columns=columns)
    latest = ordered["definition"].iloc[-1]
    run = (ordered["definition"] != ordered["definition"].shift()).cumsum()
    spans = ordered.groupby(run).agg(
        start=(time, "min"), end=(time, "max"), definition=("definition", "first")
    )
    return spans[spans["definition"] != latest].reset_index(drop=True)[columns]


def definition_note(data: pd.DataFrame, lang: str, *, time: str = "year") -> str:
    """Say what the years of :func:`definition_spans` count, and what the others count;
    empty when one definition covers the series."""
    spans = definition_spans(data, time=time)
    if spans.empty:
        return ""
    latest = data.dropna(subset=["definition"]).sort_values(time)["definition"].iloc[-1]
    return " ".join(
        label(
            "figure_notes.definition",
            lang,
            years=years_text(
                y for row in group.itertuples() for y in range(int(row.start), int(row.end) + 1)
            ),
            counted=text_or_label(definition, "definition", lang),
            latest=text_or_label(latest, "definition", lang),
        )
        for definition, group in spans.groupby("definition", sort=False)
    )


def flagged_value(value: str, events: float, lang: str, *, what: str) -> str:
    """A value as a message quotes it, with the unreliable flag in words when it rests on
    fewer events than the disclosure rules trust.

    Parameters
    ----------
    value : str
        The value as written (``61%``).
    events : float
        The events behind it (the numerator).
    lang : str
        Language of the flag.
    what : str
        What the events are: a ``figure_notes.events`` label code (``babies``).

    Examples
    --------
    >>> flagged_value("61%", 19, "en", what="babies")
    '61% (based on 19 babies, fewer than 20: unreliable)'
    >>> flagged_value("82%", 33, "en", what="babies")
    '82%'
    """
    minimum = disclosure.DEFAULT_RULES.unreliable_below
    if pd.isna(events) or events >= minimum:
        return value
    return label(
        "figure_notes.unreliable_value",
        lang,
        value=value,
        n=f"{events:g}",
        events=label(f"figure_notes.events.{what}", lang, n=int(events)),
        minimum=minimum,
    )


__all__ = [
    "NO_DENOMINATOR",
    "NO_FIGURE",
    "cited_sources",
    "definition_note",
    "definition_spans",
    "flagged_value",
    "gap_note",
    "missing_years",
    "with_missing_years",
    "years_text",
]
