"""Disclosure control: primary and secondary suppression, rates, published markers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from caretrends import disclosure
from caretrends.errors import DataValidationError
from tests._data import TEST_DATA

DFE = TEST_DATA / "england_dfe" / "national_cla_on_31_march_by_characteristics.csv"


def intruder_ranges(
    original: pd.DataFrame, hidden: pd.Series, rows: str, cols: str
) -> pd.DataFrame:
    """What an intruder can work out: bounds of each hidden cell from all row and column
    totals, the published cells and non-negativity (written independently of the module)."""
    cells = original.assign(hidden=hidden.to_numpy()).reset_index(drop=True)
    secret = cells.index[cells["hidden"]].tolist()
    equations, totals = [], []
    for dim in (rows, cols):
        for _, group in cells.groupby(dim):
            unknown = [secret.index(i) for i in group.index if group.at[i, "hidden"]]
            if unknown:
                row = np.zeros(len(secret))
                row[unknown] = 1
                equations.append(row)
                totals.append(group.loc[group["hidden"], "value"].sum())
    bounds = []
    for j in range(len(secret)):
        goal = np.eye(len(secret))[j]
        low = linprog(goal, A_eq=equations, b_eq=totals, bounds=(0, None)).fun
        high = -linprog(-goal, A_eq=equations, b_eq=totals, bounds=(0, None)).fun
        bounds.append((cells.at[secret[j], "value"], low, high))
    return pd.DataFrame(bounds, columns=["value", "lower", "upper"])


def cross_table(values: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"year": 2020 + i, "care_type": f"type_{j}", "value": v}
            for i, row in enumerate(values)
            for j, v in enumerate(row)
        ]
    )


def test_primary_suppression_hides_counts_of_one_to_four_only() -> None:
    table = pd.DataFrame({"year": range(2018, 2024), "value": [0, 1, 4, 5, 2, 30]})
    result = disclosure.suppress(table)
    assert result["suppression"].tolist() == ["", "primary", "primary", "", "primary", ""]
    assert result["value"].isna().tolist() == [False, True, True, False, True, False]
    assert result.loc[0, "value"] == 0  # zeros are published, hidden values are not zeros


def test_secondary_suppression_leaves_no_total_with_a_single_hidden_cell() -> None:
    table = cross_table([[12, 3, 40], [25, 30, 18], [9, 14, 2]])
    result = disclosure.suppress(
        table, dims=["year", "care_type"], totals_over=["year", "care_type"]
    )
    hidden = result["suppression"].ne("")
    assert result["suppression"].eq("primary").sum() == 2
    for dim in ("year", "care_type"):
        per_total = hidden.groupby(result[dim]).sum()
        assert not per_total.eq(1).any(), per_total
    ranges = intruder_ranges(table, hidden, "year", "care_type")
    assert (ranges["upper"] - ranges["lower"] >= 1).all(), ranges


def test_a_hidden_cell_cannot_be_recovered_from_row_or_column_totals() -> None:
    # Without secondary suppression the 3 would be total minus the other cells.
    table = cross_table([[3, 20, 31], [17, 22, 40]])
    primary_only = disclosure.suppress(table)["suppression"].ne("")
    exposed = intruder_ranges(table, primary_only, "year", "care_type")
    assert (exposed["upper"] == exposed["lower"]).all() and exposed["lower"].iloc[0] == 3
    protected = disclosure.suppress(
        table, dims=["year", "care_type"], totals_over=["year", "care_type"]
    )["suppression"].ne("")
    ranges = intruder_ranges(table, protected, "year", "care_type")
    assert (ranges["upper"] - ranges["lower"] >= 1).all(), ranges


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0, 1, 2, 3, 4, 6, 9, 15, 40]), min_size=4, max_size=4),
        min_size=3,
        max_size=4,
    )
)
def test_no_hidden_cell_of_any_small_table_is_recoverable(values: list[list[int]]) -> None:
    table = cross_table(values)
    try:
        result = disclosure.suppress(
            table, dims=["year", "care_type"], totals_over=["year", "care_type"]
        )
    except DataValidationError:
        return  # the module refuses tables it cannot protect; it never returns them exposed
    hidden = result["suppression"].ne("")
    assert hidden[table["value"].between(1, 4)].all()
    if hidden.any():
        ranges = intruder_ranges(table, hidden, "year", "care_type")
        assert (ranges["upper"] - ranges["lower"] >= 1 - 1e-9).all(), ranges


def test_dfe_markers_are_read_as_missing_never_as_zero() -> None:
    raw = pd.read_csv(DFE, dtype=str, encoding="utf-8-sig")
    cells = disclosure.read_marked(raw["number"], source_file=DFE.name, column="number")
    suppressed = raw["number"].eq("c")
    assert suppressed.sum() > 0 and raw["number"].eq("z").sum() > 0
    assert cells.loc[suppressed, "value"].isna().all()
    assert cells.loc[suppressed, "marker"].eq("c").all()
    assert cells.loc[raw["number"].eq("z"), "marker"].eq("z").all()
    numeric = ~raw["number"].isin(["c", "z"])
    assert cells.loc[numeric, "value"].notna().all()
    assert cells.loc[numeric, "value"].eq(pd.to_numeric(raw.loc[numeric, "number"])).all()
    # DfE withholds the percentage of every suppressed count too.
    assert raw.loc[suppressed, "percentage"].isin(["c", "z"]).all()


def test_suppression_on_the_dfe_placement_table_matches_the_publisher() -> None:
    raw = pd.read_csv(DFE, dtype=str, encoding="utf-8-sig")
    other = raw[raw["characteristic"].str.match(r"6[a-e] ") & raw["number"].ne("z")]
    dfe_hidden = other["number"].eq("c").to_numpy()
    # A 'c' stands for a small count; put one there to rebuild a real-shaped table.
    table = pd.DataFrame(
        {
            "year": other["time_period"].astype(int).to_numpy(),
            "placement": other["characteristic"].to_numpy(),
            "value": pd.to_numeric(other["number"].replace("c", "3")).to_numpy(),
        }
    )
    assert dfe_hidden.any()
    result = disclosure.suppress(table, dims=["year", "placement"], totals_over=["placement"])
    assert (result["suppression"].eq("primary").to_numpy() == dfe_hidden).all()
    hidden = result["suppression"].ne("")
    assert hidden.sum() > dfe_hidden.sum()  # yearly totals are published: secondary cells
    per_year = hidden.groupby(result["year"]).sum()
    assert not per_year.eq(1).any()


def test_rates_on_hidden_or_few_events_are_withheld_or_flagged() -> None:
    table = pd.DataFrame(
        {"year": [2020, 2021, 2022], "events": [3, 12, 45], "rate": [1.5, 6.0, 22.5]}
    )
    result = disclosure.suppress(table, count="events", rates=["rate"])
    assert result["rate_flag"].tolist() == ["c", "u", ""]
    assert np.isnan(result.loc[0, "rate"]) and result.loc[1, "rate"] == 6.0


def test_publication_marks_primary_and_secondary_alike() -> None:
    table = cross_table([[12, 3, 40], [25, 30, 18]])
    suppressed = disclosure.suppress(table, dims=["year", "care_type"], totals_over=["year"])
    published = disclosure.published(suppressed)
    assert "suppression" not in published.columns
    hidden = suppressed["suppression"].ne("")
    assert published.loc[hidden, "value"].eq("c").all()
    assert published.loc[~hidden, "value"].tolist() == table.loc[~hidden, "value"].tolist()
    reread = disclosure.read_marked(published["value"].astype(str), source_file="t", column="v")
    assert reread["value"].isna().tolist() == hidden.tolist()


def test_bad_input_is_named() -> None:
    with pytest.raises(DataValidationError, match="row 1: column 'value'.*negative"):
        disclosure.suppress(pd.DataFrame({"value": [5, -1]}))
    with pytest.raises(DataValidationError, match="row 2: column 'n': value 'n/a'"):
        disclosure.read_marked(pd.Series(["1", "c", "n/a"]), source_file="f.csv", column="n")
    with pytest.raises(DataValidationError, match="'care_type': missing"):
        disclosure.suppress(
            pd.DataFrame({"value": [5]}), dims=["care_type"], totals_over=["care_type"]
        )
