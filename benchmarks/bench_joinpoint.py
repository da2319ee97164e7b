"""Time joinpoint fits on 40 annual points: BIC selection and a 999-permutation test.

Targets (issue 3): up to 3 joinpoints with BIC under 1 s; with 999 permutations under 30 s.
Run: ``PYTHONPATH=src python benchmarks/bench_joinpoint.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from caretrends.models.joinpoint import fit_joinpoint


def forty_annual_points(seed: int = 0) -> pd.DataFrame:
    """A rate with three changes of trend, Poisson-sized noise and its standard errors."""
    rng = np.random.default_rng(seed)
    year = np.arange(1984, 2024, dtype=float)
    log_rate = (
        np.log(80)
        + 0.03 * (year - 1984)
        - 0.07 * np.maximum(year - 1995, 0)
        + 0.06 * np.maximum(year - 2006, 0)
        - 0.05 * np.maximum(year - 2015, 0)
    )
    exposure = 50_000.0
    counts = rng.poisson(np.exp(log_rate) * exposure / 1000)
    return pd.DataFrame(
        {
            "year": year,
            "rate": counts / exposure * 1000,
            "se": np.sqrt(counts) / exposure * 1000,
        }
    )


def timed(label: str, repeats: int, **kwargs: object) -> None:
    data = forty_annual_points()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fit_joinpoint(data, x="year", y="rate", se="se", max_joinpoints=3, **kwargs)
        seconds.append(time.perf_counter() - start)
    print(
        f"{label}: best {min(seconds):.3f} s, median {np.median(seconds):.3f} s "
        f"over {repeats} runs; joinpoints {result.joinpoints}"
    )


if __name__ == "__main__":
    timed("BIC, up to 3 joinpoints, 40 points", repeats=5)
    timed(
        "permutation test, 999 permutations, up to 3 joinpoints, 40 points",
        repeats=3,
        method="permutation",
        n_permutations=999,
        seed=1,
    )
