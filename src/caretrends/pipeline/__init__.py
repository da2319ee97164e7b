"""From raw files to the tidy tables: readers, prepare, reconcile, indicators, validation
and the data-quality views of the result.

- :mod:`.readers`: the reader of each kind of raw file;
- :mod:`.prepare`: ``caretrends prepare`` (cached on inputs, configuration and code);
- :mod:`.reconcile`: one row per figure by source priority, values inferred from totals;
- :mod:`.indicators`: rates and shares with their numerators and denominators;
- :mod:`.validate`: ``caretrends validate``;
- :mod:`.quality`: sources, coverage, conflicts, inferred values and rejects, as tables.
"""

import lazy_loader

# What notebooks use, loaded on first use so that the command line starts without the
# data stack.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "consistency": [
            "check_series_changes",
            "check_stated_totals",
            "check_subannual",
            "consistency_findings",
        ],
        "prepare": ["input_counts", "prepare"],
        "quality": [
            "conflicts",
            "coverage",
            "coverage_grid",
            "inferred",
            "rejects_summary",
            "source_table",
        ],
        "validate": ["validate"],
    },
)
