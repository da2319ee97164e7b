"""Where a case figure's records came from: real exports, synthetic demonstration records, or
a mix (and which part).

A figure says so on its face in every language (title, source, the ``records`` column of
its table, key number, alt text): :func:`caretrends.labels.case_title`,
:func:`caretrends.labels.case_source`. The origin is read from the records a figure is
computed from, never from another kind of record: real episodes say nothing about the
counselling records beside them. Loads without pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

REAL = "real"
SYNTHETIC = "synthetic"
MIXED = "mixed"


@dataclass(frozen=True)
class RecordOrigin:
    """How many of a figure's records are real and how many synthetic.

    Examples
    --------
    >>> RecordOrigin.of([True, True]).kind, RecordOrigin.of([False, True]).kind
    ('synthetic', 'mixed')
    """

    real: int
    synthetic: int

    @classmethod
    def of(cls, synthetic_flags: Iterable[object]) -> RecordOrigin:
        """The origin of records from their ``synthetic`` flags (one per record)."""
        flags = [bool(flag) for flag in synthetic_flags]
        return cls(real=flags.count(False), synthetic=flags.count(True))

    @property
    def total(self) -> int:
        """Every record."""
        return self.real + self.synthetic

    @property
    def kind(self) -> str:
        """:data:`REAL`, :data:`SYNTHETIC` or :data:`MIXED` (no records count as real)."""
        if self.synthetic and self.real:
            return MIXED
        return SYNTHETIC if self.synthetic else REAL

    @property
    def mixed(self) -> bool:
        """True when some records are real and some synthetic."""
        return self.kind == MIXED

    @property
    def any_synthetic(self) -> bool:
        """True when any record is synthetic: the figure must say so."""
        return self.synthetic > 0
