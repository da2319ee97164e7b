"""The University Clinical Centre of Kosovo's neonatology series: babies left, reunited
with their parents, or placed through a Centre for Social Work."""

from __future__ import annotations

import pandas as pd

from caretrends import disclosure
from caretrends.analysis.kosovo import annual_series, with_publishers
from caretrends.models import wilson_interval

HOSPITAL_LEFT = "CT_UCCK_NEWBORNS_LEFT"


HOSPITAL_REUNITED = "CT_UCCK_NEWBORNS_REUNITED"


HOSPITAL_PLACED = "CT_UCCK_NEWBORNS_PLACED_CSW"


def hospital_series(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The UCCK neonatology series: babies left, reunited, placed, and the share reunited.

    Returns
    -------
    DataFrame
        ``year``, ``left``, ``reunited``, ``placed``, ``share_reunited`` with its Wilson
        95% interval (``conf_low``, ``conf_high``), ``adds_up`` (reunited + placed =
        left) and ``cited_as``, the producer of the year's babies left and who published
        it (:func:`~caretrends.analysis.kosovo.with_publishers`).
    """
    columns = {HOSPITAL_LEFT: "left", HOSPITAL_REUNITED: "reunited", HOSPITAL_PLACED: "placed"}
    parts = [
        annual_series(reconciled, code).set_index("year")["value"].rename(name)
        for code, name in columns.items()
    ]
    cited = with_publishers(annual_series(reconciled, HOSPITAL_LEFT)).set_index("year")
    parts.append(cited["cited_as"])
    table = pd.concat(parts, axis=1).dropna(subset=["left", "reunited"]).reset_index()
    shares = wilson_interval(table["reunited"], table["left"])
    return table.assign(
        share_reunited=shares["estimate"],
        conf_low=shares["conf_low"],
        conf_high=shares["conf_high"],
        adds_up=table["reunited"] + table["placed"] == table["left"],
    )


def hospital_outcomes_long(hospital: pd.DataFrame) -> pd.DataFrame:
    """The hospital series as ``year``, ``outcome``, ``value`` rows for the outcome chart,
    each with the year's ``cited_as`` when the series has it."""
    long = hospital.melt(
        id_vars=hospital.columns.intersection(["year", "cited_as"]).tolist(),
        value_vars=["reunited", "placed"],
        var_name="outcome",
        value_name="value",
    )
    return long.replace({"outcome": {"placed": "placed_by_csw"}}).sort_values(
        ["year", "outcome"], ignore_index=True
    )


#: The published columns of the hospital series, in order.
PUBLISHED_HOSPITAL_COLUMNS: tuple[str, ...] = (
    "year",
    "left",
    "reunited",
    "placed",
    "share_reunited",
    "conf_low",
    "conf_high",
    "share_flag",
)


def published_hospital(
    hospital: pd.DataFrame, rules: disclosure.DisclosureRules = disclosure.DEFAULT_RULES
) -> pd.DataFrame:
    """The hospital series as it may be shown or written: the chart's suppression.

    Babies reunited and placed add up to the babies left, which the chart publishes, so
    a small count hides its partner too (secondary suppression over the year's total);
    the share reunited and its interval are withheld with them (``c``), and flagged
    ``u`` when fewer than 20 babies were reunited (the share's events, as the chart draws
    it hollow). A year whose total is itself small is hidden whole.

    Parameters
    ----------
    hospital : DataFrame
        From :func:`hospital_series`.
    rules : DisclosureRules
        The thresholds.

    Returns
    -------
    DataFrame
        :data:`PUBLISHED_HOSPITAL_COLUMNS`; hidden cells ``c``, no internal checks.
    """
    known = hospital.dropna(subset=["reunited", "placed"])
    long = known.melt(
        id_vars="year", value_vars=["reunited", "placed"], var_name="outcome", value_name="value"
    )
    protected = disclosure.suppress(
        long, dims=["year", "outcome"], totals_over=["outcome"], rules=rules
    )
    hidden = protected[protected["suppression"] != ""].groupby("year")["outcome"].agg(set)
    table = hospital.drop(columns=["adds_up"], errors="ignore").astype(object)
    small_total = rules.is_small(pd.to_numeric(hospital["left"], errors="coerce"))
    for position, year in enumerate(table["year"]):
        outcomes = hidden.get(year, set())
        if small_total.iloc[position]:
            outcomes = {"left", "reunited", "placed"}
        for column in outcomes:
            table.iloc[position, table.columns.get_loc(column)] = disclosure.SUPPRESSED
        if outcomes:
            for column in ("share_reunited", "conf_low", "conf_high"):
                table.iloc[position, table.columns.get_loc(column)] = disclosure.SUPPRESSED
    few = pd.to_numeric(hospital["reunited"], errors="coerce") < rules.unreliable_below
    table["share_flag"] = [
        disclosure.SUPPRESSED
        if share == disclosure.SUPPRESSED
        else (disclosure.UNRELIABLE if is_few else "")
        for share, is_few in zip(table["share_reunited"], few, strict=True)
    ]
    for column in ("year", "left", "reunited", "placed"):
        table[column] = table[column].map(_whole)
    return table[list(PUBLISHED_HOSPITAL_COLUMNS)].reset_index(drop=True)


def _whole(value: object) -> object:
    """Counts without a trailing ``.0``; markers and missing values unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
