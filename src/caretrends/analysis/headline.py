"""The one headline, the variants the contested years allow, and the power of the
campaign analysis.

- :class:`PrimaryAnalysis` — the primary analysis as the run configuration declares it
  (outcome, denominator, family, years); :func:`primary_estimate` fits it;
  :func:`headline_details` and :func:`headline_table` say what it rests on.
- :func:`source_sensitivity` — the primary model on the published series and with each
  choice of :func:`caretrends.analysis.contested.contested_choices` applied, one at a
  time; :func:`moves_headline` and :func:`headline_moving_years` say which change it.
- :func:`minimum_detectable_ratio` — the smallest level ratio an ITS on the series detects
  with the given power, by seeded simulation from the fitted no-change model (it lives in
  :mod:`caretrends.analysis.detectable`, with :func:`level_falls_detected`).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from caretrends.analysis.campaigns import its_row
from caretrends.analysis.contested import apply_choice, contested_choices
from caretrends.labels import cited_text, label
from caretrends.models import fit_rate_trend
from caretrends.models.power import DetectableEffect
from caretrends.models.result import (
    Detectable,
    Estimate,
    change_phrase,
    change_title,
    excludes_no_change,
)
from caretrends.models.text import (
    Joined,
    Phrase,
    p_value_text,
    percents,
    phrase,
    sentences,
)


@dataclass(frozen=True)
class PrimaryAnalysis:
    """The primary analysis (the run configuration's ``primary_analysis``)."""

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
        ``value``, ``cited_as``, ``obs_status``, ``conflict``, ``contested_by`` and the
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
    conflicts = ", ".join(f"{r.year} ({r.contested_by})" for r in contested)
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


def headline_record(
    estimate: Estimate, spec: PrimaryAnalysis, detectable: DetectableEffect
) -> pd.DataFrame:
    """The headline as numbers and codes, one row, for the run's machine-readable tables:
    the primary analysis (``denominator``, ``family``, ``first_year``, ``last_year``), its
    annual percent change (``estimate``, ``conf_low``, ``conf_high``, ``p_value``, percent
    scale) and its minimum detectable effect (``detectable_*``, the fields of
    :class:`~caretrends.models.power.DetectableEffect`). :func:`read_headline` reads it
    back, so the brief words the headline without fitting it again."""
    fields = {f"detectable_{name}": value for name, value in asdict(detectable).items()}
    return pd.DataFrame([{**asdict(spec), **asdict(estimate), **fields}])


def read_headline(record: pd.DataFrame) -> tuple[Estimate, PrimaryAnalysis, DetectableEffect]:
    """The estimate, primary analysis and detectable effect of :func:`headline_record`
    (as written to CSV and read back)."""
    row = record.iloc[0]
    estimate = Estimate(
        str(row["term"]),
        *(float(row[name]) for name in ("estimate", "std_error", "conf_low", "conf_high")),
        float(row["p_value"]),
    )
    spec = PrimaryAnalysis(
        "" if pd.isna(row["denominator"]) else str(row["denominator"]),
        str(row["family"]),
        int(row["first_year"]),
        int(row["last_year"]),
    )

    def whole(name: str) -> int | None:
        value = row[f"detectable_{name}"]
        return None if pd.isna(value) else int(value)

    detectable = DetectableEffect(
        *(float(row[f"detectable_{name}"]) for name in ("fall", "rise", "power", "alpha")),
        str(row["detectable_scale"]),
        str(row["detectable_method"]),
        whole("n_sim"),
        whole("seed"),
    )
    return estimate, spec, detectable


def contested_years(choices: pd.DataFrame) -> list[int]:
    """The years of :func:`caretrends.analysis.contested.contested_choices`, in order."""
    return sorted(int(year) for year in choices["year"].unique())


def moves_headline(table: pd.DataFrame, moving_apc: float = 1.0) -> pd.Series:
    """Whether each row's APC says something else than the first row's.

    True when its interval excludes no change (0) and the first row's does not, or the
    other way round, or when its ``estimate`` differs from the first row's by more than
    ``moving_apc`` percentage points (``estimate``, ``conf_low``, ``conf_high`` in
    percent).
    """
    excludes = (table["conf_high"] < 0) | (table["conf_low"] > 0)
    moved = (table["estimate"] - table["estimate"].iloc[0]).abs() > moving_apc
    return (excludes != excludes.iloc[0]) | moved


def source_sensitivity(
    series: pd.DataFrame,
    spec: PrimaryAnalysis,
    findings: pd.DataFrame | None = None,
    *,
    its_starts: list[int] | None = None,
    moving_apc: float = 1.0,
    lang: str = "en",
    fits: list[dict[str, object]] | None = None,
) -> pd.DataFrame:
    """The primary model (and the campaign ITS) on the published series, then with one
    contested year (or one stated multi-year total) changed at a time.

    Parameters
    ----------
    series : DataFrame
        The Kosovo series (:func:`caretrends.analysis.abandonment_series`).
    spec : PrimaryAnalysis
        The primary analysis.
    findings : DataFrame, optional
        The series' consistency findings (:func:`caretrends.analysis.abandonment_findings`);
        without them only other sources' annual figures and inferred years are contested.
    its_starts : list of int, optional
        Starts of the campaign ITS fitted on each variant.
    moving_apc : float
        A variant moves the headline when its APC differs from the published series' by
        more than this many percentage points.
    lang : str
        Language of ``basis``, ``check`` and the note.
    fits : list of dict, optional
        The variants' :func:`variant_fits`, when already computed (they do not depend on
        the language); by default they are fitted here.

    Returns
    -------
    DataFrame
        One row per variant, the published series first (variant 0): ``variant``,
        ``years`` (the years changed, ``2019`` or ``2020–2024``), ``choice``, ``value``
        (NaN when left out or for several years), ``basis``, ``check`` (as in
        :func:`caretrends.analysis.contested.contested_choices`), ``in_window`` (a year
        changed lies in the primary analysis's years), ``estimate``, ``conf_low``,
        ``conf_high`` (APC, percent), ``p_value``, ``moves_headline`` (whether the
        interval excludes no change differs from the published series', or the APC moves
        by more than ``moving_apc`` points) and, with ``its_starts``, the flat columns of
        :func:`its_row`; ``.attrs["note"]`` says how many, in ``lang``.
    """
    choices = contested_choices(series, findings, lang=lang)
    changes = [change for _, change in choices[choices["variant"] > 0].groupby("variant")]
    published = {"variant": 0, "years": "", "choice": "published", "value": np.nan}
    rows = [published | {"basis": "", "check": "", "in_window": True}]
    rows += [_described(change, spec) for change in changes]
    if fits is None:
        fits = variant_fits(series, spec, findings, its_starts=its_starts)
    table = pd.DataFrame([row | fit for row, fit in zip(rows, fits, strict=True)])
    table.insert(
        table.columns.get_loc("p_value") + 1, "moves_headline", moves_headline(table, moving_apc)
    )
    years = label("sensitivity.contested_years", lang, n=len(contested_years(choices)))
    table.attrs["note"] = label("sensitivity.note", lang, n=len(changes), years=years)
    return table


def variant_fits(
    series: pd.DataFrame,
    spec: PrimaryAnalysis,
    findings: pd.DataFrame | None = None,
    *,
    its_starts: list[int] | None = None,
) -> list[dict[str, object]]:
    """The fits of :func:`source_sensitivity`'s variants, the published series first: the
    primary APC with its interval and p-value (and the campaign ITS's changes), the same
    in every language."""
    choices = contested_choices(series, findings)
    changes = [change for _, change in choices[choices["variant"] > 0].groupby("variant")]
    return [
        _fitted(apply_choice(series, change), spec, its_starts)
        for change in [choices[:0], *changes]
    ]


def _described(change: pd.DataFrame, spec: PrimaryAnalysis) -> dict[str, object]:
    """One change of :func:`contested_choices` as a row: which years, how, why."""
    first, last = int(change["year"].min()), int(change["year"].max())
    return {
        "variant": int(change["variant"].iloc[0]),
        "years": str(first) if first == last else f"{first}–{last}",
        "choice": change["choice"].iloc[0],
        "value": change["value"].iloc[0] if len(change) == 1 else np.nan,
        "basis": change["basis"].iloc[0],
        "check": change["check"].iloc[0],
        "in_window": bool(change["year"].between(spec.first_year, spec.last_year).any()),
    }


def _fitted(
    data: pd.DataFrame, spec: PrimaryAnalysis, its_starts: list[int] | None
) -> dict[str, object]:
    """The primary APC (and the campaign ITS's changes) of one variant's series."""
    apc = primary_estimate(data, spec)
    row = {
        "estimate": apc.estimate,
        "conf_low": apc.conf_low,
        "conf_high": apc.conf_high,
        "p_value": apc.p_value,
    }
    return row | (its_row(data, its_starts) if its_starts else {})


def headline_moving_years(table: pd.DataFrame) -> list[str]:
    """The ``years`` of the variants of :func:`source_sensitivity` that move the headline."""
    return (
        table.loc[table["moves_headline"] & (table["variant"] > 0), "years"]
        .drop_duplicates()
        .tolist()
    )


def _headline_years(spec: PrimaryAnalysis) -> dict[str, int]:
    return {"first": spec.first_year, "last": spec.last_year}


def headline_text(estimate: Estimate, spec: PrimaryAnalysis, lang: str) -> str:
    """The headline, word for word the same on page 02, in the key numbers and titles.

    The annual percent change of the primary analysis with its 95% interval, in the short
    form of the one wording function (:func:`caretrends.models.result.change_title`): a
    direction only where the interval excludes no change.

    >>> spec = PrimaryAnalysis("births", "quasipoisson", 2016, 2024)
    >>> headline_text(Estimate("apc", -10.4, 0.1, -21.6, 2.3, 0.09), spec, "en")
    'Abandoned children per 1,000 live births in Kosovo, 2016–2024: no clear change (−10.4% a year; 95% CI −21.6% to +2.3%)'
    """  # noqa: E501
    subject = phrase("brief.headline_subject", **_headline_years(spec))
    return change_title(subject, estimate, 0.95, phrase("model.unit.a_year")).render(lang)


def headline_statement(
    estimate: Estimate,
    spec: PrimaryAnalysis,
    lang: str,
    *,
    detectable: Detectable | None = None,
    sensitivity: pd.DataFrame | None = None,
) -> str:
    """The headline as sentences a reader can quote: the estimate in the words of
    :func:`caretrends.models.result.change_phrase` (with what the series could have
    detected, where it includes no change), and the contested years it depends on.

    Parameters
    ----------
    estimate : Estimate
        The primary analysis's annual percent change.
    spec : PrimaryAnalysis
        The primary analysis.
    lang : str
        Language of the sentences.
    detectable : Detectable, optional
        The headline design's minimum detectable effect.
    sensitivity : DataFrame, optional
        :func:`source_sensitivity`'s table: the years whose variants move the headline
        are named (:func:`headline_dependence`).
    """
    subject = phrase("brief.headline_statement_subject", **_headline_years(spec))
    sentence = change_phrase(subject, estimate, 0.95, phrase("model.unit.a_year"), detectable)
    parts = [sentence]
    if sensitivity is not None:
        parts += headline_dependence(sensitivity)
    return sentences(parts, lang)


def headline_dependence(table: pd.DataFrame) -> list[Phrase]:
    """The sentence naming the contested years whose variants move the headline, with the
    choices that move it (none when no variant does), from :func:`source_sensitivity`'s
    table; the table itself says how each value is obtained."""
    moving = table[table["moves_headline"] & (table["variant"] > 0)]
    if moving.empty:
        return []
    by_years = [
        phrase(
            "brief.depends_on_choice",
            years=years,
            choices=Joined(
                tuple(phrase(f"brief.choice.{c}") for c in dict.fromkeys(group["choice"])), " / "
            ),
        )
        for years, group in moving.groupby("years", sort=False)
    ]
    return [
        phrase(
            "brief.headline_depends",
            n=len(moving),
            total=int((table["variant"] > 0).sum()),
            variants=Joined(tuple(by_years), ", "),
        )
    ]


def source_range_text(table: pd.DataFrame, lang: str) -> str:
    """The range of the primary estimate across the contested-year variants inside its
    years (:func:`source_sensitivity`'s ``in_window`` rows, the published series first), as
    a range of estimates (never as a direction), and how many of their intervals exclude
    no change."""
    table = table[table["in_window"] | (table["variant"] == 0)]
    signed = percents(table["estimate"].min(), table["estimate"].max(), sign=True)
    excluding = [
        excludes_no_change(low, high, 0.0)
        for low, high in zip(table["conf_low"], table["conf_high"], strict=True)
    ]
    verdict = (
        phrase("brief.range_some_exclude", k=sum(excluding))
        if any(excluding)
        else phrase("brief.range_none_exclude")
    )
    return sentences(
        [
            phrase(
                "brief.source_range",
                n=len(table),
                low=signed[0],
                high=signed[1],
                verdict=verdict,
            )
        ],
        lang,
    )
