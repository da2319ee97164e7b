"""Model sentences in the reader's language: every result's summary in en, sq and sr."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from caretrends.labels import median_sentence
from caretrends.models.cox import fit_cox
from caretrends.models.its import fit_its
from caretrends.models.joinpoint import fit_joinpoint
from caretrends.models.logrank import logrank_test
from caretrends.models.result import ModelResult
from caretrends.models.survival import kaplan_meier, median_survival
from caretrends.models.text import p_value_text, phrase
from caretrends.models.trend import fit_rate_trend

#: English words that must not survive in an Albanian or Serbian sentence.
ENGLISH = (
    "the and of with per year rate change children fell rose interval "
    "caution between after before points events"
).split()


def _annual(counts: np.ndarray) -> pd.DataFrame:
    years = np.arange(2010, 2010 + len(counts), dtype=float)
    return pd.DataFrame({"year": years, "n": counts, "births": 30_000.0})


def _falling(noise: float = 0.0) -> pd.DataFrame:
    years = np.arange(12)
    wobble = np.where(years % 2 == 0, 1 + noise, 1 - noise)
    return _annual(np.round(120 * 0.93**years * wobble))


def _survival() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    group = rng.integers(0, 2, 200)
    times = rng.exponential(np.where(group == 1, 4, 12)).round(1) + 0.1
    return pd.DataFrame({"months": times, "left": 1, "infant": group, "grp": group})


def _results() -> dict[str, ModelResult]:
    its = _falling(0.05)
    its.loc[its["year"] >= 2016, "n"] = (its["n"] * 0.6).round()
    survival = _survival()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "trend": fit_rate_trend(_falling(0.05), count="n", time="year", exposure="births"),
            "its": fit_its(its, outcome="n", time="year", intervention_start=2016, labels=["2016"]),
            "joinpoint": fit_joinpoint(_falling(0.05), x="year", count="n"),
            "logrank": logrank_test(survival, duration="months", event="left", group="grp"),
            "cox": fit_cox(survival, duration="months", event="left", covariates=["infant"]),
        }


@pytest.fixture(scope="module")
def results() -> dict[str, ModelResult]:
    return _results()


@pytest.mark.parametrize("model", ["trend", "its", "joinpoint", "logrank", "cox"])
@pytest.mark.parametrize("lang", ["sq", "sr"])
def test_summaries_in_albanian_and_serbian_have_no_english_words(
    results: dict[str, ModelResult], model: str, lang: str
) -> None:
    text = results[model].summary_text(lang)
    english = [w for w in ENGLISH if re.search(rf"\b{w}\b", text, flags=re.IGNORECASE)]
    assert english == [], (model, lang, text)
    assert text != results[model].summary_text("en")


def test_each_language_words_the_verdict_and_formats_numbers_in_its_locale(
    results: dict[str, ModelResult],
) -> None:
    trend = results["trend"]
    assert trend.apc.conf_high < 0
    en, sq, sr = (trend.summary_text(lang) for lang in ("en", "sq", "sr"))
    assert en.startswith("Between 2010 and 2021 the rate fell by 7.2% a year (95% CI ")
    assert sq.startswith("Ndërmjet 2010 dhe 2021 shkalla ra me 7,2% në vit (IB 95% ")
    assert sr.startswith("Između 2010 i 2021 stopa: pad od 7,2% godišnje (IP 95% ")
    its = results["its"]
    assert its.summary_text("en").startswith("After 2016 the level fell by ")
    assert its.summary_text("sq").startswith("Pas 2016 niveli ra me ")
    cox = results["cox"].summary_text("sq")
    assert cox.startswith("Ata me infant = 1 patën ngjarjen ")
    assert " herë më shpejt se të tjerët (IB 95% " in cox


def test_caveats_are_kept_as_phrases_and_shown_in_the_readers_language() -> None:
    with pytest.warns(UserWarning, match="only 4 points: a trend from so few points"):
        result = fit_rate_trend(_falling()[:4], count="n", time="year")
    assert result.caveats[0].startswith("only 4 points")  # English, as the warning said
    assert result.caveat_phrases[0] == phrase("model.caveat.trend_fragile", n=4)
    assert "Caution: Only 4 points: a trend from so few points is fragile." in (
        result.summary_text()
    )
    assert "Kujdes: Vetëm 4 pika: një trend nga kaq pak pika është i brishtë." in (
        result.summary_text("sq")
    )
    assert "Oprez: Broj tačaka je samo 4" in result.summary_text("sr")
    assert result.caveat_texts("sr") == [phrase("model.caveat.trend_fragile", n=4).render("sr")]


def test_small_p_values_read_below_one_in_a_thousand(results: dict[str, ModelResult]) -> None:
    logrank = results["logrank"]
    assert logrank.p_value < 0.001
    assert "p < 0.001" in logrank.summary_text("en")
    assert "p < 0,001" in logrank.summary_text("sq")
    assert "p = " not in logrank.summary_text("en")
    assert p_value_text(0.0123, "en") == "p = 0.012"
    assert p_value_text(0.001, "sr") == "p = 0,001"


def test_counts_are_numbers_and_rates_need_an_exposure() -> None:
    data = _falling(0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        count = fit_rate_trend(data, count="n", time="year")
        rate = fit_rate_trend(data, count="n", time="year", exposure="births")
        named = fit_rate_trend(
            data, count="n", time="year", measure="model.measure.abandoned_children"
        )
        its_count = fit_its(data, outcome="n", time="year", intervention_start=2016)
        its_rate = fit_its(data, outcome="n", time="year", intervention_start=2016, offset="births")
        jp_count = fit_joinpoint(data, x="year", count="n")
        jp_rate = fit_joinpoint(data, x="year", count="n", exposure="births")
    assert count.summary_text().startswith("Between 2010 and 2021 the number fell")
    assert "the rate" not in count.summary_text()
    assert rate.summary_text().startswith("Between 2010 and 2021 the rate fell")
    assert named.summary_text().startswith("Between 2010 and 2021 the number of abandoned children")
    assert named.summary_text("sq").startswith(
        "Ndërmjet 2010 dhe 2021 numri i fëmijëve të braktisur"
    )
    assert "the underlying number fell" in its_count.summary_text()
    assert "the underlying rate fell" in its_rate.summary_text()
    assert "numri themelor" in its_count.summary_text("sq")
    assert jp_count.summary_text().startswith("From 2010 to 2021 the number")
    assert jp_rate.summary_text().startswith("From 2010 to 2021 the rate")


def _english_words(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"\b{w}\b", text, flags=re.IGNORECASE)]


def test_an_its_with_too_few_points_says_why_in_each_language() -> None:
    data = _annual(np.array([60, 58, 61, 57, 55, 59, 56, 54, 120.0]))
    with pytest.warns(UserWarning, match="only 1 point from year 2018 on"):
        result = fit_its(data, outcome="n", time="year", intervention_start=2018)
    assert result.summary_text().startswith(
        "Too few data to judge the level change after year 2018: only 1 point after it, "
    )
    sq = result.summary_text("sq")
    assert sq.startswith(
        "Të dhëna të pamjaftueshme për të gjykuar ndryshimin e nivelit pas 2018: vetëm 1 pikë "
        "pas saj"
    )
    assert "Kujdes: Vetëm 1 pikë nga 2018 e tutje" in sq
    sr = result.summary_text("sr")
    assert "promenu nivoa posle 2018" in sr
    assert _english_words(sq) == [] and _english_words(sr) == []


def test_kaplan_meier_medians_are_quoted_in_each_language() -> None:
    medians = median_survival(kaplan_meier(_survival(), duration="months", event="left"))
    en = median_sentence(medians, what="model.km.permanent_family")
    assert re.fullmatch(
        r"Median time to a permanent family: \d+\.\d months \(95% CI \d+\.\d to \d+\.\d\)\.", en
    )
    sq = median_sentence(medians, what="model.km.permanent_family", lang="sq")
    assert re.fullmatch(
        r"Koha mediane deri në një shtëpi të përhershme: \d+,\d muaj \(IB 95% \d+,\d deri në "
        r"\d+,\d\)\.",
        sq,
    )
    sr = median_sentence(medians, what="model.km.permanent_family", lang="sr")
    assert sr.startswith("Medijana vremena do događaja (trajno porodično zbrinjavanje): ")
    assert _english_words(sq) == [] and _english_words(sr) == []
