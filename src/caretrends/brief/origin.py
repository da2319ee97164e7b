"""Whether the brief may quote case-level results: the one place that decides it.

A brief handed to a ministry never carries a number computed on synthetic demonstration
records. Today the decision reads the ``synthetic`` flag notebook 03 records with its
results (the ``permanency_within`` table); richer per-figure provenance (real, synthetic
or mixed) can replace it here without touching the brief's assembly.
"""

from __future__ import annotations

import pandas as pd


def case_results_are_real(permanency: pd.DataFrame) -> bool:
    """True when the case-level results rest on real records only.

    Parameters
    ----------
    permanency : DataFrame
        The ``permanency_within`` table of the run (column ``synthetic``, one row per
        result); an empty table has no real results.

    Examples
    --------
    >>> case_results_are_real(pd.DataFrame({"synthetic": [True]}))
    False
    >>> case_results_are_real(pd.DataFrame({"synthetic": [False]}))
    True
    """
    if permanency.empty:
        return False
    return not permanency["synthetic"].astype(bool).any()


def permanency_withheld(permanency: pd.DataFrame) -> str:
    """Why the disclosure rules withheld the run's permanency reading; ``""`` when shown.

    The table is read back from CSV, where an empty code is NaN.

    Examples
    --------
    >>> permanency_withheld(pd.DataFrame({"withheld": [float("nan")]}))
    ''
    >>> permanency_withheld(pd.DataFrame({"withheld": ["few_children"]}))
    'few_children'
    """
    code = permanency["withheld"].iloc[0]
    return code if isinstance(code, str) else ""


__all__ = ["case_results_are_real", "permanency_withheld"]
