"""The one disclosure module: what may leave the project, and in which form.

* :mod:`~caretrends.disclosure.rules`: the thresholds and markers, and the rules for one
  number (a count in a sentence, the flag of a share); loads without pandas.
* :mod:`~caretrends.disclosure.tables`: tables of counts and rates (small counts hidden as
  ``c`` with the cells that would reveal them, rates on few events flagged ``u``).
* :mod:`~caretrends.disclosure.cases`: numbers computed from the NGO's case records
  (curves, their readings, models).
"""

from __future__ import annotations

import lazy_loader

# Each name loads its own submodule on first use: the labels word a hidden count without
# importing pandas.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "rules": [
            "DEFAULT_RULES",
            "EVENTS_PER_COVARIATE",
            "MARKERS",
            "MIN_GROUP_CHILDREN",
            "NOT_APPLICABLE",
            "PRIMARY",
            "RELIABLE_EVENTS",
            "SECONDARY",
            "SUPPRESSED",
            "UNRELIABLE",
            "DisclosureRules",
            "count_shown",
            "fewest_shown",
            "share_flag",
        ],
        "tables": ["exposed_counts", "feasible_ranges", "published", "read_marked", "suppress"],
        "cases": [
            "FEW_AT_RISK",
            "FEW_CHILDREN",
            "FEW_EVENTS",
            "SMALL_GROUP",
            "ModelCheck",
            "ProtectedCurves",
            "model_withheld",
            "protect_curves",
        ],
    },
)
