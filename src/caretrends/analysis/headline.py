"""The one pre-specified headline, the series the published figures allow, and the power
of the campaign analysis.

- :class:`PrimaryAnalysis` — the primary analysis as the run configuration declares it
  (outcome, denominator, family, years); :func:`primary_estimate` fits it;
  :func:`headline_details` and :func:`headline_table` say what it rests on.
- :func:`series_variants` — every Kosovo series the published figures allow: for each
  year with conflicting figures each published value, for each inferred year the value or
  a gap; past ``max_variants`` a seeded sample (the cap is documented in the result).
- :func:`source_sensitivity` — the primary model fitted on each variant.
- :func:`minimum_detectable_ratio` — the smallest level ratio an ITS on the series detects
  with the given power, by seeded simulation from the fitted no-change model (it lives in
  :mod:`caretrends.analysis.detectable`, with :func:`level_falls_detected`).
- :func:`placebo_scan` — the level change at every admissible year without a campaign.
"""

from __future__ import annotations

import itertools
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Re-exported: notebook 02 and the campaign paragraph's docs know them by this module.
from caretrends.analysis.detectable import level_falls_detected as level_falls_detected
from caretrends.analysis.detectable import minimum_detectable_ratio as minimum_detectable_ratio
from caretrends.errors import ModelDataError, ParameterError
from caretrends.labels import cited_text, format_interval, format_number, format_percent, label
from caretrends.models import fit_its, fit_rate_trend
from caretrends.models.result import Estimate
from caretrends.models.text import p_value_text


@dataclass(frozen=True)
class PrimaryAnalysis:
    """The pre-specified primary analysis."""

    #: ``"births"`` (a rate per 1,000 live births in Kosovo) or ``""`` (the count).
    denominator: str
    #: Count family for :func:`caretrends.models.fit_rate_trend`.
    family: str
    #: The first year fitted.
    first_year: int
    #: The last year fitted.
    last_year: int

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> PrimaryAnalysis:
        """Read ``{"denominator", "family", "first_year", "last_year"}`` (text values)."""
        return cls(
            parameters.get("denominator", ""),
            parameters.get("family", "quasipoisson"),
            int(parameters["first_year"]),
            int(parameters["last_year"]),
        )

    def select(self, series: pd.DataFrame) -> pd.DataFrame:
        """The years the analysis uses (with a denominator where one is needed)."""
        kept = series[series["year"].between(self.first_year, self.last_year)]
        kept = kept[kept["value"].notna()]
        if self.denominator:
            kept = kept[kept[self.denominator].notna()]
        return kept


def primary_estimate(series: pd.DataFrame, spec: PrimaryAnalysis) -> Estimate:
    """The annual percent change of the primary analysis (percent scale, with its interval)."""
    data = spec.select(series)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # caveats travel in the model's own text
        result = fit_rate_trend(
            data,
            count="value",
            time="year",
            exposure=spec.denominator or None,
            family=spec.family,
        )
    return result.apc


def headline_details(
    series: pd.DataFrame, spec: PrimaryAnalysis, estimate: Estimate, lang: str = "en"
) -> str:
    """What the headline rests on: p-value, years, producers, inferred and contested years.

    Parameters
    ----------
    series : DataFrame
        The Kosovo series (:func:`caretrends.analysis.abandonment_series`): ``year``,
        ``value``, ``cited_as``, ``obs_status``, ``conflict``, ``alternatives`` and the
        denominator's column.
    spec : PrimaryAnalysis
        The primary analysis; its years are the ones described.
    estimate : Estimate
        Its annual percent change (:func:`primary_estimate`).
    lang : str
        Language of the sentence.

    Returns
    -------
    str
        ``p = …; N years; producers: …; inferred years used: …; years with conflicting
        figures: …`` (``none`` where there are none), in ``lang``.
    """
    used = spec.select(series)
    none = label("notebook.none", lang)
    inferred = ", ".join(str(y) for y in used.loc[used["obs_status"] == "E", "year"])
    contested = used[used["conflict"]].itertuples()
    conflicts = ", ".join(f"{r.year} ({r.alternatives})" for r in contested)
    return label(
        "notebook.headline_details",
        lang,
        p=p_value_text(estimate.p_value, lang),
        n=len(used),
        producers=", ".join(sorted({cited_text(cited, lang) for cited in used["cited_as"]})),
        inferred=inferred or none,
        conflicts=conflicts or none,
    )


def headline_table(sentence: str, estimate: Estimate) -> pd.DataFrame:
    """The headline as one row: ``headline``, ``estimate``, ``conf_low``, ``conf_high``,
    ``p_value`` (annual percent change, percent scale).

    Parameters
    ----------
    sentence : str
        The headline (:func:`headline_text`).
    estimate : Estimate
        The primary analysis's annual percent change.

    Returns
    -------
    DataFrame
    """
    return pd.DataFrame(
        [
            {
                "headline": sentence,
                "estimate": estimate.estimate,
                "conf_low": estimate.conf_low,
                "conf_high": estimate.conf_high,
                "p_value": estimate.p_value,
            }
        ]
    )


_ALTERNATIVE = re.compile(r"(?P<source>[^\[;]+?) \[[^\]]*\]: (?P<value>[-\d.e+]+)")


def contested_years(series: pd.DataFrame) -> dict[int, list[float | None]]:
    """The choices each contested year allows: published values, or value-or-gap if inferred.

    ``series`` has ``year``, ``value``, ``obs_status`` and ``alternatives`` (as
    :func:`caretrends.analysis.abandonment_series` gives them); an inferred year
    (``obs_status`` ``E``) may be used or left out (``None``).
    """
    choices: dict[int, list[float | None]] = {}
    for row in series.itertuples(index=False):
        values: list[float | None] = [float(row.value)]
        for match in _ALTERNATIVE.finditer(str(getattr(row, "alternatives", "") or "")):
            value = float(match.group("value"))
            if value not in values:
                values.append(value)
        if getattr(row, "obs_status", "A") == "E":
            values.append(None)
        if len(values) > 1:
            choices[int(row.year)] = values
    return choices


def series_variants(
    series: pd.DataFrame, *, max_variants: int = 512, seed: int = 20251231, lang: str = "en"
) -> tuple[list[dict[int, float | None]], str]:
    """Every series the published figures allow, as ``{year: value or None}`` choices.

    Returns
    -------
    variants : list of dict
        The first is the reconciled series itself (each year's chosen value).
    note : str
        How many combinations exist and, when more than ``max_variants``, that a seeded
        random sample of them (plus the reconciled one) was taken, in ``lang``.
    """
    choices = contested_years(series)
    years = sorted(choices)
    combos = list(itertools.product(*(choices[y] for y in years)))
    note = label("variants.count", lang, n=len(combos), years=len(years))
    if len(combos) > max_variants:
        rng = np.random.default_rng(seed)
        keep = rng.choice(np.arange(1, len(combos)), size=max_variants - 1, replace=False)
        combos = [combos[0], *(combos[i] for i in sorted(keep))]
        note += "; " + label("variants.sampled", lang, size=max_variants, seed=seed)
    return [dict(zip(years, combo, strict=True)) for combo in combos], note


def apply_variant(series: pd.DataFrame, variant: dict[int, float | None]) -> pd.DataFrame:
    """The series with each contested year set to the variant's value (None: left out)."""
    data = series.copy()
    for year, value in variant.items():
        if value is None:
            data = data[data["year"] != year]
        else:
            data.loc[data["year"] == year, "value"] = value
    return data


def source_sensitivity(
    series: pd.DataFrame,
    spec: PrimaryAnalysis,
    *,
    its_starts: list[int] | None = None,
    max_variants: int = 512,
    seed: int = 20251231,
    lang: str = "en",
) -> pd.DataFrame:
    """The primary model (and the campaign ITS) fitted on every series variant.

    Returns
    -------
    DataFrame
        One row per variant: ``variant``, one ``year_<y>`` column per contested year (the
        value used, empty when left out), ``estimate``, ``conf_low``, ``conf_high`` (APC,
        percent) and, with ``its_starts``, ``level_change``/``slope_change`` with their
        intervals (rate ratios) for each start; ``.attrs["note"]`` says how many, in
        ``lang``.
    """
    variants, note = series_variants(series, max_variants=max_variants, seed=seed, lang=lang)
    rows = []
    for number, variant in enumerate(variants):
        data = apply_variant(series, variant)
        apc = primary_estimate(data, spec)
        row: dict[str, object] = {"variant": number}
        row |= {f"year_{y}": ("" if v is None else v) for y, v in variant.items()}
        row |= {"estimate": apc.estimate, "conf_low": apc.conf_low, "conf_high": apc.conf_high}
        if its_starts:
            row |= its_row(data, its_starts)
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["note"] = note
    return table


def fit_campaign_its(data: pd.DataFrame, starts: list[int], **kwargs: object):
    """Level and slope change at each start (quasi-Poisson on annual counts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_its(
            data,
            outcome="value",
            time="year",
            intervention_start=starts,
            slope_change=True,
            labels=[str(s) for s in starts],
            time_unit="year",
            **kwargs,
        )


def its_row(data: pd.DataFrame, starts: list[int]) -> dict[str, float]:
    """Level and slope changes of the campaign ITS as flat columns (NaN when not fitted)."""
    try:
        result = fit_campaign_its(data, starts)
    except (ParameterError, ModelDataError):
        return {}
    row = {}
    for kind, changes in (("level", result.level_changes), ("slope", result.slope_changes)):
        for start, change in changes.items():
            row |= {
                f"{kind}_change_{start:g}": change.estimate,
                f"{kind}_conf_low_{start:g}": change.conf_low,
                f"{kind}_conf_high_{start:g}": change.conf_high,
            }
    return row


def placebo_scan(
    series: pd.DataFrame, campaign_years: list[int], *, min_each_side: int = 3
) -> pd.DataFrame:
    """The level change (with slope change) at every admissible year, campaigns marked.

    A year is admissible when at least ``min_each_side`` years lie on each side. Returns
    ``year``, ``campaign`` (True at a campaign's first year after), ``level_change``,
    ``conf_low``, ``conf_high``, ``p_value``, ordered by year.
    """
    years = sorted(series["year"].astype(int))
    rows = []
    for year in years[min_each_side : -min_each_side + 1 or None]:
        try:
            change = fit_campaign_its(series, [year]).level_change
        except (ParameterError, ModelDataError):
            continue
        rows.append(
            {
                "year": year,
                "campaign": year in campaign_years,
                "level_change": change.estimate,
                "conf_low": change.conf_low,
                "conf_high": change.conf_high,
                "p_value": change.p_value,
            }
        )
    return pd.DataFrame(
        rows, columns=["year", "campaign", "level_change", "conf_low", "conf_high", "p_value"]
    )


def headline_text(estimate: Estimate, spec: PrimaryAnalysis, lang: str) -> str:
    """The headline, word for word the same on page 02, in the key numbers and titles.

    The annual percent change of the primary analysis with its 95% interval.
    """
    return label(
        "brief.headline",
        lang,
        first=spec.first_year,
        last=spec.last_year,
        apc=format_percent(estimate.estimate / 100, lang, decimals=1, sign=True),
        interval=format_interval(
            estimate.conf_low / 100,
            estimate.conf_high / 100,
            lang,
            decimals=1,
            percent=True,
            sign=True,
        ),
    )


def source_range_text(table: pd.DataFrame, lang: str) -> str:
    """The range of the primary estimate across the series variants, in one sentence."""
    falls = sorted(-table["estimate"] / 100)
    return label(
        "brief.source_range",
        lang,
        n=len(table),
        low=format_percent(falls[0], lang, decimals=1),
        high=format_percent(falls[-1], lang, decimals=1),
    )


def mde_text(power: pd.DataFrame, n_points: int, lang: str) -> str:
    """What the campaign model could and could not detect (:func:`minimum_detectable_ratio`)."""
    ratio = power.attrs["mdr"]
    return label(
        "brief.mde",
        lang,
        n=n_points,
        ratio=format_number(ratio, lang, decimals=2),
        drop=format_percent(1 - ratio, lang),
    )
