"""Sentences and titles composed from labels: case-level titles and sources that say when
records are synthetic, and median times as a report quotes them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the labels load without pandas
    import pandas as pd
from caretrends.labels.terms import label


def median_sentence(medians: pd.DataFrame, *, what: str, unit: str = "months") -> str:
    """Say each group's median time with its interval, as a report quotes it.

    Parameters
    ----------
    medians : DataFrame
        From :func:`caretrends.models.median_survival`: ``group``, ``median``,
        ``conf_low``, ``conf_high`` (``inf`` where the upper limit is not reached).
    what : str
        The event, e.g. ``"a permanent family"``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"group": ["all"], "median": [13.0], "conf_low": [12.2],
    ...                       "conf_high": [float("inf")]})
    >>> median_sentence(table, what="a permanent family")
    'Median time to a permanent family: 13.0 months (95% CI 12.2 to not reached).'
    """
    parts = []
    for row in medians.itertuples(index=False):
        prefix = "" if row.group == "all" else f"{row.group}: "
        if math.isnan(row.median):
            parts.append(f"{prefix}not reached (fewer than half within follow-up)")
            continue
        high = f"{row.conf_high:.1f}" if math.isfinite(row.conf_high) else "not reached"
        parts.append(f"{prefix}{row.median:.1f} {unit} (95% CI {row.conf_low:.1f} to {high})")
    return f"Median time to {what}: " + "; ".join(parts) + "."


def case_title(key: str, lang: str, *, synthetic: bool) -> str:
    """A case-level figure's title, saying on its face when the records are synthetic."""
    title = label(key, lang)
    return label("brief.demonstration_suffix", lang, title=title) if synthetic else title


def case_source(lang: str, *, synthetic: bool) -> str:
    """The source line of a case-level figure or key number, saying when it is synthetic."""
    return label("brief.case_records_synthetic" if synthetic else "brief.case_records_source", lang)
