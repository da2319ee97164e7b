"""Rules for numbers computed from the NGO's case records, before they leave the project.

Every count, share, curve, reading and model from case records obeys them, in every
output (pages, tables, figures, key numbers, brief):

1. **Counts** from 1 to 4 are hidden (zeros are published) with the cells that would
   reveal them: :func:`caretrends.disclosure.suppress`; a count in a sentence is
   :func:`count_shown`.
2. **Shares** of fewer than :data:`MIN_GROUP_CHILDREN` children (or mothers) are flagged
   ``u`` (unreliable), and withheld (``c``) when the denominator itself is hidden:
   :func:`share_flag`.
3. **Curves** (Kaplan-Meier, cumulative incidence) of a group of fewer than
   :data:`MIN_GROUP_CHILDREN` children are withheld: each step of a curve that small is one
   child's exit. So is a curve with 1 to 4 events, whose end value would reveal them. A
   published curve **stops** at the last time at which at least ``rules.high + 1`` children
   (5) remain at risk. :func:`protect_curves`.
4. **Readings** of a curve (milestones, medians, key numbers) are withheld where the curve
   is withheld or has stopped, with the reason: :meth:`ProtectedCurves.protect_readings`.
5. **Models** (the Cox model) are fitted only with at least :data:`EVENTS_PER_COVARIATE`
   events per covariate (Peduzzi et al. 1996) and at least ``rules.high + 1`` children on
   each side of every yes/no covariate: :func:`model_withheld`. Otherwise the section says
   in words what is missing and the report goes on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from caretrends.disclosure.rules import (
    DEFAULT_RULES,
    EVENTS_PER_COVARIATE,
    MIN_GROUP_CHILDREN,
    DisclosureRules,
    fewest_shown,
)

#: Why a curve, reading or model is withheld: the codes of the ``withheld.*`` labels.
FEW_CHILDREN = "few_children"
FEW_EVENTS = "few_events"
FEW_AT_RISK = "few_at_risk"
SMALL_GROUP = "small_group"


@dataclass(frozen=True)
class ProtectedCurves:
    """Curves as they may be published, and what was held back.

    Attributes
    ----------
    table : DataFrame
        The published rows: withheld groups left out, each curve cut after its last time
        with at least :attr:`min_at_risk` children at risk.
    estimate : str
        The curve's column (``survival`` or ``cumulative_incidence``).
    withheld : dict
        Group -> reason code (:data:`FEW_CHILDREN`, :data:`FEW_EVENTS`).
    stops : dict
        Group -> the last time published, for the curves cut short.
    min_at_risk : int
        The fewest children at risk a published step describes.
    """

    table: pd.DataFrame
    estimate: str
    withheld: dict[object, str]
    stops: dict[object, float]
    min_at_risk: int

    @property
    def empty(self) -> bool:
        """True when no curve may be published."""
        return self.table.empty

    def until(self, months: float) -> ProtectedCurves:
        """The same curves up to ``months`` (what a chart of that horizon draws)."""
        return replace(self, table=self.table[self.table["time"] <= months])

    def protect_readings(self, readings: pd.DataFrame) -> pd.DataFrame:
        """Withhold the readings of the full curves that these curves may not show.

        Parameters
        ----------
        readings : DataFrame
            Readings of the unprotected curves (``group``, ``time``, the estimate,
            ``conf_low``, ``conf_high`` and ``at_risk``), e.g. from
            :func:`caretrends.analysis.milestones`.

        Returns
        -------
        DataFrame
            The readings with a ``withheld`` column: the reason code where the group is
            withheld or the time is past its stop (estimate, interval and ``at_risk``
            then NaN), else ``""``.

        Examples
        --------
        >>> curve = pd.DataFrame({"group": "all", "time": [1.0, 2.0, 3.0],
        ...     "at_risk": [30, 12, 4], "events": [5, 5, 2], "survival": [.8, .5, .3],
        ...     "conf_low": [.7, .4, .1], "conf_high": [.9, .6, .5]})
        >>> curves = protect_curves(curve, estimate="survival", sizes=30)
        >>> readings = pd.DataFrame({"group": "all", "time": [2.0, 3.0], "survival": [.5, .3],
        ...     "conf_low": [.4, .1], "conf_high": [.6, .5], "at_risk": [12, 4]})
        >>> curves.protect_readings(readings)[["survival", "withheld"]].values.tolist()
        [[0.5, ''], [nan, 'few_at_risk']]
        """
        groups = readings["group"]
        stop = groups.map(self.stops).astype(float)
        past_stop = (readings["time"] > stop) | (readings["at_risk"] < self.min_at_risk)
        withheld = pd.Series(
            np.select(
                [groups.isin(list(self.withheld)).to_numpy(), past_stop.to_numpy()],
                [groups.map(self.withheld).to_numpy(), np.full(len(readings), FEW_AT_RISK)],
                default="",
            ),
            index=readings.index,
        )
        hidden = withheld.ne("")
        result = readings.copy()
        for column in [self.estimate, "conf_low", "conf_high", "at_risk"]:
            result[column] = result[column].astype(float).mask(hidden)
        return result.assign(withheld=withheld)


def protect_curves(
    table: pd.DataFrame,
    *,
    estimate: str,
    sizes: Mapping[object, int] | int,
    group: str = "group",
    rules: DisclosureRules = DEFAULT_RULES,
) -> ProtectedCurves:
    """Hold back the curves, and the parts of curves, that would describe a few children.

    Parameters
    ----------
    table : DataFrame
        Curves from :func:`caretrends.models.kaplan_meier` or
        :func:`caretrends.models.cumulative_incidence` (``group``, ``time``, ``at_risk``,
        ``events``, the estimate and its interval).
    estimate : str
        The estimate column.
    sizes : mapping or int
        Children in each group, or one number when every curve describes the same
        children (the causes of one cumulative-incidence table).
    group : str
        The column that names a curve.
    rules : DisclosureRules
        The thresholds.

    Returns
    -------
    ProtectedCurves

    Examples
    --------
    >>> curve = pd.DataFrame({"group": ["a", "a", "a", "b"], "time": [1.0, 2.0, 3.0, 1.0],
    ...     "at_risk": [30, 12, 4, 8], "events": [5, 5, 2, 1], "survival": [.8, .5, .3, .9],
    ...     "conf_low": [.7, .4, .1, .6], "conf_high": [.9, .6, .5, 1.]})
    >>> curves = protect_curves(curve, estimate="survival", sizes={"a": 30, "b": 8})
    >>> curves.table["time"].tolist(), curves.withheld, curves.stops
    ([1.0, 2.0], {'b': 'few_children'}, {'a': 2.0})
    """
    fewest = fewest_shown(rules)
    withheld: dict[object, str] = {}
    stops: dict[object, float] = {}
    kept = []
    for key, curve in table.groupby(group, sort=False):
        children = sizes if isinstance(sizes, int) else int(sizes[key])
        events = int(curve["events"].sum())
        if children < MIN_GROUP_CHILDREN:
            withheld[key] = FEW_CHILDREN
            continue
        if rules.hides(events):
            withheld[key] = FEW_EVENTS
            continue
        enough = curve["at_risk"] >= fewest
        if not enough.all():
            published = curve[enough]
            if published.empty:
                withheld[key] = FEW_CHILDREN
                continue
            stops[key] = float(published["time"].max())
            curve = curve[curve["time"] <= stops[key]]
        kept.append(curve)
    if not isinstance(sizes, int):  # groups too small to have been fitted at all
        withheld |= {
            key: FEW_CHILDREN
            for key, children in sizes.items()
            if key not in withheld and children < MIN_GROUP_CHILDREN
        }
    protected = pd.concat(kept) if kept else table.iloc[0:0]
    return ProtectedCurves(protected, estimate, withheld, stops, fewest)


@dataclass(frozen=True)
class ModelCheck:
    """Whether case records are enough for a model's estimates to be published.

    Attributes
    ----------
    children, events : int
        Records and events the model would use.
    needed_events : int
        :data:`EVENTS_PER_COVARIATE` times the number of covariates.
    smallest_group : int
        The fewest children on one side of a yes/no covariate (0 when a covariate takes a
        single value).
    reason : str
        ``""`` when the model may be fitted and published, else :data:`FEW_EVENTS` or
        :data:`SMALL_GROUP`.
    """

    children: int
    events: int
    needed_events: int
    smallest_group: int
    reason: str


def model_withheld(
    data: pd.DataFrame,
    covariates: Sequence[str],
    *,
    event: str,
    rules: DisclosureRules = DEFAULT_RULES,
) -> ModelCheck:
    """Check that records are enough to fit and publish a model of yes/no covariates.

    Examples
    --------
    >>> data = pd.DataFrame({"event": [1, 0, 1, 1, 0, 1], "infant": [1, 1, 1, 0, 0, 0]})
    >>> model_withheld(data, ["infant"], event="event").reason
    'few_events'
    """
    events = int(data[event].astype(bool).sum())
    sides = [int(data[c].eq(value).sum()) for c in covariates for value in (0, 1)]
    smallest = min(sides) if sides else 0
    needed = EVENTS_PER_COVARIATE * len(covariates)
    if events < needed:
        reason = FEW_EVENTS
    elif smallest < fewest_shown(rules):
        reason = SMALL_GROUP
    else:
        reason = ""
    return ModelCheck(len(data), events, needed, smallest, reason)
