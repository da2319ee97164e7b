"""Warning classes of the project, so that callers can filter or escalate them."""

from __future__ import annotations


class CaretrendsWarning(UserWarning):
    """Base class of every warning the project issues."""


class SmallNumbersWarning(CaretrendsWarning):
    """Counts or series too small for the requested estimate to be reliable."""


class ConvergenceWarning(CaretrendsWarning):
    """A model fit did not converge; its estimates must not be quoted."""


class DataQualityWarning(CaretrendsWarning):
    """Input data were usable but something about them needs a reader's attention."""
