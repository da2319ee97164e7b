"""The case records' curves and their readings as they may be published.

Every curve of the care-outcomes page comes from here already protected
(:mod:`caretrends.disclosure.cases`): a group of fewer than 20 children is withheld, a curve
stops where fewer than 5 children remain followed, and every milestone, median and key
number read from a curve is withheld with it. :func:`withheld_analyses` lists what was held
back, for the run's manifest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from caretrends import disclosure
from caretrends.analysis.cases import exit_incidence, milestones, permanency_incidence
from caretrends.models import kaplan_meier, median_survival

#: Entry reasons of the infants whose legal status the page follows.
ABANDONED_INFANTS = ("abandoned_at_birth", "relinquished")


def protected_milestones(
    full: pd.DataFrame, curves: disclosure.ProtectedCurves, times: list[float]
) -> pd.DataFrame:
    """Read the full curves at ``times`` (:func:`~caretrends.analysis.milestones`) and
    withhold what ``curves``, their published form, may not show."""
    return curves.protect_readings(milestones(full, times, estimate=curves.estimate))


def protected_medians(full: pd.DataFrame, curves: disclosure.ProtectedCurves) -> pd.DataFrame:
    """Median times of Kaplan-Meier curves, withheld where their curve is, or where the
    median or its interval lies past the curve's published end.

    Returns
    -------
    DataFrame
        :func:`caretrends.models.median_survival`'s table with a ``withheld`` column.
    """
    if full.empty:
        return pd.DataFrame(
            {
                "group": list(curves.withheld),
                "median": np.nan,
                "conf_low": np.nan,
                "conf_high": np.nan,
                "withheld": list(curves.withheld.values()),
            }
        )
    medians = median_survival(full)
    stop = medians["group"].map(curves.stops).astype(float)
    unknown = medians["median"].isna() | ~np.isfinite(medians["conf_high"])
    past = stop.notna() & (unknown | (medians["conf_high"] > stop))
    withheld = medians["group"].map(curves.withheld).fillna("")
    withheld = withheld.mask(withheld.eq("") & past, disclosure.FEW_AT_RISK)
    hidden = withheld.ne("")
    masked = {c: medians[c].mask(hidden) for c in ["median", "conf_low", "conf_high"]}
    return medians.assign(**masked, withheld=withheld)


def permanency_milestones(children: pd.DataFrame, times: list[float]) -> pd.DataFrame:
    """The share of children in a permanent family by each time, as it may be published.

    The Aalen-Johansen cumulative incidence with other exits competing
    (:func:`~caretrends.analysis.permanency_incidence`), and beside it, as a labelled
    sensitivity, 1 - Kaplan-Meier (``km_reached``: other exits censored, so it overstates).

    Returns
    -------
    DataFrame
        :func:`protected_milestones`' table of the cumulative incidence with ``km_reached``.
    """
    incidence = permanency_incidence(children)
    reached = protected_milestones(
        incidence,
        disclosure.protect_curves(incidence, estimate="cumulative_incidence", sizes=len(children)),
        times,
    )
    km = kaplan_meier(children, duration="duration_months", event="event")
    km_curves = disclosure.protect_curves(km, estimate="survival", sizes=len(children))
    km_reached = 1 - protected_milestones(km, km_curves, times)["survival"]
    return reached.assign(km_reached=km_reached.to_numpy())


def permanency_median(children: pd.DataFrame) -> pd.DataFrame:
    """The median time to a permanent family (Kaplan-Meier), as it may be published."""
    km = kaplan_meier(children, duration="duration_months", event="event")
    curves = disclosure.protect_curves(km, estimate="survival", sizes=len(children))
    return protected_medians(km, curves)


def placement_curves(children: pd.DataFrame) -> disclosure.ProtectedCurves:
    """Kaplan-Meier curves of the time to a permanent family by first placement."""
    km = kaplan_meier(children, duration="duration_months", event="event", group="first_placement")
    sizes = children["first_placement"].value_counts().to_dict()
    return disclosure.protect_curves(km, estimate="survival", sizes=sizes)


def exit_curves(children: pd.DataFrame) -> tuple[pd.DataFrame, disclosure.ProtectedCurves]:
    """The competing ways of leaving care: the full cumulative incidence (to read from with
    :func:`protected_milestones`, never to publish) and its published form."""
    incidence = exit_incidence(children)
    curves = disclosure.protect_curves(
        incidence, estimate="cumulative_incidence", sizes=len(children)
    )
    return incidence, curves


def legal_status(
    children: pd.DataFrame, times: list[float]
) -> tuple[pd.DataFrame, pd.DataFrame, disclosure.ProtectedCurves]:
    """Time to a resolved legal status of the abandoned and relinquished infants.

    Returns
    -------
    tuple
        The median (:func:`protected_medians`), the share resolved at each of ``times``
        (``resolved``, withheld with its reason where the curve is) and the published
        curve. Without such infants every part is withheld (none of them: no curve).
    """
    infants = children[children["entry_reason"].isin(ABANDONED_INFANTS)]
    if infants.empty:
        empty = pd.DataFrame(
            columns=["group", "time", "at_risk", "events", "survival", "conf_low", "conf_high"]
        )
        curves = disclosure.ProtectedCurves(
            empty, "survival", {"all": disclosure.FEW_CHILDREN}, {}, disclosure.fewest_shown()
        )
        readings = pd.DataFrame(
            {"group": "all", "time": times, "resolved": np.nan, "withheld": disclosure.FEW_CHILDREN}
        )
        return protected_medians(empty, curves), readings, curves
    km = kaplan_meier(infants, duration="legal_months", event="legal_resolved")
    curves = disclosure.protect_curves(km, estimate="survival", sizes=len(infants))
    readings = protected_milestones(km, curves, times)
    return (
        protected_medians(km, curves),
        readings.assign(resolved=1 - readings["survival"]),
        curves,
    )


def withheld_analyses(
    **analyses: disclosure.ProtectedCurves | disclosure.ModelCheck,
) -> pd.DataFrame:
    """One row per analysis, or curve of an analysis, that was not published in full.

    Parameters
    ----------
    **analyses
        Each analysis by name: its protected curves, or the check of its model.

    Returns
    -------
    DataFrame
        ``analysis``, ``part`` (the curve's group, ``""`` for a whole analysis) and
        ``withheld`` (the reason code; ``stopped`` for a curve cut short).

    Examples
    --------
    >>> withheld_analyses(cox=disclosure.ModelCheck(6, 4, 20, 2, "few_events"))
      analysis part    withheld
    0      cox       few_events
    """
    rows = []
    for name, analysis in analyses.items():
        if isinstance(analysis, disclosure.ModelCheck):
            if analysis.reason:
                rows.append({"analysis": name, "part": "", "withheld": analysis.reason})
            continue
        rows += [
            {"analysis": name, "part": str(g), "withheld": code}
            for g, code in analysis.withheld.items()
        ]
        rows += [{"analysis": name, "part": str(g), "withheld": "stopped"} for g in analysis.stops]
    return pd.DataFrame(rows, columns=["analysis", "part", "withheld"])
