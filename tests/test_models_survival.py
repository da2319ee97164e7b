"""Survival methods checked against Gehan/Freireich, Rossi (Fox & Weisberg) and by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from caretrends.errors import DataValidationError
from caretrends.models.cox import fit_cox
from caretrends.models.logrank import logrank_test
from caretrends.models.survival import cumulative_incidence, kaplan_meier, median_survival
from caretrends.warnings import SmallNumbersWarning
from tests._data import TEST_DATA

REFERENCE = TEST_DATA


@pytest.fixture(scope="module")
def gehan() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "km_gehan" / "gehan.csv")


def test_kaplan_meier_matches_kleinbaum_and_klein(gehan: pd.DataFrame) -> None:
    table = kaplan_meier(gehan, duration="weeks", event="relapse", group="group")
    treated = table[table["group"] == 2].set_index("time")["survival"].round(3)
    published = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    assert treated.to_dict() == published
    assert table.columns.tolist() == [
        "group",
        "time",
        "at_risk",
        "events",
        "survival",
        "conf_low",
        "conf_high",
    ]
    inside = table.dropna()
    assert (
        (inside["conf_low"] <= inside["survival"]) & (inside["survival"] <= inside["conf_high"])
    ).all()


def test_medians_and_logrank_match_the_published_values(gehan: pd.DataFrame) -> None:
    medians = median_survival(kaplan_meier(gehan, duration="weeks", event="relapse", group="group"))
    assert medians.set_index("group")["median"].to_dict() == {1: 8.0, 2: 23.0}
    result = logrank_test(gehan, duration="weeks", event="relapse", group="group")
    assert round(result.statistic, 2) == 16.79
    assert result.df == 1
    assert result.p_value == pytest.approx(4.17e-05, rel=1e-2)
    assert "differ between the groups" in result.summary_text()


def test_cox_matches_fox_and_weisberg() -> None:
    rossi = pd.read_csv(REFERENCE / "cox_rossi" / "rossi.csv")
    covariates = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
    result = fit_cox(rossi, duration="week", event="arrest", covariates=covariates)
    coef = np.log(result.tidy().set_index("term")["estimate"])
    published = {
        "fin": -0.37942,
        "age": -0.05744,
        "race": 0.31390,
        "wexp": -0.14980,
        "mar": -0.43370,
        "paro": -0.08487,
        "prio": 0.09150,
    }
    for term, value in published.items():
        assert coef[term] == pytest.approx(value, abs=5e-5)
    assert result.tidy().set_index("term").loc["fin", "std_error"] == pytest.approx(
        0.19138, abs=5e-5
    )


def test_cox_with_few_events_per_covariate_warns() -> None:
    data = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6], "e": [1, 0, 1, 1, 0, 1], "x": [0, 1, 0, 1, 1, 0]})
    with pytest.warns(SmallNumbersWarning, match="4 events for 1 covariate: fewer than 10"):
        result = fit_cox(data, duration="t", event="e", covariates=["x"])
    assert "Caution:" in result.summary_text()


@pytest.fixture
def exits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "months": [1, 2, 3, 4, 5],
            "exited": [1, 0, 1, 1, 0],
            "exit": ["reunified", None, "adopted", "reunified", None],
        }
    )


def test_cumulative_incidence_matches_a_hand_calculation(exits: pd.DataFrame) -> None:
    # t=1: 5 at risk, reunified 1/5 -> 0.2, S=0.8; t=3: 3 at risk, adopted 0.8/3;
    # t=4: 2 at risk, reunified += (0.8 * 2/3) / 2.
    table = cumulative_incidence(exits, duration="months", event="exited", cause="exit")
    last = table[table["time"] == 4].set_index("cause")["cumulative_incidence"]
    assert last["reunified"] == pytest.approx(0.2 + 0.8 * 2 / 3 / 2)
    assert last["adopted"] == pytest.approx(0.8 / 3)
    reunified = table[table["cause"] == "reunified"].set_index("time")
    assert reunified["at_risk"].to_dict() == {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    assert reunified["events"].to_dict() == {1: 1, 2: 0, 3: 0, 4: 1, 5: 0}


def test_cumulative_incidences_add_up_to_one_minus_kaplan_meier() -> None:
    rng = np.random.default_rng(1)
    n = 200
    data = pd.DataFrame(
        {
            "months": rng.integers(1, 48, n),
            "exited": rng.integers(0, 2, n),
            "exit": rng.choice(["reunified", "adopted", "foster care"], n),
        }
    )
    cif = cumulative_incidence(data, duration="months", event="exited", cause="exit")
    total = cif.groupby("time")["cumulative_incidence"].sum()
    km = kaplan_meier(data, duration="months", event="exited").set_index("time")["survival"]
    np.testing.assert_allclose(total.loc[km.index], 1 - km, atol=1e-12)


def test_when_everyone_left_exits_at_once_the_interval_is_undefined_without_warnings(
    exits: pd.DataFrame,
) -> None:
    exits.loc[4, ["exited", "exit"]] = [1, "adopted"]  # the last child at risk leaves
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = cumulative_incidence(exits, duration="months", event="exited", cause="exit")
    last = table[table["time"] == 5].set_index("cause")
    assert last["cumulative_incidence"].sum() == pytest.approx(1.0)
    assert last[["conf_low", "conf_high"]].isna().all().all()
    earlier = table[table["time"] == 4]
    assert earlier[["conf_low", "conf_high"]].notna().all().all()


def test_an_exit_without_its_kind_is_refused(exits: pd.DataFrame) -> None:
    exits.loc[2, "exit"] = None
    with pytest.raises(DataValidationError, match="row 2, column 'exit'"):
        cumulative_incidence(exits, duration="months", event="exited", cause="exit")
