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
from caretrends.analysis.cases import (
    PERMANENT_FAMILY,
    exit_incidence,
    milestones,
    permanency_incidence,
)
from caretrends.cases.origin import RecordOrigin
from caretrends.models import kaplan_meier, median_survival
from caretrends.models.survival import KM_COLUMNS

#: :func:`caretrends.models.median_survival`'s table without a curve.
NO_MEDIANS = pd.DataFrame(
    {"group": pd.Series(dtype=object)}
    | {column: pd.Series(dtype=float) for column in ["median", "conf_low", "conf_high"]}
)
#: Entry reasons of the infants whose legal status the page follows.
ABANDONED_INFANTS = ("abandoned_at_birth", "relinquished")


def _kaplan_meier(
    data: pd.DataFrame, *, duration: str, event: str, group: str | None = None
) -> tuple[pd.DataFrame, dict[object, int]]:
    """Kaplan-Meier curves of the groups large enough to publish, and every group's size.

    A group of fewer than 20 children is not fitted at all: its curve is withheld, and
    fitting it could only bring warnings that quote its few records.
    """
    keys = data[group] if group else pd.Series("all", index=data.index)
    sizes = keys.value_counts().to_dict() or {"all": 0}
    fitted = data[keys.map(sizes) >= disclosure.MIN_GROUP_CHILDREN]
    if fitted.empty:
        return pd.DataFrame(columns=KM_COLUMNS), sizes
    return kaplan_meier(fitted, duration=duration, event=event, group=group), sizes


def protected_milestones(
    full: pd.DataFrame, curves: disclosure.ProtectedCurves, times: list[float]
) -> pd.DataFrame:
    """Read the full curves at ``times`` (:func:`~caretrends.analysis.milestones`) and
    withhold what ``curves``, their published form, may not show."""
    readings = curves.protect_readings(milestones(full, times, estimate=curves.estimate))
    return _with_unfitted(readings, curves, times=times)


def protected_medians(full: pd.DataFrame, curves: disclosure.ProtectedCurves) -> pd.DataFrame:
    """Median times of Kaplan-Meier curves, withheld where their curve is, or where the
    median or its interval lies past the curve's published end.

    Returns
    -------
    DataFrame
        :func:`caretrends.models.median_survival`'s table with a ``withheld`` column.
    """
    medians = median_survival(full) if not full.empty else NO_MEDIANS
    stop = medians["group"].map(curves.stops).astype(float)
    unknown = medians["median"].isna() | ~np.isfinite(medians["conf_high"])
    past = stop.notna() & (unknown | (medians["conf_high"] > stop))
    withheld = medians["group"].map(lambda g: curves.withheld.get(g, ""))
    withheld = withheld.mask(withheld.eq("") & past, disclosure.FEW_AT_RISK)
    hidden = withheld.ne("")
    masked = {c: medians[c].mask(hidden) for c in ["median", "conf_low", "conf_high"]}
    return _with_unfitted(medians.assign(**masked, withheld=withheld), curves)


def _with_unfitted(
    table: pd.DataFrame, curves: disclosure.ProtectedCurves, times: list[float] | None = None
) -> pd.DataFrame:
    """``table`` with a row (one per time, given ``times``) for each withheld group it
    lacks, saying why: a group too small to be fitted has no reading of its own."""
    missing = [g for g in curves.withheld if g not in set(table["group"])]
    rows = pd.DataFrame(
        [
            {
                "group": g,
                **({"time": t} if times is not None else {}),
                "withheld": curves.withheld[g],
            }
            for g in missing
            for t in (times if times is not None else [None])
        ]
    )
    return pd.concat([table, rows], ignore_index=True) if missing else table


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
    curves = disclosure.protect_curves(
        incidence, estimate="cumulative_incidence", sizes={PERMANENT_FAMILY: len(children)}
    )
    reached = protected_milestones(incidence, curves, times)
    km, sizes = _kaplan_meier(children, duration="duration_months", event="event")
    km_curves = disclosure.protect_curves(km, estimate="survival", sizes=sizes)
    km_reached = 1 - protected_milestones(km, km_curves, times)["survival"]
    return reached.assign(km_reached=km_reached.to_numpy())


def permanency_within(children: pd.DataFrame, months: int) -> pd.DataFrame:
    """The share of children in a permanent family within ``months`` of entering care, one
    row: the Aalen-Johansen cumulative incidence (:func:`permanency_incidence`) with its
    interval, as it may be published (:mod:`caretrends.disclosure.cases`).

    Returns
    -------
    DataFrame
        ``months``, ``estimate``, ``conf_low``, ``conf_high``, ``withheld`` (why the
        estimate is not published, else ``""``), ``first_entry_year``, ``last_entry_year``,
        ``origin`` (``real``, ``synthetic`` or ``mixed``) and ``synthetic`` (any record
        synthetic). The number of children is not given: a key number says "fewer than
        20" instead of a count that may be small.
    """
    full = permanency_incidence(children)
    curves = disclosure.protect_curves(
        full, estimate="cumulative_incidence", sizes={PERMANENT_FAMILY: len(children)}
    )
    reading = protected_milestones(full, curves, [months]).iloc[0]
    origin = RecordOrigin.of(children["synthetic"])
    return pd.DataFrame(
        [
            {
                "months": months,
                "estimate": reading["cumulative_incidence"],
                "conf_low": reading["conf_low"],
                "conf_high": reading["conf_high"],
                "withheld": reading["withheld"],
                "first_entry_year": int(children["entry_year"].min()),
                "last_entry_year": int(children["entry_year"].max()),
                "origin": origin.kind,
                "synthetic": origin.any_synthetic,
            }
        ]
    )


def permanency_median(children: pd.DataFrame) -> pd.DataFrame:
    """The median time to a permanent family (Kaplan-Meier), as it may be published."""
    km, sizes = _kaplan_meier(children, duration="duration_months", event="event")
    return protected_medians(km, disclosure.protect_curves(km, estimate="survival", sizes=sizes))


def placement_curves(children: pd.DataFrame) -> disclosure.ProtectedCurves:
    """Kaplan-Meier curves of the time to a permanent family by first placement."""
    km, sizes = _kaplan_meier(
        children, duration="duration_months", event="event", group="first_placement"
    )
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
    km, sizes = _kaplan_meier(infants, duration="legal_months", event="legal_resolved")
    curves = disclosure.protect_curves(km, estimate="survival", sizes=sizes)
    readings = protected_milestones(km, curves, times)
    resolved = 1 - readings["survival"] if "survival" in readings else np.nan
    return protected_medians(km, curves), readings.assign(resolved=resolved), curves


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
