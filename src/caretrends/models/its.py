"""Interrupted time series: segmented count regression around one or more interventions.

The model (Lopez Bernal, Cummins & Gasparrini 2017) is a log-linear count regression with an
underlying trend in ``time``, a step (level change) at each intervention, optionally a change of
slope after it, optionally Fourier terms for seasonality, and ``log(offset)`` when the counts
should be read as rates (per births, per population)::

    log E[y_t] = log(offset_t) + b0 + b1 t + sum_j [c_j 1(t >= s_j) + d_j (t - s_j)_+]
                 + sum_h [e_h sin(2 pi h t / period) + f_h cos(2 pi h t / period)]

``exp(c_j)`` is the level-change rate ratio, ``exp(d_j)`` the rate ratio of the change in
slope per time unit, ``exp(b1)`` the underlying trend per time unit. Quasi-Poisson (the default)
scales the standard errors by the Pearson dispersion and uses t quantiles on the residual df;
``interval="normal"`` gives the normal-quantile Wald intervals of the published tutorial
(``Epi::ci.lin``), for reproducing it. The Cochrane EPOC criteria ask for at least three points
before and after each intervention; fewer raise a
:class:`~caretrends.warnings.SmallNumbersWarning` and the summary gives the reason instead of a
verdict on the changes there; no points raise an error, and so does a segment whose counts are
all zero (its level change would be infinite).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from caretrends.errors import DataValidationError, ModelDataError, ParameterError
from caretrends.models import glm
from caretrends.models.result import (
    Estimate,
    ModelResult,
    change_phrase,
    record_caveat,
    too_small_phrase,
)
from caretrends.models.text import Phrase, phrase, time_unit_phrase
from caretrends.warnings import SmallNumbersWarning

#: The Cochrane EPOC minimum number of points on each side of an intervention.
EPOC_MIN_POINTS = 3


@dataclass
class ITSResult(ModelResult):
    """A fitted interrupted time series (see :func:`fit_its`).

    ``level_changes`` and ``slope_changes`` map each intervention start to its rate-ratio
    :class:`~caretrends.models.result.Estimate`; ``level_change`` and ``slope_change`` give the
    one estimate when there is a single intervention.
    """

    fit: glm.CountFit | None = None
    starts: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    time_unit: str = ""
    time: str = "time"
    frame: pd.DataFrame | None = None
    design: pd.DataFrame | None = None
    offset: np.ndarray | None = None
    has_slope_change: bool = False
    segment_points: list[int] = field(default_factory=list)
    has_offset: bool = False
    measure: str | None = None

    @property
    def level_changes(self) -> dict[float, Estimate]:
        """Level-change rate ratio at each intervention."""
        return {
            s: self.fit.estimate(_level_column(s), self.level, f"level change at {label}")
            for s, label in zip(self.starts, self.labels, strict=True)
        }

    @property
    def slope_changes(self) -> dict[float, Estimate]:
        """Slope-change rate ratio (per time unit) at each intervention; empty without them."""
        if not self.has_slope_change:
            return {}
        return {
            s: self.fit.estimate(_slope_column(s), self.level, f"slope change at {label}")
            for s, label in zip(self.starts, self.labels, strict=True)
        }

    @property
    def post_trends(self) -> dict[float, Estimate]:
        """Rate ratio per time unit of the trend from each intervention on: the trend before
        the first plus every slope change up to it (a slope change alone is the difference
        between two trends, not the trend after); empty without slope changes."""
        if not self.has_slope_change:
            return {}
        columns = ["time"]
        trends = {}
        for start, label in zip(self.starts, self.labels, strict=True):
            columns.append(_slope_column(start))
            trends[start] = self.fit.combined_estimate(
                columns, self.level, f"trend from {label} per {self.time_unit}"
            )
        return trends

    @property
    def level_change(self) -> Estimate:
        """Level-change rate ratio of the only intervention."""
        return self._single(self.level_changes, "level_changes")

    @property
    def slope_change(self) -> Estimate | None:
        """Slope-change rate ratio of the only intervention (``None`` if not modelled)."""
        if not self.has_slope_change:
            return None
        return self._single(self.slope_changes, "slope_changes")

    def _single(self, estimates: dict[float, Estimate], plural: str) -> Estimate:
        if len(estimates) != 1:
            raise ParameterError(
                f"the model has {len(estimates)} interventions; read .{plural} instead"
            )
        return next(iter(estimates.values()))

    @property
    def trend(self) -> Estimate:
        """Underlying (pre-intervention) rate ratio per time unit."""
        return self.fit.estimate("time", self.level, f"trend per {self.time_unit}")

    @property
    def dispersion(self) -> float:
        """Pearson chi-square over residual degrees of freedom (1 for Poisson variance)."""
        return self.fit.dispersion

    def counterfactual(self) -> pd.DataFrame:
        """Observed, fitted and counterfactual (no intervention) counts for plotting.

        The counterfactual keeps the trend, seasonality and offset and removes every level and
        slope change. Columns: the time column under the name the data gave it (``year`` for
        ``fit_its(..., time="year")``), ``observed``, ``fitted``, ``counterfactual``.
        """
        without = self.design.copy()
        for column in without.columns:
            if column.startswith(("level_change", "slope_change")):
                without[column] = 0.0
        return pd.DataFrame(
            {
                self.time: self.frame["time"].to_numpy(),
                "observed": self.frame["observed"].to_numpy(),
                "fitted": self.fit.predict(self.design.to_numpy(), self.offset),
                "counterfactual": self.fit.predict(without.to_numpy(), self.offset),
            }
        )

    def estimates(self) -> list[Estimate]:
        changes = [*self.level_changes.values(), *self.slope_changes.values()]
        return [self.trend, *changes, *self.post_trends.values()]

    def model_numbers(self) -> dict[str, object]:
        return self.fit.glance_numbers() | {"interventions": len(self.starts)}

    def _too_few(self, j: int) -> Phrase | None:
        """Why the changes at intervention ``j`` cannot be judged (None if they can)."""
        sides = {"before": self.segment_points[j], "after": self.segment_points[j + 1]}
        short = [
            phrase(f"model.its.points_{side}", n=n)
            for side, n in sides.items()
            if n < EPOC_MIN_POINTS
        ]
        if not short:
            return None
        parts = (
            short[0]
            if len(short) == 1
            else phrase("model.its.both_sides", before=short[0], after=short[1])
        )
        return phrase("model.its.too_few", parts=parts, minimum=EPOC_MIN_POINTS)

    def _change_sentence(self, j: int, what: str, change: Estimate, unit: object = "") -> Phrase:
        reason = self._too_few(j)
        label = shown_label(self.labels[j])
        if reason is not None:
            return too_small_phrase(phrase(f"model.its.{what}_change_after", label=label), reason)
        subject = phrase(f"model.its.after_{what}", label=label)
        detectable = self.detectable.get(f"{what}_{self.starts[j]:g}")
        return change_phrase(subject, change.as_percent_change(), self.level, unit, detectable)

    def _measure(self) -> Phrase:
        """The caller's ``measure``, else the (underlying) rate or number."""
        if self.measure is not None:
            return phrase(self.measure)
        kind = "rate" if self.has_offset else "number"
        return phrase(
            f"model.measure.{kind}" if self.has_slope_change else f"model.measure.underlying_{kind}"
        )

    def findings(self) -> list[Phrase]:
        unit = time_unit_phrase(self.time_unit)
        sentences = [
            self._change_sentence(j, "level", e) for j, e in enumerate(self.level_changes.values())
        ]
        sentences += [
            self._change_sentence(j, "trend", e, unit)
            for j, e in enumerate(self.slope_changes.values())
        ]
        measure = self._measure()
        trend_subject = (
            phrase("model.its.before", label=shown_label(self.labels[0]), measure=measure)
            if self.has_slope_change
            else phrase("model.its.apart", measure=measure)
        )
        sentences.append(
            change_phrase(trend_subject, self.trend.as_percent_change(), self.level, unit)
        )
        sentences += [
            change_phrase(
                phrase("model.its.from_on", label=shown_label(self.labels[j]), measure=measure),
                trend.as_percent_change(),
                self.level,
                unit,
            )
            for j, trend in enumerate(self.post_trends.values())
            if self._too_few(j) is None
        ]
        sentences.append(
            phrase(
                "model.its.details", model=glm.overdispersion_sentence(self.fit), n=self.fit.nobs
            )
        )
        return sentences


def shown_label(label: str) -> str | Phrase:
    """An intervention label for the sentences: the default ``year 2013`` in the reader's
    language, any other label as given.

    >>> shown_label("year 2013").render("sq"), shown_label("May 2013")
    ('2013', 'May 2013')
    """
    default = re.fullmatch(r"year (\S+)", label)
    return phrase("model.its.year_label", start=default[1]) if default else label


def _level_column(start: float) -> str:
    return f"level_change_{start:g}"


def _slope_column(start: float) -> str:
    return f"slope_change_{start:g}"


def _design(
    t: np.ndarray, starts: list[float], slope_change: bool, harmonics: int, period: float
) -> pd.DataFrame:
    columns = {"Intercept": np.ones_like(t), "time": t - t.min()}
    for s in starts:
        columns[_level_column(s)] = (t >= s).astype(float)
        if slope_change:
            columns[_slope_column(s)] = np.where(t >= s, t - s, 0.0)
    for h in range(1, harmonics + 1):
        columns[f"sin{h}"] = np.sin(2 * np.pi * h * t / period)
        columns[f"cos{h}"] = np.cos(2 * np.pi * h * t / period)
    return pd.DataFrame(columns)


def _check_segments(
    t: np.ndarray,
    y: np.ndarray,
    starts: list[float],
    labels: list[str],
    slope_change: bool,
    caveats: list[Phrase],
) -> list[int]:
    """Check each segment and return its number of points.

    A segment with no points means the start lies outside the series (``ParameterError``);
    one point where a slope is asked for, or counts all zero, mean the data cannot carry the
    change (``ModelDataError``); fewer than the EPOC minimum get a caveat.
    """
    edges = [-np.inf, *starts, np.inf]
    labels = [shown_label(a) for a in labels]
    names = [phrase("model.its.segment_before", label=labels[0])]
    names += [
        phrase("model.its.segment_between", first=a, second=b)
        for a, b in zip(labels, labels[1:], strict=False)
    ]
    names.append(phrase("model.its.segment_from", label=labels[-1]))
    counts = []
    for name, lo, hi in zip(names, edges, edges[1:], strict=False):
        inside = (t >= lo) & (t < hi)
        n = int(inside.sum())
        counts.append(n)
        needed = 2 if slope_change and lo > -np.inf else 1
        if n == 0:
            raise ParameterError(
                f"0 points {name}: the change there cannot be estimated (need {needed}); is "
                "the intervention start inside the series?"
            )
        if n < needed:
            raise ModelDataError(
                f"{n} point {name}: a change of slope there cannot be estimated (need {needed})"
            )
        if not y[inside].any():
            raise ModelDataError(
                f"every count {name} is zero: the level change there would be infinite; "
                "merge that segment with its neighbour or model it separately"
            )
        if n < EPOC_MIN_POINTS:
            record_caveat(
                caveats,
                phrase(
                    "model.caveat.its_points",
                    n=n,
                    segment=name,
                    minimum=EPOC_MIN_POINTS,
                ),
                SmallNumbersWarning,
                stacklevel=4,
            )
    return counts


def fit_its(
    data: pd.DataFrame,
    *,
    outcome: str,
    time: str,
    intervention_start: float | Sequence[float],
    offset: str | Sequence[float] | None = None,
    harmonics: int = 0,
    period: float = 12,
    family: str = "quasipoisson",
    slope_change: bool = False,
    labels: Sequence[str] | None = None,
    time_unit: str | None = None,
    level: float = 0.95,
    interval: str = "t",
    measure: str | None = None,
) -> ITSResult:
    """Fit a segmented (interrupted time series) count regression.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period; rows may come in any order.
    outcome : str
        Column of counts.
    time : str
        Column of time in consistent units (months 1..60, or years).
    intervention_start : float or sequence of float
        Time at which each intervention starts (the first period counted as "after"); several
        are allowed (e.g. the 2013 and 2015 campaigns).
    offset : str or array-like, optional
        Column (or values, in the order of the rows of ``data``) of the exposure -
        population, births; ``log`` of it is the offset.
    harmonics : int
        Pairs of Fourier terms for seasonality (0 for annual data).
    period : float
        Length of the seasonal cycle in time units.
    family : {"quasipoisson", "poisson", "negbin"}
        Count model (see :func:`caretrends.models.glm.fit_count_glm`).
    slope_change : bool
        Also estimate a change of slope after each intervention.
    labels : sequence of str, optional
        Names of the interventions for the text ("May 2013"); default ``"<time> <start>"``.
    time_unit : str, optional
        Name of one time unit for the text ("month", "year"); default the ``time`` column name.
    level : float
        Confidence level.
    interval : {"t", "normal"}
        Quantile of the quasi-Poisson intervals: t on the residual df (default), or the normal
        quantile of the published tutorial, to reproduce it.
    measure : str, optional
        Catalog key of what the counts measure, as the sentences name it (e.g.
        ``"model.measure.abandoned_children"``); by default the rate with an ``offset`` and
        the number without one.

    Returns
    -------
    ITSResult
        ``.level_change``, ``.slope_change``, ``.trend`` (rate ratios), ``.dispersion``,
        ``.counterfactual()``, ``.tidy()``, ``.glance()``, ``.summary_text()``.

    Raises
    ------
    ModelDataError
        A time given twice, a segment whose counts are all zero, too few points for the
        terms, or counts all zero.
    """
    starts = sorted(np.atleast_1d(np.asarray(intervention_start, dtype=float)).tolist())
    labels = list(labels) if labels is not None else [f"{time} {s:g}" for s in starts]
    if len(labels) != len(starts):
        raise ParameterError(f"{len(labels)} labels given for {len(starts)} interventions")
    if harmonics < 0:
        raise ParameterError(f"harmonics must be 0 or more; got {harmonics}")
    if interval not in ("t", "normal"):
        raise ParameterError(f"interval must be 't' or 'normal'; got {interval!r}")
    for column in (outcome, time):
        if column not in data.columns:
            raise ParameterError(f"column {column!r} is not in the data")
    raw_t = pd.to_numeric(data[time], errors="coerce").to_numpy(dtype=float)
    bad = data.index[~np.isfinite(raw_t)]
    if len(bad):
        raise DataValidationError([f"row {r}, column {time!r}: not a number" for r in bad])
    # One permutation for the rows and for an offset given as an array, so they stay aligned.
    order = np.argsort(raw_t, kind="stable")
    ordered, t = data.iloc[order], raw_t[order]
    repeated = sorted({v for v in t if (t == v).sum() > 1})
    if repeated:
        raise ModelDataError(
            f"{time} {', '.join(f'{v:g}' for v in repeated)} appears more than once: an "
            "interrupted time series needs one count per time point"
        )
    y = glm.check_counts(ordered[outcome], outcome)
    log_offset = glm.log_exposure(data, offset)[order]
    caveats: list[Phrase] = []
    segment_points = _check_segments(t, y, starts, labels, slope_change, caveats)
    design = _design(t, starts, slope_change, harmonics, period)
    design.index = ordered.index
    fit = glm.fit_count_glm(y, design, log_offset, family, caveats, use_t=interval == "t")
    return ITSResult(
        level=level,
        caveat_phrases=caveats,
        fit=fit,
        starts=starts,
        labels=labels,
        time_unit=time_unit or time,
        time=time,
        frame=pd.DataFrame({"time": t, "observed": y}),
        design=design,
        offset=log_offset,
        has_slope_change=slope_change,
        segment_points=segment_points,
        has_offset=offset is not None,
        measure=measure,
    )
