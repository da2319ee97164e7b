"""Derived indicators: rates and shares computed from counts, each with its denominator.

Every derived row keeps the numerator, the denominator, the sources of both and the
formula, so a figure in a brief can be recomputed by hand. Inputs are reconciled
observations (one row per figure, see :func:`caretrends.reconcile.reconcile`).

Conventions (the analysis plan): TransMonEE rates are per 100,000 of the age
group, stocks at the end of year *t* over the population on 1 January of *t + 1*;
abandonment in Kosovo is per 1,000 live births in Kosovo of the same year; rates on fewer
than 20 events are flagged unreliable (the ONS convention).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from caretrends.disclosure.rules import RELIABLE_EVENTS

#: Columns of a derived-indicator table.
DERIVED_COLUMNS: list[str] = [
    "ref_area",
    "year",
    "indicator",
    "unit",
    "value",
    "numerator",
    "denominator",
    "numerator_source",
    "denominator_source",
    "unreliable",
    "formula",
]


@dataclass(frozen=True)
class SeriesSpec:
    """Which annual series of the Observations table to take."""

    #: Indicator code, as in the Observations table.
    indicator: str
    #: Age code, as in the Observations table.
    age: str = "_T"
    #: Sex code, as in the Observations table.
    sex: str = "_T"
    #: Unit code, as in the Observations table.
    unit: str = "NUMBER"

    def label(self) -> str:
        """Return a short text naming the series, for formulas."""
        return f"{self.indicator}[{self.age}]"


@dataclass(frozen=True)
class RateSpec:
    """A derived rate: ``numerator / denominator * per``."""

    #: Indicator code of the derived series.
    indicator: str
    #: Unit code of the derived series.
    unit: str
    numerator: SeriesSpec
    denominator: SeriesSpec
    #: Scale: 1000 or 100000.
    per: float
    #: Years between the numerator's year and the denominator's (1 for end-of-year
    #: stocks over the population on 1 January of the next year).
    denominator_lag: int = 0


_POPULATION_0_17 = SeriesSpec("DM_POP_TOT", age="Y0T17", unit="PS")
_POPULATION_0_2 = SeriesSpec("DM_POP_TOT", age="Y0T2", unit="PS")

#: The rates the notebooks use, by name.
RATES: dict[str, RateSpec] = {
    "residential_per_100k_0_17": RateSpec(
        "CT_INRESIDENTIAL_RATE_Y0T17",
        "RATE_100000",
        SeriesSpec("PT_CHLD_INRESIDENTIAL"),
        _POPULATION_0_17,
        100_000,
        denominator_lag=1,
    ),
    "residential_0_2_per_100k_0_2": RateSpec(
        "CT_INRESIDENTIAL_RATE_Y0T2",
        "RATE_100000",
        SeriesSpec("PT_CHLD_INRESIDENTIAL", age="Y0T2"),
        _POPULATION_0_2,
        100_000,
        denominator_lag=1,
    ),
    "foster_guardian_per_100k_0_17": RateSpec(
        "CT_INCARE_FOSTER_RATE_Y0T17",
        "RATE_100000",
        SeriesSpec("PT_CHLD_INCARE_FOSTER"),
        _POPULATION_0_17,
        100_000,
        denominator_lag=1,
    ),
    "abandoned_per_1000_live_births": RateSpec(
        "CT_ABANDON_RATE_PER_1000_BIRTHS",
        "RATE_1000_LIVE_BIRTHS",
        SeriesSpec("PT_CHLD_NO_PARENTAL_CARE_ABANDON"),
        SeriesSpec("FT_BRTS_LIVE"),
        1_000,
    ),
}


def annual_series(figures: pd.DataFrame, spec: SeriesSpec) -> pd.DataFrame:
    """Return the annual values of one series: ``ref_area``, ``year``, ``value``, ``source``.

    Parameters
    ----------
    figures : DataFrame
        Reconciled observations (one row per figure).
    spec : SeriesSpec

    Raises
    ------
    ValueError
        When the input still holds several rows for one area and year (not reconciled).
    """
    selected = figures[
        (figures["freq"] == "A")
        & (figures["indicator"] == spec.indicator)
        & (figures["sex"] == spec.sex)
        & (figures["age"] == spec.age)
        & (figures["unit"] == spec.unit)
        & figures["value"].notna()
    ]
    if selected.duplicated(["ref_area", "year"]).any():
        raise ValueError(f"{spec.label()}: several values for one area and year; reconcile first")
    return selected[["ref_area", "year", "value", "source"]].reset_index(drop=True)


def derive_rate(figures: pd.DataFrame, spec: RateSpec) -> pd.DataFrame:
    """Compute one derived rate wherever both numerator and denominator exist.

    Parameters
    ----------
    figures : DataFrame
        Reconciled observations.
    spec : RateSpec

    Returns
    -------
    DataFrame
        :data:`DERIVED_COLUMNS`, one row per area and year of the numerator.

    Examples
    --------
    Serbia 2018: 1,266 children in residential care at the end of the year over 1,212,779
    children aged 0-17 on 1 January 2019 gives TransMonEE's published 104.39:

    >>> rows = [("PT_CHLD_INRESIDENTIAL", "_T", "NUMBER", 2018, 1266.0),
    ...         ("DM_POP_TOT", "Y0T17", "PS", 2019, 1212779.0)]
    >>> figures = pd.DataFrame(rows, columns=["indicator", "age", "unit", "year", "value"])
    >>> figures = figures.assign(ref_area="SRB", sex="_T", freq="A", source="TM")
    >>> rate = derive_rate(figures, RATES["residential_per_100k_0_17"])
    >>> round(float(rate["value"].iloc[0]), 2)
    104.39
    """
    numerator = annual_series(figures, spec.numerator)
    denominator = annual_series(figures, spec.denominator).assign(
        year=lambda frame: frame["year"] - spec.denominator_lag
    )
    joined = numerator.merge(
        denominator, on=["ref_area", "year"], suffixes=("_num", "_den"), how="inner"
    )
    joined = joined[joined["value_den"] > 0]
    lag = f" of year + {spec.denominator_lag}" if spec.denominator_lag else ""
    result = pd.DataFrame(
        {
            "ref_area": joined["ref_area"],
            "year": joined["year"].astype("int64"),
            "indicator": spec.indicator,
            "unit": spec.unit,
            "value": joined["value_num"] / joined["value_den"] * spec.per,
            "numerator": joined["value_num"],
            "denominator": joined["value_den"],
            "numerator_source": joined["source_num"],
            "denominator_source": joined["source_den"],
            "unreliable": joined["value_num"] < RELIABLE_EVENTS,
            "formula": f"{spec.numerator.label()} / {spec.denominator.label()}{lag} "
            f"x {spec.per:,.0f}",
        }
    )
    return result[DERIVED_COLUMNS].reset_index(drop=True)


def family_based_share(
    figures: pd.DataFrame,
    *,
    family: SeriesSpec = SeriesSpec("PT_CHLD_INCARE_FOSTER"),
    residential: SeriesSpec = SeriesSpec("PT_CHLD_INRESIDENTIAL"),
) -> pd.DataFrame:
    """Share (%) of family-based care among children in formal care, at the end of year.

    Formal care is taken as family-based (foster parents or guardians, TransMonEE 4.3.1)
    plus residential (4.2.1); the share is ``family / (family + residential) x 100``.

    Returns
    -------
    DataFrame
        :data:`DERIVED_COLUMNS` with ``numerator`` the family-based count and
        ``denominator`` the sum.
    """
    joined = annual_series(figures, family).merge(
        annual_series(figures, residential),
        on=["ref_area", "year"],
        suffixes=("_num", "_res"),
    )
    total = joined["value_num"] + joined["value_res"]
    joined = joined[total > 0]
    total = total[total > 0]
    result = pd.DataFrame(
        {
            "ref_area": joined["ref_area"],
            "year": joined["year"].astype("int64"),
            "indicator": "CT_FAMILY_BASED_SHARE",
            "unit": "PCNT",
            "value": joined["value_num"] / total * 100,
            "numerator": joined["value_num"],
            "denominator": total,
            "numerator_source": joined["source_num"],
            "denominator_source": joined["source_num"] + " + " + joined["source_res"],
            "unreliable": total < RELIABLE_EVENTS,
            "formula": f"{family.label()} / ({family.label()} + {residential.label()}) x 100",
        }
    )
    return result[DERIVED_COLUMNS].reset_index(drop=True)


def derive_all(figures: pd.DataFrame) -> pd.DataFrame:
    """Compute every rate of :data:`RATES` and the family-based share."""
    parts = [derive_rate(figures, spec) for spec in RATES.values()]
    parts.append(family_based_share(figures))
    return pd.concat(parts, ignore_index=True)
