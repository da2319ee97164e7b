"""The log-rank test: do two or more groups reach the event at the same pace?"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import survdiff

from caretrends.errors import ModelDataError, ParameterError
from caretrends.models.result import (
    Estimate,
    ModelResult,
    record_caveat,
    too_small_phrase,
)
from caretrends.models.survival import durations
from caretrends.models.text import Joined, Num, Phrase, PValue, phrase
from caretrends.warnings import (
    SmallNumbersWarning,
)

#: A group with fewer events than this is too small to carry a comparison in a sentence.
MIN_GROUP_EVENTS = 5


@dataclass
class LogrankResult(ModelResult):
    """Log-rank test of equal survival across groups."""

    statistic: float = float("nan")
    df: int = 0
    p_value: float = float("nan")
    groups: tuple[object, ...] = ()

    n_obs: int = 0
    group_events: dict[object, int] = field(default_factory=dict)

    def estimates(self) -> list[Estimate]:
        nan = float("nan")
        return [Estimate("log-rank chi-square", self.statistic, nan, nan, nan, self.p_value)]

    def model_numbers(self) -> dict[str, object]:
        return {
            "nobs": self.n_obs,
            "events": sum(self.group_events.values()),
            "family": "log-rank",
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
        }

    def findings(self) -> list[Phrase]:
        test = phrase(
            "model.logrank.test",
            statistic=Num(self.statistic, 2),
            df=self.df,
            p=PValue(self.p_value),
            groups=", ".join(map(str, self.groups)),
        )
        small = {g: n for g, n in self.group_events.items() if n < MIN_GROUP_EVENTS}
        if small:
            counts = [phrase("model.logrank.in_group", n=n, group=g) for g, n in small.items()]
            reason = phrase(
                "model.logrank.too_few",
                counts=Joined(tuple(counts), ", "),
                minimum=MIN_GROUP_EVENTS,
                test=test,
            )
            return [too_small_phrase(phrase("model.logrank.subject"), reason)]
        verdict = "differ" if self.p_value < 1 - self.level else "no_difference"
        return [phrase(f"model.logrank.{verdict}", test=test)]


def logrank_test(
    data: pd.DataFrame, *, duration: str, event: str, group: str, level: float = 0.95
) -> LogrankResult:
    """Log-rank test that the groups share one survival curve.

    Raises
    ------
    ModelDataError
        Fewer than two groups, a missing group label, no events at all, or no event time
        that informs the comparison.
    """
    if group not in data.columns:
        raise ParameterError(f"column {group!r} is not in the data")
    times, flags = durations(data, duration, event)
    if data[group].isna().any():
        raise ModelDataError(f"column {group!r} has missing groups: the test needs every label")
    labels = data[group].to_numpy()
    groups = tuple(pd.unique(labels))
    if len(groups) < 2:
        raise ModelDataError(f"the log-rank test needs two groups or more; got {groups}")
    if not flags.any():
        raise ModelDataError("no events in any group: there is nothing to compare")
    caveats: list[Phrase] = []
    if flags.sum() < 2 * len(groups):
        record_caveat(
            caveats,
            phrase(
                "model.caveat.logrank_power",
                n=int(flags.sum()),
                groups=phrase("model.caveat.groups", n=len(groups)),
            ),
            SmallNumbersWarning,
        )
    try:
        statistic, p = survdiff(times, flags, labels)
    except np.linalg.LinAlgError as error:
        raise ModelDataError(
            "the log-rank test has no information: at no event time were records of two "
            "groups at risk with some of them not having the event"
        ) from error
    ordered = tuple(sorted(groups, key=str))
    return LogrankResult(
        level=level,
        caveat_phrases=caveats,
        statistic=float(statistic),
        df=len(groups) - 1,
        p_value=float(p),
        groups=ordered,
        n_obs=len(times),
        group_events={g: int(flags[labels == g].sum()) for g in ordered},
    )
