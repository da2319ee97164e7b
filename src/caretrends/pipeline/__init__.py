"""From raw files to the tidy tables: readers, prepare, reconcile, indicators, validation
and the data-quality views of the result.

- :mod:`.readers`: the reader of each kind of raw file;
- :mod:`.prepare`: ``caretrends prepare`` (cached on inputs, configuration and code);
- :mod:`.reconcile`: one row per figure by source priority, values inferred from totals;
- :mod:`.indicators`: rates and shares with their numerators and denominators;
- :mod:`.validate`: ``caretrends validate``;
- :mod:`.quality`: sources, coverage, conflicts, inferred values and rejects, as tables.
"""

import importlib
from typing import Any

# What notebooks use, loaded on first use so that the command line starts without the
# data stack.
_FACE: dict[str, str] = {
    "source_table": "quality",
    "coverage": "quality",
    "coverage_grid": "quality",
    "conflicts": "quality",
    "inferred": "quality",
    "rejects_summary": "quality",
    "check_subannual": "consistency",
    "check_stated_totals": "consistency",
    "check_series_changes": "consistency",
    "consistency_findings": "consistency",
    "input_counts": "prepare",
    "prepare": "prepare",
    "validate": "validate",
}

__all__ = sorted(_FACE)


def __getattr__(name: str) -> Any:
    if name in _FACE:
        return getattr(importlib.import_module(f"{__name__}.{_FACE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
