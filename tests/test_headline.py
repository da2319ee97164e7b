"""The headline's machinery: series variants, the primary estimate, the power of the ITS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from caretrends.analysis import headline
from caretrends.models.text import p_value_text


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2010, 2011, 2012, 2013, 2014],
            "value": [50.0, 48.0, 45.0, 40.0, 38.0],
            "obs_status": ["A", "A", "E", "A", "A"],
            "alternatives": ["AiBi [r]: 51", "", "", "MPMS [x]: 43; AiBi [y]: 40", ""],
            "births": 30_000.0,
        }
    )


def test_three_contested_years_give_eight_variants() -> None:
    variants, note = headline.series_variants(_table())
    assert len(variants) == 8 and note.startswith("8 series from 3 contested years")
    assert variants[0] == {2010: 50.0, 2012: 45.0, 2013: 40.0}
    assert {v[2012] for v in variants} == {45.0, None}  # inferred: used or left out
    assert {v[2013] for v in variants} == {40.0, 43.0}  # the equal AiBi value is no choice
    sample, note = headline.series_variants(_table(), max_variants=5, seed=1)
    assert len(sample) == 5 and sample[0] == variants[0] and "seed 1" in note
    left_out = headline.apply_variant(_table(), {2012: None, 2013: 43.0})
    assert 2012 not in left_out["year"].tolist()
    assert left_out.set_index("year").loc[2013, "value"] == 43.0


def test_source_sensitivity_fits_every_variant() -> None:
    spec = headline.PrimaryAnalysis("births", "quasipoisson", 2010, 2014)
    table = headline.source_sensitivity(_table(), spec)
    assert len(table) == 8
    assert (table["conf_low"] < table["estimate"]).all()
    assert (table["estimate"] < table["conf_high"]).all()


def test_minimum_detectable_ratio_agrees_with_an_independent_simulation() -> None:
    years = np.arange(2005, 2021)
    series = pd.DataFrame({"year": years, "value": np.round(60 * 0.95 ** (years - 2005))})
    power = headline.minimum_detectable_ratio(
        series, 2013, n_sim=150, ratios=(0.5, 0.7, 0.9), seed=3
    )
    assert list(power["power"]) == sorted(power["power"], reverse=True)
    # An independent simulation: Poisson counts, quasi-Poisson Wald t test of the level term.
    rng = np.random.default_rng(7)
    mean = np.asarray(series["value"], dtype=float)
    after = (years >= 2013).astype(float)
    design = sm.add_constant(np.column_stack([years - years.mean(), after]))
    for ratio, expected in zip(power["ratio"], power["power"], strict=True):
        hits = 0
        for _ in range(150):
            y = rng.poisson(mean * np.where(after == 1, ratio, 1.0))
            fit = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2")
            p = 2 * stats.t.sf(abs(fit.tvalues[2]), len(years) - 3)  # quasi-Poisson: t on df
            hits += p < 0.05 and fit.params[2] < 0
        assert expected == pytest.approx(hits / 150, abs=0.15)


def test_p_values_below_a_thousandth_read_as_such_in_the_locale() -> None:
    assert p_value_text(1e-6, "en") == "p < 0.001" and p_value_text(1e-6, "sq") == "p < 0,001"
