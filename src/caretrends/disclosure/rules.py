"""The disclosure policy's thresholds and markers, and the rules for one number (loads
without pandas, for the labels that word a hidden count)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from caretrends.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

#: Marker of a suppressed value (DfE, ONS).
SUPPRESSED = "c"
#: Marker of a value that does not apply (DfE).
NOT_APPLICABLE = "z"
#: Marker of a rate on too few events to be reliable (ONS).
UNRELIABLE = "u"
#: Markers official tables use for a missing value, with their meaning.
MARKERS: dict[str, str] = {
    SUPPRESSED: "suppressed",
    NOT_APPLICABLE: "not applicable",
    "x": "not available",
    "..": "not available",
    ":": "not available",
    "low": "fewer than 0.5 (rounded to zero)",
}

#: Values of the ``suppression`` column.
PRIMARY = "primary"
SECONDARY = "secondary"

#: Fewer events than this make a rate unreliable (Office for National Statistics convention).
#: The one reliability threshold of the project: models, tables, figures and briefs read it.
RELIABLE_EVENTS = 20


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds of the disclosure policy."""

    #: The smallest count suppressed (zeros are published).
    low: int = 1
    #: The largest count suppressed: counts from ``low`` to ``high`` inclusive are hidden.
    high: int = 4
    #: Rates on fewer events than this are flagged unreliable (ONS: 20).
    unreliable_below: int = RELIABLE_EVENTS

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ParameterError(f"disclosure rules: need 0 <= low <= high, got {self}")

    def is_small(self, counts: pd.Series) -> pd.Series:
        """Return True for counts that primary suppression hides."""
        return counts.between(self.low, self.high)

    def hides(self, count: float) -> bool:
        """Return True when primary suppression hides this one count."""
        return bool(self.low <= count <= self.high)


DEFAULT_RULES = DisclosureRules()

#: Fewer children than this in a group: its curve, readings and shares are not published
#: as they are (curves withheld, shares flagged ``u``).
MIN_GROUP_CHILDREN = RELIABLE_EVENTS
#: Events a model needs per covariate before its hazard ratios are published.
EVENTS_PER_COVARIATE = 10


def fewest_shown(rules: DisclosureRules = DEFAULT_RULES) -> int:
    """The smallest positive count published: ``rules.high + 1`` (5)."""
    return rules.high + 1


def count_shown(count: int, rules: DisclosureRules = DEFAULT_RULES) -> int | str:
    """A count as it may be shown: itself, or ``c`` from ``rules.low`` to ``rules.high``.

    Examples
    --------
    >>> count_shown(0), count_shown(3), count_shown(6)
    (0, 'c', 6)
    """
    return SUPPRESSED if rules.hides(count) else int(count)


def share_flag(denominator: int, rules: DisclosureRules = DEFAULT_RULES) -> str:
    """The flag of a share of ``denominator`` children: ``c``, ``u`` or ``""``.

    Examples
    --------
    >>> share_flag(3), share_flag(12), share_flag(40)
    ('c', 'u', '')
    """
    if rules.hides(denominator):
        return SUPPRESSED
    return UNRELIABLE if denominator < MIN_GROUP_CHILDREN else ""
