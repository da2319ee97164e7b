"""The plotted data as it may leave the project: small counts protected before drawing,
and the published table of a chart (hidden counts written ``c``, their status beside)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from caretrends import disclosure
from caretrends.errors import ParameterError


def protect(
    data: pd.DataFrame,
    *,
    kind: str,
    dims: Sequence[str] = (),
    totals_over: Sequence[str] = (),
    numerator: str | None = None,
) -> pd.DataFrame:
    """Apply disclosure control to plotted values unless the table already went through it.

    Parameters
    ----------
    data : DataFrame
        With a ``value`` column.
    kind : {"count", "rate"}
        Counts are suppressed; rates are withheld or flagged by their ``numerator``.
    dims, totals_over : sequence of str
        Passed to :func:`caretrends.disclosure.suppress` for counts.
    numerator : str, optional
        Column with the events behind a rate.

    Returns
    -------
    DataFrame
        ``data`` with ``value`` NaN where hidden, a boolean ``hidden`` column and a
        boolean ``unreliable`` column.
    """
    if kind not in ("count", "rate"):
        raise ParameterError(f"kind must be 'count' or 'rate', not {kind!r}")
    if "suppression" in data.columns:
        protected = data.copy()
    elif kind == "count":
        protected = disclosure.suppress(data, dims=dims, totals_over=totals_over)
    elif numerator is not None:
        protected = disclosure.suppress(data, count=numerator, rates=["value"])
    else:
        protected = data.assign(suppression="")
    protected["hidden"] = protected["suppression"].ne("") | protected.get(
        "value_flag", pd.Series("", index=protected.index)
    ).eq(disclosure.SUPPRESSED)
    protected["unreliable"] = protected.get("value_flag", pd.Series("", index=protected.index)).eq(
        disclosure.UNRELIABLE
    )
    protected["value"] = pd.to_numeric(protected["value"], errors="coerce").where(
        ~protected["hidden"]
    )
    return protected


def published_values(protected: pd.DataFrame) -> pd.Series:
    """Return ``value`` as published: numbers, ``c`` where hidden."""
    return pd.Series(
        [
            disclosure.SUPPRESSED if hidden else value
            for value, hidden in zip(protected["value"], protected["hidden"], strict=True)
        ],
        index=protected.index,
        dtype=object,
    )


def status_column(protected: pd.DataFrame) -> pd.Series:
    """Return each value's published status: ``c`` hidden, ``u`` unreliable, ``""``."""
    return pd.Series(
        np.select(
            [protected["hidden"], protected["unreliable"]],
            [disclosure.SUPPRESSED, disclosure.UNRELIABLE],
            default="",
        ),
        index=protected.index,
    )


def published_table(
    protected: pd.DataFrame, keys: Sequence[str], **columns: object
) -> pd.DataFrame:
    """Return the data table of protected values.

    Parameters
    ----------
    protected : DataFrame
        As :func:`protect` returns it.
    keys : sequence of str
        The columns that say what each value is (``year``, ``ref_area`` ...), first.
    **columns
        Further columns, placed between ``value`` (``c`` where hidden) and ``status``.

    Returns
    -------
    DataFrame
        ``keys``, ``value``, ``columns`` and ``status`` (see :func:`status_column`).
    """
    return protected[list(keys)].assign(
        value=published_values(protected), **columns, status=status_column(protected)
    )
