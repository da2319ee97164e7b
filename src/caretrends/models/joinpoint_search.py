"""The joinpoint search: every admissible set of joinpoints on the grid of observed x,
weighted least squares on each, selection by BIC or permutation test (NCI Joinpoint)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from caretrends.errors import DataValidationError, ModelDataError, ParameterError

#: A segment resting on fewer of its own observations than this gets a caveat.
MIN_SEGMENT_OBS = 3


SELECTION_METHODS = ("bic", "permutation")


#: Bound on the (configurations x permutations) block held in memory at once.
_BLOCK_CELLS = 4_000_000


def joinpoint_sets(n: int, k: int, min_obs_end: int, min_obs_between: int) -> np.ndarray:
    """Every allowed set of ``k`` joinpoint indices, as a (sets, k) integer array."""
    positions = range(min_obs_end, n - min_obs_end)
    sets = [
        c
        for c in combinations(positions, k)
        if all(b - a - 1 >= min_obs_between for a, b in zip(c, c[1:], strict=False))
    ]
    return np.array(sets, dtype=int).reshape(len(sets), k)


def _hinge_designs(x: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """Stacked hinge designs ``[1, x, (x - tau_1)+, ...]``, shape (sets, n, 2 + k)."""
    centred = x - x.mean()
    base = np.broadcast_to(np.column_stack([np.ones_like(x), centred]), (len(sets), x.size, 2))
    hinges = np.maximum(centred[None, :, None] - centred[sets][:, None, :], 0.0)
    return np.concatenate([base, hinges], axis=2)


@dataclass
class Grid:
    """All allowed ``k``-joinpoint models of one series, ready to score many responses."""

    sets: np.ndarray
    basis: np.ndarray  # orthonormal bases of the weighted designs, (sets, n, p)

    @classmethod
    def build(cls, x: np.ndarray, sw: np.ndarray, sets: np.ndarray) -> Grid:
        weighted = _hinge_designs(x, sets) * sw[None, :, None]
        return cls(sets, np.linalg.qr(weighted)[0])

    def best(self, yw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Minimum weighted SSE and the best set for each column of whitened responses."""
        n_sets, n, p = self.basis.shape
        flat = self.basis.transpose(0, 2, 1).reshape(n_sets * p, n)
        total = np.einsum("nb,nb->b", yw, yw)
        sse = np.empty(yw.shape[1])
        which = np.empty(yw.shape[1], dtype=int)
        step = max(1, _BLOCK_CELLS // (n_sets * p))
        for lo in range(0, yw.shape[1], step):
            block = yw[:, lo : lo + step]
            explained = ((flat @ block) ** 2).reshape(n_sets, p, -1).sum(axis=1)
            which[lo : lo + step] = explained.argmax(axis=0)
            sse[lo : lo + step] = total[lo : lo + step] - explained.max(axis=0)
        return np.maximum(sse, 0.0), which


@dataclass
class Series:
    x: np.ndarray
    y: np.ndarray  # log scale
    w: np.ndarray

    @property
    def sw(self) -> np.ndarray:
        return np.sqrt(self.w)


def prepare_series(data: pd.DataFrame, x: str, y: str, se: str | None) -> Series:
    for column in (x, y) + ((se,) if se else ()):
        if column not in data.columns:
            raise ParameterError(f"column {column!r} is not in the data")
    ordered = data.sort_values(x, kind="stable")
    values = {c: pd.to_numeric(ordered[c], errors="coerce").to_numpy(float) for c in (x, y)}
    problems = [
        f"row {r}, column {y!r}: {v!r} must be a positive number (the model is on log {y})"
        for r, v in zip(ordered.index, values[y], strict=True)
        if not (np.isfinite(v) and v > 0)
    ]
    problems += [
        f"row {r}, column {x!r}: {v!r} is missing"
        for r, v in zip(ordered.index, values[x], strict=True)
        if not np.isfinite(v)
    ]
    weights = np.ones(len(ordered))
    if se:
        errors = pd.to_numeric(ordered[se], errors="coerce").to_numpy(float)
        problems += [
            f"row {r}, column {se!r}: {v!r} must be a positive standard error"
            for r, v in zip(ordered.index, errors, strict=True)
            if not (np.isfinite(v) and v > 0)
        ]
        if not problems:
            weights = (values[y] / errors) ** 2  # 1 / var(log y), delta method
    if problems:
        raise DataValidationError(problems)
    repeated = sorted({v for v in values[x] if (values[x] == v).sum() > 1})
    if repeated:
        raise ModelDataError(
            f"{x} {', '.join(f'{v:g}' for v in repeated)} appears more than once: joinpoint "
            "regression needs one value per time point"
        )
    return Series(values[x], np.log(values[y]), weights)


def max_feasible(n: int, min_obs_end: int, min_obs_between: int) -> int:
    """Largest k whose joinpoints fit and leave the unconstrained fit a residual df."""
    k = 0
    while True:
        nxt = k + 1
        fits = n >= 2 * min_obs_end + (nxt - 1) * min_obs_between + nxt
        if not fits or n - nxt - 2 * (nxt + 1) < 1:
            return k
        k = nxt


def bic(sse: float, n: int, k: int, floor: float) -> float:
    """Joinpoint's BIC; ``floor`` keeps an exact fit (SSE 0 up to rounding) comparable."""
    return math.log(max(sse, floor) / n) + 2 * (k + 1) * math.log(n) / n


def permutation_choice(
    series: Series,
    grids: dict[int, Grid],
    kmax: int,
    n_permutations: int,
    alpha: float,
    seed: int | None,
) -> tuple[int, pd.DataFrame]:
    """Kim et al. (2000) sequential permutation tests; return the chosen k and the tests."""
    rng = np.random.default_rng(seed)
    yw = (series.sw * series.y)[:, None]
    a, b = 0, kmax
    tests = []
    while a < b:
        sse_a, which = grids[a].best(yw)
        sse_b, _ = grids[b].best(yw)
        null_fit = wls_fit(series, series.x[grids[a].sets[which[0]]])[0]
        residual = series.sw * (series.y - null_fit)
        permuted = rng.permuted(np.tile(residual[:, None], n_permutations), axis=0)
        y_star = (series.sw * null_fit)[:, None] + permuted
        ratio = sse_a[0] / sse_b[0]
        ratio_star = grids[a].best(y_star)[0] / grids[b].best(y_star)[0]
        p = (1 + np.sum(ratio_star >= ratio * (1 - 1e-12))) / (n_permutations + 1)
        level = alpha / (kmax - a)
        tests.append({"null": a, "alternative": b, "p_value": p, "level": level})
        if p < level:
            a += 1
        else:
            b -= 1
    return a, pd.DataFrame(tests, columns=["null", "alternative", "p_value", "level"])


def wls_fit(series: Series, joinpoints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hinge fit at fixed joinpoints: fitted log values and the segment slopes."""
    design = _hinge_designs(series.x, np.searchsorted(series.x, joinpoints)[None, :])[0]
    coef = np.linalg.lstsq(design * series.sw[:, None], series.y * series.sw, rcond=None)[0]
    return design @ coef, np.cumsum(coef[1:])


def slope_covariance(series: Series, bounds: np.ndarray) -> tuple[np.ndarray, int]:
    """Joinpoint's unconstrained fit: covariance of the segment slopes and its residual df."""
    keep = ~np.isin(series.x, bounds[1:-1])
    x, y, w = series.x[keep], series.y[keep], series.w[keep]
    columns = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        inside = ((x >= lo) & (x <= hi)).astype(float)
        columns += [inside, inside * (x - x.mean())]
    design = np.column_stack(columns)
    sw = np.sqrt(w)
    coef = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)[0]
    df = int(keep.sum() - design.shape[1])
    sigma2 = float(np.sum(w * (y - design @ coef) ** 2) / df)
    cov = sigma2 * np.linalg.inv((design * w[:, None]).T @ design)
    return cov[1::2, 1::2], df
