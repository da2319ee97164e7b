"""Case-level tables from the NGO's records: competing exits from care, counselling
outcomes, and the forms in which they may leave the project."""

from __future__ import annotations

import pandas as pd

from caretrends import disclosure
from caretrends.cases.origin import RecordOrigin
from caretrends.labels import case_source
from caretrends.models import cumulative_incidence, value_at, wilson_interval

#: Exit types of the children view, as the figures' ``outcome`` label codes.
EXIT_LABELS: dict[str, str] = {
    "reunified": "reunited",
    "adopted": "adopted",
    "guardianship": "guardianship",
    "long_term_foster": "long_term_family",
    "other_exit": "other_exit",
}


#: Counselling outcomes, as the figures' ``outcome`` label codes.
COUNSELLING_LABELS: dict[str, str] = {
    "stayed_with_family": "stayed_in_family",
    "placed_in_care": "entered_care",
    "consented_to_adoption": "consented_to_adoption",
    "lost_to_follow_up": "lost_to_follow_up",
}


def exit_incidence(children: pd.DataFrame) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of each way of leaving care (competing exits).

    Parameters
    ----------
    children : DataFrame
        The children view: ``duration_months``, ``exited`` and ``exit_type``.

    Returns
    -------
    DataFrame
        The table of :func:`caretrends.models.cumulative_incidence` with ``group`` holding
        the exit as an ``outcome`` label code, ready for the survival chart.
    """
    table = cumulative_incidence(
        children, duration="duration_months", event="exited", cause="exit_type"
    )
    return table.rename(columns={"cause": "group"}).replace({"group": EXIT_LABELS})


#: The ``group`` of :func:`permanency_incidence`'s curve.
PERMANENT_FAMILY = "permanent_family"


def permanency_incidence(children: pd.DataFrame) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of reaching a permanent family, with every other
    exit competing.

    "In a permanent family within N months" is this curve at N: unlike 1 - Kaplan-Meier
    with other exits censored, it does not count children who left care another way as
    if they could still reach a family (1 - Kaplan-Meier overstates the share).

    Parameters
    ----------
    children : DataFrame
        The children view: ``duration_months``, ``exited`` and ``event`` (True for a
        permanent exit).

    Returns
    -------
    DataFrame
        The table of :func:`caretrends.models.cumulative_incidence` for the cause
        :data:`PERMANENT_FAMILY`, with ``group`` holding it.
    """
    kinds = children.assign(
        exit_kind=children["event"].map({True: PERMANENT_FAMILY, False: "other_exit"})
    )
    table = cumulative_incidence(
        kinds, duration="duration_months", event="exited", cause="exit_kind"
    )
    permanent = table[table["cause"] == PERMANENT_FAMILY]
    return permanent.rename(columns={"cause": "group"}).reset_index(drop=True)


def milestones(table: pd.DataFrame, times: list[float], *, estimate: str) -> pd.DataFrame:
    """Read each group's curve (Kaplan-Meier or cumulative incidence) at the given times.

    Every reading is :func:`caretrends.models.value_at`'s: the last step at or before
    ``t``, and NaN with a reason past a group's end of follow-up.

    Returns
    -------
    DataFrame
        ``group``, ``time``, the ``estimate`` column, ``conf_low``, ``conf_high``,
        ``at_risk`` and ``reason`` (empty where the reading stands).
    """
    rows = []
    for group, curve in table.groupby("group", sort=False):
        for time in times:
            reading = value_at(curve, time, estimate=estimate)
            rows.append(
                {
                    "group": group,
                    "time": time,
                    estimate: reading.estimate,
                    "conf_low": reading.conf_low,
                    "conf_high": reading.conf_high,
                    "at_risk": reading.at_risk,
                    "reason": reading.reason,
                }
            )
    columns = ["group", "time", estimate, "conf_low", "conf_high", "at_risk", "reason"]
    return pd.DataFrame(rows, columns=columns)


def counselling_outcomes(counselling: pd.DataFrame) -> pd.DataFrame:
    """Mothers counselled per year by outcome: ``year``, ``outcome`` (label code), ``value``."""
    table = (
        counselling.assign(
            year=counselling["counselling_date"].dt.year,
            outcome=counselling["outcome"].map(COUNSELLING_LABELS),
        )
        .groupby(["year", "outcome"])
        .size()
        .rename("value")
        .reset_index()
    )
    return table.astype({"value": "int64"})


def counselling_by_risk(counselling: pd.DataFrame) -> pd.DataFrame:
    """Share of counselled mothers whose child stayed in the family, by risk factor.

    A mother with several risk factors counts once under each.

    Returns
    -------
    DataFrame
        ``risk_factor`` (``none recorded`` for mothers without one), ``mothers``,
        ``stayed``, ``share`` and its Wilson 95% ``conf_low`` / ``conf_high``.
    """
    factors = counselling["risk_factors"].fillna("none recorded").str.split(";")
    long = counselling.assign(risk_factor=factors).explode("risk_factor")
    long = long.assign(stayed=long["outcome"] == "stayed_with_family")
    table = long.groupby("risk_factor").agg(mothers=("stayed", "size"), stayed=("stayed", "sum"))
    interval = wilson_interval(table["stayed"], table["mothers"])
    return table.reset_index().assign(
        share=interval["estimate"].to_numpy(),
        conf_low=interval["conf_low"].to_numpy(),
        conf_high=interval["conf_high"].to_numpy(),
    )


def published_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`counselling_outcomes` as it may leave the project.

    Counts from 1 to 4, and the cells of the same year that would reveal them through the
    yearly total, are written ``c`` (:mod:`caretrends.disclosure`).
    """
    protected = disclosure.suppress(outcomes, dims=["year", "outcome"], totals_over=["outcome"])
    return disclosure.published(protected)


def published_by_risk(by_risk: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`counselling_by_risk` as it may leave the project.

    Each risk factor's mothers split into those whose child stayed and the rest; with the
    number of mothers published, a small count on either side hides both (and the share
    and its interval), and a small number of mothers hides the whole row. ``share_flag``
    marks a share of fewer than 20 mothers ``u`` and a hidden one ``c``.

    Examples
    --------
    >>> table = pd.DataFrame({"risk_factor": ["poverty", "other"], "mothers": [40, 30],
    ...                       "stayed": [38, 12], "share": [0.95, 0.4],
    ...                       "conf_low": [0.8, 0.2], "conf_high": [1.0, 0.6]})
    >>> published_by_risk(table)[["stayed", "share", "share_flag"]].values.tolist()
    [['c', 'c', 'c'], [12, 0.4, '']]
    """
    split = by_risk.assign(not_stayed=by_risk["mothers"] - by_risk["stayed"]).melt(
        id_vars="risk_factor", value_vars=["stayed", "not_stayed"], var_name="side"
    )
    protected = disclosure.suppress(split, dims=["risk_factor", "side"], totals_over=["side"])
    hidden = protected[protected["suppression"].ne("")].groupby("risk_factor").size()
    withheld = by_risk["risk_factor"].isin(hidden.index).to_numpy()
    small = disclosure.DEFAULT_RULES.is_small(by_risk["mothers"]).to_numpy()
    published = by_risk.astype(object)
    columns = ["stayed", "share", "conf_low", "conf_high"]
    published.loc[withheld | small, columns] = disclosure.SUPPRESSED
    published.loc[small, "mothers"] = disclosure.SUPPRESSED
    published["share_flag"] = [
        disclosure.SUPPRESSED if hide else disclosure.share_flag(mothers)
        for hide, mothers in zip(withheld | small, by_risk["mothers"], strict=True)
    ]
    return published


def mark_case_table(table: pd.DataFrame, *, origin: RecordOrigin, lang: str) -> pd.DataFrame:
    """Add a ``records`` column saying, in ``lang``, which of a case-level table's records
    are synthetic (:func:`caretrends.labels.case_source`)."""
    return table.assign(records=case_source(lang, origin=origin))


def permanency_covariates(children: pd.DataFrame) -> pd.DataFrame:
    """The children view with the Cox model's yes/no covariates added as 0/1 columns.

    ``entered_as_infant``: aged under 12 months at entry; ``first_in_residential``: the
    first placement was residential care.
    """
    return children.assign(
        entered_as_infant=(children["age_at_entry_months"] < 12).astype(int),
        first_in_residential=(children["first_placement"] == "residential").astype(int),
    )
