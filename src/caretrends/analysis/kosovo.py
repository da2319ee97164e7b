"""Kosovo's abandoned children per year, with live births where KAS published them."""

from __future__ import annotations

import pandas as pd

from caretrends.analysis.contested import mark_contested
from caretrends.codelists import ABANDONED, KOSOVO, LIVE_BIRTHS
from caretrends.models import garwood_interval
from caretrends.pipeline.consistency import consistency_findings
from caretrends.sources.compiled import note_fields


def annual_series(
    reconciled: pd.DataFrame, indicator: str, *, ref_area: str = KOSOVO, sex: str = "_T"
) -> pd.DataFrame:
    selected = reconciled[
        (reconciled["indicator"] == indicator)
        & (reconciled["ref_area"] == ref_area)
        & (reconciled["sex"] == sex)
        & (reconciled["freq"] == "A")
        & reconciled["value"].notna()
    ]
    return selected.sort_values("year", ignore_index=True)


def with_publishers(rows: pd.DataFrame) -> pd.DataFrame:
    """Reconciled rows with what their ``note`` says: ``definition``, ``via`` (who
    published the producer's figure, ``""`` when the producer did) and ``cited_as``
    (``KAS, via Botapress``)."""
    fields = pd.DataFrame([note_fields(note) for note in rows["note"]], index=rows.index)
    return rows.assign(
        definition=fields["definition"],
        via=fields["via"],
        cited_as=[
            f"{source}, via {via}" if via else source
            for source, via in zip(rows["source"], fields["via"], strict=True)
        ],
    )


def abandonment_series(
    reconciled: pd.DataFrame,
    *,
    start: int = 2000,
    findings: pd.DataFrame | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Kosovo's abandoned children per year with live births where known.

    Parameters
    ----------
    reconciled : DataFrame
        The reconciled observations.
    start : int
        First year kept.
    findings : DataFrame, optional
        The series' consistency findings (:func:`abandonment_findings`): the years they
        contest are marked too, not only those with another source's annual figure.
    lang : str
        Language of ``contested_by``.

    Returns
    -------
    DataFrame
        ``year``, ``value`` (children), ``source`` (who produced the figure),
        ``obs_status`` (``E`` = inferred from published totals), ``conflict`` (the year is
        contested: :func:`caretrends.analysis.contested.contested_choices`),
        ``alternatives`` (the other sources' values), ``definition`` (what is counted),
        ``via`` (who published the page, when not the producer), ``cited_as``
        (``KAS, via Botapress``), ``births`` (live births in Kosovo, NaN where not
        published), ``births_source`` and ``contested_by`` (the checks that contest
        the year, in ``lang``). A year with no figure has no row: a gap.
    """
    counts = annual_series(reconciled, ABANDONED)
    counts = with_publishers(counts[counts["year"] >= start])[
        [
            "year",
            "value",
            "source",
            "obs_status",
            "conflict",
            "alternatives",
            "definition",
            "via",
            "cited_as",
        ]
    ]
    births = annual_series(reconciled, LIVE_BIRTHS)[["year", "value", "source"]].rename(
        columns={"value": "births", "source": "births_source"}
    )
    return mark_contested(counts.merge(births, on="year", how="left"), findings, lang=lang)


def abandonment_findings(
    observations: pd.DataFrame, reconciled: pd.DataFrame, *, lang: str = "en"
) -> pd.DataFrame:
    """The consistency findings of Kosovo's abandoned-children series
    (:func:`caretrends.pipeline.consistency_findings`, totals of both sexes)."""
    in_kosovo = (observations["ref_area"] == KOSOVO) & (observations["sex"] == "_T")
    return consistency_findings(
        observations[in_kosovo],
        reconciled[(reconciled["ref_area"] == KOSOVO) & (reconciled["sex"] == "_T")],
        abandonment_series(reconciled),
        indicator=ABANDONED,
        lang=lang,
    )


#: The derived rate of abandoned children per 1,000 live births in Kosovo.
ABANDONED_PER_BIRTHS = "CT_ABANDON_RATE_PER_1000_BIRTHS"


def abandonment_rates(indicators: pd.DataFrame, *, start: int = 2000) -> pd.DataFrame:
    """Kosovo's abandoned children per 1,000 live births, with exact Poisson intervals.

    Only years with KAS's count of live births *in Kosovo* have a rate (the derived
    indicators never divide by births of another definition).

    Parameters
    ----------
    indicators : DataFrame
        The derived indicators (``load_observations("indicators")``).
    start : int
        First year kept.

    Returns
    -------
    DataFrame
        The indicator rows in order of year, with Garwood 95% ``conf_low`` and
        ``conf_high`` per 1,000 births.
    """
    rates = indicators[
        (indicators["indicator"] == ABANDONED_PER_BIRTHS)
        & (indicators["ref_area"] == KOSOVO)
        & (indicators["year"] >= start)
    ].sort_values("year")
    interval = garwood_interval(rates["numerator"], rates["denominator"], per=1000)
    return rates.join(interval[["conf_low", "conf_high"]].set_index(rates.index))


def rates_with_counts(rates: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """The per-births rates over every year of their span, with each year's count.

    Parameters
    ----------
    rates : DataFrame
        From :func:`abandonment_rates`.
    series : DataFrame
        From :func:`abandonment_series`.

    Returns
    -------
    DataFrame
        ``year``, ``numerator`` (the count), ``cited_as`` (its producer and publisher),
        ``births``, ``births_source``, and the rate's ``value``, ``conf_low``,
        ``conf_high``: a year whose count is known but whose births are not keeps its row
        with an empty rate, so that a chart says why it has none.
    """
    span = series[series["year"].between(rates["year"].min(), rates["year"].max())]
    counts = span[["year", "value", "cited_as", "births", "births_source"]]
    return counts.rename(columns={"value": "numerator"}).merge(
        rates[["year", "value", "conf_low", "conf_high"]], on="year", how="left"
    )
