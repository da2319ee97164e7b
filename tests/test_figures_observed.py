"""Series charts: inferred values marked apart, gaps left open, obs_status published."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")

from caretrends import figures
from caretrends.labels import label


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2014, 2015, 2016, 2018],  # 2017 missing
            "value": [40.0, 38.0, 33.0, 28.0],
            "obs_status": ["E", "A", "A", "A"],
            "source": "KAS",
        }
    )


def test_inferred_value_has_its_own_legend_entry_and_status_column() -> None:
    chart = figures.trend_chart(_series(), title="t", measure="m")
    legend = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert label("inferred_value", "en") in legend
    assert chart.data.set_index("year")["obs_status"].to_dict() == {
        2014: "E",
        2015: "A",
        2016: "A",
        2017: "M",  # the gap: a row with no value
        2018: "A",
    }


def test_no_line_is_drawn_across_a_missing_year() -> None:
    chart = figures.trend_chart(_series(), title="t", measure="m")
    lines = [line for line in chart.figure.axes[0].get_lines() if line.get_linestyle() == "-"]
    joined = [line for line in lines if 2017.0 in np.asarray(line.get_xdata(), dtype=float)]
    assert joined, "the line should carry a break at the missing year"
    at_gap = np.asarray(joined[0].get_ydata(), dtype=float)[
        np.asarray(joined[0].get_xdata(), dtype=float) == 2017.0
    ]
    assert np.isnan(at_gap).all()
