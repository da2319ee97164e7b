"""Analysis steps on the bundled Kosovo figures and on tiny constructed series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from caretrends import analysis, labels, paths
from caretrends.cases.origin import RecordOrigin
from caretrends.labels import LANGUAGES
from caretrends.pipeline.reconcile import ReconcileRules, infer_from_totals, reconcile
from caretrends.sources.compiled import read_compiled_figures


@pytest.fixture(scope="module")
def reconciled() -> pd.DataFrame:
    observations, _ = read_compiled_figures(paths.raw_dir() / "kosovo/kosovo_figures.csv")
    chosen = reconcile(observations, ReconcileRules.from_yaml())
    return pd.concat([chosen, infer_from_totals(chosen)], ignore_index=True)


def test_abandonment_series_joins_births_and_uses_published_years(reconciled) -> None:
    series = analysis.abandonment_series(reconciled).set_index("year")
    assert series.loc[2008, "value"] == 61 and series.loc[2024, "value"] == 23
    assert (series["obs_status"] == "A").all()  # published values replaced the inferred
    assert series.loc[2018, "value"] == 28 and series.loc[2018, "births"] == 22761
    assert series.loc[2024, "births"] == 21487 and np.isnan(series.loc[2010, "births"])


def test_hospital_series_shares_with_wilson_intervals(reconciled) -> None:
    hospital = analysis.hospital_series(reconciled).set_index("year")
    assert hospital.loc[2020, ["left", "reunited", "placed"]].tolist() == [39, 20, 19]
    assert hospital.loc[2020, "share_reunited"] == pytest.approx(20 / 39)
    assert hospital["adds_up"].all()
    assert (hospital["conf_low"] < hospital["share_reunited"]).all()
    long = analysis.hospital_outcomes_long(hospital.reset_index())
    assert set(long["outcome"]) == {"reunited", "placed_by_csw"}


def test_latest_by_country_takes_each_areas_last_year() -> None:
    frame = pd.DataFrame(
        {
            "ref_area": ["ALB", "ALB", "SRB"],
            "indicator": "X",
            "age": "Y0T2",
            "sex": "_T",
            "freq": "A",
            "unit": "NUMBER",
            "year": [2017, 2018, 2016],
            "value": [10.0, 12.0, 30.0],
            "source": "s",
            "note": "",
        }
    )
    latest = analysis.latest_by_country(frame, indicator="X", age="Y0T2")
    assert latest[["ref_area", "year"]].values.tolist() == [["SRB", 2016], ["ALB", 2018]]


def _regional(rows: list[tuple[str, str, str, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ref_area", "indicator", "age", "year", "value"])
    return frame.assign(sex="_T", freq="A", unit="NUMBER", source="TM", note="")


def test_care_composition_keeps_only_years_with_both_kinds_of_care() -> None:
    frame = _regional(
        [
            ("MKD", "PT_CHLD_INRESIDENTIAL", "_T", 2017, 100),
            ("MKD", "PT_CHLD_INCARE_FOSTER", "_T", 2017, 300),
            ("MKD", "PT_CHLD_INRESIDENTIAL", "_T", 2018, 90),  # no family-based figure
            ("MKD", "PT_CHLD_INRESIDENTIAL", "Y0T2", 2017, 5),  # an age group: not used
        ]
    )
    table = analysis.care_composition(frame, ref_areas=["MKD"])
    assert table["year"].unique().tolist() == [2017]
    shares = table.set_index("care_type")["share"]
    assert shares.to_dict() == {"family_based": 0.75, "residential": 0.25}


def test_residential_exits_take_each_countrys_latest_year() -> None:
    frame = _regional(
        [
            ("SRB", "PT_CHLD_LEFTRESCARE_RETURNED", "_T", 2017, 50),
            ("SRB", "PT_CHLD_LEFTRESCARE_RETURNED", "_T", 2018, 30),
            ("SRB", "PT_CHLD_LEFTRESCARE_ADOPTED", "_T", 2018, 10),
        ]
    )
    table = analysis.residential_exits(frame, ref_areas=["SRB"])
    assert table["year"].unique().tolist() == [2018]
    assert table.set_index("destination")["share"].to_dict() == {
        "returned to parents": 0.75,
        "adopted": 0.25,
    }


def test_young_adoptions_join_counts_and_published_rates() -> None:
    frame = _regional(
        [
            ("SRB", "PT_CHLD_ADOPTION", "Y0T2", 2018, 33),
            ("SRB", "PT_CHLD_ADOPTION_RATE", "Y0T3", 2018, 37.8),
            ("SRB", "PT_CHLD_ADOPTION_RATE", "Y0T3", 2015, 59.3),
        ]
    )
    table = analysis.young_adoptions(frame, ref_areas=["SRB"]).set_index("year")
    assert table.loc[2018, ["adopted_0_2", "rate_0_3"]].tolist() == [33, 37.8]
    assert np.isnan(table.loc[2015, "adopted_0_2"])


def test_exit_incidence_uses_label_codes_and_milestones_read_steps() -> None:
    children = pd.DataFrame(
        {
            "duration_months": [1.0, 2.0, 3.0, 4.0, 5.0],
            "exited": [True, False, True, True, False],
            "exit_type": ["reunified", "censored", "adopted", "long_term_foster", "censored"],
        }
    )
    table = analysis.exit_incidence(children)
    assert set(table["group"]) == {"reunited", "adopted", "long_term_family"}
    at = analysis.milestones(table, [0.5, 1, 3.5], estimate="cumulative_incidence")
    reunited = at[at["group"] == "reunited"].set_index("time")["cumulative_incidence"]
    assert reunited.to_dict() == {0.5: 0.0, 1: pytest.approx(0.2), 3.5: pytest.approx(0.2)}


def test_counselling_outcomes_and_shares_by_risk_factor() -> None:
    counselling = pd.DataFrame(
        {
            "counselling_date": pd.to_datetime(["2021-03-01", "2021-06-01", "2022-01-10"]),
            "outcome": ["stayed_with_family", "placed_in_care", "stayed_with_family"],
            "risk_factors": ["poverty;single_mother", "poverty", None],
        }
    )
    outcomes = analysis.counselling_outcomes(counselling)
    assert outcomes.values.tolist() == [
        [2021, "entered_care", 1],
        [2021, "stayed_in_family", 1],
        [2022, "stayed_in_family", 1],
    ]
    by_risk = analysis.counselling_by_risk(counselling).set_index("risk_factor")
    assert by_risk.loc["poverty", ["mothers", "stayed"]].tolist() == [2, 1]
    assert by_risk.loc["none recorded", "share"] == 1.0
    assert by_risk.loc["poverty", "conf_low"] < 0.5 < by_risk.loc["poverty", "conf_high"]


SYNTHETIC = RecordOrigin(real=0, synthetic=40)
REAL = RecordOrigin(real=40, synthetic=0)


def test_case_level_outputs_say_when_records_are_synthetic() -> None:
    assert labels.case_title("brief.permanency_title", "en", origin=SYNTHETIC) == (
        "Time to a permanent family (demonstration data)"
    )
    assert labels.case_title("brief.permanency_title", "sq", origin=REAL) == (
        "Koha deri në një shtëpi të përhershme"
    )
    table = analysis.mark_case_table(pd.DataFrame({"x": [1]}), origin=SYNTHETIC, lang="sr")
    assert table["records"].iloc[0] == labels.case_source("sr", origin=SYNTHETIC)
    assert "sintetički" in table["records"].iloc[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mixed_records_say_which_part_is_synthetic_with_a_small_part_unsaid(lang) -> None:
    mixed = RecordOrigin(real=37, synthetic=3)
    title = labels.case_title("brief.permanency_title", lang, origin=mixed)
    source = labels.case_source(lang, origin=mixed)
    fewer = labels.label("fewer_than", lang, n="5")
    assert fewer in title and fewer in source and "40" in source
    assert "3" not in title and "3" not in source  # the part of 3 is a small count
    larger = labels.case_source(lang, origin=RecordOrigin(real=28, synthetic=12))
    assert "12" in larger and "40" in larger
    assert labels.origin_note("episodes", REAL, lang) == ""
    assert labels.label("file_kind.counselling", lang) in labels.origin_note(
        "counselling", SYNTHETIC, lang
    )


def test_median_sentence_names_groups_and_says_when_the_median_is_not_reached() -> None:
    medians = pd.DataFrame(
        {
            "group": ["residential", "sos_family"],
            "median": [18.25, float("nan")],
            "conf_low": [15.0, float("nan")],
            "conf_high": [22.5, float("nan")],
        }
    )
    assert labels.median_sentence(medians, what="reunification") == (
        "Median time to reunification: residential: 18.2 months (95% CI 15.0 to 22.5); "
        "sos_family: not reached (fewer than half within follow-up)."
    )


def test_counselling_tables_leave_the_project_with_small_counts_hidden() -> None:
    outcomes = pd.DataFrame(
        {
            "year": [2020, 2020, 2020, 2021, 2021, 2021],
            "outcome": ["stayed_in_family", "entered_care", "lost_to_follow_up"] * 2,
            "value": [30, 12, 3, 25, 9, 7],
        }
    )
    published = analysis.published_outcomes(outcomes)
    assert published["value"].tolist() == [30, "c", "c", 25, 9, 7]
    assert "suppression" not in published.columns
    by_risk = pd.DataFrame(
        {
            "risk_factor": ["poverty", "adolescent_mother", "other"],
            "mothers": [40, 3, 30],
            "stayed": [36, 3, 12],
            "share": [0.9, 1.0, 0.4],
            "conf_low": [0.77, 0.44, 0.25],
            "conf_high": [0.96, 1.0, 0.58],
        }
    )
    shown = analysis.published_by_risk(by_risk).set_index("risk_factor")
    assert shown.loc["poverty"].tolist() == [40, "c", "c", "c", "c", "c"]  # 4 did not stay
    assert shown.loc["adolescent_mother"].eq("c").all()
    assert shown.loc["other", "stayed"] == 12 and shown.loc["other", "share"] == 0.4
    assert shown.loc["other", "share_flag"] == ""  # 30 mothers
    few = by_risk.assign(mothers=[40, 3, 12], stayed=[36, 3, 6])
    assert analysis.published_by_risk(few).set_index("risk_factor").at["other", "share_flag"] == "u"


def test_case_sources_use_the_organisations_sourced_name_and_say_synthetic() -> None:
    albanian = labels.case_source("sq", origin=SYNTHETIC)
    assert "SOS Fshatrat e Fëmijëve Kosovë" in albanian and "sintetike" in albanian
    assert "synthetic" not in labels.case_source("en", origin=REAL)
    assert "SOS Dečija sela Kosovo" in labels.case_source("sr", origin=REAL)
