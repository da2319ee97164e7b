"""The brief's numbered references, built from the provenance of every figure it prints.

Each figure's values are traced to the rows of the reconciled view they come from
(:func:`caretrends.load_observations`): a compiled figure cites its publication and page
(the row's ``source_table`` and the ``via``/``page`` of its note), a file downloaded as a
whole cites its record in ``data/raw/sources.yaml`` (title, producer, address), and every
reference says when the file was obtained (:mod:`caretrends.provenance`). The same
publication cited by two figures is one reference; a figure's caption cites its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from caretrends.figures.captions import years_text
from caretrends.labels import institution_name, label, source_text
from caretrends.provenance import SourceRecord
from caretrends.sources.compiled import note_fields


@dataclass(frozen=True)
class Reference:
    """One publication the brief's figures rest on."""

    producer: str
    via: str
    title: str
    years: tuple[int, ...]
    url: str
    obtained: str

    def text(self, lang: str, *, first: bool = True) -> str:
        """The reference as the list prints it, in ``lang``: its producer named in full
        where the list names it ``first``, by its acronym after that."""
        return label(
            "document.reference",
            lang,
            # an institution's full name at the time of the figures and today's where they
            # differ; a registered file's producer is a description the catalog translates
            producer=institution_name(
                source_text(self.producer, lang), lang, year=max(self.years), full=first
            ),
            via=label("document.reference_via", lang, via=self.via) if self.via else "",
            title=source_text(self.title, lang),
            years=years_text(self.years),
            where=self.url or label("document.reference_no_url", lang),
            obtained=self.obtained,
        )


def _reference_key(row: pd.Series, registry: Mapping[str, SourceRecord]) -> tuple[str, ...]:
    """What makes a row's publication one reference: its page, else its file's record."""
    fields = note_fields(row["note"])
    record = registry.get(str(row["source_file"]))
    if not fields["page"] and record is not None and record.url.startswith("http"):
        return (record.producer, "", record.title, record.url, record.obtained)
    obtained = record.obtained if record is not None else ""
    return (str(row["source"]), fields["via"], str(row["source_table"]), fields["page"], obtained)


def figure_references(
    used: Mapping[str, pd.DataFrame], registry: Mapping[str, SourceRecord]
) -> tuple[list[Reference], dict[str, list[int]]]:
    """Number the publications behind each figure, in the order the figures are printed.

    Parameters
    ----------
    used : mapping of str to DataFrame
        Per figure (in print order), the rows of the reconciled view it draws (``source``,
        ``source_table``, ``note``, ``source_file``, ``year``).
    registry : mapping of str to SourceRecord
        The provenance records by path (:func:`caretrends.provenance.load_registry`).

    Returns
    -------
    references : list of Reference
        Numbered from 1 in list order.
    cites : dict
        Per figure, the numbers of its references, ascending.
    """
    years: dict[tuple[str, ...], set[int]] = {}
    cites: dict[str, list[int]] = {}
    for name, rows in used.items():
        numbers = set()
        for _, row in rows.iterrows():
            key = _reference_key(row, registry)
            years.setdefault(key, set()).add(int(row["year"]))
            numbers.add(list(years).index(key) + 1)
        cites[name] = sorted(numbers)
    references = [
        Reference(producer, via, title, tuple(sorted(found)), url, obtained)
        for (producer, via, title, url, obtained), found in years.items()
    ]
    return references, cites


def reference_list(references: list[Reference], lang: str) -> list[str]:
    """The references as the brief lists them, in ``lang``: each producer in full the
    first time, by its acronym in the references after (the list stays on its page).

    Examples
    --------
    >>> ministry = Reference("MPMS", "", "Statement", (2018,), "", "2026-11-28")
    >>> for text in reference_list([ministry, ministry], "en"):
    ...     print(text.split(".")[0])  # doctest: +NORMALIZE_WHITESPACE
    Ministry of Labour and Social Welfare (MLSW; since 2021 part of the Ministry of Finance,
    Labour and Transfers)
    MLSW
    """
    named: set[str] = set()
    listed = []
    for reference in references:
        listed.append(reference.text(lang, first=reference.producer not in named))
        named.add(reference.producer)
    return listed


def cited_numbers(numbers: list[int]) -> str:
    """Reference numbers as a caption cites them: ``[1–3, 5]``.

    >>> cited_numbers([1, 2, 3, 5]), cited_numbers([])
    ('[1–3, 5]', '')
    """
    return f"[{years_text(numbers)}]" if numbers else ""


def drawn_rows(
    reconciled: pd.DataFrame,
    indicators: list[str],
    *,
    ref_areas: list[str],
    years: list[int],
    age: str | None = None,
) -> pd.DataFrame:
    """The annual rows for both sexes of the reconciled view a figure draws: its
    indicators, areas and years (and age group, where the figure is of one)."""
    chosen = (
        (reconciled["freq"] == "A")
        & (reconciled["sex"] == "_T")
        & reconciled["indicator"].isin(indicators)
        & reconciled["ref_area"].isin(ref_areas)
        & reconciled["year"].isin(years)
    )
    if age is not None:
        chosen &= reconciled["age"] == age
    return reconciled[chosen & reconciled["value"].notna()]


__all__ = ["Reference", "cited_numbers", "drawn_rows", "figure_references"]
