"""Exception classes of the project."""

from __future__ import annotations


class CaretrendsError(Exception):
    """Base class of every error the project raises on purpose."""


class DataValidationError(CaretrendsError, ValueError):
    """Input data break a rule; the message names file, table, row, column and reason.

    Parameters
    ----------
    problems : list of str
        One line per problem, each already naming where it is and why.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(text)


class ParameterError(CaretrendsError, ValueError):
    """A run or notebook parameter is unknown or of the wrong type."""


class ModelDataError(CaretrendsError, ValueError):
    """The data cannot support the model asked of them; the message says what is missing.

    Raised by the model functions for data that are valid row by row but degenerate as a
    whole: no events, a single group, a constant or perfectly separating covariate, counts
    that are all zero (overall or in a segment), repeated time points, or too few points
    for the terms requested.
    """
