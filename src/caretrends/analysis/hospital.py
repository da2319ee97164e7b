"""The University Clinical Centre of Kosovo's neonatology series: babies left, reunited
with their parents, or placed through a Centre for Social Work."""

from __future__ import annotations

import pandas as pd

from caretrends.analysis.kosovo import annual_series
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
        95% interval (``conf_low``, ``conf_high``), and ``adds_up`` (reunited + placed =
        left).
    """
    columns = {HOSPITAL_LEFT: "left", HOSPITAL_REUNITED: "reunited", HOSPITAL_PLACED: "placed"}
    parts = [
        annual_series(reconciled, code).set_index("year")["value"].rename(name)
        for code, name in columns.items()
    ]
    table = pd.concat(parts, axis=1).dropna(subset=["left", "reunited"]).reset_index()
    shares = wilson_interval(table["reunited"], table["left"])
    return table.assign(
        share_reunited=shares["estimate"],
        conf_low=shares["conf_low"],
        conf_high=shares["conf_high"],
        adds_up=table["reunited"] + table["placed"] == table["left"],
    )


def hospital_outcomes_long(hospital: pd.DataFrame) -> pd.DataFrame:
    """The hospital series as ``year``, ``outcome``, ``value`` rows for the outcome chart."""
    long = hospital.melt(
        id_vars="year", value_vars=["reunited", "placed"], var_name="outcome", value_name="value"
    )
    return long.replace({"outcome": {"placed": "placed_by_csw"}}).sort_values(
        ["year", "outcome"], ignore_index=True
    )
